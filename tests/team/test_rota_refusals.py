"""The rota refuses, out loud and for each reason, a peer who is away during the stretch and a
peer who has not signed the current team agreement (neither could answer an urgent request)."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from sidebar.team import services
from sidebar.team.models import OnCallShift
from tests.factories import Cast, make_account, make_peer, publish_agreement

pytestmark = pytest.mark.django_db


def _days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


def test_a_peer_away_during_the_stretch_is_refused(cast: Cast) -> None:
    peer = make_peer(make_account("ada.away@example.gov"), unavailable_until=_days(3))
    with pytest.raises(services.RosterError, match=r"away until"):
        services.add_shift(peer=peer, starts_on=_days(2), ends_on=_days(6), by=cast.team_leader)
    services.add_shift(peer=peer, starts_on=_days(4), ends_on=_days(6), by=cast.team_leader)  # back by then
    assert OnCallShift.objects.filter(peer=peer).count() == 1


def test_a_peer_without_the_signed_agreement_is_refused(cast: Cast) -> None:
    peer = make_peer(make_account("ben.unsigned@example.gov"))
    publish_agreement()  # a new version nobody has signed yet
    with pytest.raises(services.RosterError, match=r"team agreement"):
        services.add_shift(peer=peer, starts_on=_days(0), ends_on=_days(2), by=cast.team_leader)
    assert not OnCallShift.objects.filter(peer=peer).exists()


def test_the_rota_page_gives_one_message_per_reason_and_keeps_the_input(cast: Cast, signed_in) -> None:
    peer = make_peer(make_account("cy.both@example.gov"), unavailable_until=_days(5), signed=False)
    publish_agreement()
    client = signed_in(cast.team_leader)
    response = client.post(
        reverse("team:rota"), {"peer": str(peer.pk), "starts_on": str(_days(1)), "ends_on": str(_days(3))}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "is away until" in body
    assert "has not signed the current team agreement" in body
    assert f'value="{_days(1)}"' in body
    assert not OnCallShift.objects.filter(peer=peer).exists()
