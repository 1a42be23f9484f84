from django.apps import AppConfig


class AgreementsConfig(AppConfig):
    name = "detente.agreements"
    label = "agreements"
