"""The on-call rota: the team leader puts peers on call for stretches of days; whoever the rota has
on call today is alerted to urgent requests and ranks first for them."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from sidebar.support import matching
from sidebar.support.selectors import candidates
from sidebar.team import services
from sidebar.team.models import OnCallShift, PeerProfile
from tests.factories import Cast, make_account, make_peer

pytestmark = pytest.mark.django_db


def test_a_shift_covering_today_makes_a_peer_on_call_for_matching(cast: Cast) -> None:
    peer = make_peer(make_account("olu.rota@example.gov"))
    today = timezone.localdate()
    services.add_shift(
        peer=peer,
        starts_on=today + datetime.timedelta(days=1),
        ends_on=today + datetime.timedelta(days=7),
        by=cast.team_leader,
    )
    assert not next(c for c in candidates() if c.peer_id == peer.pk).on_call  # not yet
    services.add_shift(peer=peer, starts_on=today, ends_on=today, by=cast.team_leader)
    candidate = next(c for c in candidates() if c.peer_id == peer.pk)
    assert candidate.on_call
    assert "on call now" in matching.score(matching.Need(person_id=None, urgent=True), candidate)[1]


def test_only_active_peers_go_on_the_rota_and_leaving_takes_them_off(cast: Cast) -> None:
    peer = make_peer(make_account("pia.rota@example.gov"))
    today = timezone.localdate()
    services.add_shift(peer=peer, starts_on=today, ends_on=today + datetime.timedelta(days=6), by=cast.team_leader)
    services.add_shift(
        peer=peer,
        starts_on=today + datetime.timedelta(days=14),
        ends_on=today + datetime.timedelta(days=20),
        by=cast.team_leader,
    )
    services.change_status(peer=peer, to=PeerProfile.Status.INACTIVE, by=cast.team_leader)
    assert list(OnCallShift.objects.filter(peer=peer, ends_on__gte=today)) == []
    with pytest.raises(services.RosterError, match="Only an active peer"):
        services.add_shift(peer=peer, starts_on=today, ends_on=today, by=cast.team_leader)


def test_the_rota_page_keeps_what_was_typed_when_the_dates_are_wrong(cast: Cast, signed_in) -> None:
    peer = make_peer(make_account("quin.rota@example.gov"))
    client = signed_in(cast.team_leader)
    today = timezone.localdate()
    response = client.post(
        reverse("team:rota"),
        {"peer": str(peer.pk), "starts_on": str(today + datetime.timedelta(days=3)), "ends_on": str(today)},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "The last day cannot come before the first." in page
    assert f'value="{today + datetime.timedelta(days=3)}"' in page
    response = client.post(
        reverse("team:rota"),
        {"peer": str(peer.pk), "starts_on": str(today), "ends_on": str(today + datetime.timedelta(days=6))},
    )
    assert response.status_code == 302
    assert "Quin Rota" in client.get(reverse("team:rota")).content.decode()
