from __future__ import annotations

from sidebar.safeguards.models import PolicyDocument, Signature


def current_document(kind: str) -> PolicyDocument | None:
    """The newest published version of a kind of document, or None if none was published."""
    return PolicyDocument.objects.filter(kind=kind).order_by("-version").first()


def has_signed_current_agreement(user: object) -> bool:
    agreement = current_document(PolicyDocument.Kind.TEAM_AGREEMENT)
    return agreement is not None and Signature.objects.filter(document=agreement, user=user).exists()
