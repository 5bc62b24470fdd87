"""The suppression engine: what leadership may see of a table of counts (DESIGN.md invariant 4).

Pure Python, no Django, no database: a :class:`CountTable` of exact counts goes in, a
:class:`PublishedTable` in which no count from 1 to k−1 can be read — directly, by subtraction
from the totals, or by differencing with the other periods of the same report — comes out.

Rules
-----
1. **Primary suppression.** Every cell *and every total* (row totals, column totals, the grand
   total) whose value lies in 1..k−1 is hidden. Zero is shown.
2. **Complementary suppression.** Further cells are hidden — small non-zero cells first, then
   row/column totals, then the grand total, zeros only when nothing else works — until every
   hidden value is *protected*: the published values and all the table's equations (cells add
   up to their row total and column total; the totals add up to the grand total) admit another
   completion in which that value differs (see "When is a hidden value protected?").
3. A pruning pass then shows again every complementary cell that is not needed (largest first).
4. Tables whose categories overlap (``totals_are_sums=False``: a contact with several topics
   counts in several rows) publish no totals at all; with no equation to subtract from, primary
   suppression is all there is to do.

Single-column tables (R × 1, e.g. contacts by mode) have row totals equal to their cells, so
``PublishedTable.row_totals`` is ``None`` for them and the column total is the grand total
(``column_totals == (grand_total,)``); :meth:`PublishedTable.percent` then gives the share of
the column total. Symmetrically a single-row table has ``column_totals = None``. Internally the
engine still models those duplicate totals, so a hidden cell is never given away by them.

When is a hidden value protected? (the cycle argument, exact for tables of any size)
-----------------------------------------------------------------------------------
Write the table with its totals as an (R+1) × (C+1) *extended grid* ``y``: the cells, then
minus each row total in column C, minus each column total in row R, and the grand total at
(R, C). Every equation an attacker knows now reads "each row of ``y`` and each column of ``y``
adds up to 0". See rows 0..R and columns 0..C as the two sides of a bipartite graph and each
grid position as the edge between its row and its column. A change ``d`` to the hidden values
that keeps every published value and every equation is then exactly an integer assignment to
the *hidden* edges with zero sum at every vertex — a circulation. Orienting each edge by the
sign of ``d`` turns it into a flow, and flow decomposition splits it into simple cycles that
alternate +1/−1 and are *conformal*: each moves every value in the same direction as ``d`` and
by no more. Hence, if any other feasible completion changes hidden value ``e``, so does one
single alternating cycle of hidden positions through ``e`` (its values lie between the true
ones and the other completion's, so they respect the same lower bounds); and conversely every
such cycle is another feasible completion. So::

    e is protected  ⇔  some simple cycle of hidden positions through e, alternating
                        +1/−1, lowers only values that may go down by one.

The engine tests this by a breadth-first search for a path between the two ends of ``e``
(:func:`protection_witness` returns the cycle, as a change to the values, which the tests
verify independently of how it was found).

Which values may go down? Plain non-negativity says any value ≥ 1. But leadership is told
that zeros are shown, so an attacker reads every hidden value as ≥ 1: a row ``[1, 1, 10]``
with total 12 and both 1s hidden has another *non-negative* completion (0 and 2), yet a reader
who knows hidden values are not 0 gets both 1s exactly. The engine therefore uses the stronger
floor ``min(value, 1)``: a cycle may lower a hidden value only when it is at least 2. Every
table it publishes is protected under both readings (the tests check both).

Differencing (several tables that add up)
-----------------------------------------
Publishing a month and its quarter separately is not safe: if September hides a 2 that July,
August and the quarter all show, the 2 is the quarter minus the other two months. The leadership
view offers fixed periods (month, quarter, year), and a quarter is the sum of its months, so
aggregates are built from their parts with :func:`suppress_consistent` (or
:func:`suppress_aggregate` for one aggregate): each *part* (month) is suppressed on its own,
exactly as :func:`suppress` does, and each *aggregate* (quarter, year) hides every position
that any of its parts hides. That gives the guarantee, for the parts and all aggregates of them:

- every value published in an aggregate is published in each of its parts, so an aggregate
  minus any of its parts is a sum of published values — 0 or at least k, never 1..k−1;
- no hidden value is determined by all published values and all equations (each table's own
  sums *and* "aggregate = sum of its parts"): take a part that hides the position, the cycle
  protecting it there, and add that cycle to the part and to every aggregate containing it —
  every equation still holds, nothing published moves, and aggregates are at least as large as
  their parts, so every value lowered stays at or above its floor.

Because a part's output depends on the part alone, a month published in October is the same
table when its quarter is published in January, and the guarantee covers aggregates built in
different calls (a half year, then the year) as long as the months' counts have not changed.
Parts can be anything disjoint with the same rows and columns: units of an agency (with "other
units" as one more part) as well as months — or unit-months, with unit-quarters, agency-months
and agency-quarters as aggregates.

Residual risks (what the engine cannot see, the caller must keep):
- Tables that add up must be built with :func:`suppress_consistent` / :func:`suppress_aggregate`
  from their parts (never suppress a quarter counted directly), and every page, chart, CSV and
  PDF must show *those* published tables. A trend line of monthly totals must use each
  month's published grand total, and a "contacts by mode" table shown beside "contacts by
  topic × mode" must be its :func:`column_margin`, not counted and suppressed again (the tests
  show a table where the two, suppressed separately, give away a 1).
- Suppression is deterministic, so the same data always gives the same output; but if counts of
  a period change after it was shown (a contact logged late), the two versions differ by the
  late counts. Show only completed periods and freeze their figures.
- Aggregates inherit the suppression of all their parts, so a year hides every position hidden
  in any month. That is the price of publishing months: an agency that finds its quarters too
  empty can publish quarters as the finest period.
- Hidden values are labelled "<k", but complementary ones may be larger; the footnote
  (:attr:`PublishedTable.footnote`) says so. The protection above assumes only non-negativity
  and "hidden means not 0", not an upper bound of k−1.
- Protection means "not determined exactly"; a hidden value may still be known to lie in a
  narrow range (for example 1 or 2).
"""

