from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "detente.accounts"
    label = "accounts"
    verbose_name = "Organisations and people"
