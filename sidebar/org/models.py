"""The agency's organisation chart: units, rank tiers, people and who reports to whom."""

from __future__ import annotations

import uuid
import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

# Bounds of the agency's settings, kept here once for the validators, the database's check
# constraints and the settings page. A retention of 100,000 days is a typing error, not a policy.
RETENTION_DAYS_MAX = 365
# A request with no activity for this many days closes on its own (the team leaders are warned a
# week before), so that its identity does not outlive the need for it.
INACTIVE_CLOSE_DAYS_MIN, INACTIVE_CLOSE_DAYS_MAX = 14, 365
SUPPRESSION_MIN, SUPPRESSION_MAX = 3, 50
FIRST_CONTACT_HOURS_MAX = 336  # two weeks
TRAINING_HOURS_MAX = 200
LOAD_HOURS_MAX = 200
LOAD_HEAVY_CONTACTS_MAX = 50


def _between(low: int, high: int) -> list[MinValueValidator | MaxValueValidator]:
    return [MinValueValidator(low), MaxValueValidator(high)]


def _check_between(field: str, low: int, high: int) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=models.Q(**{f"{field}__gte": low, f"{field}__lte": high}), name=f"agency_{field}_{low}_{high}"
    )


class Agency(models.Model):
    """The one agency a Sidebar deployment serves (one row)."""

    class Kind(models.TextChoices):
        PROSECUTOR = "prosecutor", "Prosecutor's office"
        COURT = "court", "Court"
        PROBATION = "probation", "Probation department"
        OTHER = "other", "Other agency"

    # --- task: issue 16, section 4 (statute templates) ---
    class ExceptionTemplate(models.TextChoices):
        """Which law's exceptions to confidentiality the program works under. The grounds, their
        statutory tests and the notice before asking are in sidebar/safeguards/statutes.py."""

        FEDERAL = "federal_50901", "Federal: 34 U.S.C. 50901"
        CALIFORNIA = "california_8669_4", "California: Gov. Code 8669.4"
        ARIZONA = "arizona_38_1111", "Arizona: A.R.S. 38-1111"
        TEXAS = "texas", "Texas: Health & Safety Code ch. 784 (confirm with counsel)"
        ILLINOIS = "illinois_5_ilcs_840", "Illinois: 5 ILCS 840 (First Responders Suicide Prevention Act)"
        COLORADO = "colorado_13_90_107", "Colorado: C.R.S. 13-90-107(1)(m)"
        AGENCY_POLICY = "agency_policy", "Agency policy only (no peer support statute)"

    # --- end task ---

    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.PROSECUTOR)
    crisis_line = models.CharField(
        max_length=60, default="988", help_text="Shown on every page, e.g. 988 (Suicide & Crisis Lifeline)."
    )
    eap_phone = models.CharField("EAP phone", max_length=60, blank=True, help_text="Employee assistance program.")
    # How a person reaches the peer team directly, without an account or a request: shown on the
    # public "Need to talk?" page.
    peer_team_phone = models.CharField(
        "peer team phone", max_length=60, blank=True, help_text="An on-call number for the peer team, if there is one."
    )
    peer_team_email = models.EmailField(
        "peer team e-mail", blank=True, help_text="An address that reaches the team leader or the on-call peer."
    )
    timezone = models.CharField(max_length=64, default="America/Los_Angeles")
    identity_retention_days = models.PositiveSmallIntegerField(
        default=30,
        validators=_between(0, RETENTION_DAYS_MAX),
        help_text="Days after a request closes until the identity of the person is shredded (0: at once).",
    )
    inactive_close_days = models.PositiveSmallIntegerField(
        "close inactive requests after (days)",
        default=90,
        validators=_between(INACTIVE_CLOSE_DAYS_MIN, INACTIVE_CLOSE_DAYS_MAX),
        help_text="A request with no activity for this many days closes on its own; the team leaders are "
        "warned a week before. Its identity is then shredded after the retention period.",
    )
    first_contact_hours_urgent = models.PositiveSmallIntegerField(
        default=1, validators=_between(1, FIRST_CONTACT_HOURS_MAX), help_text="Target for an urgent request."
    )
    first_contact_hours_soon = models.PositiveSmallIntegerField(
        default=24, validators=_between(1, FIRST_CONTACT_HOURS_MAX), help_text="Target for a request marked soon."
    )
    first_contact_hours_routine = models.PositiveSmallIntegerField(
        default=72, validators=_between(1, FIRST_CONTACT_HOURS_MAX), help_text="Target for a routine request."
    )
    suppression_threshold = models.PositiveSmallIntegerField(
        "suppression threshold (k)",
        default=5,
        validators=_between(SUPPRESSION_MIN, SUPPRESSION_MAX),
        help_text="Leadership never sees a count between 1 and k−1. Never below 3; raise it with volume.",
    )
    # Training on record: several statutes protect peer support only when members are trained
    # (e.g. Minnesota: 30 hours within a year); the compliance view measures against these.
    basic_training_hours = models.PositiveSmallIntegerField(
        default=30,
        validators=_between(1, TRAINING_HOURS_MAX),
        help_text="Hours of basic peer support training before a member may serve.",
    )
    yearly_training_hours = models.PositiveSmallIntegerField(
        "yearly continuing-education hours",
        default=8,
        validators=_between(1, TRAINING_HOURS_MAX),
        help_text="Hours of continuing education each active member needs per calendar year.",
    )
    # Support for the supporters: a peer above either of these in the last 30 days is flagged to
    # the team leader and gets no new suggestions until the flag is cleared.
    load_max_hours = models.PositiveSmallIntegerField(
        "load: hours of contacts in 30 days",
        default=20,
        validators=_between(1, LOAD_HOURS_MAX),
        help_text="Flag a peer above this many hours.",
    )
    load_max_heavy_contacts = models.PositiveSmallIntegerField(
        "load: suicide-related or critical-incident contacts in 30 days",
        default=3,
        validators=_between(1, LOAD_HEAVY_CONTACTS_MAX),
        help_text="Flag a peer above this many such contacts.",
    )
    # --- task: issue 16, section 4 (statute templates) ---
    exception_template = models.CharField(
        "exceptions to confidentiality",
        max_length=30,
        choices=ExceptionTemplate.choices,
        default=ExceptionTemplate.AGENCY_POLICY,
        help_text=(
            "The law the program works under. It decides which exceptions a peer can raise and what "
            "the notice before asking says. Choose it with the agency's counsel."
        ),
    )
    # --- end task ---

    class Meta:
        verbose_name_plural = "agency"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(suppression_threshold__gte=3), name="suppression_threshold_at_least_3"
            ),
            _check_between("identity_retention_days", 0, RETENTION_DAYS_MAX),
            _check_between("inactive_close_days", INACTIVE_CLOSE_DAYS_MIN, INACTIVE_CLOSE_DAYS_MAX),
            _check_between("suppression_threshold", SUPPRESSION_MIN, SUPPRESSION_MAX),
            _check_between("first_contact_hours_urgent", 1, FIRST_CONTACT_HOURS_MAX),
            _check_between("first_contact_hours_soon", 1, FIRST_CONTACT_HOURS_MAX),
            _check_between("first_contact_hours_routine", 1, FIRST_CONTACT_HOURS_MAX),
            _check_between("basic_training_hours", 1, TRAINING_HOURS_MAX),
            _check_between("yearly_training_hours", 1, TRAINING_HOURS_MAX),
            _check_between("load_max_hours", 1, LOAD_HOURS_MAX),
            _check_between("load_max_heavy_contacts", 1, LOAD_HEAVY_CONTACTS_MAX),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.timezone not in zoneinfo.available_timezones():
            raise ValidationError({"timezone": "Choose a time zone name such as America/Chicago."})
        targets = [self.first_contact_hours_urgent, self.first_contact_hours_soon, self.first_contact_hours_routine]
        if None not in targets and targets != sorted(targets):
            raise ValidationError(
                {"first_contact_hours_soon": "Targets must not shrink as urgency falls: urgent ≤ soon ≤ routine."}
            )


