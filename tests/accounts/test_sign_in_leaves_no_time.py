"""Nothing that outlives shredding ties a person to a request by time (issue 12, section 5).

The tests play a database administrator: they read the tables with SQL, as a dump or a
console shows them, after a plain staff member signed in and asked for help. The rule
(docs/privacy.md, "Times"): nothing kept about a staff account's sign-in is finer than the UTC
day; sign-ins of accounts without a privileged role name no account and no address."""

from __future__ import annotations

import datetime
import re
import zoneinfo

import pytest
from django.contrib.sessions.backends.db import SessionStore as StockSessionStore
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from sidebar.accounts.roles import Role
from sidebar.audit.models import Action
from sidebar.audit.services import record
from sidebar.org.models import Agency
from sidebar.support.models import SupportRequest
from tests.factories import CAST_PASSWORD, activate_totp, ask_as, make_account, make_peer, totp_code

pytestmark = pytest.mark.django_db

ADDRESS = "10.20.30.41"
ASK = {"urgency": "urgent", "kind": "post_crisis", "topics": ["grief"], "phone": "555-0199", "understood": "on"}


def rows(sql: str, params: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


def as_utc(value: object) -> datetime.datetime:
    """A timestamp as the database hands it out (SQLite: text in UTC; PostgreSQL: aware)."""
    moment = parse_datetime(value) if isinstance(value, str) else value
    assert isinstance(moment, datetime.datetime), value
    return moment.replace(tzinfo=datetime.UTC) if moment.tzinfo is None else moment.astimezone(datetime.UTC)


def is_a_whole_day(value: object) -> bool:
    moment = as_utc(value)
    return moment == moment.replace(hour=0, minute=0, second=0, microsecond=0)


def mentions(row: tuple[object, ...], *needles: str) -> bool:
    text = " ".join(str(value) for value in row).lower()
    return any(needle.lower() in text for needle in needles)


def token_from(page) -> str:  # type: ignore[no-untyped-def]
    found = re.search(r'name="submission" value="([^"]+)"', page.content.decode())
    assert found, "the form carries no one-time token"
    return found.group(1)


@pytest.fixture
def staff_who_asked(cast):  # type: ignore[no-untyped-def]
    """A plain staff member (no role) signs in with a password from their desk and asks for
    urgent help; the client is returned with the account."""
    make_peer(cast.peer)
    person = make_account("morgan.hale@example.gov", password=CAST_PASSWORD)
    client = Client(REMOTE_ADDR=ADDRESS)
    client.post(reverse("account_login"), {"login": person.email, "password": "not the password at all"})
    signed_in = client.post(reverse("account_login"), {"login": person.email, "password": CAST_PASSWORD})
    assert signed_in.status_code == 302 and client.session["_auth_user_id"] == str(person.pk)
    asked = client.post(reverse("support:ask"), {**ASK, "submission": token_from(client.get(reverse("support:ask")))})
    assert asked.status_code == 302 and SupportRequest.objects.count() == 1
    return client, person


def test_no_audit_event_names_a_staff_account_or_its_address_at_sign_in(staff_who_asked):
    client, person = staff_who_asked
    client.post(reverse("account_logout"))
    ids = (str(person.pk), person.pk.hex)
    events = rows("SELECT at, actor_id, action, object_type, object_id, detail, ip FROM audit_auditevent")
    assert {row[2] for row in events} >= {Action.SIGN_IN, Action.SIGN_OUT, Action.SIGN_IN_FAILED}
    assert [row for row in events if mentions(row, *ids)] == []
    assert [row for row in events if mentions(row, ADDRESS)] == []


def test_the_account_row_keeps_the_day_of_signing_in_only(staff_who_asked):
    _client, person = staff_who_asked
    [(last_login,)] = rows("SELECT last_login FROM accounts_user WHERE email = %s", (person.email,))
    assert last_login is not None  # "never signed in" still tells from "signed in"
    assert is_a_whole_day(last_login)
    assert as_utc(last_login).date() == timezone.now().astimezone(datetime.UTC).date()


def test_the_session_row_says_neither_who_nor_when(staff_who_asked):
    client, person = staff_who_asked
    cookie = client.cookies["sessionid"].value
    sessions = rows("SELECT session_key, session_data, expire_date FROM django_session")
    assert sessions
    for key, data, expire_date in sessions:
        assert key != cookie  # a database reader cannot take the session over either
        assert is_a_whole_day(expire_date)
        assert StockSessionStore().decode(str(data)) == {}  # not readable, even with SECRET_KEY
        assert not mentions((data,), str(person.pk), "sidebar_signed_in_at", "_auth_user_id")
    # the browser's own session still works
    assert client.get(reverse("support:my_requests")).status_code == 200


def test_the_data_key_of_the_request_keeps_the_day_only(staff_who_asked):
    [(created_at,)] = rows("SELECT created_at FROM vault_datakey")
    assert is_a_whole_day(created_at)


def test_a_staff_member_with_an_authenticator_leaves_its_day_only(cast):
    person = make_account("robin.okafor@example.gov", password=CAST_PASSWORD)
    secret = activate_totp(person)
    client = Client(REMOTE_ADDR=ADDRESS)
    client.post(reverse("account_login"), {"login": person.email, "password": CAST_PASSWORD})
    client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})
    assert client.session["_auth_user_id"] == str(person.pk)
    used = rows(
        "SELECT a.last_used_at FROM mfa_authenticator a JOIN accounts_user u ON u.id = a.user_id WHERE u.email = %s",
        (person.email,),
    )
    assert used and all(value is None or is_a_whole_day(value) for (value,) in used)
    assert any(value is not None for (value,) in used)


