from django.apps import AppConfig


class ApprovalsConfig(AppConfig):
    name = "detente.approvals"
    label = "approvals"
    verbose_name = "Internal approvals"
