from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "detente.meetings"
    label = "meetings"
    verbose_name = "Meetings"

    def ready(self) -> None:
        from detente.jobs import schedule
        from detente.meetings import (  # noqa: F401  (registers the calendar source)
            calendar,
            milestone_agenda,  # noqa: F401  (milestones at risk or missed)
            tasks,
        )

        schedule.register("meeting_cadence", tasks.CADENCE_EVERY, tasks.run_cadence)
        schedule.register("progress_digest", tasks.DIGEST_EVERY, tasks.send_progress_digests)
