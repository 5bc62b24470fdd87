from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import activate_totp

pytestmark = pytest.mark.django_db


def test_staff_home_greets_the_person_and_shows_the_crisis_line(client, cast):
    client.force_login(cast.staff)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Welcome, Staff" in body
    assert 'href="tel:988"' in body
    assert "Agency set-up" not in body


def test_pages_are_never_cached(client, cast):
    client.force_login(cast.staff)
    response = client.get(reverse("home"))
    assert "no-store" in response["Cache-Control"]


def test_privileged_user_without_totp_is_sent_to_set_it_up(client, cast):
    client.force_login(cast.team_leader)
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")


def test_privileged_user_with_totp_reaches_home(client, cast):
    activate_totp(cast.program_admin)
    client.force_login(cast.program_admin)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert "Agency set-up" in response.content.decode()


def test_home_page_query_count_is_pinned(client, cast, django_assert_num_queries):
    """Session, user, roles, staff record (with unit and tier), agency: five queries, however
    many roles or people there are. The benchmark in bench/run.py measures this page."""
    client.force_login(cast.staff)
    client.get(reverse("home"))  # the first request stamps the session's idle clock
    with django_assert_num_queries(5):
        client.get(reverse("home"))


def test_administrator_home_adds_only_the_summary_queries(client, cast, django_assert_num_queries):
    """The same five, the two-factor check, and three counts."""
    activate_totp(cast.program_admin)
    client.force_login(cast.program_admin)
    client.get(reverse("home"))
    with django_assert_num_queries(9):
        client.get(reverse("home"))
