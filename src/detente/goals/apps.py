from django.apps import AppConfig


class GoalsConfig(AppConfig):
    name = "detente.goals"
    label = "goals"