from __future__ import annotations

import heapq
from collections import deque
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

__all__ = [
    "DEFAULT_K",
    "MIN_K",
    "CountTable",
    "Position",
    "PublishedTable",
    "Unpublishable",
    "aggregate",
    "column_margin",
    "extended_values",
    "hidden_positions",
    "hide_rows",
    "protection_witness",
    "publish_hiding",
    "row_margin",
    "suppress",
    "suppress_aggregate",
    "suppress_consistent",
    "suppress_linked",
    "suppress_nothing",
    "unprotected_positions",
    "validate_k",
]

MIN_K = 3
DEFAULT_K = 5
TOTAL_LABEL = "Total"

Position = tuple[int, int]
"""(row, column) in the extended grid: row R is the column-totals row, column C the row-totals
column, (R, C) the grand total."""


def validate_k(k: int) -> int:
    """Return ``k`` if it is a usable threshold (an integer of at least 3); raise ValueError."""
    if isinstance(k, bool) or not isinstance(k, int):
        raise ValueError(f"The suppression threshold k must be a whole number, not {k!r}.")
    if k < MIN_K:
        raise ValueError(f"The suppression threshold k must be at least {MIN_K} (it is {k}).")
    return k


def _labels(value: Iterable[str], what: str) -> tuple[str, ...]:
    labels = tuple(value)
    if not all(isinstance(label, str) for label in labels):
        raise ValueError(f"{what} must be strings.")
    return labels


