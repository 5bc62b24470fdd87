"""Every URL here must have a rule in sidebar/policy.py, or it answers 404."""

from django.contrib import admin
from django.urls import include, path

from sidebar.accounts import views as account_views  # issue 17
from sidebar.core import views

urlpatterns = [
    path("", views.home, name="home"),
    path("need-to-talk/", views.need_to_talk, name="need_to_talk"),
    path("privacy/", views.privacy, name="privacy"),
    path("healthz", views.health, name="health"),
    # --- task: issue 17 accounts (V7.4.5) ---
    path("accounts/sign-out-elsewhere/", account_views.sign_out_elsewhere, name="account_sign_out_elsewhere"),
    # --- end task ---
    path("accounts/", include("allauth.urls")),
    path("support/", include("sidebar.support.urls")),
    path("ticket/", include("sidebar.support.ticket_urls")),
    path("safeguards/", include("sidebar.safeguards.urls")),
    path("team/", include("sidebar.team.urls")),
    path("recruitment/", include("sidebar.recruitment.urls")),
    path("training/", include("sidebar.training.urls")),
    path("incidents/", include("sidebar.incidents.urls")),
    path("reports/", include("sidebar.reports.urls")),
    path("audit/", include("sidebar.audit.urls")),
    path("setup/", include("sidebar.setup.urls")),
    path("admin/", admin.site.urls),
]

handler400 = "sidebar.core.views.bad_request"
handler403 = "sidebar.core.views.permission_denied"
handler404 = "sidebar.core.views.page_not_found"
# --- task: database outage (issue 13 section 3) ---
# Django's 500 page, except when the database is unreachable: then 503 with Retry-After and the
# crisis numbers, rendered without the database (sidebar/core/outage.py).
handler500 = "sidebar.core.outage.server_error"
# --- end task ---
