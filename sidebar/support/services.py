"""Writes of the support workflow: one atomic, audited function per use case."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.crypto import salted_hmac

from sidebar.accounts.models import User
from sidebar.accounts.roles import Role
from sidebar.audit.models import Action, Result
from sidebar.audit.services import record
from sidebar.org.models import Person
from sidebar.org.selectors import current_agency
from sidebar.safeguards.models import ConfidentialityException, PolicyDocument
from sidebar.support import notify
from sidebar.support.categories import (
    ContactMode,
    DeclineReason,
    Referral,
    ReferralReason,
    ResponseType,
    Source,
    Topic,
    Urgency,
)
from sidebar.support.models import Assignment, CheckIn, Contact, SentForm, SupportRequest
from sidebar.team.models import PeerProfile
from sidebar.throttle import actions
from sidebar.vault import services as vault


class WorkflowError(Exception):
    """A step that cannot happen now; the message is fit to show to the user."""


class SentBefore(Exception):
    """This form was sent before (a reload, a double click, a second tab): nothing new was made.
    ``request_id`` is what the first submission created, to show again."""

    def __init__(self, request_id: Any) -> None:
        super().__init__("this form was already sent")
        self.request_id = request_id


HELD = (
    "This request is on hold, so it cannot be withdrawn and its details cannot be deleted yet: the "
    "peer support team is consulting the clinical advisor about a confidentiality exception, as the "
    "confidentiality notice describes. Ask your peer supporter or the team leader about it."
)
SENT_FORM_MEMORY = datetime.timedelta(days=1)


def _claim_form(submission: str) -> SentForm | None:
    """Consume a form's one-time token in the caller's transaction. Of two submissions with the
    same token the unique index lets one insert; the other waits for it to commit (PostgreSQL) or
    for the write lock (SQLite), fails, and is answered with the first one's result."""
    if not submission:
        return None
    digest = salted_hmac("sidebar.support.sent-form", submission).digest()
    SentForm.objects.filter(sent_at__lt=timezone.now() - SENT_FORM_MEMORY).delete()
    try:
        with transaction.atomic():
            return SentForm.objects.create(token_digest=digest)
    except IntegrityError:
        first = SentForm.objects.filter(token_digest=digest).first()
        raise SentBefore(first.request_id if first else None) from None


def _remember_result(claim: SentForm | None, support_request: SupportRequest) -> None:
    if claim is not None:
        claim.request = support_request
        claim.save(update_fields=["request"])


def _new_request(*, holder: User | None = None, **fields: Any) -> SupportRequest:
    return SupportRequest.objects.create(data_key=vault.create_key(holder=holder), **fields)


def _leader_emails() -> set[str]:
    leaders = User.objects.filter(is_active=True, role_memberships__role=Role.TEAM_LEADER)
    return {email.lower() for email in leaders.values_list("email", flat=True) if email}


def _alert_if_urgent(support_request: SupportRequest) -> None:
    """The team leaders get the queue, where they offer it; the on-call peers get the page of
    urgent requests waiting, which they can open (the queue is the team leader's)."""
    if support_request.urgency != Urgency.URGENT:
        return
    from sidebar.support.selectors import on_call_peers

    leaders = _leader_emails()
    notify.urgent_request(leaders)
    on_call = on_call_peers().values_list("person__work_email", flat=True)
    notify.urgent_request_for_peers(email for email in on_call if email and email.lower() not in leaders)


# --- task: issue 17 limits (V2.4.1) ---
def _within_ask_limit(user: User) -> None:
    """``actions.ASK`` without a counter: a row keyed by the account with the moment of its
    first ask would say who asked for help, and when, to whoever holds the database and the
    secret key (also in a backup). The account's own recent requests are counted instead, through
    the vault's holder tags (keyed by each request's own, shreddable key), under a lock on the
    account's row, so that two asks at once are counted one after the other on every worker."""
    list(User.objects.select_for_update().filter(pk=user.pk).values_list("pk", flat=True))
    since = timezone.now() - actions.ASK.window
    recent = SupportRequest.objects.filter(
        source=Source.SELF, created_at__gte=since, data_key__holder_tag__in=vault.holder_tags(user.pk)
    )
    if recent.count() >= actions.ASK.amount:
        raise actions.LimitReached(actions.ASK)


# --- end task ---


