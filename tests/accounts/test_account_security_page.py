"""The account security page links only to pages that exist: switching two-factor sign-in off is
closed (privileged roles must keep it), so the page says what to do about a new phone instead."""

from __future__ import annotations

import pytest

from tests.conftest import SignedIn
from tests.factories import Cast

pytestmark = pytest.mark.django_db


def test_no_dead_link_to_switch_two_factor_off(cast: Cast, signed_in: SignedIn) -> None:
    client = signed_in(cast.team_leader)
    page = client.get("/accounts/2fa/").content.decode()
    assert "/accounts/2fa/totp/deactivate/" not in page
    assert "ask your program administrator to reset your two-factor sign-in" in page
    assert client.get("/accounts/2fa/totp/deactivate/").status_code == 404
