"""Forms of the administrator's accounts pages: filters, roles, and who an invitation goes to."""

from __future__ import annotations

from typing import Any

from django import forms

from sidebar.accounts.roles import GRANTABLE_ROLES, Role
from sidebar.org.models import Unit


class UnitChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    """A unit, named with its parent so that two units of one name can be told apart."""

    def label_from_instance(self, obj: Unit) -> str:
        return f"{obj.name} ({obj.parent.name})" if obj.parent_id else obj.name  # type: ignore[union-attr]


def _units() -> Any:
    return Unit.objects.select_related("parent").order_by("name")


class AccountFilterForm(forms.Form):
    search = forms.CharField(label="Name or e-mail", required=False, max_length=100)
    role = forms.ChoiceField(
        label="Role",
        required=False,
        choices=[("", "Any role"), (Role.STAFF.value, "Staff only (no other role)")]
        + [(role.value, role.label) for role in GRANTABLE_ROLES],
    )
    signed_in = forms.ChoiceField(
        label="Signed in",
        required=False,
        choices=[("", "Either"), ("yes", "Has signed in"), ("no", "Never signed in")],
    )
    unit = UnitChoiceField(
        label="Unit (and the units in it)", queryset=_units(), required=False, empty_label="Any unit"
    )
    status = forms.ChoiceField(
        label="Account",
        required=False,
        choices=[("active", "Active"), ("inactive", "Deactivated"), ("", "Active or deactivated")],
    )

    def filters(self) -> dict[str, Any]:
        """The valid filters (an invalid one is ignored; the form shows its message)."""
        if not self.is_bound:
            return {"status": "active"}
        data = self.cleaned_data if self.is_valid() else {}
        return {
            "search": (data.get("search") or "").strip(),
            "role": data.get("role") or "",
            "signed_in": data.get("signed_in") or "",
            "unit": data.get("unit"),
            "status": data.get("status") or "",
        }


class RolesForm(forms.Form):
    roles = forms.MultipleChoiceField(
        label="Roles besides staff",
        choices=[(role.value, role.label) for role in GRANTABLE_ROLES],
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Every account is a staff member. Each role here needs two-factor sign-in from the next page they open.",
    )


class InvitationForm(forms.Form):
    """Who a bulk invitation goes to: everyone or one unit (with the units in it), optionally
    only those who have never signed in."""

    unit = UnitChoiceField(
        label="Unit (and the units in it)", queryset=_units(), required=False, empty_label="Everyone, every unit"
    )
    not_signed_in = forms.BooleanField(
        label="Only people who have never signed in",
        required=False,
        help_text="A resend: anyone who has already signed in is left out.",
    )
