"""Django's admin backs the program administrator's screens, but it has no door of its own:
signing in happens on Sidebar's login (so TOTP applies), and every permission asks policy."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from sidebar import policy


class SidebarAdminSite(admin.AdminSite):
    site_header = "Sidebar administration"
    site_title = "Sidebar administration"
    index_title = "Agency set-up"
    site_url = "/"

    def has_permission(self, request: HttpRequest) -> bool:
        return request.user.is_active and policy.can(request.user, "org.manage")

    def login(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        if self.has_permission(request):
            return HttpResponseRedirect(reverse("admin:index"))
        query = urlencode({"next": request.GET.get("next", reverse("admin:index"))})
        return HttpResponseRedirect(f"{reverse('account_login')}?{query}")

    def password_change(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        # One way to change a password: Sidebar's own, which asks for the current one.
        return HttpResponseRedirect(reverse("account_change_password"))

    def logout(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        return HttpResponseRedirect(reverse("account_logout"))


class TolerantAutocompleteSelect(AutocompleteSelect):
    """Django's autocomplete widget looks up the selected values as they came (a query string or
    a posted form): a value that is not a valid key (``?unit=not-a-uuid``) raised a server error
    whose traceback logged the value. Invalid values are dropped here; the form field itself
    says the value is not a valid id, and the form keeps everything else."""

    def optgroups(self, name: str, value: list[Any], attr: dict[str, Any] | None = None) -> list[Any]:
        target = self.field.remote_field.model._meta.get_field(self.field.remote_field.field_name)
        valid = []
        for item in value:
            try:
                target.to_python(item)
            except ValidationError:
                continue
            valid.append(item)
        return super().optgroups(name, valid, attr)  # type: ignore[no-any-return]


class PolicyModelAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """A ModelAdmin whose every permission is one policy action (not Django's model perms)."""

    policy_action = "org.manage"

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = TolerantAutocompleteSelect(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def _allowed(self, request: HttpRequest) -> bool:
        return policy.can(request.user, self.policy_action)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._allowed(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return self._allowed(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request)
