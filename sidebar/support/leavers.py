"""Leavers: someone who leaves the agency (or must lose access now) stops being able to do
anything in Sidebar at once, and nobody they were helping is left waiting.

Call ``offboard`` with the people who left — the roster upload does, for people marked inactive
or missing from a full roster, after the administrator confirmed; the accounts page does, from
"Deactivate". It does not change the staff record itself (``Person.is_active``: the roster owns
that) and never deletes anything: the account stays, deactivated, so the audit log's ids keep
meaning something and a returning colleague can be reactivated.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from sidebar.accounts import services as accounts
from sidebar.accounts.models import User
from sidebar.org.models import Person
from sidebar.support.models import Assignment
from sidebar.support.services import return_requests_to_queue
from sidebar.team.models import PeerProfile
from sidebar.team.services import change_status


class OffboardError(Exception):
    """Offboarding that must not happen (the message is fit to show): e.g. your own account."""


@dataclass(frozen=True)
class Offboarded:
    """What ``offboard`` did: accounts deactivated, peers put on leave, assignments returned."""

    accounts: int = 0
    peers_on_leave: int = 0
    assignments_returned: int = 0


@transaction.atomic
def offboard(
    *,
    people: Iterable[Person | uuid.UUID | str] = (),
    accounts_without_person: Iterable[User] = (),
    by: User | None,
    request: HttpRequest | None = None,
) -> Offboarded:
    """In one transaction, for each person (a ``Person`` or its id):

    - their account (if any) is deactivated: every role revoked through ``set_roles``, no
      password, every open session ended (sidebar.accounts.services.deactivate, audited);
    - if they are an active peer supporter, they go on leave (``team.services.change_status``:
      the status history, off the on-call flag and the rota from today, audited);
    - their live offers and assignments end and the requests go back to the queue, their open
      check-ins are cancelled (``support.services.return_requests_to_queue``, audited).

    ``accounts_without_person``: accounts with no staff record (e.g. the first administrator's),
    which only have an account to deactivate. Doing it twice does nothing more. Raises
    ``OffboardError`` if ``by`` is among them (another administrator must do it); nothing is
    changed then."""
    ids = {person.pk if isinstance(person, Person) else uuid.UUID(str(person)) for person in people}
    found = list(
        Person.objects.select_for_update(of=("self",)).filter(pk__in=ids).select_related("user").order_by("pk")
        if ids
        else []
    )
    users = [person.user for person in found if person.user is not None]
    users += [user for user in accounts_without_person if user.pk not in {u.pk for u in users}]
    if by is not None and any(user.pk == by.pk for user in users):
        raise OffboardError("You cannot deactivate your own account; another administrator must.")

    deactivated = sum(accounts.deactivate(user=user, by=by, request=request) for user in users)
    on_leave = returned = 0
    now = timezone.now()
    for peer in PeerProfile.objects.filter(person__in=found).order_by("pk"):
        if peer.status == PeerProfile.Status.ACTIVE:
            change_status(peer=peer, to=PeerProfile.Status.INACTIVE, by=by, request=request)  # type: ignore[arg-type]
            on_leave += 1
        returned += Assignment.objects.filter(
            peer=peer, status__in=(Assignment.Status.OFFERED, Assignment.Status.ACCEPTED)
        ).count()
        return_requests_to_queue(peer=peer, at=now, by=by, request=request)
    return Offboarded(accounts=deactivated, peers_on_leave=on_leave, assignments_returned=returned)


def open_assignments(person: Person) -> int:
    """How many live offers and assignments offboarding ``person`` would return to the queue
    (the confirmation page says so before anything happens)."""
    return Assignment.objects.filter(
        peer__person=person, status__in=(Assignment.Status.OFFERED, Assignment.Status.ACCEPTED)
    ).count()
