from django.apps import AppConfig


class OutboxConfig(AppConfig):
    """Every e-mail Sidebar sends, kept until an SMTP server accepted it, and the worker that
    sends them (``db_worker``, made to survive a database outage and to reclaim a dead worker's
    job: see sidebar/outbox/worker.py)."""

    name = "sidebar.outbox"
    label = "outbox"
    default_auto_field = "django.db.models.BigAutoField"