@dataclass(frozen=True)
class CountTable:
    """Exact counts: ``cells[r][c]`` for row label ``r`` and column label ``c``.

    ``totals_are_sums`` is False when categories overlap (a contact with several topics is
    counted in several rows): then no totals are published and only primary suppression applies.
    Lists are accepted for the tuple fields and stored as tuples.
    """

    title: str
    row_labels: tuple[str, ...]
    column_labels: tuple[str, ...]
    cells: tuple[tuple[int, ...], ...]
    totals_are_sums: bool = True

    def __post_init__(self) -> None:
        rows = _labels(self.row_labels, "Row labels")
        columns = _labels(self.column_labels, "Column labels")
        cells = tuple(tuple(row) for row in self.cells)
        if len(cells) != len(rows):
            raise ValueError(f"{self.title!r}: {len(cells)} rows of cells for {len(rows)} row labels.")
        for label, row in zip(rows, cells, strict=True):
            if len(row) != len(columns):
                raise ValueError(f"{self.title!r}: row {label!r} has {len(row)} cells for {len(columns)} columns.")
            for value in row:
                if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                    raise ValueError(f"{self.title!r}: row {label!r} holds {value!r}; counts are whole numbers ≥ 0.")
        object.__setattr__(self, "row_labels", rows)
        object.__setattr__(self, "column_labels", columns)
        object.__setattr__(self, "cells", cells)

    @property
    def row_totals(self) -> tuple[int, ...]:
        return tuple(sum(row) for row in self.cells)

    @property
    def column_totals(self) -> tuple[int, ...]:
        return tuple(sum(row[c] for row in self.cells) for c in range(len(self.column_labels)))

    @property
    def grand_total(self) -> int:
        return sum(self.row_totals)

    def as_rows(self) -> list[list[str]]:
        """Exact counts laid out like :meth:`PublishedTable.as_rows` (for the team leader)."""
        return suppress_nothing(self).as_rows()


@dataclass(frozen=True)
class PublishedTable:
    """What leadership sees: hidden values are ``None`` and print as ``<k``.

    ``row_totals`` is None when ``totals_are_sums`` is False *or the table has one column*
    (its row totals are its cells); ``column_totals`` is None when ``totals_are_sums`` is False
    or the table has one row. ``grand_total`` is None when hidden or when totals are not sums.
    ``hidden_count`` is the number of ``<k`` that :meth:`as_rows` prints (each hidden value once).
    """

    title: str
    k: int
    row_labels: tuple[str, ...]
    column_labels: tuple[str, ...]
    cells: tuple[tuple[int | None, ...], ...]
    row_totals: tuple[int | None, ...] | None
    column_totals: tuple[int | None, ...] | None
    grand_total: int | None
    hidden_count: int
    totals_are_sums: bool = True

    @property
    def hidden_label(self) -> str:
        return f"<{self.k}"

    @property
    def footnote(self) -> str:
        """The explanation to print under any table with hidden values."""
        return (
            f"{self.hidden_label}: fewer than {self.k}, or hidden so that a count below {self.k} "
            "cannot be worked out from the totals or from other periods."
        )

    def percent(self, row: int, column: int) -> float | None:
        """The cell as a percentage (0–100) of its row total — of the column total (the grand
        total) in a single-column table. None when the cell or that total is hidden, when the
        total is 0, and when totals are not sums (overlapping categories)."""
        value = self.cells[row][column]
        if value is None or not self.totals_are_sums:
            return None
        if len(self.column_labels) == 1:
            total = self.grand_total
        else:
            total = self.row_totals[row] if self.row_totals is not None else self.grand_total
        if total is None or total == 0:
            return None
        return 100.0 * value / total

    def as_rows(self) -> list[list[str]]:
        """Header row, body rows and (when published) a total row and column, as text.

        Hidden values print as ``<k``. A single-column table ends with a "Total" row holding
        the grand total and has no total column; a single-row table has a "Total" column and no
        total row; tables whose totals are not sums have neither.
        """

        def text(value: int | None) -> str:
            return self.hidden_label if value is None else str(value)

        n_columns = len(self.column_labels)
        total_column = self.totals_are_sums and n_columns != 1
        total_row = self.totals_are_sums and (len(self.row_labels) != 1 or n_columns == 1)
        row_totals = self.row_totals or ()
        rows = [["", *self.column_labels, *([TOTAL_LABEL] if total_column else [])]]
        for index, (label, cells) in enumerate(zip(self.row_labels, self.cells, strict=True)):
            line = [label, *(text(value) for value in cells)]
            if total_column:
                line.append(text(row_totals[index]))
            rows.append(line)
        if total_row:
            column_totals = (self.column_totals or ()) if n_columns != 1 else ()
            rows.append([TOTAL_LABEL, *(text(value) for value in column_totals), text(self.grand_total)])
        return rows


