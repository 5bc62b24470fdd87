"""Reads of the safeguards: current policy documents, signatures, and exceptions as each role
may see them (always through ``sidebar.policy``'s scopes)."""

from __future__ import annotations

import uuid
from typing import Any

from django.db.models import Case, Exists, IntegerField, OuterRef, QuerySet, Subquery, Value, When
from django.http import Http404, HttpRequest

from sidebar import policy
from sidebar.accounts.roles import Role
from sidebar.safeguards.models import ConfidentialityException, Disclosure, PolicyDocument, Signature
from sidebar.support.models import Assignment, SupportRequest
from sidebar.team.models import PeerProfile
from sidebar.vault import services as vault
from sidebar.vault.models import SealedValue

NOTE_FIELD = "disclosure_note"
# Peers on leave keep their cases (and so may raise an exception on one); removed peers do not.
SERVING = (PeerProfile.Status.ACTIVE, PeerProfile.Status.INACTIVE)


def current_document(kind: str) -> PolicyDocument | None:
    """The newest published version of a kind of document, or None if none was published."""
    return PolicyDocument.objects.filter(kind=kind).order_by("-version").first()


def current_documents() -> list[tuple[PolicyDocument.Kind, PolicyDocument | None]]:
    """Every kind of document with its current version (None: not published yet), in one query."""
    newest = PolicyDocument.objects.filter(kind=OuterRef("kind")).order_by("-version").values("version")[:1]
    current = PolicyDocument.objects.filter(version=Subquery(newest)).defer("body")
    by_kind = {document.kind: document for document in current}
    return [(kind, by_kind.get(kind)) for kind in PolicyDocument.Kind]


def unsigned_agreement_for(user: Any) -> PolicyDocument | None:
    """The current team agreement when ``user`` is a peer supporter who has not signed it yet,
    otherwise None. The home page uses it to ask them to sign; matching treats such a peer as
    not assignable."""
    if not policy.has_role(user, Role.PEER):
        return None
    signed = Signature.objects.filter(document=OuterRef("pk"), user=user)
    agreement = (
        PolicyDocument.objects.filter(kind=PolicyDocument.Kind.TEAM_AGREEMENT)
        .annotate(signed=Exists(signed))
        .order_by("-version")
        .first()
    )
    if agreement is None or agreement.signed:
        return None
    return agreement


def signature_of(user: Any, document: PolicyDocument) -> Signature | None:
    return Signature.objects.filter(document=document, user=user).first()


def may_raise_exception(user: Any, support_request: SupportRequest) -> bool:
    """The team leader, or the peer who accepted the request (an offer not yet accepted is not
    enough: they have not spoken to the person)."""
    if policy.has_role(user, Role.TEAM_LEADER):
        return True
    return (
        policy.has_role(user, Role.PEER)
        and Assignment.objects.filter(
            request=support_request,
            status=Assignment.Status.ACCEPTED,
            peer__person__user=user,
            peer__status__in=SERVING,
        ).exists()
    )


def exceptions_for(user: Any) -> QuerySet[ConfidentialityException]:
    """The exceptions ``user`` may see (all of them for the clinical advisor and team leader, a
    peer's own otherwise): waiting ones first, then newest first."""
    waiting_first = Case(
        When(status=ConfidentialityException.Status.OPEN, then=Value(0)),
        When(status=ConfidentialityException.Status.ADVISED, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    return policy.visible_to(user, ConfidentialityException).order_by(waiting_first, "-raised_at")


def exception_for(user: Any, pk: uuid.UUID) -> ConfidentialityException:
    """One exception ``user`` may see, with the people who took its steps; 404 otherwise."""
    related = ("request__data_key", "raised_by__person", "advised_by__person", "decided_by__person")
    try:
        return policy.visible_to(user, ConfidentialityException).select_related(*related).get(pk=pk)
    except (ConfidentialityException.DoesNotExist, ValueError) as exc:
        raise Http404 from exc  # "not yours" looks exactly like "does not exist"


def disclosure_of(exception: ConfidentialityException) -> Disclosure | None:
    return Disclosure.objects.filter(exception=exception).select_related("recorded_by__person").first()


def has_sealed_note(exception: ConfidentialityException) -> bool:
    """Whether a disclosure note is sealed for this exception (nothing is decrypted to know)."""
    return SealedValue.objects.filter(owner=vault.owner_label(exception), field=NOTE_FIELD).exists()


def reveal_note(exception: ConfidentialityException, *, actor: Any, request: HttpRequest | None = None) -> str | None:
    """The disclosure note, decrypted for ``actor`` — an audited read of identity. None when the
    request's identity (and with it the note) has been shredded."""
    try:
        values = vault.reveal(
            key=exception.request.data_key, owner=exception, fields=[NOTE_FIELD], actor=actor, request=request
        )
    except vault.IdentityUnavailable:
        return None
    return values.get(NOTE_FIELD, "")


def waiting_count(user: Any) -> int:
    """Exceptions waiting for this user's step: advice from the clinical advisor, a decision
    from the team leader (one query)."""
    held = policy.roles_of(user)
    waiting: list[str] = []
    if Role.CLINICAL_ADVISOR in held:
        waiting.append(ConfidentialityException.Status.OPEN)
    if Role.TEAM_LEADER in held:
        waiting.append(ConfidentialityException.Status.ADVISED)
    return policy.visible_to(user, ConfidentialityException).filter(status__in=waiting).count()
