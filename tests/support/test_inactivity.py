"""A request nobody closes does not keep its identity for ever (issue 12, section 1; DESIGN.md
invariant 2): after the agency's ``inactive_close_days`` without activity it closes on its own,
through the ordinary close, with the team leaders warned a week before — a count and a link,
never a name or a reason. Running the job twice, or late, does nothing more."""

from __future__ import annotations

import datetime
from collections.abc import Callable

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from sidebar.audit.models import Action, AuditEvent
from sidebar.org.models import Agency
from sidebar.org.services import update_agency_settings
from sidebar.safeguards.models import ConfidentialityException
from sidebar.safeguards.services import raise_exception
from sidebar.support import services, tickets
from sidebar.support.inactivity import warn_and_close_inactive
from sidebar.support.models import Assignment, SupportRequest
from sidebar.vault import services as vault
from sidebar.vault.models import DataKey
from tests.factories import Cast, ask_as, make_peer

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


@pytest.fixture
def sent(django_capture_on_commit_callbacks) -> Callable[[], list[mail.EmailMessage]]:  # type: ignore[no-untyped-def]
    """The e-mails the job sent (after delivery by the outbox worker, where there is one)."""

    def run() -> list[mail.EmailMessage]:
        try:
            from sidebar.outbox.services import deliver  # type: ignore[import-not-found]
        except ImportError:  # e-mails go out on commit
            return list(mail.outbox)
        deliver()
        return list(mail.outbox)

    return run


def run(at: datetime.datetime, capture) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    with capture(execute=True):
        done = warn_and_close_inactive(now=at)
    return done.warned, done.closed


def age(support_request: SupportRequest, days: int) -> None:
    """Make the request as old as ``days``: its creation is its only activity so far."""
    SupportRequest.objects.filter(pk=support_request.pk).update(created_at=timezone.now() - days * DAY)


def test_an_untouched_request_is_warned_a_week_ahead_then_closed_once(
    cast: Cast, sent, django_capture_on_commit_callbacks
) -> None:
    support_request = ask_as(cast.staff, topics=["grief"])
    now = timezone.now()
    assert run(now + 82 * DAY, django_capture_on_commit_callbacks) == (0, 0)
    assert run(now + 83 * DAY, django_capture_on_commit_callbacks) == (1, 0)
    assert run(now + 83 * DAY, django_capture_on_commit_callbacks) == (0, 0)  # twice: one warning
    (warning,) = sent()
    assert warning.to == [cast.team_leader.email]
    assert "1 request has had no activity" in warning.body and "in 7 days" in warning.body
    assert "/support/queue/" in warning.body
    for secret in (cast.staff.person.full_name, cast.staff.email, "grief", str(support_request.pk)):
        assert secret not in warning.body and secret not in warning.subject

    assert run(now + 89 * DAY, django_capture_on_commit_callbacks) == (0, 0)  # the week is not over
    assert run(now + 90 * DAY + DAY, django_capture_on_commit_callbacks) == (0, 1)
    assert run(now + 92 * DAY, django_capture_on_commit_callbacks) == (0, 0)  # twice: closed once
    support_request.refresh_from_db()
    assert support_request.status == SupportRequest.Status.CLOSED
    key = DataKey.objects.get(pk=support_request.data_key_id)
    assert key.shred_after is not None and key.shredded_at is None  # now on the retention schedule
    (closing,) = AuditEvent.objects.filter(action=Action.REQUEST_CLOSED)
    assert closing.detail == "inactive:retention" and closing.actor_id is None


def test_activity_after_the_warning_keeps_the_request_open_and_a_new_warning_comes_first(
    cast: Cast, sent, django_capture_on_commit_callbacks
) -> None:
    peer = make_peer(cast.peer)
    support_request = ask_as(cast.staff)
    age(support_request, 84)
    now = timezone.now()
    assert run(now, django_capture_on_commit_callbacks) == (1, 0)
    # the peer takes it and logs a contact: activity after the warning
    assignment = services.assign(support_request=support_request, peer=peer, by=cast.team_leader)
    services.accept(assignment=assignment, by=cast.peer)
    services.log_contact(
        assignment=assignment,
        date=timezone.localdate(),
        minutes=30,
        mode="phone",
        response_type="post_crisis",
        topics=[],
        referrals=[],
    )
    assert run(now + 8 * DAY, django_capture_on_commit_callbacks) == (0, 0)
    support_request.refresh_from_db()
    assert support_request.status == SupportRequest.Status.ACTIVE
    # inactive again from the contact on: warned anew, and closed only a week after that
    assert run(now + 84 * DAY, django_capture_on_commit_callbacks) == (1, 0)
    assert run(now + 91 * DAY, django_capture_on_commit_callbacks) == (0, 1)
    assignment.refresh_from_db()
    assert assignment.status == Assignment.Status.ENDED and assignment.end_reason == Assignment.EndReason.INACTIVE
    # the peer was told it closed, nothing more; the team leader got the two warnings
    to_peer = [message for message in sent() if message.to == [cast.peer.email]]
    assert any("closed after a long time without activity" in message.body for message in to_peer)


