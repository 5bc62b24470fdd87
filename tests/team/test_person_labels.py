"""Namesakes told apart wherever people are listed or chosen (sidebar.lib.people).

Two people named Ivo Gutierrez, one in Felony Trials and one in Appeals, looked the same on the
attendance list, the on-call rota, the interview panel and the incident board, and the credit
for a training session went to the wrong one. On each of those pages both are now named with
their unit, and choosing one by that label acts on that one.
"""

from __future__ import annotations

import datetime
import html
import re
from dataclasses import dataclass
from types import SimpleNamespace

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from sidebar.accounts.roles import Role
from sidebar.incidents import services as incidents
from sidebar.incidents.models import Incident
from sidebar.lib.people import person_label, person_labels
from sidebar.recruitment.models import PanelMember
from sidebar.support.models import Assignment
from sidebar.team.models import OnCallShift, PeerProfile
from sidebar.training.models import Attendance
from tests.factories import Cast, UnitFactory, activate_totp, make_account, make_peer
from tests.recruitment.conftest import make_round
from tests.training.conftest import held

pytestmark = pytest.mark.django_db

TRIALS_IVO = "Ivo Gutierrez, Felony Trials"
APPEALS_IVO = "Ivo Gutierrez, Appeals"


@dataclass
class Namesakes:
    trials: PeerProfile
    appeals: PeerProfile


@pytest.fixture
def ivos(cast: Cast) -> Namesakes:
    trials, appeals = UnitFactory(name="Felony Trials"), UnitFactory(name="Appeals")
    pair = []
    for email, unit in (("ivo.gutierrez@example.gov", trials), ("ivo.gutierrez2@example.gov", appeals)):
        user = make_account(email, Role.PEER, unit=unit)
        user.person.full_name = "Ivo Gutierrez"
        user.person.save(update_fields=["full_name"])
        pair.append(make_peer(user))
    return Namesakes(trials=pair[0], appeals=pair[1])


@pytest.fixture
def leader(cast: Cast) -> Client:
    activate_totp(cast.team_leader)
    client = Client()
    client.force_login(cast.team_leader)
    return client


def value_labelled(page: str, label: str) -> str:
    """The value of the one option or checkbox whose label starts with ``label``."""
    text = html.unescape(page)
    found = re.findall(r'value="([^"]+)"[^>]*>\s*' + re.escape(label) + r"\b(?!,)", text)
    assert len(found) == 1, f"{label!r} labels {len(found)} choices"
    return found[0]


def test_name_and_unit_and_the_title_only_where_both_are_shared() -> None:
    def someone(name: str, unit: str | None, title: str) -> SimpleNamespace:
        return SimpleNamespace(
            full_name=name, unit_id=unit and 1, unit=unit and SimpleNamespace(name=unit), title=title
        )

    listed = [
        someone("Ivo Gutierrez", "Felony Trials", "Deputy District Attorney"),
        someone("Ivo Gutierrez", "Felony Trials", "Investigator"),
        someone("Ivo Gutierrez", "Appeals", "Paralegal"),
        someone("Ana Ortiz", None, "Clerk"),
    ]
    listed.append(listed[2])  # the same person twice (two shifts on the rota) is no namesake
    assert person_labels(listed) == [
        "Ivo Gutierrez, Felony Trials, Deputy District Attorney",
        "Ivo Gutierrez, Felony Trials, Investigator",
        "Ivo Gutierrez, Appeals",
        "Ana Ortiz",
        "Ivo Gutierrez, Appeals",
    ]
    assert person_label(listed[0]) == "Ivo Gutierrez, Felony Trials"


def test_attendance_names_each_ivo_with_their_unit_and_credits_the_one_ticked(
    ivos: Namesakes, leader: Client, django_assert_max_num_queries
) -> None:
    session = held(timezone.localdate() - datetime.timedelta(days=1))
    url = reverse("training:session", args=[session.pk])
    with django_assert_max_num_queries(20):  # labels read the units in the same query
        page = leader.get(url).content.decode()
    chosen = value_labelled(page, APPEALS_IVO)
    assert value_labelled(page, TRIALS_IVO) != chosen

    response = leader.post(url, {"peers": [chosen]})

    assert response.status_code == 302
    assert list(Attendance.objects.values_list("peer_id", flat=True)) == [ivos.appeals.pk]


def test_the_rota_names_each_ivo_with_their_unit_and_puts_the_chosen_one_on_call(
    ivos: Namesakes, leader: Client
) -> None:
    page = leader.get(reverse("team:rota")).content.decode()
    chosen = value_labelled(page, TRIALS_IVO)
    assert value_labelled(page, APPEALS_IVO) != chosen
    today = timezone.localdate()

    response = leader.post(reverse("team:rota"), {"peer": chosen, "starts_on": today, "ends_on": today})

    assert response.status_code == 302
    assert list(OnCallShift.objects.values_list("peer_id", flat=True)) == [ivos.trials.pk]
    listed = html.unescape(leader.get(reverse("team:rota")).content.decode())
    assert f'<th scope="row">{TRIALS_IVO}</th>' in listed


def test_the_interview_panel_names_each_ivo_with_their_unit_and_seats_the_chosen_one(
    ivos: Namesakes, cast: Cast, leader: Client
) -> None:
    round_ = make_round(cast.team_leader)
    page = leader.get(reverse("recruitment:manage_round", args=[round_.pk])).content.decode()
    chosen = value_labelled(page, APPEALS_IVO)
    assert value_labelled(page, TRIALS_IVO) != chosen

    response = leader.post(reverse("recruitment:set_panel", args=[round_.pk]), {"members": [chosen]})

    assert response.status_code == 302
    assert list(PanelMember.objects.values_list("user_id", flat=True)) == [ivos.appeals.person.user_id]
    page = html.unescape(leader.get(reverse("recruitment:manage_round", args=[round_.pk])).content.decode())
    assert f"On the panel: {APPEALS_IVO}." in page


def test_the_incident_board_names_each_ivo_with_their_unit_and_offers_the_chosen_one(
    ivos: Namesakes, cast: Cast, leader: Client
) -> None:
    courts = UnitFactory(name="Courtroom staff")
    make_account("dana.clerk@example.gov", unit=courts)
    activation = incidents.activate(
        kind=Incident.Kind.THREAT_ASSAULT,
        occurred_on=timezone.localdate(),
        units=[courts],
        witnesses=[],
        by=cast.team_leader,
    )
    url = reverse("incidents:board", kwargs={"pk": activation.incident.pk})
    page = leader.get(url).content.decode()
    chosen = value_labelled(page, APPEALS_IVO)
    assert value_labelled(page, TRIALS_IVO) != chosen
    field = re.search(r'name="(peer-[^"]+)"', page)
    assert field is not None

    response = leader.post(url, {field.group(1): chosen})

    assert response.status_code == 302
    assert list(Assignment.objects.values_list("peer_id", flat=True)) == [ivos.appeals.pk]
    page = html.unescape(leader.get(url).content.decode())
    assert f"{APPEALS_IVO} (offered)" in page
