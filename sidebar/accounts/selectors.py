from __future__ import annotations

from typing import Any

from allauth.mfa.models import Authenticator
from django.db.models import Q, QuerySet
from django.http import HttpRequest

from sidebar.accounts.models import PendingChange, User
from sidebar.accounts.roles import Role
from sidebar.org.models import Person


def has_totp(request: HttpRequest) -> bool:
    """Has the signed-in user set up an authenticator app? Asked on every request of a
    privileged user (one indexed query): when the administrator resets someone's two-factor
    sign-in, their open sessions must stop at once, not at their next sign-in."""
    return Authenticator.objects.filter(user=request.user, type=Authenticator.Type.TOTP).exists()


# --- the administrator's accounts pages ---------------------------------------------------------


def accounts(
    *,
    search: str = "",
    role: str = "",
    signed_in: str = "",
    unit: Any = None,
    status: str = "",
) -> QuerySet[User]:
    """Accounts for the administrator's list, with the staff record (name, title, unit) that
    tells two people of one name apart. ``role``: a role value, or "staff" for no role beyond
    staff; ``signed_in``: "yes" / "no" (never signed in, ``last_login`` empty); ``unit``: a
    unit, including every unit below it; ``status``: "active" / "inactive"."""
    from sidebar.org.selectors import units_under

    queryset = User.objects.select_related("person__unit__parent").prefetch_related("role_memberships")
    if search:
        terms = Q()
        for word in search.split():
            terms &= Q(email__icontains=word) | Q(person__full_name__icontains=word)
        queryset = queryset.filter(terms)
    if role == Role.STAFF:
        queryset = queryset.filter(role_memberships__isnull=True)
    elif role:
        queryset = queryset.filter(role_memberships__role=role)
    if signed_in == "yes":
        queryset = queryset.filter(last_login__isnull=False)
    elif signed_in == "no":
        queryset = queryset.filter(last_login__isnull=True)
    if unit is not None:
        queryset = queryset.filter(person__unit__in=units_under(unit))
    if status == "active":
        queryset = queryset.filter(is_active=True)
    elif status == "inactive":
        queryset = queryset.filter(is_active=False)
    return queryset.order_by("person__full_name", "email").distinct()


def invitation_audience(*, unit: Any = None, not_signed_in: bool = False) -> QuerySet[User]:
    """The active accounts a bulk invitation goes to: everyone, or one unit with the units
    below it, optionally only those who have never signed in."""
    return accounts(unit=unit, signed_in="no" if not_signed_in else "", status="active")


def roster_without_accounts() -> QuerySet[Person]:
    """Active people on the staff roster who have no account yet."""
    return Person.objects.filter(is_active=True, user__isnull=True)


def account_summary() -> dict[str, int]:
    """Counts for the top of the accounts page (one query each)."""
    active = User.objects.filter(is_active=True)
    return {
        "active": active.count(),
        "never_signed_in": active.filter(last_login__isnull=True).count(),
        "roster_without_account": roster_without_accounts().count(),
    }


# --- task: two-person rule (issue 16 section 3) ---
def pending_changes(visible: QuerySet[PendingChange]) -> tuple[list[PendingChange], list[PendingChange]]:
    """What waits for a second person (oldest first), and what was decided in the last 30 days
    (newest first), from the changes ``visible`` to the viewer."""
    import datetime

    from django.utils import timezone

    rows = visible.select_related("account__person", "requested_by__person", "decided_by__person")
    waiting = list(rows.filter(status=PendingChange.Status.PENDING).order_by("requested_at"))
    since = timezone.now() - datetime.timedelta(days=30)
    decided = list(
        rows.exclude(status=PendingChange.Status.PENDING).filter(decided_at__gte=since).order_by("-decided_at")[:50]
    )
    return waiting, decided


# --- end task ---
