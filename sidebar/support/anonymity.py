"""The measure of what the team leader's view gives away about who asked: replay the view of a
named request as if each staff member had asked it, and count those for whom it looks the same.
That count is the asker's anonymity set. The view is everything the team leader sees that the
asker's identity shapes: the suggested peers, their order and the reasons shown, and the answer
to offering the request to each peer of the team (the refusal, or none). It is computed by the
same functions the triage page and the offer use (selectors.asked_by, matching.rank,
services.refusal), so the measure cannot drift from the page."""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Iterable
from typing import Any

from sidebar.org.models import Person
from sidebar.support import matching, selectors, services
from sidebar.support.models import SupportRequest

View = tuple[tuple[tuple[uuid.UUID, tuple[str, ...]], ...], tuple[tuple[uuid.UUID, str], ...]]


def view_as(
    base: matching.Need,
    person: Person,
    *,
    cohorts: dict[uuid.UUID, matching.Cohort],
    candidates: list[matching.Candidate],
) -> View:
    """What the team leader would see of a request (``base``: its need, selectors.need_as with
    no person) had ``person`` asked it."""
    need = selectors.asked_by(base, person, cohorts=cohorts)
    suggestions = tuple((s.candidate.peer_id, selectors.shown_reasons(s)) for s in matching.rank(need, candidates))
    answers = tuple(
        (c.peer_id, services.refusal(reasons) if (reasons := matching.ineligibility(need, c)) else "")
        for c in sorted(candidates, key=lambda c: str(c.peer_id))
    )
    return suggestions, answers


def anonymity_sets(requests: Iterable[tuple[SupportRequest, Person]]) -> dict[Any, int]:
    """For each (request, the person who asked it): how many active staff members the team
    leader's view of it is consistent with (the asker among them)."""
    staff = list(Person.objects.filter(is_active=True).select_related("rank_tier"))
    found = {}
    for support_request, asker in requests:
        cohorts = selectors.team_leader_cohorts(also=asker)
        candidates = selectors.candidates()
        base = selectors.need_as(support_request, None)
        views = Counter(view_as(base, person, cohorts=cohorts, candidates=candidates) for person in staff)
        found[support_request.pk] = views[view_as(base, asker, cohorts=cohorts, candidates=candidates)]
    return found