# --- the extended grid ---------------------------------------------------------------------------


def extended_values(table: CountTable) -> tuple[tuple[int, ...], ...]:
    """The (R+1) × (C+1) grid of non-negative values: cells, row totals in the last column,
    column totals in the last row, the grand total in the corner."""
    rows = [(*row, sum(row)) for row in table.cells]
    rows.append((*table.column_totals, table.grand_total))
    return tuple(rows)


def _sign(position: Position, n_rows: int, n_columns: int) -> int:
    """+1 where the extended grid ``y`` holds the value itself (cells, grand total), −1 where it
    holds minus the value (row and column totals)."""
    row, column = position
    return -1 if (row == n_rows) != (column == n_columns) else 1


def _may_change(value: int, change: int) -> bool:
    """May a hidden value move by ``change`` (±1) and stay credible? Raising always; lowering
    only to a value ≥ 1 (an attacker knows hidden values are not 0, since zeros are shown)."""
    return change > 0 or value >= 2


class _Graph:
    """Rows 0..R are vertices 0..R; columns 0..C are vertices R+1..R+1+C; each position is an
    edge. Walking a position from its row to its column moves ``y`` by +1, so its value by
    ``sign``; walking it from its column to its row moves the value by ``−sign``."""

    def __init__(self, values: Sequence[Sequence[int]]) -> None:
        self.values = values
        self.n_rows = len(values) - 1
        self.n_columns = len(values[0]) - 1

    def column_vertex(self, column: int) -> int:
        return self.n_rows + 1 + column

    def arcs(self, vertex: int) -> Iterable[tuple[int, Position, int]]:
        """(next vertex, position walked, change of its value) for every position at ``vertex``."""
        if vertex <= self.n_rows:
            for column in range(self.n_columns + 1):
                position = (vertex, column)
                yield self.column_vertex(column), position, _sign(position, self.n_rows, self.n_columns)
        else:
            column = vertex - self.n_rows - 1
            for row in range(self.n_rows + 1):
                position = (row, column)
                yield row, position, -_sign(position, self.n_rows, self.n_columns)

    def ends(self, position: Position, change: int) -> tuple[int, int] | None:
        """Where a cycle that moves ``position`` by ``change`` must go: (from, to) for the path
        that closes it, or None when the position may not move that way."""
        row, column = position
        if not _may_change(self.values[row][column], change):
            return None
        if change == _sign(position, self.n_rows, self.n_columns):  # walked row → column
            return self.column_vertex(column), row
        return row, self.column_vertex(column)

    def usable(self, position: Position, change: int) -> bool:
        return _may_change(self.values[position[0]][position[1]], change)


def _path(
    graph: _Graph, start: int, goal: int, hidden: Collection[Position], skip: Position
) -> list[tuple[Position, int]] | None:
    """Breadth-first search through hidden positions (other than ``skip``)."""
    came: dict[int, tuple[int, Position, int] | None] = {start: None}
    queue = deque([start])
    while queue:
        vertex = queue.popleft()
        if vertex == goal:
            steps: list[tuple[Position, int]] = []
            back = came[vertex]
            while back is not None:
                previous, position, change = back
                steps.append((position, change))
                back = came[previous]
            return steps
        for following, position, change in graph.arcs(vertex):
            if following in came or position == skip or position not in hidden:
                continue
            if graph.usable(position, change):
                came[following] = (vertex, position, change)
                queue.append(following)
    return None