class RankTier(models.Model):
    """An editable rank tier (line staff, supervisor, manager, executive by default). ``level``
    orders the tiers; matching pairs supervisors with supervisors by comparing it."""

    name = models.CharField(max_length=60, unique=True)
    level = models.PositiveSmallIntegerField(unique=True, help_text="0 for line staff; higher is more senior.")

    class Meta:
        ordering = ["level"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_supervisory(self) -> bool:
        return self.level > 0


class Unit(models.Model):
    """A division, bureau or unit; units nest to any depth."""

    class Kind(models.TextChoices):
        DIVISION = "division", "Division"
        BUREAU = "bureau", "Bureau"
        UNIT = "unit", "Unit"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.UNIT)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="unit_name_unique_in_parent"),
            models.CheckConstraint(
                condition=models.Q(parent__isnull=True) | ~models.Q(parent=models.F("id")), name="unit_not_own_parent"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        from sidebar.org.selectors import would_make_unit_loop

        if self.parent_id and would_make_unit_loop(unit_id=self.pk, parent_id=self.parent_id):
            raise ValidationError({"parent": "A unit cannot sit inside itself or inside a unit below it."})


class Person(models.Model):
    """A staff record. It identifies a person, so only the program administrator manages these
    and nothing about support ever points back here except through the vault."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    full_name = models.CharField(max_length=200)
    work_email = models.EmailField(unique=True)
    phone = models.CharField(max_length=40, blank=True)
    title = models.CharField(max_length=120, blank=True)
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="people")
    rank_tier = models.ForeignKey(RankTier, on_delete=models.PROTECT, related_name="people")
    supervisor = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="direct_reports"
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="person"
    )
    is_active = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["full_name"]
        verbose_name_plural = "people"
        indexes = [models.Index(fields=["supervisor"], name="person_supervisor_idx")]

    def __str__(self) -> str:
        return self.full_name

    def clean(self) -> None:
        from sidebar.org.selectors import would_create_cycle

        if self.supervisor_id and would_create_cycle(person_id=self.pk, supervisor_id=self.supervisor_id):
            raise ValidationError({"supervisor": "This would make the person their own superior."})
