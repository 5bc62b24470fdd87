from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from sidebar.core.admin_site import PolicyModelAdmin
from sidebar.org.models import Agency, Person, RankTier, Unit


@admin.register(Agency)
class AgencyAdmin(PolicyModelAdmin):
    list_display = ["name", "kind", "crisis_line", "eap_phone", "identity_retention_days", "suppression_threshold"]

    def has_add_permission(self, request: HttpRequest, *args: object) -> bool:
        # One agency per deployment.
        return super().has_add_permission(request) and not Agency.objects.exists()

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(RankTier)
class RankTierAdmin(PolicyModelAdmin):
    list_display = ["name", "level"]


@admin.register(Unit)
class UnitAdmin(PolicyModelAdmin):
    list_display = ["name", "kind", "parent"]
    list_filter = ["kind"]
    search_fields = ["name"]
    autocomplete_fields = ["parent"]
    list_select_related = ["parent"]


@admin.register(Person)
class PersonAdmin(PolicyModelAdmin):
    list_display = ["full_name", "work_email", "title", "unit", "rank_tier", "supervisor", "is_active"]
    list_filter = ["is_active", "rank_tier", "unit"]
    search_fields = ["full_name", "work_email", "title"]
    autocomplete_fields = ["unit", "supervisor", "user"]
    list_select_related = ["unit", "rank_tier", "supervisor"]
    list_per_page = 50

    def get_queryset(self, request: HttpRequest) -> QuerySet[Person]:
        return super().get_queryset(request).select_related("unit", "rank_tier", "supervisor")

    def get_readonly_fields(self, request: HttpRequest, obj: Person | None = None) -> list[str]:
        # Once a staff record is linked to an account, the link stays: relinking a peer's record
        # to another account would hand over their assignments.
        return ["user"] if obj is not None and obj.user_id else []
