from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "sidebar.audit"
    label = "audit"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from sidebar.audit import (
            receivers,  # noqa: F401  (connects the sign-in receivers)
            security_events,
        )

        security_events.connect()  # issue 17: two-factor, password, rate-limit events
