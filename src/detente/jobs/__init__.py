"""Background jobs: django-tasks (the backport of Django 6's tasks framework) with its
database backend, an outbox for emails, retries with back-off, and a small scheduler.

Nothing here imports a product area; the product's apps import from here (``queue_email``)
and register their own deliveries and periodic jobs. See docs/notifications.md.
"""
