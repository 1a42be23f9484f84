from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "detente.plans"
    label = "plans"

    def ready(self) -> None:
        from detente.plans import approval  # noqa: F401  (registers the approval kinds)
        from detente.plans import conversions  # noqa: F401  (an idea becomes a priority)
