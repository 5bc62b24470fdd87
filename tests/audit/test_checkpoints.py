"""An insider with the database cannot cut the audit log short unseen: signed checkpoints of the
chain's head leave the database (e-mail, system log, the privacy page), and `audit verify`
compares the chain with the last one it can find. Each test plays the insider of THREATS.md on
the database itself; on PostgreSQL the owner first switches off the table's triggers (which an
owner can do), so the checkpoints are shown to catch what the triggers cannot."""

from __future__ import annotations

import contextlib
import datetime
import logging
from collections.abc import Iterator

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from sidebar.audit.checkpoints import CheckpointLine, InvalidCheckpoint
from sidebar.audit.models import Action, AuditEvent, ChainHead, Checkpoint, Verification
from sidebar.audit.services import GENESIS, event_hash, record, take_checkpoint, verify_chain
from sidebar.audit.tasks import take_audit_checkpoint

pytestmark = pytest.mark.django_db

POSTGRESQL = connection.vendor == "postgresql"


@contextlib.contextmanager
def as_the_owner_without_triggers() -> Iterator[None]:
    """What a table owner can do on PostgreSQL before rewriting the log; nothing on SQLite."""
    if POSTGRESQL:
        with connection.cursor() as cursor:
            cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER USER")
            cursor.execute("ALTER TABLE audit_checkpoint DISABLE TRIGGER USER")
    try:
        yield
    finally:
        if POSTGRESQL:
            with connection.cursor() as cursor:
                cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER USER")
                cursor.execute("ALTER TABLE audit_checkpoint ENABLE TRIGGER USER")


@pytest.fixture
def chain() -> list[AuditEvent]:
    """Ten events in a row."""
    return [record(action=Action.EXPORT, object_type="report", object_id=str(n)) for n in range(10)]


def checkpoint_now() -> CheckpointLine:
    call_command("audit", "checkpoint")
    return Checkpoint.objects.order_by("-seq").first().line  # type: ignore[union-attr]


def cut_newest(events: list[AuditEvent], how_many: int) -> None:
    """Delete the newest events and move the head back, as an insider hiding their last looks."""
    kept = events[-how_many - 1]
    with as_the_owner_without_triggers():
        AuditEvent.objects.filter(pk__in=[e.pk for e in events[-how_many:]]).delete()
    ChainHead.objects.filter(pk=1).update(last_hash=kept.hash, last_event_id=kept.pk)


def forge_after_head(*, linked: bool) -> AuditEvent:
    """An event inserted after the head: with a correct hash linked to the head, or not."""
    head = ChainHead.objects.get(pk=1)
    forged = AuditEvent(at=timezone.now(), action=Action.EXPORT, object_type="report", object_id="forged")
    forged.prev_hash = head.last_hash if linked else "f" * 64
    forged.hash = event_hash(forged, forged.prev_hash)
    forged.save(force_insert=True)
    return forged


# --- the three cuts observed on copies of the database ---------------------------------------


def test_cutting_the_newest_five_events_and_moving_the_head_is_caught_by_the_checkpoint(chain):
    checkpoint_now()
    cut_newest(chain, 5)
    report = verify_chain()
    assert not report.ok
    assert "cut short" in report.reason and "5 events missing" in report.reason
    with pytest.raises(CommandError, match="BROKEN"):
        call_command("audit", "verify")


def test_a_cut_is_caught_by_the_e_mailed_line_when_the_database_checkpoints_are_gone_too(chain):
    line = checkpoint_now()
    cut_newest(chain, 5)
    with as_the_owner_without_triggers():
        Checkpoint.objects.all().delete()
    assert verify_chain().ok  # the database alone can no longer tell
    with pytest.raises(CommandError, match="5 events missing after checkpoint 1"):
        call_command("audit", "verify", "--checkpoint", line.text)


def test_events_replaced_before_the_checkpointed_head_are_caught(chain):
    """Cut five, then append five new ones: the count is back, the checkpointed head is not."""
    checkpoint_now()
    cut_newest(chain, 5)
    for n in range(5):
        record(action=Action.EXPORT, object_type="report", object_id=f"again{n}")
    report = verify_chain()
    assert not report.ok
    assert "no longer event 10 of the chain" in report.reason


@pytest.mark.parametrize("linked", [True, False], ids=["with a correct hash", "with a wrong hash"])
def test_a_row_inserted_after_the_head_is_an_error_not_an_event(chain, linked):
    forged = forge_after_head(linked=linked)
    report = verify_chain()
    assert not report.ok
    assert report.first_broken_id == forged.pk
    assert "past the chain head" in report.reason
    assert report.events_checked == 10  # the forged row is not counted as an event


