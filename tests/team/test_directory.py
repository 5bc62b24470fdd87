"""The peer directory: every staff member sees the active peers, with what helps them choose, and
asks one of them from there."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from sidebar.accounts.roles import Role
from sidebar.team.models import PeerProfile
from tests.conftest import SignedIn
from tests.factories import UnitFactory, make_account, make_peer
from tests.team.conftest import colleague, contact, live_assignment

pytestmark = pytest.mark.django_db

DIRECTORY = reverse("team:directory")


def names(response) -> list[str]:  # type: ignore[no-untyped-def]
    return [entry.peer.person.full_name for entry in response.context["entries"]]


@pytest.fixture
def team(cast):
    """Three active peers in two units and languages, and people who must not be listed."""
    trial, appeals = UnitFactory(name="Trial"), UnitFactory(name="Appeals")
    cast.ana = make_peer(
        colleague("Ana Ortiz", unit=trial), languages=["es"], introduction="Twelve years in felony trials."
    )
    cast.ben = make_peer(colleague("Ben Tran", unit=appeals), languages=["vi", "es"], level="supervisory")
    cast.cy = make_peer(colleague("Cy Walker", unit=appeals))
    for status in ("inactive", "removed", "stepped_down", "in_training", "nominated"):
        make_peer(colleague(f"Not {status.replace('_', ' ')}"), status=status)
    gone = make_peer(colleague("Left Agency"))  # an active profile on a staff record that is not
    gone.person.is_active = False
    gone.person.save(update_fields=["is_active"])
    return cast


def test_every_staff_member_sees_only_active_peers_on_active_staff_records(team, signed_in: SignedIn):
    response = signed_in(team.staff).get(DIRECTORY)
    assert response.status_code == 200
    assert names(response) == ["Ana Ortiz", "Ben Tran", "Cy Walker"]
    body = response.content.decode()
    assert "Not Inactive" not in body and "Not Removed" not in body and "Left Agency" not in body
    assert "Twelve years in felony trials." in body
    assert "Supervisory peer · Appeals" in body
    assert "Speaks: English, Vietnamese, Spanish" in body


def test_each_entry_links_to_the_request_form_with_the_peer_chosen(team, signed_in: SignedIn):
    client = signed_in(team.staff)
    body = client.get(DIRECTORY).content.decode()
    link = f"{reverse('support:ask')}?peer={team.ana.pk}"
    assert f'href="{link}"' in body
    form = client.get(link).context["form"]
    assert str(form["requested_peer"].value()) == str(team.ana.pk)
    assert f'<option value="{team.ana.pk}" selected>' in client.get(link).content.decode()


def test_the_request_form_ignores_a_peer_who_is_not_active_or_does_not_exist(team, signed_in: SignedIn):
    client = signed_in(team.staff)
    removed = PeerProfile.objects.get(status="removed")
    for peer in (removed.pk, "not-a-peer"):
        body = client.get(f"{reverse('support:ask')}?peer={peer}").content.decode()
        assert " selected>" not in body.split('name="requested_peer"')[1].split("</select>")[0]


def test_the_request_form_links_to_the_directory(cast, signed_in: SignedIn):
    assert f'href="{DIRECTORY}"' in signed_in(cast.staff).get(reverse("support:ask")).content.decode()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"language": "es"}, ["Ana Ortiz", "Ben Tran"]),
        ({"language": "vi"}, ["Ben Tran"]),
        ({"language": "ko"}, []),
        ({"level": "supervisory"}, ["Ben Tran"]),
        ({"level": "peer"}, ["Ana Ortiz", "Cy Walker"]),
        ({"unit": "appeals"}, ["Ben Tran", "Cy Walker"]),
        ({"unit": "appeals", "language": "es", "level": "supervisory"}, ["Ben Tran"]),
        ({"language": "", "level": "", "unit": ""}, ["Ana Ortiz", "Ben Tran", "Cy Walker"]),
    ],
)
def test_filters_by_language_level_and_unit(team, signed_in: SignedIn, query, expected):
    if query.get("unit"):
        query = {**query, "unit": PeerProfile.objects.get(person__full_name="Ben Tran").person.unit_id}
    response = signed_in(team.staff).get(DIRECTORY, query)
    assert names(response) == expected


def test_the_unit_filter_offers_only_units_with_active_peers(team, signed_in: SignedIn):
    UnitFactory(name="Empty Unit")
    form = signed_in(team.staff).get(DIRECTORY).context["form"]
    assert [unit.name for unit in form.fields["unit"].queryset] == ["Appeals", "Trial"]


def test_an_unknown_filter_value_is_reported_and_the_others_still_apply(team, signed_in: SignedIn):
    response = signed_in(team.staff).get(DIRECTORY, {"language": "xx", "level": "supervisory"})
    assert names(response) == ["Ben Tran"]
    assert response.context["form"].errors["language"]
    assert "Select a valid choice" in response.content.decode()


def test_the_filters_are_a_plain_get_form(team, signed_in: SignedIn):
    body = signed_in(team.staff).get(DIRECTORY).content.decode()
    assert '<form method="get"' in body
    assert "<script" not in body.split("<main")[1]  # nothing that needs JavaScript on the page


def test_available_now_follows_the_matcher_s_rules_for_the_peer(team, signed_in: SignedIn):
    """Away, at capacity, without the current agreement or flagged for load: not available now."""
    today = timezone.localdate()
    away = make_peer(colleague("Away Until Today"), unavailable_until=today)
    back = make_peer(colleague("Back Since Yesterday"), unavailable_until=today - datetime.timedelta(days=1))
    full = make_peer(colleague("Full Capacity"), capacity=1)
    live_assignment(full)
    unsigned = make_peer(colleague("Not Signed"), signed=False)
    flagged = make_peer(colleague("Heavy Month"))
    for _ in range(4):
        contact(flagged, topics=("critical_incident",))
    response = signed_in(team.staff).get(DIRECTORY)
    available = {entry.peer.pk: entry.available for entry in response.context["entries"]}
    assert available[away.pk] is False and available[full.pk] is False and available[unsigned.pk] is False
    assert available[flagged.pk] is False
    assert available[back.pk] is True and available[team.ana.pk] is True
    body = response.content.decode()
    assert body.count("Available now") == 4  # Ana, Ben, Cy, Back Since Yesterday
    assert body.count("Not taking new requests right now") == 4


def test_a_peer_sees_their_own_entry_with_a_link_to_edit_it(team, signed_in: SignedIn):
    profile = make_peer(team.peer)
    body = signed_in(team.peer).get(DIRECTORY).content.decode()
    assert "This is you: edit your entry" in body
    assert f"?peer={profile.pk}" not in body


def test_the_team_leader_also_gets_a_link_to_each_roster_entry(team, signed_in: SignedIn):
    assert reverse("team:peer", args=[team.ana.pk]) in signed_in(team.team_leader).get(DIRECTORY).content.decode()
    assert reverse("team:peer", args=[team.ana.pk]) not in signed_in(team.staff).get(DIRECTORY).content.decode()


def test_the_directory_query_count_does_not_grow_with_the_team(cast, signed_in: SignedIn, django_assert_num_queries):
    """Session, user, roles, agency, the unit filter, the current agreement, the peers — however
    many peers, languages, units and open requests there are."""
    client = signed_in(cast.staff)
    for n in range(2):
        peer = make_peer(colleague(f"First {n}", unit=UnitFactory()), languages=["es"])
        live_assignment(peer)
    client.get(DIRECTORY)  # the first request stamps the session
    with django_assert_num_queries(7):
        assert len(client.get(DIRECTORY, {"language": "es"}).context["entries"]) == 2
    for n in range(8):
        peer = make_peer(colleague(f"More {n}", unit=UnitFactory()), languages=["es", "vi"], level="supervisory")
        live_assignment(peer)
        contact(peer, topics=("grief",))
    with django_assert_num_queries(7):
        assert len(client.get(DIRECTORY, {"language": "es"}).context["entries"]) == 10
    with django_assert_num_queries(7):
        assert len(client.get(DIRECTORY).context["entries"]) == 10


def test_a_peer_supporter_account_without_a_profile_is_not_listed(cast, signed_in: SignedIn):
    make_account("new.peer@example.gov", Role.PEER)
    assert names(signed_in(cast.staff).get(DIRECTORY)) == []
