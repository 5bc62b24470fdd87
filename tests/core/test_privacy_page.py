"""The privacy page is built from live settings, for anyone, signed in or not."""

from __future__ import annotations

import pytest
from django.urls import reverse

from sidebar.audit.services import run_verification
from sidebar.org.models import Agency

pytestmark = pytest.mark.django_db


@pytest.fixture
def agency():
    return Agency.objects.create(name="Lakeside Probation Department", kind="probation")


def test_shows_the_live_retention_and_threshold(client, agency):
    agency.identity_retention_days, agency.suppression_threshold = 14, 11
    agency.save()
    body = client.get(reverse("privacy")).content.decode()
    assert "14 days</strong> after the request closes" in body
    assert "never a count between 1 and 10" in body


def test_retention_zero_means_at_close(client, agency):
    agency.identity_retention_days = 0
    agency.save()
    assert "When the request closes, the key is destroyed" in client.get(reverse("privacy")).content.decode()


def test_shows_when_the_audit_chain_was_last_verified(client, agency):
    assert "The log has not been checked yet." in client.get(reverse("privacy")).content.decode()
    run_verification()
    assert "it was intact" in client.get(reverse("privacy")).content.decode()


def test_lists_every_role_and_every_identity_field(client, agency):
    from sidebar.accounts.roles import Role
    from sidebar.vault.services import IDENTITY_FIELDS

    body = client.get(reverse("privacy")).content.decode()
    for role in Role:
        assert role.label in body
    for words in IDENTITY_FIELDS.values():
        assert words.split(",")[0] in body


def test_demo_mode_says_two_factor_is_not_enforced(client, agency, settings):
    assert "two-factor sign-in is not enforced" not in client.get(reverse("privacy")).content.decode()
    settings.DEMO_MODE = True
    assert "two-factor sign-in is not enforced" in client.get(reverse("privacy")).content.decode()
