"""Requests nobody closes close on their own (DESIGN.md, invariant 2): a request with no activity
for the agency's ``inactive_close_days`` (default 90) is closed through the ordinary close
service, so its identity then follows the retention schedule to shredding. The team leaders are
warned a week before, with a count and a link, never which request or whose.

Activity is anything a person did on the request: it was made, offered, accepted, declined,
handed back or ended (every status change goes through an assignment), a contact was logged, a
check-in was done or is planned ahead, a message was written on its anonymous ticket, or a
confidentiality exception about it was raised, advised on or decided. Viewing it is not.

Both steps are safe to run twice or late: a warning is claimed by a conditional UPDATE (one
e-mail per warning), and a request closes only when its warning is at least a week old and
nothing happened after it; activity after a warning means a new warning before any closing.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Max, Q, QuerySet
from django.utils import timezone

from sidebar.org.selectors import current_agency
from sidebar.safeguards.models import ConfidentialityException
from sidebar.support import notify, services
from sidebar.support.models import Assignment, CheckIn, Contact, SupportRequest, TicketMessage

WARNING_AHEAD = datetime.timedelta(days=7)


@dataclass(frozen=True)
class InactivityRun:
    warned: int
    closed: int


def _latest(latest: dict[Any, datetime.datetime], rows: Iterable[dict[str, Any]]) -> None:
    for row in rows:
        at = row["at"]
        if at is None:
            continue
        if isinstance(at, datetime.date) and not isinstance(at, datetime.datetime):
            at = datetime.datetime.combine(at, datetime.time.min, tzinfo=datetime.UTC)
        if at > latest[row["request_id"]]:
            latest[row["request_id"]] = at


def last_activity(requests: QuerySet[SupportRequest]) -> dict[Any, datetime.datetime]:
    """The time of each request's last activity (see the module's docstring), in a fixed number
    of queries however many requests there are."""
    latest = {pk: created for pk, created in requests.values_list("pk", "created_at")}
    ids = list(latest)

    def per_request(queryset: QuerySet[Any], field: str, key: str = "request_id") -> Iterable[dict[str, Any]]:
        grouped = queryset.filter(**{f"{key}__in": ids}).values(key).annotate(at=Max(field)).order_by()
        return ({"request_id": row[key], "at": row["at"]} for row in grouped)

    for field in ("offered_at", "answered_at", "ended_at"):
        _latest(latest, per_request(Assignment.objects.all(), field))
    _latest(latest, per_request(Contact.objects.all(), "created_at"))
    _latest(latest, per_request(CheckIn.objects.all(), "done_at"))
    # a check-in the peer planned ahead is a promise of activity: it counts from its day
    _latest(latest, per_request(CheckIn.objects.filter(done_at__isnull=True, cancelled_at__isnull=True), "due_on"))
    _latest(latest, per_request(TicketMessage.objects.all(), "sent_at", key="ticket__request_id"))
    for field in ("raised_at", "advised_at", "decided_at"):
        _latest(latest, per_request(ConfidentialityException.objects.all(), field))
    return latest


def _candidates() -> QuerySet[SupportRequest]:
    # Mutual aid is another agency's help counted as statistics, with no person behind it.
    return SupportRequest.objects.exclude(status=SupportRequest.Status.CLOSED).filter(mutual_aid__isnull=True)


def warn_and_close_inactive(*, now: datetime.datetime | None = None) -> InactivityRun:
    """Warn about requests that will close in a week, and close those warned a week ago that
    stayed inactive. One e-mail to the team leaders per run that warned anything."""
    now = now or timezone.now()
    inactive_for = datetime.timedelta(days=current_agency().inactive_close_days)
    requests = _candidates()
    latest = last_activity(requests)
    warned_at = dict(requests.values_list("pk", "inactivity_warned_at"))
    warned = closed = 0
    for pk, last in latest.items():
        warning = warned_at.get(pk)
        if warning is not None and warning >= last:  # warned, and nothing happened since
            if warning <= now - WARNING_AHEAD and last <= now - inactive_for:
                closed += _close_inactive(pk)
        elif last <= now - (inactive_for - WARNING_AHEAD):
            # claimed by a conditional UPDATE: two runs at once warn once
            unwarned = Q(inactivity_warned_at__isnull=True) | Q(inactivity_warned_at__lt=last)
            warned += SupportRequest.objects.filter(unwarned, pk=pk).update(inactivity_warned_at=now)
    if warned:
        notify.inactive_requests_warning(services._leader_emails(), count=warned, days=WARNING_AHEAD.days)
    return InactivityRun(warned=warned, closed=closed)


def _close_inactive(pk: Any) -> int:
    """Close through the ordinary service: assignments end, check-ins are cancelled, the
    identity goes to the retention schedule (still refused to shredding while an exception
    holds it). The peer who held it is told it closed, nothing more."""
    with transaction.atomic():
        support_request = SupportRequest.objects.select_for_update().get(pk=pk)
        warning = support_request.inactivity_warned_at
        if support_request.status == SupportRequest.Status.CLOSED or warning is None:
            return 0
        if last_activity(SupportRequest.objects.filter(pk=pk))[pk] > warning:
            return 0  # something happened while this run was under way
        holders = services._holders(support_request)
        services.close(support_request=support_request, by=None, because=Assignment.EndReason.INACTIVE)
        notify.closed_for_inactivity(holders)
    return 1
