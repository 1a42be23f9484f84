from django.apps import AppConfig


class ActivityConfig(AppConfig):
    name = "detente.activity"
    label = "activity"
    verbose_name = "Activity feed"
