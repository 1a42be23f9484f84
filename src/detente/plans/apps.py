from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "detente.plans"
    label = "plans"
