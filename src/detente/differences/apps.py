from django.apps import AppConfig


class DifferencesConfig(AppConfig):
    name = "detente.differences"
    label = "differences"
