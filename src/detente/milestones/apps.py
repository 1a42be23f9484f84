from django.apps import AppConfig


class MilestonesConfig(AppConfig):
    name = "detente.milestones"
    label = "milestones"
    verbose_name = "Milestones"

    def ready(self) -> None:
        from detente.milestones import tracking  # noqa: F401  (recomputes as values arrive)