@transaction.atomic
def ask_for_myself(
    *,
    user: User,
    person: Person,
    urgency: str,
    kind: str,
    topics: Iterable[str],
    email: str = "",
    phone: str = "",
    preferred_times: str = "",
    prefer_same_tier: bool = True,
    prefer_other_unit: bool = False,
    language: str = "",
    requested_peer: PeerProfile | None = None,
    notice: PolicyDocument | None = None,
    submission: str = "",
    limit: bool = False,
) -> SupportRequest:
    """A signed-in staff member asks for support. Their staff-record link and contact details go
    into the vault; the request row keeps only categories and preferences. ``submission`` is the
    form's one-time token: sending the same form twice raises SentBefore instead. With ``limit``
    (the web form's), raises LimitReached past ``actions.ASK``; the claim then rolls back, so the
    same form can come again. (Demo data, benchmarks and tests make many at once.)"""
    claim = _claim_form(submission)
    if limit:
        _within_ask_limit(user)
    support_request = _new_request(
        source=Source.SELF,
        urgency=urgency,
        kind=kind,
        topics=sorted(set(topics)),
        prefer_same_tier=prefer_same_tier,
        prefer_other_unit=prefer_other_unit,
        language=language,
        requested_peer=requested_peer,
        notice_version=notice,
        holder=user,
    )
    vault.store(
        key=support_request.data_key,
        owner=support_request,
        values={
            "person": str(person.pk),
            "name": person.full_name,
            "email": email,
            "phone": phone,
            "preferred_times": preferred_times,
        },
    )
    _remember_result(claim, support_request)
    _alert_if_urgent(support_request)
    return support_request


@transaction.atomic
def refer_colleague(
    *,
    referrer: User,
    colleague: Person,
    reason: ReferralReason | str,
    urgency: str,
    submission: str = "",
    limit: bool = False,
) -> SupportRequest:
    """Anyone alerts the team about a colleague. The referrer is told only that it was received.
    With ``limit`` (the web form's), raises LimitReached past ``actions.REFER``: nothing is made
    and the claim rolls back. The unit is taken after the claim, so a reload costs nothing."""
    claim = _claim_form(submission)
    if limit:
        actions.take(actions.REFER, account_id=referrer.pk)
    support_request = _new_request(source=Source.REFERRAL, urgency=urgency, referral_reason=reason, holder=referrer)
    vault.store(
        key=support_request.data_key,
        owner=support_request,
        values={"person": str(colleague.pk), "name": colleague.full_name, "email": colleague.work_email},
    )
    _remember_result(claim, support_request)
    _alert_if_urgent(support_request)
    return support_request


# Topics after which a peer is offered a debrief with the clinical advisor (and that count
# towards the load flag: sidebar.team.selectors.HEAVY_TOPICS).
HEAVY_TOPICS = frozenset({"suicide_concern", "critical_incident"})


@transaction.atomic
def ask_for_debrief(*, user: User, person: Person, submission: str = "") -> SupportRequest:
    """A peer asks the clinical advisor for a debrief after a heavy contact: a request like any
    other (sealed identity, shredded after closing), routed to the clinical advisor, not to the
    team leader's queue. The clinical advisors are told that something waits, nothing more. A
    double click (the same ``submission`` token) raises SentBefore instead of asking twice."""
    claim = _claim_form(submission)
    support_request = _new_request(
        source=Source.DEBRIEF, urgency=Urgency.SOON, kind="post_crisis", topics=["secondary_trauma"], holder=user
    )
    vault.store(
        key=support_request.data_key,
        owner=support_request,
        values={"person": str(person.pk), "name": person.full_name, "email": person.work_email},
    )
    _remember_result(claim, support_request)
    advisors = User.objects.filter(is_active=True, role_memberships__role=Role.CLINICAL_ADVISOR)
    notify.debrief_requested(advisors.values_list("email", flat=True))
    return support_request


