from django.apps import AppConfig


class VaultConfig(AppConfig):
    name = "sidebar.vault"
    label = "vault"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from sidebar.vault import checks  # noqa: F401  (registers the master-key check)
