"""The audit log is hash-chained: any edit or removal is found, and names the row."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from sidebar.accounts.roles import Role
from sidebar.accounts.services import set_roles
from sidebar.audit.models import Action, AuditEvent, Result
from sidebar.audit.services import record, verify_chain
from tests.factories import CAST_PASSWORD, make_account

pytestmark = pytest.mark.django_db


@pytest.fixture
def chain():
    """Ten events in a row."""
    return [record(action=Action.EXPORT, object_type="report", object_id=str(n)) for n in range(10)]


def test_an_untouched_chain_verifies(chain):
    report = verify_chain()
    assert report.ok
    assert report.events_checked == 10


@pytest.mark.skipif(connection.vendor == "postgresql", reason="PostgreSQL rejects the edit itself (tested below)")
@pytest.mark.parametrize("position", [0, 4, 9])
@pytest.mark.parametrize(
    "change", [{"object_id": "999"}, {"action": Action.IDENTITY_READ}, {"ip": "10.0.0.9"}, {"result": Result.DENIED}]
)
def test_editing_any_row_breaks_the_chain_at_that_row(chain, position, change):
    AuditEvent.objects.filter(pk=chain[position].pk).update(**change)
    report = verify_chain()
    assert not report.ok
    assert report.first_broken_id == chain[position].pk


@pytest.mark.skipif(connection.vendor == "postgresql", reason="PostgreSQL rejects the deletion itself")
@pytest.mark.parametrize("position", [0, 4, 9])
def test_deleting_any_row_breaks_the_chain_where_it_was(chain, position):
    AuditEvent.objects.filter(pk=chain[position].pk).delete()
    report = verify_chain()
    assert not report.ok
    # the row after the gap no longer links; a removed newest row is named by the chain head
    expected = chain[position + 1].pk if position < 9 else chain[position].pk
    assert report.first_broken_id == expected


@pytest.mark.skipif(connection.vendor == "postgresql", reason="PostgreSQL rejects the edit itself")
def test_verify_command_names_the_broken_row_and_fails(chain):
    AuditEvent.objects.filter(pk=chain[3].pk).update(object_id="x")
    with pytest.raises(CommandError, match=f"BROKEN at event #{chain[3].pk}"):
        call_command("audit", "verify")


def test_verify_command_reports_an_intact_chain(chain, capsys):
    call_command("audit", "verify")
    assert "Audit chain intact: 10 events verified." in capsys.readouterr().out


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the append-only trigger exists on PostgreSQL")
@pytest.mark.parametrize("statement", ["UPDATE audit_auditevent SET object_id = 'x'", "DELETE FROM audit_auditevent"])
def test_postgresql_rejects_update_and_delete_of_audit_rows(chain, statement):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement)
    assert verify_chain().ok


def test_sign_in_success_and_failure_are_recorded_without_the_email(client):
    user = make_account("dana.cole@example.gov", password=CAST_PASSWORD)
    client.post(reverse("account_login"), {"login": user.email, "password": "wrong password entirely"})
    client.post(reverse("account_login"), {"login": user.email, "password": CAST_PASSWORD})
    actions = list(AuditEvent.objects.values_list("action", "result", "actor_id"))
    assert (Action.SIGN_IN_FAILED, Result.DENIED, None) in actions
    assert (Action.SIGN_IN, Result.OK, None) in actions  # a staff account: counted, not named
    for event in AuditEvent.objects.all():
        row = " ".join(str(value) for value in event.__dict__.values())
        assert "dana" not in row.lower()
    assert verify_chain().ok


def test_role_changes_are_recorded_with_the_actor(cast):
    set_roles(user=cast.staff, roles=[Role.PEER], by=cast.program_admin)
    set_roles(user=cast.staff, roles=[], by=cast.program_admin)
    events = AuditEvent.objects.filter(object_id=str(cast.staff.pk), actor_id=cast.program_admin.pk)
    assert list(events.values_list("action", "detail")) == [
        (Action.ROLE_GRANTED, "peer"),
        (Action.ROLE_REVOKED, "peer"),
    ]


@pytest.mark.skipif(connection.vendor == "postgresql", reason="PostgreSQL rejects the deletion itself")
def test_removing_the_chain_head_with_the_newest_events_is_caught(chain):
    from sidebar.audit.models import ChainHead

    AuditEvent.objects.filter(pk=chain[-1].pk).delete()
    ChainHead.objects.all().delete()
    report = verify_chain()
    assert not report.ok and "head is missing" in report.reason


def test_an_event_appended_during_verification_is_not_taken_for_tampering(chain):
    """The walk reads the head, then the rows: an event appended in between (with its head
    update) is followed as part of the chain, not reported as a row past the head."""
    late = []
    report = verify_chain(
        after_reading_head=lambda: late.append(record(action=Action.EXPORT, object_type="report", object_id="late"))
    )
    assert report.ok, report.reason
    assert report.events_checked == 11 and report.head_hash == late[0].hash
