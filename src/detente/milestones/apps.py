from django.apps import AppConfig


class MilestonesConfig(AppConfig):
    name = "detente.milestones"
    label = "milestones"
    verbose_name = "Milestones"

    def ready(self) -> None:
        from detente.goals.forms import REFERENCE_SOURCES
        from detente.milestones import tracking  # noqa: F401  (recomputes as values arrive)
        from detente.milestones.reference import past_goals

        if past_goals not in REFERENCE_SOURCES:
            REFERENCE_SOURCES.append(past_goals)
