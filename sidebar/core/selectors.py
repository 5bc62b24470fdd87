from __future__ import annotations

from typing import Any

from django.db.models import Count, Q

from sidebar.accounts.models import User
from sidebar.org.models import Person, Unit


def person_for(user: Any) -> Person | None:
    """The staff record of a signed-in user, with unit and tier in the same query (and the
    recruitment hint for the home page: sidebar.recruitment.selectors.with_home_hint)."""
    from sidebar.recruitment.selectors import with_home_hint

    return with_home_hint(Person.objects.select_related("unit", "rank_tier")).filter(user=user).first()


def org_summary() -> dict[str, int]:
    """Counts for the administrator's home page (three queries)."""
    people = Person.objects.aggregate(
        active=Count("pk", filter=Q(is_active=True)),
        with_account=Count("pk", filter=Q(is_active=True, user__isnull=False)),
    )
    return {
        "people": people["active"],
        "accounts": people["with_account"],
        "units": Unit.objects.count(),
        "users": User.objects.filter(is_active=True).count(),
    }
