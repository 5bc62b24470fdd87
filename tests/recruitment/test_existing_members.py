"""Day one of a program that already has a team: the team leader brings in the members who serve
today, and they go through the same onboarding checklist as a newly selected member."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from sidebar.accounts.roles import Role
from sidebar.audit.models import AuditEvent
from sidebar.recruitment import services
from sidebar.team.models import PeerProfile
from tests.conftest import SignedIn
from tests.factories import Cast, PersonFactory, make_account, publish_agreement, sign_current_agreement

pytestmark = pytest.mark.django_db

ADD = "/recruitment/onboarding/add/"


def test_an_existing_member_joins_with_training_on_record_and_the_peer_role(cast: Cast, signed_in: SignedIn) -> None:
    member = make_account("serving.member@example.gov")
    trained_on = timezone.localdate() - datetime.timedelta(days=400)

    response = signed_in(cast.team_leader).post(
        ADD, {"work_email": "Serving.Member@example.gov", "trained_on": trained_on.isoformat()}
    )

    assert response.status_code == 302 and response["Location"] == "/recruitment/onboarding/"
    peer = PeerProfile.objects.get(person__user=member)
    assert peer.status == PeerProfile.Status.SELECTED
    assert peer.basic_training_completed_on == trained_on
    assert set(member.role_memberships.values_list("role", flat=True)) == {Role.PEER.value}
    assert AuditEvent.objects.filter(detail="status:selected:existing").count() == 1


def test_the_existing_member_is_activated_after_the_same_checklist(cast: Cast, signed_in: SignedIn) -> None:
    member = make_account("serving.member@example.gov")
    signed_in(cast.team_leader).post(ADD, {"work_email": member.email, "trained_on": "2024-05-01"})
    peer = PeerProfile.objects.get(person__user=member)

    with pytest.raises(services.RecruitmentError, match="incomplete"):
        services.activate(peer=peer, by=cast.team_leader)

    publish_agreement(by=cast.team_leader)
    sign_current_agreement(member)
    peer.introduction = "Ten years in the trial division."
    peer.save(update_fields=["introduction"])
    services.activate(peer=peer, by=cast.team_leader)
    peer.refresh_from_db()
    assert peer.status == PeerProfile.Status.ACTIVE


@pytest.mark.parametrize(
    ("email", "trained_on", "message"),
    [
        ("nobody@example.gov", "2024-05-01", "Nobody active on the staff roster has this work e-mail."),
        ("no.account@example.gov", "2024-05-01", "has no account yet"),
        ("peer@example.gov", "2024-05-01", "on the team already"),
        ("serving.member@example.gov", "2999-01-01", "cannot be in the future"),
    ],
)
def test_a_refusal_says_why_and_keeps_what_was_typed(
    cast: Cast, signed_in: SignedIn, email: str, trained_on: str, message: str
) -> None:
    from tests.factories import make_peer

    make_peer(cast.peer)
    make_account("serving.member@example.gov")
    PersonFactory(full_name="No Account", work_email="no.account@example.gov")

    response = signed_in(cast.team_leader).post(ADD, {"work_email": email, "trained_on": trained_on})

    assert response.status_code == 200
    page = response.content.decode()
    assert message in page.replace("&#x27;", "'")
    assert f'value="{email}"' in page and f'value="{trained_on}"' in page
    assert not PeerProfile.objects.filter(person__work_email=email, status=PeerProfile.Status.SELECTED).exists()
