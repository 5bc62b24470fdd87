"""Tables as every output shows them — the page, the printable report, CSV, JSON and PDF.

A ``TableView`` is built from the suppression engine's ``PublishedTable``: for leadership
hidden cells stay hidden and read "hidden"; for the team leader the table comes from
``suppress_nothing`` (exact counts). Nothing downstream of this module sees an unsuppressed
leadership number.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from sidebar.reports.suppression import PublishedTable


def count_text(value: int) -> str:
    return f"{value:,}"


@dataclass(frozen=True)
class CellView:
    value: int | None  # None: hidden
    text: str  # what a reader sees: "1,204", "hidden"
    short: str  # for CSV and compact places: "1204", "hidden"

    @property
    def hidden(self) -> bool:
        return self.value is None


HIDDEN = "hidden"


def cell(value: int | None, k: int | None) -> CellView:
    """A hidden number reads "hidden", never "fewer than k": many are hidden only so that
    another cannot be worked out (complementary suppression), and those are often large. Telling
    the two apart would also give a reader bounds that help to work hidden numbers out."""
    if value is None:
        return CellView(None, HIDDEN, HIDDEN)
    return CellView(value, count_text(value), str(value))


@dataclass(frozen=True)
class RowView:
    label: str
    cells: tuple[CellView, ...]
    total: CellView | None = None
    extras: tuple[str, ...] = ()  # measures (median, percent …), already hidden where they must be


@dataclass(frozen=True)
class TableView:
    key: str  # a slug: HTML ids, CSV section names, JSON keys
    title: str
    row_heading: str  # what the rows are: "Source", "Mode"
    column_labels: tuple[str, ...]
    rows: tuple[RowView, ...]
    total_column_label: str | None = None  # None: no row totals shown
    totals_row: RowView | None = None
    extra_labels: tuple[str, ...] = ()
    k: int | None = None  # None: exact counts (the team leader's view)
    withheld: bool = False
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def has_hidden(self) -> bool:
        every = [c for row in self.all_rows for c in (*row.cells, *([row.total] if row.total else []))]
        return any(c.hidden for c in every)

    @property
    def all_rows(self) -> tuple[RowView, ...]:
        return (*self.rows, *([self.totals_row] if self.totals_row else []))

    @property
    def header(self) -> tuple[str, ...]:
        total = (self.total_column_label,) if self.total_column_label else ()
        return (self.row_heading, *self.column_labels, *total, *self.extra_labels)

    def as_text_rows(self, *, short: bool) -> list[list[str]]:
        """Header and rows as strings (``short``: "<5" instead of "fewer than 5")."""
        lines = [list(self.header)]
        for row in self.all_rows:
            cells = [c.short if short else c.text for c in row.cells]
            total = [(row.total.short if short else row.total.text)] if self.total_column_label and row.total else []
            if self.total_column_label and not row.total:
                total = [""]
            extras = list(row.extras) + [""] * (len(self.extra_labels) - len(row.extras))
            lines.append([row.label, *cells, *total, *extras])
        return lines


def from_published(
    table: PublishedTable,
    *,
    key: str,
    row_heading: str,
    title: str | None = None,
    total_column_label: str = "Total",
    total_row_label: str = "Total",
    extra_labels: tuple[str, ...] = (),
    extras: Sequence[tuple[str, ...]] = (),
    withheld: bool = False,
    exact: bool = False,
) -> TableView:
    """A published table as every output shows it. ``withheld`` hides every number (for a
    table whose hidden cells could be worked out from a figure published elsewhere on the
    page); ``exact`` marks the team leader's tables (built with ``suppress_nothing``)."""
    k = None if exact else table.k
    n_columns = len(table.column_labels)
    show_row_totals = n_columns > 1 and table.row_totals is not None

    def shown(value: int | None) -> CellView:
        return cell(None if withheld else value, k)

    rows = []
    for index, label in enumerate(table.row_labels):
        total = shown(table.row_totals[index]) if show_row_totals and table.row_totals else None
        row_extras: tuple[str, ...] = tuple(extras[index]) if index < len(extras) else ()
        if withheld:
            row_extras = ("—",) * len(extra_labels)
        rows.append(RowView(label, tuple(shown(v) for v in table.cells[index]), total, row_extras))
    totals_row = None
    if table.column_totals is not None:
        if n_columns == 1:  # the column total is the grand total
            totals_row = RowView(total_row_label, (shown(table.grand_total),))
        else:
            grand = shown(table.grand_total) if show_row_totals else None
            totals_row = RowView(total_row_label, tuple(shown(v) for v in table.column_totals), grand)
    return TableView(
        key=key,
        title=title or table.title,
        row_heading=row_heading,
        column_labels=tuple(table.column_labels),
        rows=tuple(rows),
        total_column_label=total_column_label if show_row_totals else None,
        totals_row=totals_row,
        extra_labels=extra_labels,
        k=k,
        withheld=withheld,
    )
