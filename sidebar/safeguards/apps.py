from django.apps import AppConfig


class SafeguardsConfig(AppConfig):
    name = "sidebar.safeguards"
    label = "safeguards"
    default_auto_field = "django.db.models.BigAutoField"
