"""Admin screens that third-party apps register are removed: they would check Django's model
permissions instead of Sidebar's policy. What the administrator needs of them comes back here."""

from __future__ import annotations

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.socialaccount.models import SocialAccount, SocialApp, SocialToken
from django.contrib import admin
from django.contrib.auth.models import Group
from django.http import HttpRequest
from django_tasks_db.models import DBTaskResult

from sidebar.core.admin_site import PolicyModelAdmin

# Single sign-on is configured from settings and matched by the roster: no SocialApp rows,
# no stored tokens, and a provider identity follows its verified e-mail at each sign-in.
for model in (Group, EmailAddress, Authenticator, DBTaskResult, SocialApp, SocialToken, SocialAccount):
    if admin.site.is_registered(model):
        admin.site.unregister(model)


@admin.register(Authenticator)
class TwoFactorAdmin(PolicyModelAdmin):
    """Who has which second factor. Nothing is deleted here: resetting a lost authenticator is
    asked for on the person's account page and confirmed by a second person, after which they
    come back through a fresh invitation (sidebar.accounts.two_person; ASVS V6.4.4)."""

    policy_action = "accounts.manage_roles"
    list_display = ["user", "type", "created_at", "last_used_at"]
    list_filter = ["type"]
    search_fields = ["user__email"]
    fields = ["user", "type", "created_at", "last_used_at"]
    readonly_fields = fields
    list_select_related = ["user"]

    def has_add_permission(self, request: HttpRequest, *args: object) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    # --- task: two-person rule (issue 17 V6.4.4) ---
    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    # --- end task ---