def protection_witness(
    values: Sequence[Sequence[int]], hidden: Collection[Position], position: Position
) -> dict[Position, int] | None:
    """A change (+1/−1 per extended position) to the hidden values that keeps every published
    value and every sum, lowers no hidden value below min(value, 1), and moves ``position`` —
    or None when no such change exists, i.e. when the hidden value at ``position`` is
    determined by the published ones. Exact (see the module docstring)."""
    graph = _Graph(values)
    for change in (+1, -1):
        ends = graph.ends(position, change)
        if ends is None:
            continue
        steps = _path(graph, *ends, hidden, position)
        if steps is not None:
            return {position: change, **dict(steps)}
    return None


def unprotected_positions(values: Sequence[Sequence[int]], hidden: Collection[Position]) -> list[Position]:
    """Hidden positions whose value the published values determine, in row-major order."""
    return [p for p in sorted(hidden) if protection_witness(values, hidden, p) is None]


Cost = tuple[int, int, int, int, int]
_FREE: Cost = (0, 0, 0, 0, 0)


def _cost(values: Sequence[Sequence[int]], position: Position) -> Cost:
    """What hiding a published value costs, compared in order: zeros hidden, grand total hidden,
    number of values hidden, row/column totals among them, sum of the values hidden.

    The number comes before the size: every complementary value is 0 or at least k, and each
    one hidden is a number leadership could have read (the utility ``make bench`` measures)."""
    n_rows, n_columns = len(values) - 1, len(values[0]) - 1
    row, column = position
    value = values[row][column]
    if value == 0:
        return (1, 0, 1, 0, 0)
    if (row, column) == (n_rows, n_columns):
        return (0, 1, 1, 0, value)
    if row == n_rows or column == n_columns:
        return (0, 0, 1, 1, value)
    return (0, 0, 1, 0, value)


def _add(a: Cost, b: Cost) -> Cost:
    return (a[0] + b[0], a[1] + b[1], a[2] + b[2], a[3] + b[3], a[4] + b[4])


def _cheapest_protection(
    values: Sequence[Sequence[int]],
    hidden: Collection[Position],
    target: Position,
    *,
    fixed: Collection[Position] = frozenset(),
) -> set[Position]:
    """The published positions whose hiding closes the cheapest valid cycle through ``target``
    (Dijkstra over all positions, hidden ones free)."""
    graph = _Graph(values)
    best: tuple[Cost, int, list[Position]] | None = None
    for order, change in enumerate((+1, -1)):
        ends = graph.ends(target, change)
        if ends is None:
            continue
        start, goal = ends
        distance: dict[int, Cost] = {start: _FREE}
        came: dict[int, tuple[int, Position]] = {}
        heap: list[tuple[Cost, int]] = [(_FREE, start)]
        done: set[int] = set()
        while heap:
            cost, vertex = heapq.heappop(heap)
            if vertex in done:
                continue
            done.add(vertex)
            if vertex == goal:
                break
            for following, position, step_change in graph.arcs(vertex):
                if position == target or following in done or not graph.usable(position, step_change):
                    continue
                if position in fixed and position not in hidden:
                    continue
                step = _FREE if position in hidden else _cost(values, position)
                candidate = _add(cost, step)
                if following not in distance or candidate < distance[following]:
                    distance[following] = candidate
                    came[following] = (vertex, position)
                    heapq.heappush(heap, (candidate, following))
        if goal not in done:
            continue
        added: list[Position] = []
        vertex = goal
        while vertex != start:
            vertex, position = came[vertex]
            if position not in hidden:
                added.append(position)
        if best is None or (distance[goal], order) < (best[0], best[1]):
            best = (distance[goal], order, added)
    if best is None:  # only when values that must stay shown block every cycle
        raise Unpublishable(f"no way to protect {target}")
    return set(best[2])


