from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from sidebar.accounts.invitations import send_invitations
from sidebar.accounts.models import User
from sidebar.accounts.roles import GRANTABLE_ROLES, Role
from sidebar.accounts.two_person import request_roles
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
        self.acting_user = kwargs.pop("acting_user", None)
        super().__init__(*args, **kwargs)
        # Not ``self.instance.pk``: the UUID default gives a new, unsaved account a pk already.
        if not self.instance._state.adding:
            self.fields["roles"].initial = list(self.instance.role_memberships.values_list("role", flat=True))
            # The sign-in address of an existing account never changes here: changing it and then
            # sending an invitation would hand the account (and its role) to someone else.
            self.fields["email"].disabled = True
            self.fields["email"].help_text = "Fixed once the account exists; it comes from the staff roster."
            # Switching an account off here would leave its sessions, roles and requests behind:
            # deactivation is the accounts page's offboarding (ASVS V7.4.2).
            self.fields["is_active"].disabled = True
            self.fields["is_active"].help_text = (
                "Deactivate or reactivate from Set-up → Accounts: that also signs the person out "
                "everywhere and hands their requests back to the queue."
            )

    def clean_roles(self) -> list[str]:
        roles: list[str] = self.cleaned_data.get("roles", [])
        held = set(self.fields["roles"].initial or [])
        is_own = not self.instance._state.adding and self.instance.pk == getattr(self.acting_user, "pk", None)
        if is_own and set(roles) != held:
            raise forms.ValidationError("You cannot change your own roles; another administrator must.")
        return roles


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

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        form_class = super().get_form(request, obj, change=change, **kwargs)

        class WithActingUser(form_class):  # type: ignore[misc, valid-type]
            def __init__(self, *args: Any, **inner: Any) -> None:
                super().__init__(*args, acting_user=request.user, **inner)

        return WithActingUser

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        if not change:
            obj.set_unusable_password()
        super().save_model(request, obj, form, change)
        # --- task: two-person rule (issue 16 section 3) ---
        # The same door as the accounts page: a role that opens requests waits for a second person.
        roles = form.cleaned_data.get("roles", [])
        waiting = request_roles(user=obj, roles=roles, by=request.user, request=request).waiting  # type: ignore[arg-type]
        if waiting:
            names = ", ".join(sorted(role.label.lower() for role in waiting))
            self.message_user(
                request,
                f"Waiting for a second person: {names}. Another program administrator or the clinical "
                "advisor confirms it under Set-up → Accounts → Changes waiting for a second person.",
                messages.WARNING,
            )
        # --- end task ---

    @admin.action(description="Send a sign-in invitation (choose a password)")
    def send_invitation(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        # Sidebar's own invitation (sidebar.accounts.invitations), the same as the accounts pages send.
        sent = send_invitations(users=queryset.filter(is_active=True), by=request.user, request=request)  # type: ignore[arg-type]
        self.message_user(request, f"Invitations sent: {sent}.", messages.SUCCESS)


__all__ = ["Role", "UserAdmin"]
