"""Writes of the safeguards: publishing policy documents, signing the team agreement, and each
step of a confidentiality exception (raised → advised → decided, then a disclosure if decided
so). One atomic function per use case; each writes its audit event in the same transaction."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from sidebar import policy
from sidebar.accounts.models import User
from sidebar.accounts.roles import Role
from sidebar.audit.models import Action
from sidebar.audit.services import record
from sidebar.org.selectors import current_agency
from sidebar.safeguards import selectors
from sidebar.safeguards.models import ConfidentialityException, Disclosure, PolicyDocument, Signature
from sidebar.safeguards.statutes import template_for
from sidebar.support import notify
from sidebar.support.categories import ExceptionCategory
from sidebar.support.models import SupportRequest
from sidebar.vault import services as vault
from sidebar.vault.models import DataKey

NOTE_MAX_LENGTH = 280
Status = ConfidentialityException.Status


class SafeguardError(Exception):
    """A step that cannot happen now; the message is fit to show to the user."""


def _emails_of(*roles: Role, exclude: Any = None) -> Iterable[str]:
    users = User.objects.filter(is_active=True, role_memberships__role__in=roles)
    if exclude is not None:
        users = users.exclude(pk=exclude.pk)
    return users.values_list("email", flat=True)


def _normalised(body: str) -> str:
    """Unix line ends, no trailing spaces, at most one blank line between paragraphs."""
    lines = [line.rstrip() for line in body.replace("\r\n", "\n").replace("\r", "\n").strip().split("\n")]
    paragraphs = "\n".join(lines).split("\n\n")
    return "\n\n".join(part.strip("\n") for part in paragraphs if part.strip())


# --- policy documents and the team agreement --------------------------------------------------


@transaction.atomic
def publish_document(
    *, kind: str, title: str, body: str, by: User, request: HttpRequest | None = None
) -> PolicyDocument:
    """Publish the next version of a kind of document. Versions are never edited; for the team
    agreement a new version means every peer supporter signs again (and is told so)."""
    if kind not in PolicyDocument.Kind.values:
        raise SafeguardError("There is no such kind of policy document.")
    if not policy.can(by, "safeguards.publish"):
        raise SafeguardError("Only the team leader or the program administrator publishes policy documents.")
    title, body = title.strip(), _normalised(body)
    if not title or not body:
        raise SafeguardError("A policy document needs a title and a text.")
    latest = PolicyDocument.objects.select_for_update().filter(kind=kind).order_by("-version").first()
    if latest is not None and (latest.title, latest.body) == (title, body):
        raise SafeguardError(f"This is the same title and text as version {latest.version}: change something first.")
    try:
        with transaction.atomic():
            document = PolicyDocument.objects.create(
                kind=kind, version=latest.version + 1 if latest else 1, title=title, body=body, published_by=by
            )
    except IntegrityError as exc:
        raise SafeguardError(
            "Someone published a version of this document at the same moment. Check the current version, then publish again."
        ) from exc
    record(
        action=Action.POLICY_PUBLISHED, actor=by, obj=document, detail=f"{kind}:v{document.version}", request=request
    )
    if kind == PolicyDocument.Kind.TEAM_AGREEMENT:
        notify.after_commit(
            _emails_of(Role.PEER, exclude=by),
            reverse("safeguards:sign"),
            "A new version of the team agreement is waiting for your signature.",
        )
    return document


@transaction.atomic
def sign_agreement(*, user: User, version: int, request: HttpRequest | None = None) -> Signature:
    """A peer supporter signs the current team agreement. ``version`` is the one they read: if a
    newer one was published meanwhile, they must read that first. Signing twice is harmless."""
    if not policy.has_role(user, Role.PEER):
        raise SafeguardError("Only peer supporters sign the team agreement.")
    current = selectors.current_document(PolicyDocument.Kind.TEAM_AGREEMENT)
    if current is None:
        raise SafeguardError("No team agreement has been published yet.")
    if current.version != version:
        raise SafeguardError(
            f"Version {current.version} was published while you were reading. Read it below, then sign it."
        )
    signature, created = Signature.objects.get_or_create(document=current, user=user)
    if created:
        record(action=Action.AGREEMENT_SIGNED, actor=user, obj=signature, detail=f"v{current.version}", request=request)
    return signature


# --- confidentiality exceptions ---------------------------------------------------------------


def allowed_categories() -> tuple[str, ...]:
    """The exceptions the agency's statute template lets a peer raise (issue 16, section 4)."""
    return template_for(current_agency().exception_template).categories


