from django.apps import AppConfig


class ObjectivesConfig(AppConfig):
    name = "detente.objectives"
    label = "objectives"
