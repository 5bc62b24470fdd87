"""A peer keeps their own directory entry and availability current; bad input is explained and
nothing typed is lost."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from sidebar.team.models import PeerProfile
from tests.conftest import SignedIn
from tests.factories import make_peer

pytestmark = pytest.mark.django_db

ME = reverse("team:me")


@pytest.fixture
def profile(cast) -> PeerProfile:
    return make_peer(cast.peer, introduction="Ask me about trial weeks.", languages=["es"], skills=["grief"])


def valid(**changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "introduction": "I have worked in victim services for ten years.",
        "languages": ["es", "tl"],
        "skills": ["grief", "secondary_trauma"],
        "capacity": "4",
        "unavailable_until": "",
    }
    data.update(changes)
    return data


def test_the_page_starts_from_the_peer_s_current_profile(cast, profile, signed_in: SignedIn):
    response = signed_in(cast.peer).get(ME)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Ask me about trial weeks." in body
    form = response.context["form"]
    assert form["languages"].value() == ["es"] and form["skills"].value() == ["grief"]
    assert form["capacity"].value() == 3


def test_a_peer_saves_introduction_languages_skills_capacity_and_time_away(cast, profile, signed_in: SignedIn):
    until = timezone.localdate() + datetime.timedelta(days=7)
    response = signed_in(cast.peer).post(ME, valid(unavailable_until=until.isoformat()))
    assert response.status_code == 302 and response["Location"] == ME
    profile.refresh_from_db()
    assert profile.introduction == "I have worked in victim services for ten years."
    assert profile.languages == ["es", "tl"] and profile.skills == ["grief", "secondary_trauma"]
    assert profile.capacity == 4 and profile.unavailable_until == until


def test_today_is_a_valid_last_day_away_and_empty_means_around(cast, profile, signed_in: SignedIn):
    client = signed_in(cast.peer)
    client.post(ME, valid(unavailable_until=timezone.localdate().isoformat()))
    profile.refresh_from_db()
    assert profile.unavailable_until == timezone.localdate()
    client.post(ME, valid(unavailable_until=""))
    profile.refresh_from_db()
    assert profile.unavailable_until is None


INVALID = {
    "introduction too long": ({"introduction": "x" * 401}, "introduction", "at most 400 characters"),
    "capacity zero": ({"capacity": "0"}, "capacity", "greater than or equal to 1"),
    "capacity eleven": ({"capacity": "11"}, "capacity", "less than or equal to 10"),
    "capacity missing": ({"capacity": ""}, "capacity", "This field is required"),
    "away in the past": (
        {"unavailable_until": (timezone.localdate() - datetime.timedelta(days=1)).isoformat()},
        "unavailable_until",
        "Choose today or a later date",
    ),
    "unknown language": ({"languages": ["es", "xx"]}, "languages", "Select a valid choice"),
    "unknown skill": ({"skills": ["not_a_topic"]}, "skills", "Select a valid choice"),
}


@pytest.mark.parametrize("case", INVALID, ids=list(INVALID))
def test_bad_input_is_explained_keeps_what_was_typed_and_saves_nothing(cast, profile, signed_in: SignedIn, case):
    changes, field, message = INVALID[case]
    data = valid(**changes)
    response = signed_in(cast.peer).post(ME, data)
    assert response.status_code == 400
    body = response.content.decode()
    assert "Please check" in body and message in body
    assert list(response.context["form"].errors) == [field]
    if field != "introduction":
        assert "I have worked in victim services for ten years." in body  # what was typed stays
    assert response.context["form"]["skills"].value() == data["skills"]
    profile.refresh_from_db()
    assert profile.introduction == "Ask me about trial weeks." and profile.capacity == 3


def test_the_peer_cannot_set_their_own_on_call_status_level_or_training(cast, profile, signed_in: SignedIn):
    signed_in(cast.peer).post(
        ME, valid(on_call="on", status="removed", level="supervisory", basic_training_completed_on="2020-01-01")
    )
    profile.refresh_from_db()
    assert profile.on_call is False and profile.status == "active" and profile.level == "peer"
    assert profile.basic_training_completed_on == datetime.date(2026, 1, 15)


def test_an_edit_shows_in_the_directory_at_once(cast, profile, signed_in: SignedIn):
    signed_in(cast.peer).post(ME, valid(introduction="Evenings are best for me."))
    assert "Evenings are best for me." in signed_in(cast.staff).get(reverse("team:directory")).content.decode()


def test_time_away_takes_the_peer_out_of_the_directory_s_available_now(cast, profile, signed_in: SignedIn):
    signed_in(cast.peer).post(ME, valid(unavailable_until=timezone.localdate().isoformat()))
    [entry] = signed_in(cast.staff).get(reverse("team:directory")).context["entries"]
    assert entry.available is False


def test_a_peer_account_without_a_profile_is_told_so(cast, signed_in: SignedIn):
    response = signed_in(cast.peer).get(ME)
    assert response.status_code == 200
    assert "not on the team's roster yet" in response.content.decode()
    assert signed_in(cast.peer).post(ME, valid()).status_code == 200
    assert not PeerProfile.objects.exists()


def test_a_peer_who_left_the_team_sees_their_status(cast, signed_in: SignedIn):
    make_peer(cast.peer, status="stepped_down")
    body = signed_in(cast.peer).get(ME).content.decode()
    assert "stepped down" in body and "not in the directory" in body
