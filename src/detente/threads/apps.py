from django.apps import AppConfig


class ThreadsConfig(AppConfig):
    name = "detente.threads"
    label = "threads"
    verbose_name = "Comment threads"
