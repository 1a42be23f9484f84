from django.apps import AppConfig


class OverlapConfig(AppConfig):
    name = "detente.overlap"
    verbose_name = "Customer overlap"
