from django.apps import AppConfig


class CalendarsConfig(AppConfig):
    name = "detente.calendars"
    label = "calendars"
    verbose_name = "Calendars"

    def ready(self) -> None:
        from detente.calendars import sources  # noqa: F401  (registers the calendar sources)
