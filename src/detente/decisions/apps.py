from django.apps import AppConfig


class DecisionsConfig(AppConfig):
    name = "detente.decisions"
    label = "decisions"
