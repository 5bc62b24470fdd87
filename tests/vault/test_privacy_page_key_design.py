"""The privacy page states, from the live configuration, how long a shredded identity can still
be recovered from the database's own copies."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_privacy_page_states_the_worst_case_delay_from_the_epoch_length(client, cast, settings):
    page = client.get(reverse("privacy")).content.decode()
    assert "At most 7 days after your details were due to be deleted" in page
    settings.SIDEBAR_EPOCH_DAYS = 2
    assert "At most 3 days after your details were due" in client.get(reverse("privacy")).content.decode()
