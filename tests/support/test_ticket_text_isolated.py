"""Edges found by fuzzing (issue 12, section 7): a right-to-left override in an anonymous message
reversed the rest of the peer's line. What someone typed is shown in its own bidirectional
island (`dir="auto"`, `unicode-bidi: isolate`), so it cannot reorder anything after it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from tests.support.test_tickets import peer_on_ticket  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db

OVERRIDE = "\u202e"


def test_a_right_to_left_override_in_a_message_is_isolated_on_the_peers_page(peer_on_ticket) -> None:  # noqa: F811
    peer = peer_on_ticket["peer"]
    peer.post(
        reverse("tickets:peer_reply", kwargs={"assignment_id": peer_on_ticket["assignment"].pk}),
        {"body": f"reply {OVERRIDE}desrever"},
    )
    page = peer.get(reverse("support:assignment", kwargs={"assignment_id": peer_on_ticket["assignment"].pk}))
    html = page.content.decode()
    islands = re.findall(r'<div class="user-text" dir="auto">(.*?)</div>', html, re.S)
    assert any(OVERRIDE in island for island in islands), "the message is not inside an isolated element"
    assert OVERRIDE not in re.sub(r'<div class="user-text" dir="auto">.*?</div>', "", html, flags=re.S)
    css = Path(finders.find("sidebar/site.css")).read_text(encoding="utf-8")
    assert ".user-text, .user-text p { unicode-bidi: isolate; }" in css