def assign(
    *, support_request: SupportRequest, peer: PeerProfile, by: User, request: HttpRequest | None = None
) -> Assignment:
    """Offer the request to a peer. The eligibility rules are checked again here (not only in
    the suggestion list), and the database lets only one live assignment exist per request. A
    refusal is audited (outside the rolled-back attempt); see ``refusal``."""
    from sidebar.support.selectors import ineligibility_reasons

    with transaction.atomic():
        locked = SupportRequest.objects.select_for_update().get(pk=support_request.pk)
        if locked.status not in (SupportRequest.Status.OPEN,):
            raise WorkflowError("This request has already been assigned.")
        reasons = ineligibility_reasons(support_request=locked, peer=peer, actor=by, request=request)
        if not reasons:
            try:
                with transaction.atomic():
                    assignment = Assignment.objects.create(request=locked, peer=peer, assigned_by=by)
            except IntegrityError as exc:
                raise WorkflowError("This request has already been assigned.") from exc
            locked.status = SupportRequest.Status.OFFERED
            locked.save(update_fields=["status"])
            record(action=Action.ASSIGNMENT, actor=by, obj=assignment, detail="offered", request=request)
            notify.new_assignment(peer.person.work_email)
            return assignment
    record(action=Action.ASSIGNMENT, actor=by, obj=locked, detail="refused", request=request, result=Result.DENIED)
    raise WorkflowError(refusal(reasons))


def refusal(reasons: list[str]) -> str:
    """Why a peer cannot be offered a request. A rule that depends on who asked reads like any
    other ("not available for this request"), and the team leader's suggestions apply it to the
    asker's whole cohort: trying peers one by one tells nothing about one person."""
    return "This peer cannot take this request: " + "; ".join(dict.fromkeys(reasons)) + "."


def _lock_open_offer(assignment: Assignment) -> Assignment:
    """Re-read the offer and its request under lock: a stale page must not reopen a request that
    was closed (and perhaps shredded) meanwhile."""
    locked = Assignment.objects.select_for_update().select_related("request").get(pk=assignment.pk)
    SupportRequest.objects.select_for_update().filter(pk=locked.request_id).first()
    if locked.status != Assignment.Status.OFFERED or locked.request.status == SupportRequest.Status.CLOSED:
        raise WorkflowError("This offer is no longer open.")
    return locked


@transaction.atomic
def accept(*, assignment: Assignment, by: User, request: HttpRequest | None = None) -> Assignment:
    """The peer takes the request on. Not their own: the team leader's suggestions do not leave
    the person out (that would point at them), so the rule holds here, where only the person
    learns of it, and their decline reads like any other."""
    from sidebar.support.selectors import person_of

    locked = _lock_open_offer(assignment)
    person = person_of(locked.request, actor=by, request=request)
    if person is not None and person.pk == assignment.peer.person_id:
        raise WorkflowError("This request is your own. Decline it, and it goes back to the team leader.")
    assignment.status, assignment.answered_at = Assignment.Status.ACCEPTED, timezone.now()
    assignment.save(update_fields=["status", "answered_at"])
    SupportRequest.objects.filter(pk=assignment.request_id).update(status=SupportRequest.Status.ACTIVE)
    record(action=Action.ASSIGNMENT, actor=by, obj=assignment, detail="accepted", request=request)
    if locked.request.incident_id is not None:
        from sidebar.incidents.services import plan_follow_ups  # incidents build on support

        plan_follow_ups(locked)
    return assignment


@transaction.atomic
def decline(
    *, assignment: Assignment, reason: DeclineReason | str, by: User, request: HttpRequest | None = None
) -> Assignment:
    """The peer declines (conflict of interest, capacity…); the request returns to the queue."""
    _lock_open_offer(assignment)
    assignment.status, assignment.decline_reason = Assignment.Status.DECLINED, reason
    assignment.answered_at = timezone.now()
    assignment.save(update_fields=["status", "decline_reason", "answered_at"])
    SupportRequest.objects.filter(pk=assignment.request_id).update(status=SupportRequest.Status.OPEN)
    record(action=Action.ASSIGNMENT, actor=by, obj=assignment, detail=f"declined:{reason}", request=request)
    return assignment


@transaction.atomic
def log_contact(
    *,
    assignment: Assignment,
    date: datetime.date,
    minutes: int,
    mode: str,
    response_type: str,
    topics: Iterable[str],
    referrals: Iterable[str],
    next_check_in: datetime.date | None = None,
    submission: str = "",
) -> Contact:
    """Record a conversation as statistics only, and optionally plan the next check-in. The same
    form sent twice (``submission``, its one-time token) raises SentBefore: one contact, not two."""
    if assignment.status != Assignment.Status.ACCEPTED:
        raise WorkflowError("Accept the request before logging a contact.")
    _check_contact_codes(minutes=minutes, mode=mode, response_type=response_type, topics=topics, referrals=referrals)
    _claim_form(submission)
    contact = Contact.objects.create(
        request_id=assignment.request_id,
        peer=assignment.peer,
        date=date,
        minutes=minutes,
        mode=mode,
        response_type=response_type,
        topics=sorted(set(topics)),
        referrals=sorted(set(referrals)),
    )
    SupportRequest.objects.filter(pk=assignment.request_id, first_contact_at__isnull=True).update(
        first_contact_at=timezone.now()
    )
    if next_check_in is not None:
        plan_check_in(assignment=assignment, due_on=next_check_in)
    return contact


