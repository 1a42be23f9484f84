from django.apps import AppConfig


class CommitmentsConfig(AppConfig):
    name = "detente.commitments"
    label = "commitments"
