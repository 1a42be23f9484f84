from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "detente.accounts"
    label = "accounts"
    verbose_name = "Organisations and people"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from detente.accounts.sessions import remember_sign_in

        user_logged_in.connect(remember_sign_in, dispatch_uid="detente.remember_sign_in")
