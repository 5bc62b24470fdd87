from __future__ import annotations

from typing import Any

from allauth.account.forms import ResetPasswordForm
from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from sidebar.accounts.models import User
from sidebar.accounts.roles import GRANTABLE_ROLES, Role
from sidebar.accounts.services import set_roles
from sidebar.core.admin_site import PolicyModelAdmin


class UserAdminForm(forms.ModelForm):  # type: ignore[type-arg]
    roles = forms.MultipleChoiceField(
        choices=[(role.value, role.label) for role in GRANTABLE_ROLES],
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Every account is a staff member. Every role here requires two-factor sign-in.",
    )

    class Meta:
        model = User
        fields = ["email", "is_active"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["roles"].initial = list(self.instance.role_memberships.values_list("role", flat=True))


@admin.register(User)
class UserAdmin(PolicyModelAdmin):
    """Accounts and role membership. Passwords are never set here: people get an invitation to
    choose their own."""

    policy_action = "accounts.manage_roles"
    form = UserAdminForm
    list_display = ["email", "is_active", "role_list", "last_login"]
    list_filter = ["is_active", "role_memberships__role"]
    search_fields = ["email"]
    ordering = ["email"]
    actions = ["send_invitation"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[User]:
        return super().get_queryset(request).prefetch_related("role_memberships")

    @admin.display(description="roles")
    def role_list(self, user: User) -> str:
        return ", ".join(m.get_role_display() for m in user.role_memberships.all()) or "staff"

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        if not change:
            obj.set_unusable_password()
        super().save_model(request, obj, form, change)
        set_roles(user=obj, roles=form.cleaned_data.get("roles", []), by=request.user, request=request)  # type: ignore[arg-type]

    @admin.action(description="Send a sign-in invitation (choose a password)")
    def send_invitation(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        sent = 0
        for user in queryset.filter(is_active=True):
            form = ResetPasswordForm(data={"email": user.email})
            if form.is_valid():
                form.save(request)
                sent += 1
        self.message_user(request, f"Invitations sent: {sent}.", messages.SUCCESS)


__all__ = ["Role", "UserAdmin"]
