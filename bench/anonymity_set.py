"""``BENCH anonymity_set <n> staff ratio=<n / max(k, 5 % of staff)>``: the smallest anonymity set
of any named request in the demo, as the team leader sees it — replay the view of each request
(suggestions, their order and reasons, the answer to offering it to each peer) as if each active
staff member had asked, and count those for whom it looks the same (sidebar/support/anonymity.py;
goal: ratio >= 1.0).

Builds the demo agency into a temporary SQLite database in its own process (as
bench/report_utility.py does). ``make bench`` runs it; so does ``.venv/bin/python bench/anonymity_set.py``.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from report_utility import setup  # the same demo build


def measure() -> tuple[int, int, int, int]:
    """(smallest anonymity set, the goal, named requests measured, active staff)."""
    from sidebar.org.models import Person
    from sidebar.org.selectors import current_agency
    from sidebar.support.anonymity import anonymity_sets
    from sidebar.support.matching import cohort_minimum
    from sidebar.support.models import SupportRequest
    from sidebar.support.selectors import person_of

    named = [(item, person_of(item, actor=None)) for item in SupportRequest.objects.select_related("data_key")]
    named = [(item, person) for item, person in named if person is not None]
    staff = Person.objects.filter(is_active=True).count()
    sets = anonymity_sets(named)
    return min(sets.values()), cohort_minimum(staff, current_agency().suppression_threshold), len(named), staff


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="sidebar-bench-anonymity-") as folder:
        setup(Path(folder) / "demo.sqlite3")
        smallest, goal, requests, staff = measure()
        from django.db import connection

        connection.close()
    print(f"BENCH anonymity_set {smallest} staff ratio={smallest / goal:.2f}")
    print(f"# the smallest of {requests} named requests' anonymity sets among {staff} staff (goal: >= {goal})")
    if smallest < goal:
        raise SystemExit(f"bench: a request's asker is one of only {smallest} staff (goal: {goal})")


if __name__ == "__main__":
    main()
