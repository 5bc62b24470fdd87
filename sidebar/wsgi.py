import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sidebar.settings")

application = get_wsgi_application()


def _refuse_a_wrong_master_key() -> None:
    """gunicorn runs no system checks: refuse to serve if the master key cannot open the data
    keys already in the database (a missing or wrong SIDEBAR_MASTER_KEY)."""
    from django.core.exceptions import ImproperlyConfigured
    from django.db import DatabaseError

    from sidebar.vault.services import master_key_problems

    try:
        problems = master_key_problems()
    except DatabaseError:
        return  # not migrated yet
    if problems:
        raise ImproperlyConfigured("Sidebar will not start: " + "; ".join(problems))


_refuse_a_wrong_master_key()
