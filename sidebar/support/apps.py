from django.apps import AppConfig


class SupportConfig(AppConfig):
    name = "sidebar.support"
    label = "support"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Shredding a request's identity de-identifies what remains of it, in the same
        # transaction (issue 16, section 1).
        from sidebar.support.residue import deidentify
        from sidebar.vault.services import after_shred

        after_shred(deidentify)
