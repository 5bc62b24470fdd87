"""Disclosures reach only those party to them (issue 16, section 1; the role table on the privacy
page): a team leader or clinical advisor who took no part in an exception neither sees it once it
is decided nor opens its disclosure or sealed note. While it waits, whoever's step it is sees it."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from sidebar import policy
from sidebar.accounts.roles import Role
from sidebar.audit.models import Action, AuditEvent
from sidebar.safeguards import services
from sidebar.safeguards.models import ConfidentialityException
from sidebar.support.categories import ExceptionCategory
from tests.conftest import SignedIn
from tests.factories import make_account
from tests.safeguards.conftest import accepted_request

pytestmark = pytest.mark.django_db

NOTE = "Called the crisis team; they went round."


def url(name: str, exception: ConfidentialityException) -> str:
    return reverse(f"safeguards:{name}", kwargs={"pk": exception.pk})


@pytest.fixture
def others(cast):
    """A second team leader and a second clinical advisor, party to nothing below."""
    return (
        make_account("leader2@example.gov", Role.TEAM_LEADER),
        make_account("clinician2@example.gov", Role.CLINICAL_ADVISOR),
    )


@pytest.fixture
def exception(cast):
    support_request = accepted_request(peer=cast.peer, leader=cast.team_leader, asker=cast.staff)
    return services.raise_exception(
        support_request=support_request, category=ExceptionCategory.DANGER_TO_SELF, by=cast.peer
    )


def visible(user, exception) -> bool:  # type: ignore[no-untyped-def]
    return policy.visible_to(user, ConfidentialityException).filter(pk=exception.pk).exists()


def test_while_it_waits_every_advisor_and_team_leader_sees_it(cast, others, exception):
    other_leader, other_advisor = others
    assert visible(other_advisor, exception) and visible(other_leader, exception)
    services.advise(exception=exception, advice="disclose", by=cast.clinical_advisor)
    # advised: the other advisor was not consulted; any team leader may still decide
    assert not visible(other_advisor, exception)
    assert visible(other_leader, exception) and visible(cast.clinical_advisor, exception)


def test_once_decided_only_those_who_took_part_see_it_and_its_disclosure(cast, others, exception, signed_in: SignedIn):
    other_leader, other_advisor = others
    services.advise(exception=exception, advice="disclose", by=cast.clinical_advisor)
    services.decide(exception=exception, decision="disclose", by=cast.team_leader)
    services.record_disclosure(
        exception=exception,
        recipient="emergency_services",
        disclosed_on=timezone.localdate(),
        basis="duty_to_warn",
        person_told=True,
        note=NOTE,
        by=cast.team_leader,
    )
    reads = AuditEvent.objects.filter(action=Action.IDENTITY_READ, object_id=str(exception.pk))
    for outsider in (other_leader, other_advisor):
        assert not visible(outsider, exception)
        client = signed_in(outsider)
        assert client.get(url("exception", exception)).status_code == 404
        assert client.get(url("note", exception)).status_code == 404
        listed = client.get(reverse("safeguards:exceptions")).content.decode()
        assert str(exception.pk) not in listed
    assert reads.count() == 0
    for party in (cast.team_leader, cast.clinical_advisor):
        assert NOTE in signed_in(party).get(url("note", exception)).content.decode()
    assert reads.count() == 2


def test_a_team_leader_who_raised_it_stays_party_to_it(cast, others):
    other_leader, _ = others
    support_request = accepted_request(peer=cast.peer, leader=cast.team_leader, asker=cast.staff)
    raised = services.raise_exception(
        support_request=support_request, category=ExceptionCategory.DANGER_TO_OTHERS, by=other_leader
    )
    services.advise(exception=raised, advice="do_not_disclose", by=cast.clinical_advisor)
    services.decide(exception=raised, decision="do_not_disclose", by=cast.team_leader)
    assert visible(other_leader, raised) and visible(cast.team_leader, raised)
    assert not visible(make_account("leader3@example.gov", Role.TEAM_LEADER), raised)