# A contact's statistics are codes from fixed lists and a bounded number, whoever calls: a code
# outside the lists would be a free-text channel into the statistics, and a report could not
# count it (the form checks the same; this is the rule, the form is a courtesy).
CONTACT_MINUTES = range(1, 601)


def _check_contact_codes(
    *, minutes: int, mode: str, response_type: str, topics: Iterable[str], referrals: Iterable[str]
) -> None:
    if minutes not in CONTACT_MINUTES:
        raise WorkflowError("A contact lasts from 1 to 600 minutes.")
    if mode not in ContactMode.values or response_type not in ResponseType.values:
        raise WorkflowError("Choose how the contact happened and the kind of support from the lists.")
    if set(topics) - set(Topic.values) or set(referrals) - set(Referral.values):
        raise WorkflowError("Choose topics and referrals from the lists.")


def plan_check_in(*, assignment: Assignment, due_on: datetime.date) -> CheckIn:
    if assignment.status != Assignment.Status.ACCEPTED:
        raise WorkflowError("Accept the request before planning a check-in.")
    return CheckIn.objects.create(request_id=assignment.request_id, peer=assignment.peer, due_on=due_on)


def complete_check_in(*, check_in: CheckIn) -> CheckIn:
    if check_in.done_at is None:
        check_in.done_at = timezone.now()
        check_in.save(update_fields=["done_at"])
    return check_in


def send_check_in_reminders(*, today: datetime.date | None = None) -> int:
    """E-mail each peer once about each check-in that is due. Idempotent: reminded_at marks it."""
    today = today or timezone.localdate()
    due = CheckIn.objects.filter(
        due_on__lte=today, done_at__isnull=True, cancelled_at__isnull=True, reminded_at__isnull=True
    ).select_related("peer__person")
    sent = 0
    for check_in in due:
        with transaction.atomic():
            claimed = CheckIn.objects.filter(pk=check_in.pk, reminded_at__isnull=True).update(
                reminded_at=timezone.now()
            )
            if claimed:
                notify.check_in_due(check_in.peer.person.work_email)
                sent += 1
    return sent


def is_held(support_request: SupportRequest) -> bool:
    """A confidentiality exception about the request is still being considered (raised or
    advised, not yet decided): its identity must not be destroyed meanwhile."""
    waiting = (ConfidentialityException.Status.OPEN, ConfidentialityException.Status.ADVISED)
    return ConfidentialityException.objects.filter(request_id=support_request.pk, status__in=waiting).exists()


@transaction.atomic
def close(
    *,
    support_request: SupportRequest,
    by: User | None,
    shred_now: bool = False,
    request: HttpRequest | None = None,
    because: str = Assignment.EndReason.CLOSED,
) -> SupportRequest:
    """Close: end assignments, cancel check-ins, hand the identity to the retention schedule (or
    shred it at once when the person asks; refused while an exception holds the request).
    Statistics stay."""
    locked = SupportRequest.objects.select_for_update().get(pk=support_request.pk)
    if locked.status == SupportRequest.Status.CLOSED:
        return locked
    if shred_now and is_held(locked):
        raise WorkflowError(HELD)
    now = timezone.now()
    locked.status, locked.closed_at = SupportRequest.Status.CLOSED, now
    locked.save(update_fields=["status", "closed_at"])
    locked.assignments.filter(status__in=[Assignment.Status.OFFERED, Assignment.Status.ACCEPTED]).update(
        status=Assignment.Status.ENDED, ended_at=now, end_reason=because
    )
    locked.check_ins.filter(done_at__isnull=True, cancelled_at__isnull=True).update(cancelled_at=now)
    how = "shred_now" if shred_now else "retention"
    record(
        action=Action.REQUEST_CLOSED,
        actor=by,
        obj=locked,
        detail=how if because == Assignment.EndReason.CLOSED else f"{because}:{how}",
        request=request,
    )
    if shred_now:
        vault.shred(key=locked.data_key, actor=by, reason="person asked")
    else:
        vault.schedule_shredding(
            key=locked.data_key, closed_at=now, retention_days=current_agency().identity_retention_days
        )
    return locked


