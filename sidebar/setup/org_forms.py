"""Forms of the administrator's organisation pages: agency settings, units, the roster upload.
They check input only; the writes are in sidebar/org/services.py."""

from __future__ import annotations

import hashlib
import uuid
import zoneinfo
from collections.abc import Sequence
from typing import Any, cast

from django import forms
from django.core import signing

from sidebar.org.models import Agency, Unit
from sidebar.org.roster import NewUnit
from sidebar.org.services import AGENCY_SETTINGS

# The zones most US agencies are in, offered first; every other zone follows alphabetically.
COMMON_ZONES = (
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Phoenix",
    "America/Los_Angeles",
    "America/Anchorage",
    "Pacific/Honolulu",
)


def timezone_choices() -> list[tuple[str, Any]]:
    everything = sorted(zone for zone in zoneinfo.available_timezones() if "/" in zone or zone == "UTC")
    common = [zone for zone in COMMON_ZONES if zone in everything]
    others = [zone for zone in everything if zone not in common]
    return [
        ("Common in the United States", [(zone, zone.replace("_", " ")) for zone in common]),
        ("All time zones", [(zone, zone.replace("_", " ")) for zone in others]),
    ]


class AgencySettingsForm(forms.ModelForm[Agency]):
    timezone = forms.ChoiceField(
        label="Time zone", help_text="Dates and times on every page, and “today” for check-ins."
    )

    class Meta:
        model = Agency
        fields = list(AGENCY_SETTINGS)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["timezone"]).choices = timezone_choices()
        for urgency in ("urgent", "soon", "routine"):
            self.fields[f"first_contact_hours_{urgency}"].label = urgency.capitalize()
        for name, field in self.fields.items():
            if isinstance(field, forms.IntegerField):
                field.widget.attrs.setdefault("inputmode", "numeric")
            if name in {"eap_phone", "peer_team_phone", "crisis_line"}:
                field.widget.input_type = "tel"


class UnitForm(forms.Form):
    name = forms.CharField(max_length=Unit._meta.get_field("name").max_length)
    kind = forms.ChoiceField(choices=Unit.Kind.choices, initial=Unit.Kind.UNIT)
    parent = forms.TypedChoiceField(
        label="Inside", required=False, empty_value=None, coerce=uuid.UUID, help_text="Leave empty for the top level."
    )

    def __init__(self, *args: Any, paths: Sequence[tuple[uuid.UUID, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["parent"]).choices = [
            ("", "— the top level —"),
            *((str(pk), path) for pk, path in paths),
        ]

    def clean_name(self) -> str:
        name = str(self.cleaned_data["name"]).strip()
        if "/" in name:
            raise forms.ValidationError("A unit's name cannot contain “/”: the roster uses it between levels.")
        return name


# --- the roster upload ------------------------------------------------------------------------

MAX_ROSTER_BYTES = 10 * 1024 * 1024
PREVIEW_MAX_AGE = 60 * 60  # seconds a preview may be applied for
CREATE = "create"


class RosterUploadForm(forms.Form):
    file = forms.FileField(label="Roster file (CSV)", help_text="UTF-8 CSV with a header line; see the format below.")
    full = forms.BooleanField(
        label="This is the full roster: anyone not in it has left",
        required=False,
        help_text="People missing from the file are listed for you to confirm before they are deactivated.",
    )

    def clean_file(self) -> bytes:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_ROSTER_BYTES:
            raise forms.ValidationError("The file is larger than 10 MB; split it or remove unused columns.")
        data: bytes = upload.read()
        return data


def _salt(user_id: Any) -> str:
    return f"sidebar.setup.roster_preview.{user_id}"


def sign_preview(*, text: str, full: bool, leavers: str, user_id: Any) -> str:
    """The file travels from the preview to the apply step inside the page, signed, compressed and
    short-lived: it holds names, so it is never written to the server's disk, session or logs."""
    return signing.dumps({"csv": text, "full": full, "leavers": leavers}, salt=_salt(user_id), compress=True)


def read_preview(token: str, *, user_id: Any) -> dict[str, Any] | None:
    try:
        value = signing.loads(token, salt=_salt(user_id), max_age=PREVIEW_MAX_AGE)
    except signing.BadSignature:  # also SignatureExpired
        return None
    return value if isinstance(value, dict) else None


def unit_field_name(key: str) -> str:
    return "unit_" + hashlib.sha256(key.encode()).hexdigest()[:16]


class RosterApplyForm(forms.Form):
    """One choice for each unit the file would create: create it, or use an existing unit."""

    preview = forms.CharField(widget=forms.HiddenInput)
    confirm_deactivation = forms.BooleanField(required=False)

    def __init__(
        self,
        *args: Any,
        new_units: Sequence[NewUnit],
        suggestions: dict[str, list[tuple[uuid.UUID, str]]],
        paths: Sequence[tuple[uuid.UUID, str]],
        missing: int,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.new_units = list(new_units)
        self.missing = missing
        self.fields["confirm_deactivation"].label = (
            f"Deactivate the {missing} {'person' if missing == 1 else 'people'} not in the file; "
            "their access to Sidebar ends at once"
        )
        for unit in self.new_units:
            where = f"inside {unit.parent_path}" if unit.parent_path else "at the top level"
            kind = Unit.Kind(unit.kind).label.lower()
            close = [(str(pk), path) for pk, path in suggestions.get(unit.key, [])]
            others = [(str(pk), path) for pk, path in paths if (str(pk), path) not in close]
            choices: list[tuple[str, Any]] = [
                ("", "— choose —"),
                (CREATE, f"Create “{unit.name}” as a new {kind} {where}"),
            ]
            if close:
                choices.append(("Closest existing names", close))
            if others:
                choices.append(("Other existing units", others))
            field = forms.ChoiceField(label=f"“{unit.name}” ({where})", choices=choices)
            field.new_unit = unit  # type: ignore[attr-defined]
            field.closest = [path for _pk, path in close]  # type: ignore[attr-defined]
            self.fields[unit_field_name(unit.key)] = field

    def unit_fields(self) -> list[forms.BoundField]:
        return [self[unit_field_name(unit.key)] for unit in self.new_units]

    def clean_confirm_deactivation(self) -> bool:
        confirmed = bool(self.cleaned_data.get("confirm_deactivation"))
        if self.missing and not confirmed:
            raise forms.ValidationError("Confirm the deactivations, or upload the file again without “full roster”.")
        return confirmed

    def unit_map(self) -> dict[str, uuid.UUID]:
        chosen = {unit.key: self.cleaned_data.get(unit_field_name(unit.key), "") for unit in self.new_units}
        return {key: uuid.UUID(value) for key, value in chosen.items() if value and value != CREATE}

    def units_to_create(self) -> set[str]:
        return {unit.key for unit in self.new_units if self.cleaned_data.get(unit_field_name(unit.key)) == CREATE}


class RankTierForm(forms.Form):
    name = forms.CharField(max_length=60, label="Name", help_text="As the roster's rank_tier column spells it.")
    level = forms.IntegerField(
        min_value=0, max_value=20, label="Level", help_text="0 for line staff; higher is more senior."
    )
