"""URLs of the administrator's organisation pages: agency settings, units, the roster upload
and exports. Each has its rule in sidebar/policy.py (URL_RULES, "setup:…")."""

from django.urls import path

from sidebar.setup import org_views

urlpatterns = [
    path("agency/", org_views.agency, name="agency"),
    path("units/", org_views.units, name="units"),
    path("units/<uuid:unit_id>/", org_views.unit, name="unit"),
    path("rank-tiers/", org_views.rank_tiers, name="rank_tiers"),
    path("roster/", org_views.roster, name="roster"),
    path("roster/apply/", org_views.roster_apply, name="roster_apply"),
    path("roster/export.csv", org_views.roster_export, name="roster_export"),
    path("training-compliance.csv", org_views.compliance_export, name="compliance_export"),
]
