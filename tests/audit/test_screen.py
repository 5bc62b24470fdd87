from __future__ import annotations

import pytest
from django.urls import reverse

from sidebar.audit.models import Action, AuditEvent, Verification
from sidebar.audit.services import record
from tests.factories import activate_totp

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, cast):
    activate_totp(cast.program_admin)
    client.force_login(cast.program_admin)
    return client


def test_staff_sign_ins_are_shown_without_naming_the_person(admin_client, cast):
    record(action=Action.SIGN_IN, actor=cast.staff, obj=cast.staff)
    record(action=Action.ROLE_GRANTED, actor=cast.program_admin, obj=cast.peer, detail="peer")
    body = admin_client.get(reverse("audit:events")).content.decode()
    assert "a staff account" in body
    assert cast.staff.email not in body
    assert cast.program_admin.email in body  # privileged actors answer for what they did


def test_filter_by_action_and_bad_dates_are_explained(admin_client, cast):
    record(action=Action.EXPORT, actor=cast.program_admin, object_type="report", object_id="2026-10")
    record(action=Action.SIGN_IN, actor=cast.staff, obj=cast.staff)
    response = admin_client.get(reverse("audit:events"), {"action": "export"})
    assert [e.action for e in response.context["events"]] == ["export"]
    response = admin_client.get(reverse("audit:events"), {"since": "2026-11-02", "until": "2026-11-01"})
    assert "The end date must be on or after the start date." in response.content.decode()
    assert 'value="2026-11-02"' in response.content.decode()


def test_verify_button_runs_the_check_and_records_it(admin_client):
    record(action=Action.EXPORT, object_type="report", object_id="1")
    response = admin_client.post(reverse("audit:verify"), follow=True)
    assert "The audit chain is intact" in response.content.decode()
    assert Verification.objects.get().ok
    assert AuditEvent.objects.filter(action=Action.AUDIT_VERIFIED).exists()


def test_list_query_count_is_pinned(admin_client, cast, django_assert_num_queries):
    """Session, user, roles, two-factor check, count, page, who of the actors is privileged,
    their e-mails, last verification, agency: ten queries for a page of fifty."""
    for _ in range(30):
        record(action=Action.SIGN_IN, actor=cast.staff, obj=cast.staff)
        record(action=Action.ROLE_GRANTED, actor=cast.program_admin, obj=cast.peer, detail="peer")
    admin_client.get(reverse("audit:events"))  # the first request stamps the session
    with django_assert_num_queries(10):
        admin_client.get(reverse("audit:events"))
