"""Edges found by fuzzing (issue 12, section 7): contact topics and referral codes were checked
by the form only. The service is the rule: whoever calls it, a contact is codes from the fixed
lists and 1 to 600 minutes, or nothing is recorded."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from sidebar.support import services
from sidebar.support.models import Contact
from tests.factories import Cast
from tests.safeguards.conftest import accepted_request

pytestmark = pytest.mark.django_db

GOOD = {"minutes": 30, "mode": "phone", "response_type": "post_crisis", "topics": ["grief"], "referrals": ["eap"]}


@pytest.mark.parametrize(
    "bad",
    [
        {"minutes": 0},
        {"minutes": 601},
        {"mode": "carrier pigeon"},
        {"response_type": "chat about the case"},
        {"topics": ["grief", "what they told me about their divorce"]},
        {"referrals": ["a name"]},
    ],
)
def test_a_contact_outside_the_lists_is_refused_by_the_service(cast: Cast, bad: dict[str, object]) -> None:
    support_request = accepted_request(peer=cast.peer, leader=cast.team_leader, asker=cast.staff)
    assignment = support_request.assignments.get()
    with pytest.raises(services.WorkflowError):
        services.log_contact(assignment=assignment, date=timezone.localdate(), **{**GOOD, **bad})  # type: ignore[arg-type]
    assert not Contact.objects.exists()


def test_a_contact_from_the_lists_is_recorded(cast: Cast) -> None:
    support_request = accepted_request(peer=cast.peer, leader=cast.team_leader, asker=cast.staff)
    assignment = support_request.assignments.get()
    services.log_contact(assignment=assignment, date=timezone.localdate() - datetime.timedelta(days=1), **GOOD)  # type: ignore[arg-type]
    assert Contact.objects.get().topics == ["grief"]