def _protect(
    values: Sequence[Sequence[int]],
    k: int,
    *,
    fixed: Collection[Position] = frozenset(),
    forced: Collection[Position] = frozenset(),
) -> set[Position]:
    """Primary suppression on every extended position, then complementary suppression until all
    hidden values are protected, then pruning of needless complementary cells.

    Termination: raising a value is always allowed, and for any position the cycle "it, its row
    total, its column total, the grand total" (or, for a total, "it, one cell of its row or
    column, that cell's other total, the grand total") raises all four together, so Dijkstra
    always finds a cycle, and each round hides at least one more value."""
    n_rows, n_columns = len(values) - 1, len(values[0]) - 1
    positions = [(r, c) for r in range(n_rows + 1) for c in range(n_columns + 1)]
    primary = {p for p in positions if 0 < values[p[0]][p[1]] < k} | set(forced)
    if primary & set(fixed):
        raise Unpublishable("a value that must be shown is small")
    hidden = set(primary)
    while True:
        exposed = unprotected_positions(values, hidden)
        if not exposed:
            break
        target = min(exposed, key=lambda p: (values[p[0]][p[1]], p))  # smallest first
        hidden |= _cheapest_protection(values, hidden, target, fixed=fixed)
    for position in sorted(hidden - primary, key=lambda p: (_cost(values, p), p), reverse=True):
        trial = hidden - {position}
        if not unprotected_positions(values, trial):
            hidden = trial
    return hidden


# --- publishing ----------------------------------------------------------------------------------


def _publish(table: CountTable, hidden: Collection[Position], k: int) -> PublishedTable:
    n_rows, n_columns = len(table.row_labels), len(table.column_labels)
    grid = extended_values(table)

    def show(row: int, column: int) -> int | None:
        return None if (row, column) in hidden else grid[row][column]

    cells = tuple(tuple(show(r, c) for c in range(n_columns)) for r in range(n_rows))
    row_totals: tuple[int | None, ...] | None = None
    column_totals: tuple[int | None, ...] | None = None
    grand_total: int | None = None
    if table.totals_are_sums:
        if n_columns != 1:
            row_totals = tuple(show(r, n_columns) for r in range(n_rows))
        if n_rows != 1:
            column_totals = tuple(show(n_rows, c) for c in range(n_columns))
        grand_total = show(n_rows, n_columns)
    published = PublishedTable(
        title=table.title,
        k=k,
        row_labels=table.row_labels,
        column_labels=table.column_labels,
        cells=cells,
        row_totals=row_totals,
        column_totals=column_totals,
        grand_total=grand_total,
        hidden_count=0,
        totals_are_sums=table.totals_are_sums,
    )
    return _counted(published)


def _counted(published: PublishedTable) -> PublishedTable:
    label = published.hidden_label
    hidden_count = sum(text == label for line in published.as_rows()[1:] for text in line[1:])
    return replace(published, hidden_count=hidden_count)


def _small_rows(table: CountTable, k: int) -> set[Position]:
    """Every cell of a row whose total is 1..k−1, zeros included (the row rule): a row about a
    group smaller than k tells nothing, not even where its few members are *not*."""
    n_columns = len(table.column_labels)
    return {(r, c) for r, row in enumerate(table.cells) if 0 < sum(row) < k for c in range(n_columns)}


def _hidden(
    table: CountTable,
    k: int,
    *,
    fixed: Collection[Position] = frozenset(),
    forced: Collection[Position] = frozenset(),
) -> frozenset[Position]:
    if not table.totals_are_sums:
        return frozenset((r, c) for r, row in enumerate(table.cells) for c, value in enumerate(row) if 0 < value < k)
    # The row rule's zeros are hidden like small values, and protected like them: a hidden zero
    # that a shown total of 0 gives back would tell as much as a zero shown.
    hidden = _protect(extended_values(table), k, fixed=fixed, forced={*forced, *_small_rows(table, k)})
    if hidden & set(fixed):
        raise Unpublishable("the row rule hides a value that must be shown")
    return frozenset(hidden)


class Unpublishable(ValueError):
    """The table cannot be protected while the values it must show stay shown."""


