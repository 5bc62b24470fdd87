"""A new installation has no rank tiers, and the roster cannot name a tier that does not exist:
the administrator adds the usual four in one step, or their own, in Sidebar's pages."""

from __future__ import annotations

import pytest

from sidebar.accounts.models import User
from sidebar.audit.models import Action, AuditEvent
from sidebar.org import services
from sidebar.org.models import RankTier
from tests.conftest import SignedIn
from tests.factories import Cast

pytestmark = pytest.mark.django_db

PAGE = "/setup/rank-tiers/"


def test_a_new_installation_gets_the_usual_four_once_however_often_it_asks() -> None:
    admin = User.objects.create_user("first.admin@example.gov")
    for _ in range(2):
        services.add_default_rank_tiers(by=admin)
    assert list(RankTier.objects.order_by("level").values_list("level", "name")) == [
        (0, "Line staff"),
        (1, "Supervisor"),
        (2, "Manager"),
        (3, "Executive"),
    ]
    assert (
        AuditEvent.objects.filter(action=Action.AGENCY_SETTING_CHANGED, detail__startswith="rank_tier:+").count() == 4
    )


def test_the_page_offers_the_usual_four_only_while_there_are_none(cast: Cast, signed_in: SignedIn) -> None:
    page = signed_in(cast.program_admin).get(PAGE).content.decode()
    assert "Add the usual four" not in page  # the cast's people hold a tier already
    assert "Line staff" in page


def test_an_own_tier_is_added_and_a_clash_is_explained_keeping_the_input(cast: Cast, signed_in: SignedIn) -> None:
    admin = signed_in(cast.program_admin)

    clash = admin.post(PAGE, {"name": "Senior counsel", "level": "0"})
    assert clash.status_code == 400
    assert "Another rank tier has this level" in clash.content.decode()
    assert 'value="Senior counsel"' in clash.content.decode()

    added = admin.post(PAGE, {"name": "Senior counsel", "level": "2"})
    assert added.status_code == 302
    assert RankTier.objects.filter(name="Senior counsel", level=2).exists()
    assert AuditEvent.objects.filter(detail="rank_tier:+2").count() == 1
