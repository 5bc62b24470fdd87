"""Never shred while a safety exception is open (issue 12, section 2). Observed: a peer raised
"danger to self", then the identity was shredded, and a disclosure to emergency services was
later recorded about a person nobody could identify. While an exception is raised or advised the
vault holds the identity — no retention run, epoch change or request deletes it — the hold is
audited, and it ends when the exception is decided, when the retention period starts again."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from sidebar.audit.models import Action, AuditEvent
from sidebar.org.models import Agency
from sidebar.safeguards import services as safeguards
from sidebar.support import services as support
from sidebar.support.models import SupportRequest
from sidebar.vault import services as vault
from sidebar.vault.models import DataKey
from tests.factories import Cast

pytestmark = pytest.mark.django_db


def key_of(support_request: SupportRequest) -> DataKey:
    return DataKey.objects.get(support_request=support_request)


def raise_danger_to_self(case: SupportRequest, cast: Cast):  # type: ignore[no-untyped-def]
    return safeguards.raise_exception(support_request=case, category="danger_self", by=cast.peer)


def decide(exception, cast: Cast) -> None:  # type: ignore[no-untyped-def]
    safeguards.advise(exception=exception, advice="disclose", by=cast.clinical_advisor)
    safeguards.decide(exception=exception, decision="disclose", by=cast.team_leader)


def test_a_closed_request_is_not_shredded_while_its_exception_is_open(case: SupportRequest, cast: Cast) -> None:
    Agency.objects.update(identity_retention_days=0)
    exception = raise_danger_to_self(case, cast)
    support.close(support_request=case, by=cast.peer)

    assert vault.shred_due(now=timezone.now() + datetime.timedelta(days=400)) == 0
    assert vault.rotate_epochs(now=timezone.now() + datetime.timedelta(days=30)).shredded == 0
    assert not key_of(case).is_shredded
    with pytest.raises(vault.IdentityHeld):
        vault.shred(key=key_of(case), reason="the person asked")

    steps = list(AuditEvent.objects.filter(action=Action.EXCEPTION_STEP).values_list("detail", flat=True))
    assert "identity held" in steps
    assert exception.pk  # still there to be decided


def test_a_peer_cannot_delete_the_details_now_while_the_exception_is_open(case: SupportRequest, cast: Cast) -> None:
    raise_danger_to_self(case, cast)
    with pytest.raises(support.WorkflowError):
        support.close(support_request=case, by=cast.peer, shred_now=True)
    assert not key_of(case).is_shredded


def test_the_hold_ends_when_decided_and_the_retention_period_starts_again(case: SupportRequest, cast: Cast) -> None:
    Agency.objects.update(identity_retention_days=30)
    exception = raise_danger_to_self(case, cast)
    support.close(support_request=case, by=cast.peer)
    DataKey.objects.filter(pk=key_of(case).pk).update(shred_after=timezone.now() - datetime.timedelta(days=90))

    decide(exception, cast)

    key = key_of(case)
    assert not key.held
    restarted = key.shred_after - timezone.now()
    assert datetime.timedelta(days=29) < restarted <= datetime.timedelta(days=30)
    assert vault.shred_due() == 0  # not due for another 30 days
    assert vault.shred_due(now=timezone.now() + datetime.timedelta(days=31)) == 1
    assert AuditEvent.objects.filter(action=Action.EXCEPTION_STEP, detail="hold released").count() == 1


def test_a_second_open_exception_keeps_the_hold(case: SupportRequest, cast: Cast) -> None:
    first = raise_danger_to_self(case, cast)
    safeguards.raise_exception(support_request=case, category="danger_others", by=cast.peer)
    decide(first, cast)
    assert key_of(case).held


def test_the_hold_is_shown_on_the_request_to_the_team_leader_and_the_peer(
    case: SupportRequest, cast: Cast, signed_in
) -> None:  # type: ignore[no-untyped-def]
    from sidebar.support.models import Assignment

    held = "Held: a confidentiality exception is being considered."
    triage = f"/support/requests/{case.pk}/"
    assignment = Assignment.objects.get(request=case)
    peer_page = f"/support/assignments/{assignment.pk}/"
    assert held not in signed_in(cast.team_leader).get(triage).content.decode()

    raise_danger_to_self(case, cast)

    assert held in signed_in(cast.team_leader).get(triage).content.decode()
    assert held in signed_in(cast.peer).get(peer_page).content.decode()


def test_the_privacy_page_says_what_the_hold_does(client) -> None:  # type: ignore[no-untyped-def]
    page = client.get("/privacy/").content.decode()
    assert "your details are held: nobody can delete them" in page
    assert "the retention period starts again" in page
