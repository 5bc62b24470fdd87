from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "sidebar.accounts"
    label = "accounts"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from sidebar.accounts.sign_in_traces import keep_days_only, note_first_sign_in

        # Registered under django.contrib.auth's own dispatch_uid, before its ready() runs (this
        # app comes first in INSTALLED_APPS): auth's update_last_login, which would write the
        # moment of every sign-in, is then never connected. tests/accounts checks the row.
        user_logged_in.connect(note_first_sign_in, dispatch_uid="update_last_login")
        keep_days_only()
