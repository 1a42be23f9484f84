from django.apps import AppConfig


class RelationshipsConfig(AppConfig):
    name = "detente.relationships"
    label = "relationships"
    verbose_name = "Relationship health"

    def ready(self) -> None:
        from detente.jobs import schedule
        from detente.relationships import tasks

        schedule.register("check_ins", tasks.SCAN_EVERY, tasks.scan_check_ins)
