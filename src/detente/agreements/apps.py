from django.apps import AppConfig


class AgreementsConfig(AppConfig):
    name = "detente.agreements"
    label = "agreements"

    def ready(self) -> None:
        from detente.agreements import approval  # noqa: F401  (registers the approval kind)
