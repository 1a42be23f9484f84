from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "detente.jobs"
    label = "jobs"
    verbose_name = "Background jobs"

    def ready(self) -> None:
        from detente.jobs import delivery, schedule, tasks

        delivery.register("jobs.OutgoingEmail", tasks.deliver_email)
        schedule.register("sweep", schedule.SWEEP_EVERY, tasks.sweep)
