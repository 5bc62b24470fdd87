"""The Django admin's account screens, kept for rare repairs: creating an account must work."""

from __future__ import annotations

import pytest
from django.urls import reverse

from sidebar.accounts.models import User
from sidebar.audit.models import Action, AuditEvent

pytestmark = pytest.mark.django_db


def test_the_admin_add_form_creates_an_account_with_its_roles(cast, signed_in):
    client = signed_in(cast.program_admin)
    page = client.get(reverse("admin:accounts_user_add"))
    assert page.status_code == 200
    assert not page.context["adminform"].form.fields["email"].disabled

    response = client.post(
        reverse("admin:accounts_user_add"),
        {"email": "new.deputy@example.gov", "is_active": "on", "roles": ["leadership"]},
    )

    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    user = User.objects.get(email="new.deputy@example.gov")
    assert not user.has_usable_password()
    # (a role that opens requests waits for a second person: tests/accounts/test_two_person.py)
    assert set(user.role_memberships.values_list("role", flat=True)) == {"leadership"}
    assert AuditEvent.objects.filter(action=Action.ROLE_GRANTED, object_id=str(user.pk), detail="leadership").exists()


def test_an_existing_accounts_address_stays_fixed_in_the_admin(cast, signed_in):
    client = signed_in(cast.program_admin)
    page = client.get(reverse("admin:accounts_user_change", args=[cast.staff.pk]))
    assert page.context["adminform"].form.fields["email"].disabled