def test_deleting_every_event_is_caught_against_any_checkpoint(chain):
    line = checkpoint_now()
    with as_the_owner_without_triggers():
        AuditEvent.objects.all().delete()
    ChainHead.objects.all().delete()
    report = verify_chain()
    assert not report.ok and "cut short" in report.reason
    with as_the_owner_without_triggers():
        Checkpoint.objects.all().delete()
    with pytest.raises(CommandError, match="10 events missing after checkpoint 1"):
        call_command("audit", "verify", "--checkpoint", line.text)


@pytest.mark.skipif(not POSTGRESQL, reason="the TRUNCATE trigger exists on PostgreSQL")
@pytest.mark.parametrize("table", ["audit_auditevent", "audit_checkpoint"])
def test_postgresql_refuses_truncate_even_to_the_tables_owner(chain, table):
    checkpoint_now()
    with connection.cursor() as cursor:
        cursor.execute("SELECT tableowner = current_user FROM pg_tables WHERE tablename = %s", [table])
        assert cursor.fetchone() == (True,)  # the test's role owns the table, as an insider would
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {table}")
    assert AuditEvent.objects.count() == 10 and Checkpoint.objects.count() == 1
    assert verify_chain().ok


@pytest.mark.skipif(not POSTGRESQL, reason="the append-only trigger exists on PostgreSQL")
@pytest.mark.parametrize("statement", ["UPDATE audit_checkpoint SET events = 0", "DELETE FROM audit_checkpoint"])
def test_postgresql_refuses_to_change_or_remove_a_checkpoint(chain, statement):
    checkpoint_now()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement)


# --- what a checkpoint is and where it goes ---------------------------------------------------


def test_a_checkpoint_line_carries_head_count_and_time_and_parses_back(chain):
    line = checkpoint_now()
    assert line.events == 10 and line.head == chain[-1].hash and line.seq == 1
    assert line.text.startswith("sidebar-audit-checkpoint v1 seq=1 events=10 head=" + chain[-1].hash)
    assert CheckpointLine.parse(line.text) == line
    # as pasted from an e-mail that wrapped it, with stray spaces
    assert CheckpointLine.parse("  " + line.text.replace(" at=", "\n at=") + " \n") == line
    assert line.signature_valid()


@pytest.mark.parametrize(
    "change", [("events=10", "events=9"), ("seq=1", "seq=2"), ("key=", "key=x")], ids=["count", "seq", "key"]
)
def test_an_altered_line_is_refused(chain, change):
    line = checkpoint_now()
    altered = line.text.replace(*change)
    with pytest.raises(CommandError, match=r"not a genuine Sidebar checkpoint|cannot be checked"):
        call_command("audit", "verify", "--checkpoint", altered)


def test_a_malformed_line_is_refused_with_a_clear_message(chain):
    with pytest.raises(CommandError, match="not a checkpoint line"):
        call_command("audit", "verify", "--checkpoint", "head=abc events=3")
    with pytest.raises(InvalidCheckpoint):
        CheckpointLine.parse("")


def test_a_line_signed_with_another_installations_key_is_refused(chain, settings):
    line = checkpoint_now()
    settings.SIDEBAR_MASTER_KEYS = {next(iter(settings.SIDEBAR_MASTER_KEYS)): b"another installation's key 32by"}
    assert not line.signature_valid()
    with pytest.raises(CommandError, match="not a genuine Sidebar checkpoint"):
        call_command("audit", "verify", "--checkpoint", line.text)


def test_a_forged_checkpoint_row_in_the_database_is_reported_not_trusted(chain):
    """A database writer can add rows but cannot sign them (the key is not in the database)."""
    line = checkpoint_now()
    with as_the_owner_without_triggers():
        Checkpoint.objects.create(
            seq=2, at=timezone.now(), events=3, head_hash=chain[2].hash, key_id=line.key_id, signature=line.signature
        )
    report = verify_chain()
    assert not report.ok and "checkpoint 2 in the database is not genuine" in report.reason


def test_a_checkpoint_is_verified_before_it_is_signed(chain):
    """The job never signs a chain that is already cut: it raises the alarm instead."""
    checkpoint_now()
    cut_newest(chain, 5)
    outcome = take_checkpoint(scheduled=True)
    assert outcome.checkpoint is None and not outcome.report.ok
    assert Checkpoint.objects.count() == 1
    assert not Verification.objects.latest().ok


