from django.apps import AppConfig


class VisionConfig(AppConfig):
    name = "detente.vision"
    label = "vision"

    def ready(self) -> None:
        # The conversion targets this app knows itself (a negotiation issue); another app
        # registers its own target from its own ready() (see detente.vision.conversions).
        from detente.vision import conversions  # noqa: F401