def follows_advice(advice: str, decision: str) -> bool:
    """A decision follows the advice when it is the one advised; "needs a conversation first"
    advises neither, so any decision after it departs from it and needs a reason."""
    Advice, Decision = ConfidentialityException.Advice, ConfidentialityException.Decision
    return (advice, decision) in {
        (Advice.DISCLOSE, Decision.DISCLOSE),
        (Advice.DO_NOT_DISCLOSE, Decision.DO_NOT_DISCLOSE),
    }


def consent_problem(
    *,
    category: str,
    basis: str,
    written_consent: bool,
    written_consent_on: datetime.date | None,
    disclosed_on: datetime.date | None,
) -> str:
    """Why a disclosure's consent is not recorded well enough, or "" if it is. Consent counts
    only written and recorded (8669.4(b)(4)), and before the disclosure."""
    needed = category == ExceptionCategory.CONSENT or basis == Disclosure.Basis.CONSENT
    if not needed and not written_consent:
        return ""
    if not written_consent:
        return "The disclosure rests on consent: record that written, signed consent was obtained."
    if written_consent_on is None:
        return "Give the date of the written consent."
    if written_consent_on > timezone.localdate():
        return "The date of the written consent cannot be in the future."
    if disclosed_on is not None and written_consent_on > disclosed_on:
        return "The written consent must come before the disclosure."
    return ""


def _locked(exception: ConfidentialityException) -> ConfidentialityException:
    return (
        ConfidentialityException.objects.select_for_update(of=("self",))
        .select_related("request__data_key")
        .get(pk=exception.pk)
    )


def _path(exception: ConfidentialityException) -> str:
    # The home page, not the exception's own address: a link in an inbox must not say what kind
    # of thing waits (the home page lists what needs the reader's attention).
    return reverse("home")


def _step(exception: ConfidentialityException, step: str, by: User, request: HttpRequest | None) -> None:
    # The step's name only: never the category, a name or anything anyone typed.
    record(action=Action.EXCEPTION_STEP, actor=by, obj=exception, detail=step, request=request)


@transaction.atomic
def raise_exception(
    *, support_request: SupportRequest, category: str, by: User, request: HttpRequest | None = None
) -> ConfidentialityException:
    """The peer on a request (or the team leader) raises an exception. It opens a consultation:
    the clinical advisor and the team leader are told that something waits, and nothing more."""
    if category not in allowed_categories():
        raise SafeguardError("Choose one of the listed exceptions.")
    if not selectors.may_raise_exception(by, support_request):
        raise SafeguardError("Only the peer supporting this request, or the team leader, can raise an exception on it.")
    exception = ConfidentialityException.objects.create(request=support_request, category=category, raised_by=by)
    _step(exception, "raised", by, request)
    vault.hold(key=support_request.data_key)
    _step(exception, "identity held", by, request)
    notify.after_commit(
        _emails_of(Role.CLINICAL_ADVISOR, Role.TEAM_LEADER, exclude=by),
        _path(exception),
        "A consultation is waiting for you.",
    )
    return exception


@transaction.atomic
def advise(
    *, exception: ConfidentialityException, advice: str, by: User, request: HttpRequest | None = None
) -> ConfidentialityException:
    """The clinical advisor's advice on an open exception; the team leader decides next."""
    if advice not in ConfidentialityException.Advice.values:
        raise SafeguardError("Choose one of the listed kinds of advice.")
    if not policy.can(by, "safeguards.advise"):
        raise SafeguardError("Only the clinical advisor gives advice on an exception.")
    locked = _locked(exception)
    if locked.status != Status.OPEN:
        raise SafeguardError("The clinical advisor has already advised on this exception.")
    locked.advice, locked.advised_by, locked.advised_at = advice, by, timezone.now()
    locked.status = Status.ADVISED
    locked.save(update_fields=["advice", "advised_by", "advised_at", "status"])
    _step(locked, "advised", by, request)
    notify.after_commit(_emails_of(Role.TEAM_LEADER, exclude=by), _path(locked), "A decision is waiting for you.")
    return locked


