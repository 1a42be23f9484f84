from django.apps import AppConfig


class NegotiationConfig(AppConfig):
    name = "detente.negotiation"
    label = "negotiation"

    def ready(self) -> None:
        from detente.negotiation import approval  # noqa: F401  (registers the approval kind)
