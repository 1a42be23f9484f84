from django.apps import AppConfig


class ConflictsConfig(AppConfig):
    name = "detente.conflicts"
    label = "conflicts"
