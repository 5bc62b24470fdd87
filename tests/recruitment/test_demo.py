"""The demo's recruitment round in progress."""

from __future__ import annotations

import pytest
from django.utils import timezone

from sidebar.org.demo import build_demo_agency
from sidebar.recruitment import selectors
from sidebar.recruitment.demo import build_demo_recruitment
from sidebar.recruitment.models import Application, Nomination, Score
from sidebar.support.demo import build_demo_support

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_round_in_progress_with_a_panel_partly_scored():
    accounts = build_demo_agency()
    build_demo_support()
    round_ = build_demo_recruitment()
    assert round_ is not None and round_.is_open(timezone.localdate())
    assert Nomination.objects.count() == 4 and Nomination.objects.filter(declined_at__isnull=False).count() == 1
    assert Application.objects.filter(status="interview").count() == 2
    assert round_.panel.count() == 3
    assert Score.objects.filter(conflict=False).count() == 3 and Score.objects.filter(conflict=True).count() == 1
    # the demo peer sits on the panel and has not scored: the others' scores stay hidden from them
    peer = round_.panel.get(user__email=accounts.peer).user
    for application in Application.objects.filter(status="interview"):
        assert selectors.scores_seen_by_panelist(peer, application) == (None, [])
