"""The agency settings page: the program administrator changes settings in Sidebar's own page;
bounds hold at the form, the model and the database; every change is an audit event with the
old and new value."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from sidebar.audit.models import Action, AuditEvent
from sidebar.org.models import Agency
from sidebar.org.services import setting_change_detail

pytestmark = pytest.mark.django_db

URL = reverse("setup:agency")


def settings_form(agency: Agency, **changes: object) -> dict[str, object]:
    fields = [
        "name",
        "kind",
        "crisis_line",
        "eap_phone",
        "peer_team_phone",
        "peer_team_email",
        "timezone",
        "identity_retention_days",
        "inactive_close_days",
        "suppression_threshold",
        "first_contact_hours_urgent",
        "first_contact_hours_soon",
        "first_contact_hours_routine",
        "basic_training_hours",
        "yearly_training_hours",
        "load_max_hours",
        "load_max_heavy_contacts",
        "exception_template",
    ]
    return {**{field: getattr(agency, field) for field in fields}, **changes}


def test_administrator_changes_retention_and_k_and_each_change_is_audited_with_old_and_new(cast, signed_in):
    agency = Agency.objects.get()
    client = signed_in(cast.program_admin)
    response = client.post(
        URL, settings_form(agency, identity_retention_days=90, suppression_threshold=11, timezone="America/Chicago")
    )
    assert response.status_code == 302
    agency.refresh_from_db()
    assert (agency.identity_retention_days, agency.suppression_threshold, agency.timezone) == (
        90,
        11,
        "America/Chicago",
    )
    details = set(
        AuditEvent.objects.filter(action=Action.AGENCY_SETTING_CHANGED, actor_id=cast.program_admin.pk).values_list(
            "detail", flat=True
        )
    )
    assert details == {
        "identity_retention_days:30→90",
        "suppression_threshold:5→11",
        "timezone:America/Los_Angeles→America/Chicago",
    }


def test_saving_unchanged_settings_records_nothing(cast, signed_in):
    agency = Agency.objects.get()
    response = signed_in(cast.program_admin).post(URL, settings_form(agency))
    assert response.status_code == 302
    assert not AuditEvent.objects.filter(action=Action.AGENCY_SETTING_CHANGED).exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("identity_retention_days", "100000", "less than or equal to 365"),
        ("suppression_threshold", "2", "greater than or equal to 3"),
        ("suppression_threshold", "51", "less than or equal to 50"),
        ("first_contact_hours_urgent", "0", "greater than or equal to 1"),
        ("yearly_training_hours", "0", "greater than or equal to 1"),
        ("load_max_hours", "0", "greater than or equal to 1"),
        ("timezone", "Mars/Olympus_Mons", "Select a valid choice"),
        ("peer_team_email", "not-an-address", "valid email"),
    ],
)
def test_bad_value_gets_a_message_keeps_what_was_typed_and_changes_nothing(cast, signed_in, field, value, message):
    agency = Agency.objects.get()
    response = signed_in(cast.program_admin).post(URL, settings_form(agency, name="Renamed office", **{field: value}))
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page
    assert 'value="Renamed office"' in page  # what was typed stays
    if field != "timezone":
        assert f'value="{value}"' in page
    agency.refresh_from_db()
    assert agency.name == "Test County District Attorney"
    assert not AuditEvent.objects.filter(action=Action.AGENCY_SETTING_CHANGED).exists()


def test_targets_must_not_shrink_as_urgency_falls(cast, signed_in):
    agency = Agency.objects.get()
    response = signed_in(cast.program_admin).post(URL, settings_form(agency, first_contact_hours_soon=200))
    assert response.status_code == 400
    assert "urgent ≤ soon ≤ routine" in response.content.decode()


def test_time_zone_is_a_choice_with_common_us_zones_first(cast, signed_in):
    page = signed_in(cast.program_admin).get(URL).content.decode()
    assert '<select name="timezone"' in page
    assert page.index('value="America/New_York"') < page.index('value="Africa/Abidjan"')


def test_the_database_refuses_a_retention_of_a_hundred_thousand_days(db):
    agency = Agency.objects.create(name="X")
    with pytest.raises(ValidationError):
        Agency(name="Y", identity_retention_days=100_000).full_clean()
    # (PostgreSQL's smallint stops 100,000 by itself; the constraint stops what a smallint holds)
    with pytest.raises(IntegrityError), transaction.atomic():
        Agency.objects.filter(pk=agency.pk).update(identity_retention_days=30_000)


def test_only_the_program_administrator_opens_the_settings(cast, signed_in):
    for user in (cast.team_leader, cast.staff, cast.leadership, cast.clinical_advisor):
        assert signed_in(user).get(URL).status_code == 403


def test_long_values_fit_the_audit_detail():
    detail = setting_change_detail("name", "A" * 200, "B" * 200)
    assert len(detail) <= 60
    assert detail.startswith("name:A") and "→B" in detail
