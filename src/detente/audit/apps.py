from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "detente.audit"
    label = "audit"
    verbose_name = "Audit log"
