"""Writes of the team: one atomic function per use case, audited where the roster changes."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db import transaction
from django.http import HttpRequest
from django.utils import formats, timezone

from sidebar.accounts.models import User
from sidebar.audit.models import Action
from sidebar.audit.services import record
from sidebar.safeguards.models import PolicyDocument, Signature
from sidebar.safeguards.selectors import current_document
from sidebar.support.services import return_requests_to_queue
from sidebar.team.models import OnCallShift, PeerProfile, PeerStatusChange

Status = PeerProfile.Status

# What the team leader may change a status to, from each status. Recruitment and training move
# people up to active (planned: the onboarding checklist); removal and stepping down are final
# here — someone who comes back goes through recruitment again.
STATUS_CHANGES: dict[str, tuple[Status, ...]] = {
    Status.ACTIVE: (Status.INACTIVE, Status.STEPPED_DOWN, Status.REMOVED),
    Status.INACTIVE: (Status.ACTIVE, Status.STEPPED_DOWN, Status.REMOVED),
}
# Leaving the team: the peer keeps no access to their requests, which go back to the queue.
LEFT = (Status.REMOVED, Status.STEPPED_DOWN)


class RosterError(Exception):
    """A roster change that cannot happen now; the message is fit to show to the user.
    ``messages``: one sentence per reason, when there are several."""

    def __init__(self, *messages: str) -> None:
        super().__init__(" ".join(messages))
        self.messages = list(messages)


def _locked(peer: PeerProfile) -> PeerProfile:
    return PeerProfile.objects.select_for_update().get(pk=peer.pk)


@transaction.atomic
def update_own_profile(
    *,
    peer: PeerProfile,
    introduction: str,
    languages: Iterable[str],
    skills: Iterable[str],
    capacity: int,
    unavailable_until: datetime.date | None,
    photo: tuple[bytes, str] | None = None,
    remove_photo: bool = False,
) -> PeerProfile:
    """A peer keeps their own directory entry and availability current. ``photo``: the cleaned
    bytes and type (sidebar.team.photos) replace the old one; ``remove_photo`` takes it away."""
    peer.introduction = introduction.strip()
    peer.languages = sorted(set(languages))
    peer.skills = sorted(set(skills))
    peer.capacity = capacity
    peer.unavailable_until = unavailable_until
    fields = ["introduction", "languages", "skills", "capacity", "unavailable_until", "updated_at"]
    if photo is not None:
        peer.photo, peer.photo_type = photo
        fields += ["photo", "photo_type"]
    elif remove_photo:
        peer.photo, peer.photo_type = None, ""
        fields += ["photo", "photo_type"]
    peer.save(update_fields=fields)
    return peer


@transaction.atomic
def set_on_call(*, peer: PeerProfile, on_call: bool, by: User, request: HttpRequest | None = None) -> PeerProfile:
    """The team leader puts an active peer on the on-call rota, or takes them off it."""
    locked = _locked(peer)
    if on_call and locked.status != Status.ACTIVE:
        raise RosterError("Only an active peer supporter can be on call.")
    if locked.on_call != on_call:
        locked.on_call = on_call
        locked.save(update_fields=["on_call", "updated_at"])
        record(
            action=Action.ROSTER_CHANGED,
            actor=by,
            obj=locked,
            detail=f"on_call:{'on' if on_call else 'off'}",
            request=request,
        )
    return locked


@transaction.atomic
def clear_load_flag(*, peer: PeerProfile, by: User, request: HttpRequest | None = None) -> PeerProfile:
    """The team leader has checked in with the peer: their load counts afresh from now on, so
    they can be suggested again (until a threshold is crossed again)."""
    locked = _locked(peer)
    locked.load_flag_cleared_at = timezone.now()
    locked.save(update_fields=["load_flag_cleared_at", "updated_at"])
    record(action=Action.ROSTER_CHANGED, actor=by, obj=locked, detail="load_flag_cleared", request=request)
    return locked


def move_status(
    locked: PeerProfile,
    *,
    to: Status,
    by: User,
    request: HttpRequest | None = None,
    at: datetime.datetime | None = None,
    reason: str = "",
) -> PeerStatusChange:
    """The one way a status changes (``locked``: a row the caller holds under lock): dated in
    the history, audited, and off the manual on-call flag when no longer active. Callers check
    that the move is allowed."""
    change = PeerStatusChange.objects.create(
        peer=locked, from_status=locked.status, to_status=to, at=at or timezone.now(), by=by, reason=reason
    )
    locked.status = to
    fields = ["status", "updated_at"]
    if to != Status.ACTIVE and locked.on_call:
        locked.on_call = False
        fields.append("on_call")
    locked.save(update_fields=fields)
    record(
        action=Action.ROSTER_CHANGED,
        actor=by,
        obj=locked,
        detail=f"status:{change.from_status}:{change.to_status}",
        request=request,
    )
    return change


@transaction.atomic
def change_status(
    *, peer: PeerProfile, to: Status | str, by: User, reason: str = "", request: HttpRequest | None = None
) -> PeerStatusChange:
    """Move a peer between active and leave, or off the team. Dated in the status history and
    audited. Off the team means at once: off the rota, out of the directory and suggestions,
    and every live offer or assignment ends so the request goes back to the queue for someone
    else (the policy scopes already refuse a peer who is not serving)."""
    locked = _locked(peer)
    to = Status(to)
    if to == Status.REMOVED and reason not in PeerStatusChange.RemovalReason.values:
        raise RosterError("Choose the reason for the removal (its category only).")
    if to not in STATUS_CHANGES.get(locked.status, ()):
        raise RosterError(
            f"A peer supporter who is {locked.get_status_display().lower()} cannot be made {to.label.lower()} here."
        )
    now = timezone.now()
    change = move_status(locked, to=to, by=by, request=request, at=now, reason=reason if to == Status.REMOVED else "")
    if to != Status.ACTIVE:  # off the rota from today on
        today = timezone.localdate()
        locked.on_call_shifts.filter(starts_on__gte=today).delete()
        locked.on_call_shifts.filter(ends_on__gte=today).update(ends_on=today - datetime.timedelta(days=1))
    if to in LEFT:
        return_requests_to_queue(peer=locked, at=now, by=by, request=request)
    return change


# --- the on-call rota -------------------------------------------------------------------------------

MAX_SHIFT_DAYS = 31


@transaction.atomic
def add_shift(
    *,
    peer: PeerProfile,
    starts_on: datetime.date,
    ends_on: datetime.date,
    by: User,
    request: HttpRequest | None = None,
) -> OnCallShift:
    """Put an active peer on the rota from one day to another (inclusive): someone who can answer
    an urgent request then — not away, and bound by the current team agreement."""
    locked = _locked(peer)
    if locked.status != Status.ACTIVE:
        raise RosterError("Only an active peer supporter can be on call.")
    refusals = _not_on_call_because(locked, starts_on=starts_on)
    if refusals:
        raise RosterError(*refusals)
    if ends_on < starts_on:
        raise RosterError("The last day cannot come before the first.")
    if (ends_on - starts_on).days >= MAX_SHIFT_DAYS:
        raise RosterError(f"A stretch on call is at most {MAX_SHIFT_DAYS} days; add another for longer.")
    shift = OnCallShift.objects.create(peer=locked, starts_on=starts_on, ends_on=ends_on, created_by=by)
    record(action=Action.ROSTER_CHANGED, actor=by, obj=locked, detail="on_call_shift:added", request=request)
    return shift


def _not_on_call_because(peer: PeerProfile, *, starts_on: datetime.date) -> list[str]:
    """Why ``peer`` cannot go on call from ``starts_on``: one sentence per reason (none: they can)."""
    reasons = []
    if peer.unavailable_until is not None and peer.unavailable_until >= starts_on:
        until = formats.date_format(peer.unavailable_until, "l j F Y")
        reasons.append(f"This peer supporter is away until {until}: start the stretch after that day.")
    agreement = current_document(PolicyDocument.Kind.TEAM_AGREEMENT)
    if agreement is None:
        reasons.append("No team agreement is published yet: peers go on call once they have signed it.")
    elif not Signature.objects.filter(document=agreement, user_id=peer.person.user_id).exists():
        reasons.append(
            "This peer supporter has not signed the current team agreement "
            f"(version {agreement.version}): they go on call once they have."
        )
    return reasons


@transaction.atomic
def remove_shift(*, shift: OnCallShift, by: User, request: HttpRequest | None = None) -> None:
    peer = shift.peer
    shift.delete()
    record(action=Action.ROSTER_CHANGED, actor=by, obj=peer, detail="on_call_shift:removed", request=request)


def step_down(*, peer: PeerProfile, by: User, request: HttpRequest | None = None) -> PeerStatusChange:
    """A peer leaves the team of their own accord: membership is voluntary. The same as the team
    leader recording it — off the directory, the suggestions and the rota at once, and their
    requests go back to the queue."""
    return change_status(peer=peer, to=Status.STEPPED_DOWN, by=by, request=request)