def test_a_privileged_sign_in_stays_accountable(cast):
    activate_totp(cast.team_leader)
    record(action=Action.SIGN_IN, actor=cast.team_leader, obj=cast.team_leader)
    assert rows("SELECT actor_id FROM audit_auditevent WHERE action = 'sign_in'") != [(None,)]


# --- what privileged roles see --------------------------------------------------------------------


def event_rows(body: str) -> list[str]:
    return re.findall(r"<tr>\s*<td>\d+</td>(.*?)</tr>", body, flags=re.S)


@pytest.mark.parametrize("auditor", [Role.PROGRAM_ADMIN, Role.CLINICAL_ADVISOR])
def test_the_audit_screen_shows_staff_sign_ins_by_day_without_an_address(staff_who_asked, cast, auditor):
    _client, person = staff_who_asked
    record(action=Action.SIGN_IN, actor=cast.team_leader, obj=cast.team_leader)
    viewer = cast.program_admin if auditor is Role.PROGRAM_ADMIN else cast.clinical_advisor
    activate_totp(viewer)
    screen = Client()
    screen.force_login(viewer)

    body = screen.get(reverse("audit:events")).content.decode()

    assert ADDRESS not in body and person.email not in body
    staff_rows = [row for row in event_rows(body) if "Signed in" in row or "Sign-in failed" in row]
    anonymous = [row for row in staff_rows if "@" not in row]  # privileged sign-ins name the account
    assert len(anonymous) == 2  # the failed try and the sign-in
    assert "a staff account" in anonymous[0] and "10.20.30.0/24" in anonymous[1]
    for row in anonymous:
        assert not re.search(r"\d{1,2}:\d{2}", row), row  # the day, never the time
    leader = [row for row in staff_rows if cast.team_leader.email in row]
    assert leader and re.search(r"\d{2}:\d{2}:\d{2}", leader[0])  # privileged: to the second


def test_the_team_leader_sees_when_a_request_came_to_the_quarter_hour(cast, signed_in):
    make_peer(cast.peer)
    support_request = ask_as(cast.staff, urgency="urgent")
    zone = zoneinfo.ZoneInfo(Agency.objects.get().timezone)
    arrived = timezone.now().astimezone(zone).replace(hour=9, minute=52, second=41) - datetime.timedelta(days=1)
    SupportRequest.objects.filter(pk=support_request.pk).update(created_at=arrived)
    leader = signed_in(cast.team_leader)

    queue = leader.get(reverse("support:queue"))
    triage = leader.get(reverse("support:triage", args=[support_request.pk]))

    for page in (queue, triage):
        body = page.content.decode()
        assert "9:52" not in body and "09:52" not in body
        assert "09:45" in body  # received, to the quarter hour
        assert "10:45" in body  # first contact due: an hour for an urgent request, from then
    assert queue.context["rows"][0]["received"] == arrived.replace(minute=45, second=0, microsecond=0)


def test_the_privacy_page_states_the_time_rule(cast, client):
    body = client.get(reverse("privacy")).content.decode()
    assert "No time that points to you" in body
    assert "to the quarter hour" in body and "closer than the day" in body
