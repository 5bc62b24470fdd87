from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class CoreConfig(AppConfig):
    default = True
    name = "sidebar.core"
    label = "core"
    default_auto_field = "django.db.models.BigAutoField"


class SidebarAdminConfig(admin_apps.AdminConfig):
    """Django's admin, behind Sidebar's login and policy (see sidebar/core/admin_site.py)."""

    default = False
    default_site = "sidebar.core.admin_site.SidebarAdminSite"