def suppress_linked(
    table: CountTable, *, k: int, fixed: Collection[Position] = frozenset(), forced: Collection[Position] = frozenset()
) -> PublishedTable:
    """Like :func:`suppress`, for a table linked to figures already published elsewhere:
    ``fixed`` positions stay shown (another publication gives them away anyway, so hiding them
    protects nothing) and ``forced`` positions are hidden (showing them would let a value hidden
    elsewhere be worked out). Raises :class:`Unpublishable` when no protection avoids ``fixed``."""
    validate_k(k)
    return _publish(table, _hidden(table, k, fixed=fixed, forced=forced), k)


def publish_hiding(table: CountTable, hidden: Collection[Position], *, k: int) -> PublishedTable:
    """``table`` with exactly the extended positions ``hidden`` hidden (an aggregate hiding the
    union of what its parts hide)."""
    validate_k(k)
    return _publish(table, hidden, k)


def hide_rows(published: PublishedTable, rows: Collection[int]) -> PublishedTable:
    """Hide whole rows, zeros included, of a table whose totals are not sums (no total can give
    a hidden row back)."""
    if published.totals_are_sums:
        raise ValueError(f"{published.title!r}: hide rows of additive tables through the engine.")
    cells = tuple(tuple(None for _ in row) if index in rows else row for index, row in enumerate(published.cells))
    return _counted(replace(published, cells=cells))


def suppress(table: CountTable, *, k: int) -> PublishedTable:
    """Publish ``table`` with threshold ``k``: no value from 1 to k−1 is shown, and no hidden
    value can be worked out from the shown ones (module docstring). Deterministic."""
    validate_k(k)
    return _publish(table, _hidden(table, k), k)


def suppress_nothing(table: CountTable) -> PublishedTable:
    """The exact table in the published shape (k is recorded as 0): for people who may see
    exact counts, and for printing a table before suppression."""
    return _publish(table, frozenset(), 0)


def hidden_positions(published: PublishedTable) -> frozenset[Position]:
    """The hidden values of a published table, as extended positions (single-column row totals
    and single-row column totals count as hidden with their cell)."""
    n_rows, n_columns = len(published.row_labels), len(published.column_labels)
    hidden = {(r, c) for r, row in enumerate(published.cells) for c, value in enumerate(row) if value is None}
    if not published.totals_are_sums:
        return frozenset(hidden)
    if published.row_totals is not None:
        hidden |= {(r, n_columns) for r, value in enumerate(published.row_totals) if value is None}
    elif n_columns == 1:
        hidden |= {(r, n_columns) for r, row in enumerate(published.cells) if row[0] is None}
    if published.column_totals is not None:
        hidden |= {(n_rows, c) for c, value in enumerate(published.column_totals) if value is None}
    elif n_rows == 1:
        hidden |= {(n_rows, c) for c, value in enumerate(published.cells[0]) if value is None}
    if published.grand_total is None:
        hidden.add((n_rows, n_columns))
    return frozenset(hidden)


def _margin(
    published: PublishedTable, labels: tuple[str, ...], values: Sequence[int | None], title: str, label: str
) -> PublishedTable:
    if not published.totals_are_sums:
        raise ValueError(f"{published.title!r}: overlapping categories have no totals to publish.")
    return _counted(
        PublishedTable(
            title=title,
            k=published.k,
            row_labels=labels,
            column_labels=(label,),
            cells=tuple((value,) for value in values),
            row_totals=None,
            column_totals=(published.grand_total,) if len(labels) != 1 else None,
            grand_total=published.grand_total,
            hidden_count=0,
        )
    )


def column_margin(published: PublishedTable, *, title: str, label: str) -> PublishedTable:
    """The column totals of a published table as a single-column table (one row per column),
    hidden exactly where the table hides them. Use it for "contacts by mode" beside "contacts by
    topic × mode": suppressing the margin on its own could hide other values than the big table
    and let the two be subtracted."""
    n_rows = len(published.row_labels)
    totals = published.cells[0] if n_rows == 1 else (published.column_totals or ())
    return _margin(published, published.column_labels, totals, title, label)