def return_requests_to_queue(*, peer: PeerProfile, at: datetime.datetime, by: Any, request: HttpRequest | None) -> None:
    """A peer left the team: end their live assignments, cancel their open check-ins (no more
    reminders to someone who left), and put the requests back in the queue, waiting."""
    live = list(
        Assignment.objects.select_for_update().filter(
            peer=peer, status__in=(Assignment.Status.OFFERED, Assignment.Status.ACCEPTED)
        )
    )
    request_ids = [assignment.request_id for assignment in live]
    Assignment.objects.filter(pk__in=[assignment.pk for assignment in live]).update(
        status=Assignment.Status.ENDED, ended_at=at, end_reason=Assignment.EndReason.PEER_LEFT
    )
    CheckIn.objects.filter(peer=peer, done_at__isnull=True, cancelled_at__isnull=True).update(cancelled_at=at)
    SupportRequest.objects.filter(pk__in=request_ids).exclude(status=SupportRequest.Status.CLOSED).update(
        status=SupportRequest.Status.OPEN
    )
    for assignment in live:
        record(action=Action.ASSIGNMENT, actor=by, obj=assignment, detail="ended:peer_left_team", request=request)


def _holders(support_request: SupportRequest) -> list[str]:
    """The work e-mails of the peers a request is offered to or held by."""
    return list(
        support_request.assignments.filter(
            status__in=(Assignment.Status.OFFERED, Assignment.Status.ACCEPTED)
        ).values_list("peer__person__work_email", flat=True)
    )


@transaction.atomic
def close_by_person(*, support_request: SupportRequest, shred_now: bool) -> SupportRequest:
    """The person who asked closes their request (withdraws it, closes their anonymous ticket),
    or has a closed one's details deleted now. The peer who held it is told that it was closed,
    nothing more. Refused while a confidentiality exception holds the request.

    Audited with no actor and no client address: an audit row naming the account beside this
    request would be the very link to the person that shredding exists to remove."""
    locked = SupportRequest.objects.select_for_update().select_related("data_key").get(pk=support_request.pk)
    if is_held(locked):
        raise WorkflowError(HELD)
    if locked.status != SupportRequest.Status.CLOSED:
        holders = _holders(locked)
        locked = close(support_request=locked, by=None, shred_now=shred_now, because=Assignment.EndReason.PERSON_CLOSED)
        notify.closed_by_person(holders)
    elif shred_now:
        vault.shred(key=locked.data_key, actor=None, reason="person asked")
    return locked


@transaction.atomic
def hand_back(
    *, assignment: Assignment, reason: DeclineReason | str, by: User, request: HttpRequest | None = None
) -> Assignment:
    """The peer who accepted a request gives it back to the team leader's queue, with a reason
    category (no story): their access to the person's details ends, their planned check-ins are
    cancelled, they are not suggested for it again, and the team leaders are told that a request
    is waiting."""
    SupportRequest.objects.select_for_update().filter(pk=assignment.request_id).first()
    locked = Assignment.objects.select_for_update().select_related("request").get(pk=assignment.pk)
    if locked.status != Assignment.Status.ACCEPTED or locked.request.status == SupportRequest.Status.CLOSED:
        raise WorkflowError("This request is no longer with you.")
    now = timezone.now()
    locked.status, locked.end_reason, locked.decline_reason, locked.ended_at = (
        Assignment.Status.ENDED,
        Assignment.EndReason.HANDED_BACK,
        reason,
        now,
    )
    locked.save(update_fields=["status", "end_reason", "decline_reason", "ended_at"])
    CheckIn.objects.filter(
        request_id=locked.request_id, peer_id=locked.peer_id, done_at__isnull=True, cancelled_at__isnull=True
    ).update(cancelled_at=now)
    SupportRequest.objects.filter(pk=locked.request_id).update(status=SupportRequest.Status.OPEN)
    record(action=Action.ASSIGNMENT, actor=by, obj=locked, detail=f"handed_back:{reason}", request=request)
    notify.handed_back(_leader_emails())
    return locked
