"""Who a recruitment round is for: everyone, or the staff of the chosen units and of every unit
below them. The same answer decides who is e-mailed the announcement, who sees the round (the
policy scope), who may apply and who may be nominated."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.db.models import Q, QuerySet
from django.db.models.expressions import RawSQL

from sidebar.accounts.models import User
from sidebar.org.models import Person, Unit
from sidebar.org.selectors import units_under
from sidebar.recruitment.models import Round

# The user's own unit and every unit above it (UNION stops at rows already seen, so even a corrupt
# cycle of units terminates).
_UNITS_OF_USER_AND_ABOVE = """
WITH RECURSIVE chain(id) AS (
    SELECT unit_id FROM {person} WHERE user_id = %s AND unit_id IS NOT NULL
    UNION
    SELECT u.parent_id FROM {unit} u JOIN chain c ON u.id = c.id WHERE u.parent_id IS NOT NULL
)
SELECT id FROM chain
"""


def staff_in_audience(round_: Round) -> QuerySet[Person]:
    """Active staff records the round is for (with or without an account)."""
    people = Person.objects.filter(is_active=True)
    if round_.audience == Round.Audience.UNITS:
        within = Q(pk__in=[])
        for unit in round_.units.all():
            within |= Q(unit__in=units_under(unit))
        people = people.filter(within)
    return people


def who_can_apply(round_: Round) -> QuerySet[Person]:
    """The round's staff who can sign in to apply: an active account (an announcement to anyone
    else would invite them to something they cannot do)."""
    return staff_in_audience(round_).filter(user__isnull=False, user__is_active=True)


def is_for(round_: Round, person: Person) -> bool:
    return round_.audience == Round.Audience.ALL or staff_in_audience(round_).filter(pk=person.pk).exists()


def rounds_for_user(user: Any) -> Q:
    """A condition on rounds: meant for everyone, or for a unit at or above ``user``'s own."""
    sql = _UNITS_OF_USER_AND_ABOVE.format(person=Person._meta.db_table, unit=Unit._meta.db_table)
    user_id = User._meta.pk.get_db_prep_value(user.pk, connection)
    chosen = Round.units.through.objects.filter(unit_id__in=RawSQL(sql, (user_id,))).values("round_id")  # noqa: S611 (fixed SQL, id as a parameter)
    return Q(audience=Round.Audience.ALL) | Q(pk__in=chosen)
