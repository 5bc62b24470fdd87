from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "sidebar.accounts"
    label = "accounts"
    default_auto_field = "django.db.models.BigAutoField"
