"""A round announced to chosen units is theirs: only staff of those units (and the units below
them) see it, apply or are nominated; and the announcement e-mails only people who can sign in to
apply (an active account), not staff records without one."""

from __future__ import annotations

import pytest
from django.urls import reverse

from sidebar.recruitment import selectors, services
from sidebar.recruitment.models import Application, Round
from tests.factories import Cast, PersonFactory, UnitFactory, make_account
from tests.recruitment.conftest import answers_for, make_round

pytestmark = pytest.mark.django_db


@pytest.fixture
def units():  # type: ignore[no-untyped-def]
    division = UnitFactory(name="Trial Division")
    return division, UnitFactory(name="Felony Bureau", parent=division), UnitFactory(name="Appeals")


def test_the_announcement_goes_only_to_active_accounts(
    cast: Cast, units, smtp_server, django_capture_on_commit_callbacks
) -> None:
    division, bureau, _ = units
    make_account("can.apply@example.gov", unit=bureau)
    PersonFactory(full_name="No Account", work_email="no.account@example.gov", user=None, unit=division)
    locked_out = make_account("locked.out@example.gov", unit=division)
    locked_out.is_active = False
    locked_out.save(update_fields=["is_active"])
    round_ = make_round(cast.team_leader, announce=False, audience=Round.Audience.UNITS, units=[division])
    with django_capture_on_commit_callbacks(execute=True):
        assert services.announce_round(round_=round_, by=cast.team_leader) == 1
    assert {message["To"] for message in smtp_server.deliver(1)} == {"can.apply@example.gov"}


def test_a_round_for_chosen_units_is_seen_and_applied_to_only_by_them(cast: Cast, units, signed_in) -> None:
    division, bureau, appeals = units
    inside = make_account("inside.bureau@example.gov", unit=bureau)
    outside = make_account("outside.appeals@example.gov", unit=appeals)
    round_ = make_round(cast.team_leader, audience=Round.Audience.UNITS, units=[division])

    assert list(selectors.open_rounds(inside)) == [round_]
    assert list(selectors.open_rounds(outside)) == []
    for name in ("recruitment:round", "recruitment:apply", "recruitment:nominate"):
        url = reverse(name, kwargs={"round_id": round_.pk})
        assert signed_in(outside).get(url).status_code == 404
        assert signed_in(inside).get(url).status_code == 200
    with pytest.raises(services.RecruitmentError, match="not open to your unit"):
        services.apply(round_=round_, user=outside, answers=answers_for(round_))
    assert not Application.objects.filter(person__user=outside).exists()
    services.apply(round_=round_, user=inside, answers=answers_for(round_))


def test_only_colleagues_in_the_chosen_units_can_be_nominated(cast: Cast, units, signed_in) -> None:
    division, bureau, appeals = units
    nominator = make_account("nominator.division@example.gov", unit=division)
    in_bureau = make_account("nominee.bureau@example.gov", unit=bureau)
    in_appeals = make_account("nominee.appeals@example.gov", unit=appeals)
    round_ = make_round(cast.team_leader, audience=Round.Audience.UNITS, units=[division])

    page = signed_in(nominator).get(reverse("recruitment:nominate", kwargs={"round_id": round_.pk}))
    choices = {str(person.pk) for person in page.context["form"].fields["nominee"].queryset}
    assert str(in_bureau.person.pk) in choices
    assert str(in_appeals.person.pk) not in choices
    with pytest.raises(services.RecruitmentError, match="not open to"):
        services.nominate(round_=round_, nominee=in_appeals.person, by=nominator, reason="Calm and kind.")
    services.nominate(round_=round_, nominee=in_bureau.person, by=nominator, reason="Calm and kind.")


def test_a_round_for_everyone_stays_open_to_everyone(cast: Cast, units) -> None:
    _, _, appeals = units
    anyone = make_account("anyone.appeals@example.gov", unit=appeals)
    round_ = make_round(cast.team_leader)
    assert list(selectors.open_rounds(anyone)) == [round_]
