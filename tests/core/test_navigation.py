"""The navigation bar (sidebar.core.navigation): a handful of entries for the person's roles
first, the rest behind "More", and every link one that policy lets the person open.

On a 360 px phone the bar's seventeen links filled the first screen.
"""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from sidebar import policy
from sidebar.accounts.roles import Role
from sidebar.accounts.services import set_roles
from sidebar.core.navigation import HANDFUL, NAV_ITEMS, nav_for
from tests.conftest import SignedIn
from tests.factories import Cast

pytestmark = pytest.mark.django_db

MORE = re.compile(r'<li class="nav-more"><details>\s*<summary>More</summary>(.*?)</details>', re.DOTALL)


def bar(client: Client) -> tuple[list[str], list[str]]:
    """The labels shown first and those behind "More", read from the home page's HTML."""
    page = client.get(reverse("home")).content.decode()
    nav = re.search(r'<nav class="wrap site-nav" aria-label="Main">(.*?)</nav>', page, re.DOTALL)
    assert nav is not None
    more = MORE.search(nav.group(1))
    hidden = re.findall(r"<a [^>]*>([^<]+)</a>", more.group(1)) if more else []
    everything = re.findall(r"<a [^>]*>([^<]+)</a>", nav.group(1))
    return [label for label in everything if label not in hidden], hidden


@pytest.mark.parametrize(
    ("role", "first"),
    [
        (Role.STAFF, ["Home", "Ask for support", "Find a peer supporter", "My requests", "Join the team"]),
        (Role.PEER, ["Home", "My assignments", "Training", "My peer profile", "Interview panel", "Ask for support"]),
        (
            Role.TEAM_LEADER,
            ["Home", "Request queue", "Team roster", "Critical incidents", "Training", "Ask for support"],
        ),
        (Role.CLINICAL_ADVISOR, ["Home", "Exceptions", "Debriefs", "Audit log", "Ask for support"]),
        (Role.PROGRAM_ADMIN, ["Home", "Accounts", "Staff roster", "Agency settings", "Invitations", "Ask for support"]),
        (Role.LEADERSHIP, ["Home", "Program statistics", "Ask for support"]),
    ],
)
def test_each_role_sees_its_own_handful_first_and_the_rest_behind_more(
    role: Role, first: list[str], cast: Cast, signed_in: SignedIn
) -> None:
    shown, more = bar(signed_in(getattr(cast, role.value)))
    assert shown == first
    assert len(shown) <= HANDFUL + 1  # and Home
    assert more, "the rest sits behind More"
    assert not set(shown) & set(more)


def test_someone_with_two_roles_gets_each_role_s_first_entry_in_role_order(cast: Cast, signed_in: SignedIn) -> None:
    set_roles(user=cast.team_leader, roles=[Role.TEAM_LEADER, Role.PEER], by=None)
    shown, _ = bar(signed_in(cast.team_leader))
    assert shown == ["Home", "Request queue", "My assignments", "Team roster", "Training", "Ask for support"]


def test_every_link_in_the_bar_is_one_policy_lets_the_person_open(cast: Cast, signed_in: SignedIn) -> None:
    """All of each role's entries (first and under More) open for that role, and no entry that
    policy refuses it is listed at all."""
    for role in Role:
        user = getattr(cast, role.value)
        client = signed_in(user)
        request = client.get(reverse("home")).wsgi_request
        listed = list(nav_for(request))
        allowed = {
            item.url_name for item in NAV_ITEMS if (rule := policy.rule_for(item.url_name)) and rule.allows(user)
        }
        assert {item.url_name for item in listed} == allowed, role
        for item in listed:
            response = client.get(item.url)
            assert response.status_code in (200, 302), (role, item.label, response.status_code)


def test_every_entry_names_a_url_that_exists() -> None:
    for item in NAV_ITEMS:
        assert item.url.startswith("/"), item
        assert policy.rule_for(item.url_name) is not None, f"{item.url_name} has no rule: the link would be a 404"
