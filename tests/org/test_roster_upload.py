"""The roster upload from the web: a preview first (create, update, deactivate, errors by line,
new units to confirm with the closest existing names), then everything or nothing; a full
roster deactivates the missing only after confirmation, and their access ends at once."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from sidebar.audit.models import Action, AuditEvent
from sidebar.org.models import Person, RankTier, Unit
from sidebar.org.roster import export_roster, parse_roster
from sidebar.setup.org_forms import unit_field_name
from tests.factories import make_peer

pytestmark = pytest.mark.django_db

HEADER = "email,full_name,title,phone,unit,rank_tier,supervisor_email,active"
UPLOAD, APPLY = reverse("setup:roster"), reverse("setup:roster_apply")


@pytest.fixture
def chart(cast):
    for level, name in enumerate(["Line staff", "Supervisor", "Manager", "Executive"]):
        RankTier.objects.get_or_create(level=level, defaults={"name": name})
    trial = Unit.objects.create(name="Trial Division", kind=Unit.Kind.DIVISION)
    homicide = Unit.objects.create(name="Homicide Unit", parent=trial)
    return trial, homicide


def csv_file(*lines: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("staff.csv", ("\n".join([HEADER, *lines]) + "\n").encode(), content_type="text/csv")


def preview_token(page: str) -> str:
    return re.search(r'name="preview" value="([^"]+)"', page).group(1)


def test_a_misspelt_unit_is_offered_the_closest_name_and_mapped_on_apply(chart, cast, signed_in):
    _trial, homicide = chart
    client = signed_in(cast.program_admin)
    response = client.post(
        UPLOAD,
        {
            "file": csv_file(
                "ana@example.gov,Ana Reyes,Deputy DA,,Homicde Unit,Line staff,,",
                "bo@example.gov,Bo Chan,,,Trial Division,Supervisor,,",
            )
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Closest existing: Trial Division/Homicide Unit" in page
    assert "Ana Reyes" in page
    assert Person.objects.filter(work_email="ana@example.gov").count() == 0  # a preview writes nothing

    field = unit_field_name("homicde unit")
    response = client.post(APPLY, {"preview": preview_token(page), field: str(homicide.pk)})
    assert response.status_code == 302
    assert Person.objects.get(work_email="ana@example.gov").unit == homicide
    assert not Unit.objects.filter(name__iexact="Homicde Unit").exists()
    event = AuditEvent.objects.get(action=Action.STAFF_ROSTER_IMPORTED)
    assert event.detail == "created:2 updated:0 deactivated:0 units:0"
    assert str(event.actor_id) == str(cast.program_admin.pk)


def test_a_new_unit_must_be_confirmed_and_nothing_is_written_until_it_is(chart, cast, signed_in):
    client = signed_in(cast.program_admin)
    page = client.post(UPLOAD, {"file": csv_file("ana@example.gov,Ana,,,Trial Division/Appeals Unit,Line staff,,")})
    token = preview_token(page.content.decode())
    response = client.post(APPLY, {"preview": token})
    assert response.status_code == 400
    assert "This field is required" in response.content.decode()
    assert not Person.objects.filter(work_email="ana@example.gov").exists()

    response = client.post(APPLY, {"preview": token, unit_field_name("trial division/appeals unit"): "create"})
    assert response.status_code == 302
    appeals = Unit.objects.get(name="Appeals Unit")
    assert appeals.parent.name == "Trial Division"
    assert Person.objects.get(work_email="ana@example.gov").unit == appeals


def test_errors_are_listed_by_line_and_nothing_is_written(chart, cast, signed_in):
    response = signed_in(cast.program_admin).post(
        UPLOAD,
        {
            "file": csv_file(
                "ana@example.gov,Ana,,,,Line staff,,", "bad@,Bad,,,,Line staff,,", "c@example.gov,C,,,,Captain,,"
            ),
            "full": "on",
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "<strong>Line 3</strong>, email:" in page
    assert "<strong>Line 4</strong>, rank_tier: no such rank tier" in page
    assert re.search(r'name="full"[^>]*checked', page)  # the choice made is kept
    assert not Person.objects.filter(work_email="ana@example.gov").exists()


def test_full_roster_lists_the_missing_and_deactivates_them_only_after_confirmation(chart, cast, signed_in):
    _trial, homicide = chart
    peer = make_peer(cast.peer)
    everyone = list(Person.objects.select_related("rank_tier"))
    stays = [p for p in everyone if p.pk != cast.peer.person.pk]
    lines = [f"{p.work_email},{p.full_name},,,Trial Division/Homicide Unit,{p.rank_tier.name},," for p in stays]
    client = signed_in(cast.program_admin)
    response = client.post(UPLOAD, {"file": csv_file(*lines), "full": "on"})
    page = response.content.decode()
    assert "not in the full roster" in page
    assert cast.peer.person.full_name in page
    token = preview_token(page)

    response = client.post(APPLY, {"preview": token})
    assert response.status_code == 400
    assert "Confirm the deactivations" in response.content.decode()
    assert Person.objects.get(pk=cast.peer.person.pk).is_active

    response = client.post(APPLY, {"preview": token, "confirm_deactivation": "on"})
    assert response.status_code == 302
    leaver = Person.objects.select_related("user").get(pk=cast.peer.person.pk)
    assert leaver.is_active is False
    assert leaver.user.is_active is False  # access ends at once (sidebar.support.leavers.offboard)
    assert not leaver.user.role_memberships.exists()
    peer.refresh_from_db()
    assert peer.status == "inactive"
    assert Person.objects.filter(unit=homicide).count() == len(stays)
    assert AuditEvent.objects.get(action=Action.STAFF_ROSTER_IMPORTED).detail.endswith("deactivated:1 units:0")


def test_a_person_marked_inactive_in_the_file_loses_access_at_once(chart, cast, signed_in):
    staff = cast.staff.person
    line = f"{staff.work_email},{staff.full_name},,,,Line staff,,no"
    client = signed_in(cast.program_admin)
    page = client.post(UPLOAD, {"file": csv_file(line)}).content.decode()
    assert "marked inactive in the file" in page
    response = client.post(APPLY, {"preview": preview_token(page)})
    assert response.status_code == 302
    cast.staff.refresh_from_db()
    assert cast.staff.is_active is False


def test_apply_refuses_when_who_leaves_changed_since_the_preview(chart, cast, signed_in):
    keep = [p for p in Person.objects.select_related("rank_tier") if p.pk != cast.staff.person.pk]
    lines = [f"{p.work_email},{p.full_name},,,,{p.rank_tier.name},," for p in keep]
    client = signed_in(cast.program_admin)
    token = preview_token(client.post(UPLOAD, {"file": csv_file(*lines), "full": "on"}).content.decode())
    Person.objects.create(full_name="Late Hire", work_email="late@example.gov", rank_tier=RankTier.objects.get(level=0))
    response = client.post(APPLY, {"preview": token, "confirm_deactivation": "on"})
    assert response.status_code == 409
    assert "Who would be deactivated has changed" in response.content.decode()
    assert Person.objects.get(work_email="late@example.gov").is_active
    assert Person.objects.get(pk=cast.staff.person.pk).is_active
    assert not AuditEvent.objects.filter(action=Action.STAFF_ROSTER_IMPORTED).exists()


def test_a_tampered_or_foreign_preview_is_refused(chart, cast, signed_in):
    client = signed_in(cast.program_admin)
    token = preview_token(client.post(UPLOAD, {"file": csv_file("a@example.gov,A,,,,Line staff,,")}).content.decode())
    response = client.post(APPLY, {"preview": token[:-2] + "xx"})
    assert response.status_code == 400
    assert "Upload the file again" in response.content.decode()
    assert not Person.objects.filter(work_email="a@example.gov").exists()


def test_applying_the_same_preview_twice_changes_nothing_the_second_time(chart, cast, signed_in):
    client = signed_in(cast.program_admin)
    token = preview_token(client.post(UPLOAD, {"file": csv_file("a@example.gov,A,,,,Line staff,,")}).content.decode())
    assert client.post(APPLY, {"preview": token}).status_code == 302
    assert client.post(APPLY, {"preview": token}).status_code == 302
    assert Person.objects.filter(work_email="a@example.gov").count() == 1
    assert AuditEvent.objects.filter(action=Action.STAFF_ROSTER_IMPORTED).count() == 1


def test_the_page_keeps_the_file_out_of_the_session(chart, cast, signed_in):
    client = signed_in(cast.program_admin)
    client.post(UPLOAD, {"file": csv_file("a@example.gov,Zelda Quintessential,,,,Line staff,,")})
    assert "Zelda" not in str(dict(client.session))


def test_export_round_trips_and_is_audited(chart, cast, signed_in):
    _trial, homicide = chart
    boss = Person.objects.get(pk=cast.team_leader.person.pk)
    Person.objects.filter(pk=cast.staff.person.pk).update(unit=homicide, supervisor=boss, title="=SUM(A1)")
    response = signed_in(cast.program_admin).get(reverse("setup:roster_export"))
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store, private"
    content = b"".join(response.streaming_content if response.streaming else [response.content]).decode()
    assert content.splitlines()[0] == HEADER
    assert "Trial Division/Homicide Unit" in content
    assert "'=SUM(A1)" in content  # a spreadsheet would run it as a formula
    result = parse_roster(content)
    assert result.errors == []
    assert [row for row in result.rows if row.changed] == []
    assert AuditEvent.objects.filter(action=Action.EXPORT, detail="staff_roster").count() == 1
    assert export_roster() == content


def test_compliance_export_for_the_team_leader(cast, signed_in):
    make_peer(cast.peer)
    response = signed_in(cast.team_leader).get(reverse("setup:compliance_export"))
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store, private"
    lines = response.content.decode().splitlines()
    assert lines[0].startswith("name,unit,status,hours_")
    assert lines[1].startswith(f"{cast.peer.person.full_name},Cast unit,")
    assert AuditEvent.objects.filter(action=Action.EXPORT, detail="training_compliance").count() == 1
    assert signed_in(cast.program_admin).get(reverse("setup:compliance_export")).status_code == 403
