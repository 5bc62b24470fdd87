from django.apps import AppConfig


class ThrottleConfig(AppConfig):
    """Counting attempts against a limit, atomically, in the database every web worker and host
    shares (sign-in limits; see sidebar/throttle/counters.py)."""

    name = "sidebar.throttle"
    label = "throttle"
    default_auto_field = "django.db.models.BigAutoField"
