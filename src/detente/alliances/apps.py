from django.apps import AppConfig


class AlliancesConfig(AppConfig):
    name = "detente.alliances"
    label = "alliances"
    verbose_name = "Alliances"
