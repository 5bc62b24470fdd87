"""The anonymous door: from every page a visitor without an account can open, asking anonymously
and opening an existing ticket are one tap away (in the header, so above the fold on a phone),
and "Need to talk?" says how to reach the peer team directly."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from sidebar.org.models import Agency
from tests.factories import Cast

pytestmark = pytest.mark.django_db

SIGNED_OUT_PAGES = ["account_login", "need_to_talk", "privacy", "tickets:new", "tickets:open"]


def _visitor_nav(body: str) -> str:
    """The header's navigation for visitors (what shows first on a phone)."""
    header = re.search(r'<header class="site-header">(.*?)</header>', body, re.S)
    assert header is not None
    return header.group(1)


@pytest.mark.parametrize("url_name", SIGNED_OUT_PAGES)
def test_every_signed_out_page_offers_asking_and_opening_a_ticket_in_the_header(client, cast: Cast, url_name) -> None:
    header = _visitor_nav(client.get(reverse(url_name)).content.decode())
    assert f'href="{reverse("tickets:new")}"' in header
    assert "Ask without an account" in header
    assert f'href="{reverse("tickets:open")}"' in header
    assert "Open my ticket" in header


def test_signed_in_people_do_not_get_the_visitor_links_in_their_header(signed_in, cast: Cast) -> None:
    header = _visitor_nav(signed_in(cast.staff).get(reverse("home")).content.decode())
    assert "Ask without an account" not in header


def test_the_sign_in_page_says_how_to_ask_without_an_account(client, cast: Cast) -> None:
    body = client.get(reverse("account_login")).content.decode()
    main = body.split('<main id="main"', 1)[1]
    assert f'href="{reverse("tickets:new")}"' in main
    assert f'href="{reverse("tickets:open")}"' in main


def test_need_to_talk_offers_the_anonymous_ticket_and_the_peer_team_directly(client, cast: Cast) -> None:
    agency = Agency.objects.get()
    agency.peer_team_phone, agency.peer_team_email = "1-555-0142", "peers@lakeside.example.gov"
    agency.save()
    body = client.get(reverse("need_to_talk")).content.decode()
    main = body.split('<main id="main"', 1)[1]
    assert f'href="{reverse("tickets:new")}"' in main
    assert f'href="{reverse("tickets:open")}"' in main
    assert 'href="tel:1-555-0142"' in main
    assert 'href="mailto:peers@lakeside.example.gov"' in main


def test_need_to_talk_leaves_out_the_peer_team_contact_when_none_is_set(client, cast: Cast) -> None:
    body = client.get(reverse("need_to_talk")).content.decode()
    assert "mailto:" not in body
    assert "Call the peer team" not in body
