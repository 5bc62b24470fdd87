"""What people see of the checkpoints: the public privacy page, and the audit screen's
"Verify the chain now" with a line pasted from the e-mail."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from sidebar.audit.models import Action, AuditEvent, Checkpoint, Verification
from sidebar.audit.services import record, take_checkpoint
from sidebar.audit.tasks import take_audit_checkpoint
from tests.audit.test_checkpoints import as_the_owner_without_triggers, cut_newest

pytestmark = pytest.mark.django_db


@pytest.fixture
def chain(cast) -> list[AuditEvent]:
    return [record(action=Action.EXPORT, object_type="report", object_id=str(n)) for n in range(10)]


def test_the_privacy_page_shows_the_newest_mailed_checkpoint_and_the_key_that_checks_it(client, chain):
    assert "No checkpoint has been sent yet." in client.get(reverse("privacy")).content.decode()
    first = take_checkpoint(scheduled=True, now=timezone.now() - datetime.timedelta(hours=1)).checkpoint
    record(action=Action.EXPORT, object_type="report", object_id="later")
    take_audit_checkpoint.call()  # the same day: not mailed, so not shown either
    assert list(Checkpoint.objects.values_list("emailed", flat=True)) == [True, False]
    body = client.get(reverse("privacy")).content.decode()
    assert first.line.text in body
    assert f"{first.at:%-d %B %Y, %H:%M} (UTC)" in body  # in UTC like the line, not the agency's zone
    assert Checkpoint.objects.get(seq=2).line.text not in body
    from sidebar.audit.checkpoints import public_key

    assert public_key() in body
    assert "cannot make a new checkpoint or change one" in body


def test_a_checkpoint_row_nobody_signed_is_not_shown(client, chain):
    line = take_checkpoint(scheduled=False).checkpoint.line
    with as_the_owner_without_triggers():
        Checkpoint.objects.create(
            seq=2,
            at=timezone.now(),
            events=99,
            head_hash="a" * 64,
            key_id=line.key_id,
            signature=line.signature,
            emailed=True,
        )
    body = client.get(reverse("privacy")).content.decode()
    assert line.text in body and "events=99" not in body


def test_verify_against_a_pasted_line_names_the_events_missing_after_it(signed_in, cast):
    client = signed_in(cast.clinical_advisor)  # (signing in is an event too)
    chain = [record(action=Action.EXPORT, object_type="report", object_id=str(n)) for n in range(10)]
    line = take_checkpoint(scheduled=False).checkpoint.line
    cut_newest(chain, 5)
    with as_the_owner_without_triggers():
        Checkpoint.objects.all().delete()
    response = client.post(reverse("audit:verify"), {"checkpoint": line.text}, follow=True)
    body = response.content.decode()
    assert "The audit chain is BROKEN" in body
    assert "5 events missing after checkpoint 1" in body
    assert not Verification.objects.latest().ok


def test_verify_against_a_pasted_line_of_an_intact_chain_says_so(signed_in, cast, chain):
    line = take_checkpoint(scheduled=False).checkpoint.line
    response = signed_in(cast.program_admin).post(reverse("audit:verify"), {"checkpoint": line.text}, follow=True)
    assert f"It holds every event of checkpoint 1 ({line.events} events" in response.content.decode()


def test_a_wrong_line_is_explained_and_kept_and_nothing_is_verified(signed_in, cast, chain):
    line = take_checkpoint(scheduled=False).checkpoint.line
    altered = line.text.replace(f"events={line.events}", f"events={line.events + 2}")
    response = signed_in(cast.program_admin).post(reverse("audit:verify"), {"checkpoint": altered})
    assert response.status_code == 400
    body = response.content.decode()
    assert "not a genuine Sidebar checkpoint" in body
    assert altered in body  # what was pasted stays in the box
    assert not Verification.objects.exists()
