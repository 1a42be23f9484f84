from django.apps import AppConfig


class HealthConfig(AppConfig):
    name = "detente.health"
    label = "health"
