from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "detente.notifications"
    label = "notifications"
    verbose_name = "Notifications"

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from detente.audit.models import AuditEntry
        from detente.jobs import delivery, schedule
        from detente.notifications import rules, tasks

        # The one hook into the capability apps: every change they make is written to the
        # audit log by the action itself, and the rules turn some of those into events.
        post_save.connect(rules.on_audit_entry, sender=AuditEntry, dispatch_uid="notify-on-audit")
        delivery.register("notifications.WebhookDelivery", tasks.deliver_webhook)
        schedule.register("scan_due", tasks.SCAN_EVERY, tasks.scan_due)
        schedule.register("daily_digest", tasks.DIGEST_EVERY, tasks.send_digests)
        schedule.register("escalate", tasks.ESCALATE_EVERY, tasks.escalate)
        schedule.register("early_warning_scan", tasks.EARLY_WARNING_EVERY, tasks.early_warning_scan)