@transaction.atomic
def decide(
    *,
    exception: ConfidentialityException,
    decision: str,
    override_reason: str = "",
    by: User,
    request: HttpRequest | None = None,
) -> ConfidentialityException:
    """The team leader decides, after the advice, whether to disclose. The advice is recorded
    as followed (binding) or overridden, and an override needs a reason from the list."""
    if decision not in ConfidentialityException.Decision.values:
        raise SafeguardError("Choose whether to disclose.")
    if override_reason and override_reason not in ConfidentialityException.OverrideReason.values:
        raise SafeguardError("Choose a reason from the list.")
    if not policy.can(by, "safeguards.decide"):
        raise SafeguardError("Only the team leader decides on a disclosure.")
    locked = _locked(exception)
    if locked.status == Status.OPEN:
        raise SafeguardError("The clinical advisor has not advised yet: the decision comes after the advice.")
    if locked.status != Status.ADVISED:
        raise SafeguardError("This exception has already been decided.")
    Outcome = ConfidentialityException.AdviceOutcome
    if follows_advice(locked.advice, decision):
        locked.advice_outcome, locked.override_reason = Outcome.FOLLOWED, ""
    elif not override_reason:
        raise SafeguardError("This decision departs from the clinical advisor's advice: choose the reason.")
    else:
        locked.advice_outcome, locked.override_reason = Outcome.OVERRIDDEN, override_reason
    locked.decision, locked.decided_by, locked.decided_at = decision, by, timezone.now()
    locked.status = Status.DECIDED
    locked.save(update_fields=["decision", "decided_by", "decided_at", "status", "advice_outcome", "override_reason"])
    _step(locked, "decided", by, request)
    if locked.advice_outcome == Outcome.OVERRIDDEN:
        _step(locked, "advice overridden", by, request)  # the reason stays on the exception, not in the log
    waiting = ConfidentialityException.objects.filter(
        request_id=locked.request_id, status__in=(Status.OPEN, Status.ADVISED)
    )
    if not waiting.exists():  # the last exception about the request: the hold ends
        data_key = DataKey.objects.select_for_update().get(support_request__pk=locked.request_id)
        vault.release_hold(key=data_key, retention_days=current_agency().identity_retention_days)
        _step(locked, "hold released", by, request)
    return locked


@transaction.atomic
def record_disclosure(
    *,
    exception: ConfidentialityException,
    recipient: str,
    disclosed_on: datetime.date,
    basis: str,
    person_told: bool,
    note: str = "",
    written_consent: bool = False,
    written_consent_on: datetime.date | None = None,
    by: User,
    request: HttpRequest | None = None,
) -> Disclosure:
    """What was disclosed, as structure: to whom, when, on which basis, whether the person was
    told, and — when it rests on consent — that written consent was obtained and when (required
    then). The optional short note is sealed in the vault under the request's data key, so it is
    shredded with the request's identity."""
    if recipient not in Disclosure.Recipient.values or basis not in Disclosure.Basis.values:
        raise SafeguardError("Choose a recipient and a basis from the lists.")
    if not policy.can(by, "safeguards.decide"):
        raise SafeguardError("Only the team leader records a disclosure.")
    note = note.strip()
    if len(note) > NOTE_MAX_LENGTH:
        raise SafeguardError(f"The note can be at most {NOTE_MAX_LENGTH} characters.")
    if disclosed_on > timezone.localdate():
        raise SafeguardError("The date of the disclosure cannot be in the future.")
    locked = _locked(exception)
    if locked.status != Status.DECIDED or locked.decision != ConfidentialityException.Decision.DISCLOSE:
        raise SafeguardError("A disclosure can be recorded only after the decision to disclose.")
    if Disclosure.objects.filter(exception=locked).exists():
        raise SafeguardError("The disclosure for this exception has already been recorded.")
    problem = consent_problem(
        category=locked.category,
        basis=basis,
        written_consent=written_consent,
        written_consent_on=written_consent_on,
        disclosed_on=disclosed_on,
    )
    if problem:
        raise SafeguardError(problem)
    if note and locked.request.data_key.is_shredded:
        raise SafeguardError(
            "This request's identity has been shredded, so no note can be sealed with it. Record the disclosure without a note."
        )
    disclosure = Disclosure.objects.create(
        exception=locked,
        recipient=recipient,
        disclosed_on=disclosed_on,
        basis=basis,
        person_told=person_told,
        written_consent=written_consent,
        written_consent_on=written_consent_on if written_consent else None,
        recorded_by=by,
    )
    if note:
        vault.store(key=locked.request.data_key, owner=locked, values={selectors.NOTE_FIELD: note})
    _step(locked, "disclosed", by, request)
    return disclosure