def test_the_checkpoint_goes_to_the_system_log_and_is_mailed_without_names(
    cast, chain, settings, smtp_server, caplog, django_capture_on_commit_callbacks
):
    settings.SIDEBAR_AUDIT_CHECKPOINT_EMAILS = ["counsel@example.gov"]
    with (
        caplog.at_level(logging.INFO, logger="sidebar.audit.checkpoint"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        call_command("audit", "checkpoint")
    line = Checkpoint.objects.get().line
    assert [r.getMessage() for r in caplog.records if r.name == "sidebar.audit.checkpoint"] == [line.text]
    messages = smtp_server.deliver(2)
    assert sorted(m["To"] for m in messages) == ["clinician@example.gov", "counsel@example.gov"]
    for message in messages:
        body = message.get_payload(decode=True).decode()
        assert line.text in body
        for user in cast.by_role().values():
            assert user.email not in body
        assert "Test County" not in body and "clinician" not in body


def test_the_scheduled_job_mails_the_first_checkpoint_of_each_day_only(
    cast, chain, smtp_server, django_capture_on_commit_callbacks
):
    yesterday = timezone.now() - datetime.timedelta(days=1)
    with django_capture_on_commit_callbacks(execute=True):
        take_checkpoint(scheduled=True, now=yesterday)
        assert take_audit_checkpoint.call() is True
        assert take_audit_checkpoint.call() is True
    assert len(smtp_server.deliver(2)) == 2  # yesterday's first and today's first
    assert list(Checkpoint.objects.values_list("seq", "emailed")) == [(1, True), (2, True), (3, False)]
    with django_capture_on_commit_callbacks(execute=True):
        call_command("audit", "checkpoint")  # on demand: always mailed
    assert len(smtp_server.deliver(3)) == 3


def test_the_scheduled_job_alerts_when_the_chain_is_broken(
    cast, chain, smtp_server, caplog, django_capture_on_commit_callbacks
):
    checkpoint_now()
    cut_newest(chain, 5)
    caplog.clear()
    smtp_server.discard_earlier()  # e-mails of the set-up: not what this test is about
    with (
        caplog.at_level(logging.INFO, logger="sidebar.audit.checkpoint"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert take_audit_checkpoint.call() is False
    (alert,) = [r for r in caplog.records if r.name == "sidebar.audit.checkpoint"]
    assert alert.levelno == logging.ERROR and "cut short" in alert.getMessage()
    (message,) = smtp_server.deliver(1)
    assert "failed its check" in message.get_payload(decode=True).decode()


def test_checkpoints_are_a_scheduled_job():
    from sidebar.schedules import SCHEDULES

    (schedule,) = [s for s in SCHEDULES if s.task is take_audit_checkpoint]
    assert schedule.every == datetime.timedelta(hours=1)


def test_an_untouched_chain_verifies_against_its_checkpoints(chain, capsys):
    line = checkpoint_now()
    record(action=Action.EXPORT, object_type="report", object_id="later")
    call_command("audit", "verify", "--checkpoint", line.text)
    out = capsys.readouterr().out
    assert "Audit chain intact: 11 events verified." in out
    assert "It holds every event of checkpoint 1 (10 events" in out


def test_an_empty_log_checkpoints_at_the_genesis(db):
    line = checkpoint_now()
    assert line.events == 0 and line.head == GENESIS
    assert verify_chain().ok


@pytest.mark.skipif(not POSTGRESQL, reason="the TRUNCATE trigger exists on PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_flush_empties_the_log_only_in_test_mode_and_puts_the_guard_back(settings):
    """The suite's flush after each transactional test must work; anywhere else it is refused."""
    record(action=Action.EXPORT, object_type="report", object_id="1")
    take_checkpoint(scheduled=False)
    settings.TESTING = False
    with pytest.raises(CommandError, match="couldn't be flushed") as refused:
        call_command("flush", interactive=False, verbosity=0)
    assert "append-only (TRUNCATE rejected)" in str(refused.value.__cause__)
    assert AuditEvent.objects.count() == 1 and Checkpoint.objects.count() == 1  # nothing was emptied
    settings.TESTING = True
    call_command("flush", interactive=False, verbosity=0)
    assert not AuditEvent.objects.exists() and not Checkpoint.objects.exists()
    with pytest.raises(DatabaseError, match="append-only"), connection.cursor() as cursor:
        cursor.execute("TRUNCATE audit_auditevent")