def row_margin(published: PublishedTable, *, title: str, label: str) -> PublishedTable:
    """The row totals of a published table as a single-column table, like :func:`column_margin`."""
    single = len(published.column_labels) == 1
    totals = [row[0] for row in published.cells] if single else (published.row_totals or ())
    return _margin(published, published.row_labels, totals, title, label)


# --- tables that add up --------------------------------------------------------------------------


def aggregate(title: str, parts: Sequence[CountTable]) -> CountTable:
    """The cell-by-cell sum of tables with the same labels (a quarter from its months)."""
    if not parts:
        raise ValueError(f"{title!r}: an aggregate needs at least one part.")
    first = parts[0]
    for part in parts[1:]:
        if (part.row_labels, part.column_labels, part.totals_are_sums) != (
            first.row_labels,
            first.column_labels,
            first.totals_are_sums,
        ):
            raise ValueError(f"{title!r}: {part.title!r} and {first.title!r} do not have the same rows and columns.")
    cells = tuple(
        tuple(sum(part.cells[r][c] for part in parts) for c in range(len(first.column_labels)))
        for r in range(len(first.row_labels))
    )
    return CountTable(title, first.row_labels, first.column_labels, cells, first.totals_are_sums)


def suppress_consistent(
    parts: Mapping[str, CountTable], *, k: int, groups: Mapping[str, Sequence[str]] | None = None
) -> dict[str, PublishedTable]:
    """Suppress tables that add up, so that no difference between them gives anything away.

    ``parts`` are disjoint pieces with the same rows and columns — the months of a year, or
    the units of an agency — keyed by name. ``groups`` names aggregates as lists of part keys
    (``{"2026-Q1": ["2026-01", "2026-02", "2026-03"], "2026": [...all twelve...]}``); the
    engine sums them itself. Each part is suppressed exactly as :func:`suppress` would; each
    aggregate hides every position hidden in any of its parts. Returns every part and every
    aggregate, parts first, in the given order; an aggregate's title is its key.

    Guarantee (module docstring): a published aggregate value minus any published part values
    is 0 or ≥ k, and no hidden value of any returned table is determined by all of them together.
    """
    validate_k(k)
    if not parts:
        raise ValueError("There are no tables to suppress.")
    groups = groups or {}
    clash = sorted(set(parts) & set(groups))
    if clash:
        raise ValueError(f"{clash[0]!r} names both a part and an aggregate.")
    aggregate("all parts", list(parts.values()))  # the same rows and columns everywhere, or ValueError
    hidden = {key: _hidden(table, k) for key, table in parts.items()}
    published = {key: _publish(table, hidden[key], k) for key, table in parts.items()}
    for key, members in groups.items():
        unknown = [member for member in members if member not in parts]
        if unknown:
            raise ValueError(f"{key!r} adds up {unknown[0]!r}, which is not one of the parts.")
        if len(set(members)) != len(members):
            raise ValueError(f"{key!r} lists a part twice.")
        union: set[Position] = set()
        for member in members:
            union |= hidden[member]
        published[key] = _publish(aggregate(key, [parts[member] for member in members]), union, k)
    return published


def suppress_aggregate(title: str, parts: Sequence[CountTable], *, k: int) -> PublishedTable:
    """Publish the sum of ``parts`` (a quarter from its three months, a year from its twelve)
    consistently with the parts as :func:`suppress` publishes them: the aggregate hides every
    position that any part hides. Use this — never ``suppress`` on a quarter counted directly —
    for any period that leadership can also see month by month."""
    keyed = {f"part {index}": part for index, part in enumerate(parts)}
    if not keyed:
        raise ValueError(f"{title!r}: an aggregate needs at least one part.")
    published = suppress_consistent(keyed, k=k, groups={"aggregate": list(keyed)})["aggregate"]
    return replace(published, title=title)
