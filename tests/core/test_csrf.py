"""Cross-site requests cannot act for a signed-in person (ASVS V3.5.1, issue 17): a form posted
from another site carries no CSRF token and is refused, whatever the page."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from sidebar.support.models import SupportRequest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url_name", ["support:refer", "support:ask", "account_logout", "account_change_password"])
def test_a_post_without_the_csrf_token_is_refused(cast, url_name):
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.staff)
    data = {"colleague_email": cast.peer.email, "reason": "visible_distress", "urgency": "urgent"}

    response = client.post(reverse(url_name), data)

    assert response.status_code == 403
    assert SupportRequest.objects.count() == 0
    assert client.get(reverse("home")).status_code == 200  # still signed in: the logout was refused too
