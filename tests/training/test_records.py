"""Sessions, attendance and each member's hours: the team leader schedules and records, attendance
credits the session's hours, basic training completes when the basic hours reach the agency's
rule, and the compliance view and the roster flag members below the yearly hours. A peer sees
their own record and nobody else's."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from sidebar.audit.models import Action, AuditEvent
from sidebar.org.models import Agency
from sidebar.team.models import PeerProfile
from sidebar.training import services
from sidebar.training.models import Attendance, Course, TrainingSession
from sidebar.training.selectors import agency_today, training_record
from tests.conftest import SignedIn
from tests.factories import make_peer
from tests.training.conftest import attended, course, held, member

pytestmark = pytest.mark.django_db

COMPLIANCE = reverse("training:compliance")


def this_year(month: int, day: int) -> datetime.date:
    return datetime.date(agency_today().year, month, day)


def row_of(html: str, name: str) -> str:
    start = html.index(f">{name}</a>")
    return html[start : html.index("</tr>", start)]


# --- compliance -----------------------------------------------------------------------------------


def test_the_compliance_view_flags_a_member_below_the_yearly_hours(cast, signed_in: SignedIn):
    Agency.objects.update(yearly_training_hours=8)
    done, short, on_leave = member("Done Dana"), member("Short Sam"), member("Leave Lee", status="inactive")
    member("Candidate Cy", status="in_training", basic_training_completed_on=None)  # not yet bound by the rule
    january, june = held(this_year(1, 1), hours="5"), held(this_year(6, 1), hours="3")
    last_year = held(this_year(1, 1) - datetime.timedelta(days=1), hours="6")  # another year
    # basic training is not continuing education
    basic = held(this_year(2, 1), hours="7.5", of=course("Basic peer support", is_basic=True))
    attended(done, january, june)
    attended(short, june, last_year, basic)
    attended(on_leave, january)

    response = signed_in(cast.team_leader).get(COMPLIANCE)

    assert response.status_code == 200
    html = response.content.decode()
    assert [peer.pk for peer in response.context["rows"]] == [on_leave.pk, short.pk, done.pk]  # below first
    assert "8 of 8" in row_of(html, "Done Dana") and "complete" in row_of(html, "Done Dana")
    assert "3 of 8" in row_of(html, "Short Sam") and "below: 5 to go" in row_of(html, "Short Sam")
    assert "5 of 8" in row_of(html, "Leave Lee") and "below: 3 to go" in row_of(html, "Leave Lee")
    assert "Candidate Cy" not in html
    assert "2 members below the hours" in html


def test_the_roster_shows_this_year_s_hours_and_flags_members_below(cast, signed_in: SignedIn):
    Agency.objects.update(yearly_training_hours=4)
    done, short = member("Done Dana"), member("Short Sam")
    attended(done, held(this_year(1, 1), hours="4"))
    attended(short, held(this_year(1, 2), hours="1.5"))

    html = signed_in(cast.team_leader).get(reverse("team:roster")).content.decode()

    assert "4 of 4 h" in row_of(html, "Done Dana") and "below" not in row_of(html, "Done Dana")
    assert "1.5 of 4 h" in row_of(html, "Short Sam") and "below" in row_of(html, "Short Sam")


# --- basic training -------------------------------------------------------------------------------


def test_basic_hours_reaching_the_rule_complete_basic_training_on_that_session_s_day(cast):
    Agency.objects.update(basic_training_hours=30)
    basic = course("Basic peer support", is_basic=True)
    trainee = member("Trainee Tia", status="in_training", basic_training_completed_on=None)
    first, second, third = (held(datetime.date(2026, 3, day), hours="12", of=basic) for day in (2, 9, 16))
    other = held(datetime.date(2026, 3, 5), hours="8")  # continuing education does not count

    for session in (first, other, second):
        services.record_attendance(session=session, peers=[trainee], by=cast.team_leader)
    trainee.refresh_from_db()
    assert trainee.basic_training_completed_on is None  # 24 of 30 basic hours

    services.record_attendance(session=third, peers=[trainee], by=cast.team_leader)

    trainee.refresh_from_db()
    assert trainee.basic_training_completed_on == datetime.date(2026, 3, 16)
    assert trainee.status == PeerProfile.Status.IN_TRAINING  # becoming active is recruitment's checklist
    assert AuditEvent.objects.filter(
        action=Action.TRAINING, object_id=str(trainee.pk), detail="basic_training_completed"
    ).exists()


def test_a_session_recorded_late_moves_completion_to_the_day_the_hours_were_reached(cast):
    Agency.objects.update(basic_training_hours=20)
    basic = course("Basic peer support", is_basic=True)
    trainee = member("Trainee Tia", status="in_training", basic_training_completed_on=None)
    early, later, last = (held(datetime.date(2026, 4, day), hours="10", of=basic) for day in (1, 8, 15))
    services.record_attendance(session=later, peers=[trainee], by=cast.team_leader)
    services.record_attendance(session=last, peers=[trainee], by=cast.team_leader)
    trainee.refresh_from_db()
    assert trainee.basic_training_completed_on == datetime.date(2026, 4, 15)

    services.record_attendance(session=early, peers=[trainee], by=cast.team_leader)  # forgotten, recorded now

    trainee.refresh_from_db()
    assert trainee.basic_training_completed_on == datetime.date(2026, 4, 8)


# --- sessions and attendance on the screens -------------------------------------------------------


def test_the_team_leader_schedules_a_session_and_ticks_who_attended(cast, signed_in: SignedIn):
    client = signed_in(cast.team_leader)
    ana = member("Ana Ortiz")
    member("Ben Tran")
    left = member("Gone Gil", status="removed")
    grief = course("Grief and loss")
    day = agency_today() - datetime.timedelta(days=1)

    response = client.post(
        reverse("training:session_new"),
        {"course": grief.pk, "date": day.isoformat(), "hours": "2.5", "trainer": "Dr. Solis", "place": "Room 2"},
    )

    session = TrainingSession.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("training:session", args=[session.pk])
    page = client.get(response["Location"]).content.decode()
    assert "Ana Ortiz (active)" in page and "Ben Tran (active)" in page
    assert "Gone Gil" not in page  # only the team and selected candidates are listed

    response = client.post(reverse("training:session", args=[session.pk]), {"peers": [ana.pk]})

    assert response.status_code == 302
    assert list(Attendance.objects.values_list("peer_id", flat=True)) == [ana.pk]
    assert training_record(ana, agency=Agency.objects.get(), today=day).hours_this_year == Decimal("2.5")
    assert AuditEvent.objects.filter(action=Action.TRAINING, detail="attendance:+1:-0").count() == 1
    response = client.post(reverse("training:session", args=[session.pk]), {"peers": [left.pk]})
    assert response.status_code == 400  # not a choice
    assert list(Attendance.objects.values_list("peer_id", flat=True)) == [ana.pk]


def test_a_session_form_with_missing_answers_says_what_is_wrong_and_keeps_what_was_typed(cast, signed_in: SignedIn):
    response = signed_in(cast.team_leader).post(
        reverse("training:session_new"),
        {"course": "", "date": "2026-13-40", "hours": "0", "trainer": "Dr. Renata Solis", "place": ""},
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert "Please check" in html
    assert "Say where the session is held, or tick “Online”." in html
    assert 'value="Dr. Renata Solis"' in html
    assert not TrainingSession.objects.exists()


def test_attendance_cannot_be_recorded_before_the_session_has_taken_place(cast):
    peer = member("Early Eve")
    session = held(agency_today() + datetime.timedelta(days=3))
    with pytest.raises(services.TrainingError, match="from the day of the session on"):
        services.record_attendance(session=session, peers=[peer], by=cast.team_leader)
    assert not Attendance.objects.exists()


# --- records --------------------------------------------------------------------------------------


def test_a_peer_sees_their_own_hours_and_not_another_peer_s_record(cast, signed_in: SignedIn):
    Agency.objects.update(yearly_training_hours=8)
    own = make_peer(cast.peer)
    other = member("Other Olga")
    attended(own, held(this_year(1, 3), hours="3"))
    client = signed_in(cast.peer)

    mine = client.get(reverse("training:my_record")).content.decode()
    assert "3 of 8 hours" in mine and "5 more hours" in mine

    assert client.get(reverse("training:record", args=[own.pk])).status_code == 200
    assert client.get(reverse("training:record", args=[other.pk])).status_code == 404
    assert signed_in(cast.team_leader).get(reverse("training:record", args=[other.pk])).status_code == 200


def test_a_course_can_be_added_and_renamed_but_not_twice_under_one_name(cast, signed_in: SignedIn):
    client = signed_in(cast.team_leader)
    course("Grief and loss")
    response = client.post(reverse("training:course_new"), {"name": "Defusing", "description": "", "active": "on"})
    assert response.status_code == 302
    created = Course.objects.get(name="Defusing")
    assert created.active and not created.is_basic

    response = client.post(reverse("training:course_edit", args=[created.pk]), {"name": "grief and loss"})
    assert response.status_code == 400
    assert "There is already a course called" in response.content.decode()


def test_the_compliance_query_count_does_not_grow_with_the_team(cast, signed_in: SignedIn, django_assert_num_queries):
    """Session, user, roles, two-factor check, agency, the peers with their hours."""
    client = signed_in(cast.team_leader)
    attended(member("First Fay"), held(this_year(1, 5)))
    client.get(COMPLIANCE)
    with django_assert_num_queries(6):
        assert len(client.get(COMPLIANCE).context["rows"]) == 1
    for n in range(6):
        attended(member(f"More {n}", status="inactive" if n % 2 else "active"), held(this_year(1, 6 + n)))
    with django_assert_num_queries(6):
        assert len(client.get(COMPLIANCE).context["rows"]) == 7


def test_a_new_deployment_starts_with_the_default_courses_and_one_basic_course():
    from importlib import import_module

    from django.apps import apps

    Course.objects.all().delete()  # (a flushed test database may already have lost them)
    import_module("sidebar.training.migrations.0002_default_courses").add_courses(apps, None)

    assert list(Course.objects.filter(is_basic=True).values_list("name", flat=True)) == ["Basic peer support"]
    assert set(Course.objects.values_list("name", flat=True)) == {
        "Basic peer support",
        "Group crisis intervention (CISM)",
        "Suicide awareness",
        "Grief and loss",
        "Secondary trauma",
        "Self-care for peer supporters",
    }
