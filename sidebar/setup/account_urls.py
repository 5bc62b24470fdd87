"""URLs of the accounts area of the administrator's pages (namespace "setup", under /setup/)."""

from __future__ import annotations

from django.urls import URLPattern, path

from sidebar.setup import account_views as views
from sidebar.setup import pending_views

urlpatterns: list[URLPattern] = [
    path("accounts/", views.account_list, name="accounts"),
    path("accounts/from-roster/", views.accounts_from_roster, name="accounts_from_roster"),
    path("accounts/invitations/", views.invitations, name="invitations"),
    path("accounts/<uuid:user_id>/", views.account_detail, name="account"),
    path("accounts/<uuid:user_id>/roles/", views.account_roles, name="account_roles"),
    path("accounts/<uuid:user_id>/invite/", views.account_invite, name="account_invite"),
    path("accounts/<uuid:user_id>/deactivate/", views.account_deactivate, name="account_deactivate"),
    path("accounts/<uuid:user_id>/reactivate/", views.account_reactivate, name="account_reactivate"),
    path("accounts/<uuid:user_id>/end-sessions/", views.account_end_sessions, name="account_end_sessions"),
    # --- task: two-person rule (issue 16 section 3; issue 17 V6.4.4) ---
    path("accounts/<uuid:user_id>/two-factor-reset/", views.account_two_factor_reset, name="account_two_factor_reset"),
    path("accounts/pending/", pending_views.pending_changes, name="pending_changes"),
    path(
        "accounts/pending/<uuid:change_id>/confirm/",
        pending_views.pending_change_confirm,
        name="pending_change_confirm",
    ),
    path(
        "accounts/pending/<uuid:change_id>/cancel/", pending_views.pending_change_cancel, name="pending_change_cancel"
    ),
    # --- end task ---
]
