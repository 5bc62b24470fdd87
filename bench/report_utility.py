"""``BENCH report_utility <share> ratio=<share>``: of the cells of leadership's report for the
demo's last completed quarter whose exact value is at least k, the share leadership sees (goal:
>= 0.9). Exact means the figures as leadership's report counts them (as recorded by the end of
each month), before suppression. A second line checks that no summary figure is hidden in a
quarter with 50 or more requests.

Builds the demo agency into a temporary SQLite database (``migrate`` + ``load_demo``, about a
minute) in its own process. ``make bench`` runs it; so does ``.venv/bin/python bench/report_utility.py``.
"""

from __future__ import annotations

import datetime
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def setup(database: Path) -> None:
    os.environ.update(
        SIDEBAR_MODE="demo",
        SIDEBAR_DEBUG="false",
        DATABASE_URL=f"sqlite:///{database}",
        LOG_LEVEL="WARNING",
        DJANGO_SETTINGS_MODULE="sidebar.settings",
    )
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", "--no-input", verbosity=0)
    with open(os.devnull, "w") as quiet:
        call_command("load_demo", stdout=quiet)


def measure(today: datetime.date) -> tuple[int, int, list[str], str]:
    """(cells of at least k, of them shown, hidden summary figures, the quarter)."""
    from sidebar.org.selectors import current_agency
    from sidebar.reports.periods import Grain, latest_completed
    from sidebar.reports.report import DETAIL_KEYS, _monthly_of, gather, publish_for_leadership
    from sidebar.reports.suppression import aggregate, suppress_nothing

    agency = current_agency()
    k = agency.suppression_threshold
    quarter = latest_completed(Grain.QUARTER, today)
    figures = gather(quarter, agency=agency, as_recorded=True)
    report = publish_for_leadership(figures, k=k)
    published = {figure.table.key: figure.table for figure in report.figures}
    exact = {key: aggregate(key, [_monthly_of(figures, key)[m] for m in quarter.months()]) for key in DETAIL_KEYS}
    exact["team"] = figures.team
    large = shown = 0
    for key, table in exact.items():
        grid = suppress_nothing(table)
        view = published[key]
        exact_rows = [*grid.cells]
        exact_totals = list(grid.row_totals or [])
        for index, row in enumerate(view.rows):
            pairs = list(zip(row.cells, exact_rows[index], strict=True))
            if row.total is not None:
                pairs.append((row.total, exact_totals[index]))
            if view.totals_row is not None:
                pass
            for published_cell, value in pairs:
                if value >= k:
                    large += 1
                    shown += not published_cell.hidden
        if view.totals_row is not None:
            totals = list(grid.column_totals or []) if len(table.column_labels) > 1 else [grid.grand_total]
            pairs = list(zip(view.totals_row.cells, totals, strict=True))
            if view.totals_row.total is not None:
                pairs.append((view.totals_row.total, grid.grand_total))
            for published_cell, value in pairs:
                if value >= k:
                    large += 1
                    shown += not published_cell.hidden
    received = exact["requests-by-source"].grand_total
    hidden_summary = [stat.label for stat in report.summary if stat.hidden] if received >= 50 else []
    return large, shown, hidden_summary, f"{quarter} ({received} requests)"


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="sidebar-bench-utility-") as folder:
        setup(Path(folder) / "demo.sqlite3")
        from django.utils import timezone

        large, shown, hidden_summary, quarter = measure(timezone.localdate())
        from django.db import connection

        connection.close()
    share = shown / large if large else 1.0
    print(f"BENCH report_utility {share:.3f} ratio={share:.3f}")
    print(
        f"# {shown} of {large} cells of at least k shown to leadership in {quarter} (goal: >= 0.9); "
        f"summary figures hidden: {', '.join(hidden_summary) or 'none'}"
    )
    if hidden_summary:
        raise SystemExit(f"bench: summary figures hidden in a quarter with 50 or more requests: {hidden_summary}")


if __name__ == "__main__":
    main()
