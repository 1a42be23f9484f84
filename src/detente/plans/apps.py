from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "detente.plans"
    label = "plans"

    def ready(self) -> None:
        # Register the approval kinds, and what an idea of the vision page can become.
        from detente.plans import approval, conversions  # noqa: F401