@pytest.mark.parametrize("activity", ["planned check-in", "ticket message", "offer declined"])
def test_each_kind_of_activity_counts(cast: Cast, django_capture_on_commit_callbacks, activity: str) -> None:
    peer = make_peer(cast.peer)
    if activity == "ticket message":
        created = tickets.ask_anonymously(urgency="routine", kind="post_crisis", topics=[], message="hello")
        support_request = created.ticket.request
    else:
        support_request = ask_as(cast.staff)
    assignment = services.assign(support_request=support_request, peer=peer, by=cast.team_leader)
    if activity == "planned check-in":
        services.accept(assignment=assignment, by=cast.peer)
        services.plan_check_in(assignment=assignment, due_on=timezone.localdate() + 60 * DAY)
    elif activity == "ticket message":
        services.accept(assignment=assignment, by=cast.peer)
        Assignment.objects.filter(pk=assignment.pk).update(
            offered_at=timezone.now() - 200 * DAY, answered_at=timezone.now() - 200 * DAY
        )
    else:
        services.decline(assignment=assignment, reason="capacity", by=cast.peer)
    age(support_request, 200)
    if activity == "ticket message":
        assert run(timezone.now() + 60 * DAY, django_capture_on_commit_callbacks) == (0, 0)
        assert run(timezone.now() + 83 * DAY, django_capture_on_commit_callbacks) == (1, 0)
    elif activity == "planned check-in":  # counts from the day it is planned for
        assert run(timezone.now() + 60 * DAY + 82 * DAY, django_capture_on_commit_callbacks) == (0, 0)
        assert run(timezone.now() + 60 * DAY + 84 * DAY, django_capture_on_commit_callbacks) == (1, 0)
    else:
        assert run(timezone.now() + 82 * DAY, django_capture_on_commit_callbacks) == (0, 0)
        assert run(timezone.now() + 83 * DAY, django_capture_on_commit_callbacks) == (1, 0)


def test_a_request_held_by_an_open_exception_closes_but_its_identity_is_not_shredded(
    cast: Cast, django_capture_on_commit_callbacks
) -> None:
    support_request = ask_as(cast.staff)
    raise_exception(support_request=support_request, category="danger_self", by=cast.team_leader)
    ConfidentialityException.objects.update(raised_at=timezone.now() - 100 * DAY)
    age(support_request, 100)
    now = timezone.now()
    assert run(now, django_capture_on_commit_callbacks) == (1, 0)
    assert run(now + 8 * DAY, django_capture_on_commit_callbacks) == (0, 1)
    support_request.refresh_from_db()
    assert support_request.status == SupportRequest.Status.CLOSED
    assert vault.shred_due(now=now + 400 * DAY) == 0  # held: the retention run leaves it
    assert DataKey.objects.get(pk=support_request.data_key_id).shredded_at is None


def test_the_period_is_the_agency_s_setting_and_bounded(cast: Cast, django_capture_on_commit_callbacks) -> None:
    assert Agency._meta.get_field("inactive_close_days").default == 90
    update_agency_settings(values={"inactive_close_days": 30}, by=cast.program_admin)
    support_request = ask_as(cast.staff)
    now = timezone.now()
    assert run(now + 22 * DAY, django_capture_on_commit_callbacks) == (0, 0)
    assert run(now + 23 * DAY, django_capture_on_commit_callbacks) == (1, 0)
    assert run(now + 30 * DAY, django_capture_on_commit_callbacks) == (0, 1)
    assert SupportRequest.objects.get(pk=support_request.pk).status == SupportRequest.Status.CLOSED
    for too_short_or_long in (13, 366):  # a week's warning needs room; a year is the most
        with pytest.raises(ValidationError):
            update_agency_settings(values={"inactive_close_days": too_short_or_long}, by=cast.program_admin)


def test_the_settings_page_edits_the_period(cast: Cast, signed_in) -> None:  # type: ignore[no-untyped-def]
    page = signed_in(cast.program_admin).get("/setup/agency/")
    assert page.status_code == 200
    assert 'name="inactive_close_days"' in page.content.decode() and 'value="90"' in page.content.decode()
