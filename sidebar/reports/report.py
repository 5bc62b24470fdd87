"""The program report: the figures of ``queries`` as tables of counts, published two ways.

``leadership_report`` passes every table through the suppression engine with the agency's k
(DESIGN.md, invariant 4). Each figure is counted month by month and published with
``suppress_consistent``: a month is suppressed on its own, and a quarter or a year hides every
cell that any of its months hides. So the month pages, the quarter and year pages, and the
monthly trend line (which shows each month's published total) can be set against one another
without giving a small number away. ``team_report`` shows the team leader the same tables with
exact counts, plus each peer's time and load.

One more link is checked here: the requests-by-source and the first-contact tables both total
the requests received. The engine hides a grand total only when it must; if one table hid it
while the other shows it, the table that hid it is withheld for that period.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from django.utils import timezone

from sidebar.incidents.models import Incident
from sidebar.org.models import Agency
from sidebar.reports import queries
from sidebar.reports.charts import BarChart, LineChart, bar_chart, line_chart
from sidebar.reports.periods import Grain, Period
from sidebar.reports.suppression import (
    CountTable,
    PublishedTable,
    Unpublishable,
    aggregate,
    hidden_positions,
    hide_rows,
    publish_hiding,
    suppress,
    suppress_linked,
    suppress_nothing,
    validate_k,
)
from sidebar.reports.tables import CellView, RowView, TableView, cell, from_published
from sidebar.support.categories import ContactMode, ExceptionCategory, Referral, ResponseType, Topic, Urgency
from sidebar.team.models import PeerProfile

TREND_MONTHS = 12

SOURCE_LABELS = {
    "self": "Asked for themselves",
    "referral": "Referred by a colleague",
    "anonymous": "Anonymous",
    "incident": "Offered support after an incident",
    "mutual_aid": "Mutual aid to another agency",
    "debrief": "A peer's debrief with the clinical advisor",
}
URGENCY_LABELS = {Urgency.ROUTINE: "Routine", Urgency.SOON: "Soon (within a day)", Urgency.URGENT: "Urgent"}
FIRST_CONTACT_COLUMNS = ("Within target", "Later than target", "No first contact yet")
CHECK_IN_COLUMNS = ("Done", "Not done", "Cancelled")
TEAM_COLUMNS = ("Basic training complete", "Basic training not complete")
INCIDENT_COLUMNS = ("People offered support", "Contacts", "Hours of contacts", "Group sessions held")
INCIDENT_LABELS = {**dict(Incident.Kind.choices), queries.MUTUAL_AID: "Mutual aid to another agency"}
FIRST_CONTACT_MEASURES = ("Median wait", "Target", "Share within target")


@dataclass(frozen=True)
class Spec:
    """How one figure reads: its key, title, what its rows are, and its explanation."""

    key: str
    title: str
    row_heading: str
    explanation: str
    total_column_label: str = "Total"


SPECS = {
    spec.key: spec
    for spec in (
        Spec(
            "requests-by-source",
            "Requests received, by who asked",
            "Who asked",
            "Requests received in the period: for the person themselves (named), for a colleague, or anonymously.",
        ),
        Spec(
            "first-contact",
            "Requests received, by urgency, and how soon a peer first made contact",
            "Urgency",
            "Requests received in the period by urgency, and whether a peer supporter's first contact came within "
            "the agency's target. The median is the middle wait: half of the first contacts came sooner.",
            total_column_label="Received",
        ),
        Spec(
            "contacts",
            "Contacts, by how people talked and the kind of help",
            "How they talked",
            "Conversations peer supporters recorded in the period, by how they talked and the kind of help given.",
        ),
        Spec(
            "trend",
            "Contacts per month, last twelve months",
            "Month",
            "Contacts recorded each month, for the twelve months ending with the period. A gap is a month whose "
            "number is hidden.",
        ),
        Spec(
            "topics",
            "Contacts, by topic",
            "Topic",
            "How many contacts touched each area of need. A contact can touch several, so these do not add up to "
            "the number of contacts, and there is no total.",
        ),
        Spec(
            "referrals",
            "Referrals made, by where people were referred",
            "Referred to",
            "Referrals to professional help made during contacts in the period.",
        ),
        Spec(
            "check-ins",
            "Check-ins planned for the period",
            "Check-ins",
            "Follow-up check-ins that were due in the period, and whether they happened.",
            total_column_label="Planned",
        ),
        Spec(
            "exceptions",
            "Confidentiality exceptions raised, by category",
            "Category",
            "Times a peer supporter raised one of the listed exceptions to confidentiality. Raising one opens a "
            "consultation with the clinical advisor; it does not mean that anything was disclosed.",
        ),
        Spec(
            "incidents",
            "Critical incidents and mutual aid, by type",
            "Type of incident",
            "People the team reached out to after a critical incident, the contacts and hours peers recorded with "
            "them (and when helping another agency), and the group sessions held. The columns measure different "
            "things, so there are no totals.",
        ),
        Spec(
            "team",
            "The peer support team today",
            "Level",
            "Active peer supporters today, by level, and whether they have completed basic training. (Today, "
            "whatever the period: the team's size is not counted month by month.)",
            total_column_label="Active members",
        ),
    )
}


@dataclass(frozen=True)
class Stat:
    label: str
    text: str  # "46", "31.5 hours", "fewer than 5", "hidden"
    hidden: bool = False
    short: str = ""  # for CSV, where a hidden count reads "<5"

    @classmethod
    def count(cls, label: str, value: CellView) -> Stat:
        return cls(label, value.text, value.hidden, value.short)


@dataclass(frozen=True)
class Figure:
    table: TableView
    explanation: str
    charts: tuple[BarChart | LineChart, ...] = ()


@dataclass(frozen=True)
class Report:
    period: Period
    audience: Literal["leadership", "team"]
    k: int | None
    generated_at: datetime.datetime
    summary: tuple[Stat, ...]
    figures: tuple[Figure, ...]
    peer_load: tuple[queries.PeerLoad, ...] = field(default_factory=tuple)

    @property
    def has_hidden(self) -> bool:
        return any(figure.table.has_hidden for figure in self.figures) or any(s.hidden for s in self.summary)

    @property
    def tables(self) -> tuple[TableView, ...]:
        return tuple(figure.table for figure in self.figures)


# --- what the database says, month by month -----------------------------------------------------

Monthly = dict[Period, CountTable]


@dataclass(frozen=True)
class Figures:
    """Every figure of a period as one exact table per month (same rows and columns in every
    month, so that months add up), and what the derived figures need."""

    period: Period
    trend_months: tuple[Period, ...]
    requests_by_source: Monthly
    first_contact: Monthly
    contacts: Monthly  # the twelve trend months (the period's months among them)
    topics: Monthly
    referrals: Monthly
    check_ins: Monthly
    exceptions: Monthly
    incidents: Monthly
    team: CountTable  # today's team; not counted by month
    minutes: int
    medians: dict[str, datetime.timedelta]
    targets: dict[str, datetime.timedelta]
    incident_groups: dict[str, int] = field(default_factory=dict)  # people ever offered support, by kind


def targets_of(agency: Agency) -> dict[str, datetime.timedelta]:
    return {
        Urgency.ROUTINE: datetime.timedelta(hours=agency.first_contact_hours_routine),
        Urgency.SOON: datetime.timedelta(hours=agency.first_contact_hours_soon),
        Urgency.URGENT: datetime.timedelta(hours=agency.first_contact_hours_urgent),
    }


def trend_months(period: Period) -> tuple[Period, ...]:
    """The twelve calendar months ending with the period's last month (fewer when that would
    reach back before the first year a period may have)."""
    last = period.months()[-1]
    months = []
    for steps in range(1 - TREND_MONTHS, 1):
        try:
            months.append(last.shifted(steps))
        except ValueError:  # before MIN_YEAR: no program had data then
            continue
    return tuple(months)


def _monthly(
    months: Sequence[Period], spec: Spec, rows: Sequence[str], columns: Sequence[str], cells: Callable[[Period], object]
) -> Monthly:
    return {
        month: CountTable(title=spec.title, row_labels=tuple(rows), column_labels=tuple(columns), cells=cells(month))  # type: ignore[arg-type]
        for month in months
    }


def gather(period: Period, *, agency: Agency, as_recorded: bool = False) -> Figures:
    """Every figure of the period: six aggregate queries (seven when the trend reaches back before
    the period), and one small query per urgency for its median wait.

    ``as_recorded`` (leadership): each month counts what had been recorded when it ended — a
    contact entered later and back-dated, a first contact or a check-in recorded after the month,
    counts nowhere for leadership — so a month's figures never change once it is over."""
    zone = agency.timezone
    recorded_by = zone if as_recorded else None
    months = tuple(period.months())
    trend = trend_months(period)
    targets = targets_of(agency)
    requests = queries.requests_by_month(months, timezone=zone, targets=targets, as_recorded=as_recorded)
    contacted = {u: sum(requests[m].contacted.get(u, 0) for m in months) for u in queries.URGENCIES}
    bounds = queries.Bounds.of(period, timezone=zone)
    medians = queries.median_waits(bounds, contacted=contacted, timezone=recorded_by)
    contacts = queries.contacts_by_month(trend, detailed=months, recorded_by=recorded_by)
    check_ins = queries.check_ins_by_month(months, recorded_by=recorded_by)
    exceptions = queries.exceptions_by_month(months, timezone=zone)
    incidents = queries.incidents_by_month(months, timezone=zone, as_recorded=as_recorded)
    groups = queries.incident_groups(before=bounds.ends_before) if as_recorded else {}
    team = queries.team_by_level()

    def incident_cells(month: Period) -> tuple[tuple[int, int, int, int], ...]:
        figures = incidents[month]
        return tuple(
            (
                figures.offered.get(kind, 0),
                figures.contacts.get(kind, 0),
                round(figures.minutes.get(kind, 0) / 60),
                figures.sessions.get(kind, 0),
            )
            for kind in queries.INCIDENT_ROWS
        )

    def by_source(month: Period) -> tuple[tuple[int], ...]:
        received = requests[month].received
        return tuple((sum(n for (s, _), n in received.items() if s == source),) for source in queries.SOURCES)

    def first_contact(month: Period) -> tuple[tuple[int, int, int], ...]:
        figures = requests[month]
        rows = []
        for urgency in queries.URGENCIES:
            received = sum(n for (_, u), n in figures.received.items() if u == urgency)
            contacted = figures.contacted.get(urgency, 0)
            within = figures.within_target.get(urgency, 0)
            rows.append((within, contacted - within, received - contacted))
        return tuple(rows)

    def one_column(values: Callable[[Period], Mapping[str, int]], codes: Sequence[str]) -> Callable[[Period], object]:
        return lambda month: tuple((values(month).get(code, 0),) for code in codes)

    topics_spec, referrals_spec = SPECS["topics"], SPECS["referrals"]
    return Figures(
        period=period,
        trend_months=trend,
        requests_by_source=_monthly(
            months, SPECS["requests-by-source"], [SOURCE_LABELS[s] for s in queries.SOURCES], ["Requests"], by_source
        ),
        first_contact=_monthly(
            months,
            SPECS["first-contact"],
            [URGENCY_LABELS[Urgency(u)] for u in queries.URGENCIES],
            FIRST_CONTACT_COLUMNS,
            first_contact,
        ),
        contacts=_monthly(
            trend,
            SPECS["contacts"],
            [ContactMode(m).label for m in queries.MODES],
            [ResponseType(r).label for r in queries.RESPONSE_TYPES],
            lambda month: queries.grid(contacts[month].by_mode_and_response, queries.MODES, queries.RESPONSE_TYPES),
        ),
        topics={
            month: CountTable(
                title=topics_spec.title,
                row_labels=tuple(Topic(t).label for t in queries.TOPICS),
                column_labels=("Contacts",),
                cells=tuple((contacts[month].by_topic.get(t, 0),) for t in queries.TOPICS),
                totals_are_sums=False,  # a contact may touch several topics
            )
            for month in months
        },
        referrals=_monthly(
            months,
            referrals_spec,
            [Referral(r).label for r in queries.REFERRALS],
            ["Referrals"],
            one_column(lambda month: contacts[month].referrals, queries.REFERRALS),
        ),
        check_ins=_monthly(
            months,
            SPECS["check-ins"],
            ["Due in the period"],
            CHECK_IN_COLUMNS,
            lambda month: ((check_ins[month].done, check_ins[month].not_done, check_ins[month].cancelled),),
        ),
        exceptions=_monthly(
            months,
            SPECS["exceptions"],
            [ExceptionCategory(c).label for c in queries.EXCEPTION_CATEGORIES],
            ["Exceptions"],
            one_column(lambda month: exceptions[month], queries.EXCEPTION_CATEGORIES),
        ),
        incidents={
            month: CountTable(
                title=SPECS["incidents"].title,
                row_labels=tuple(INCIDENT_LABELS[kind] for kind in queries.INCIDENT_ROWS),
                column_labels=INCIDENT_COLUMNS,
                cells=incident_cells(month),
                totals_are_sums=False,  # people, contacts, hours and sessions do not add up
            )
            for month in months
        },
        team=CountTable(
            title=SPECS["team"].title,
            row_labels=tuple(PeerProfile.Level(level).label for level in queries.LEVELS),
            column_labels=TEAM_COLUMNS,
            cells=tuple((team.get((level, True), 0), team.get((level, False), 0)) for level in queries.LEVELS),
        ),
        minutes=sum(contacts[month].minutes for month in months),
        medians=medians,
        targets=targets,
        incident_groups=groups,
    )


# --- derived figures ----------------------------------------------------------------------------


def wait_text(wait: datetime.timedelta) -> str:
    """A wait as people say it: "40 min", "5.5 hours", "3.2 days"."""
    minutes = wait.total_seconds() / 60
    if minutes < 90:
        return f"{round(minutes)} min"
    hours = minutes / 60
    if hours < 48:
        return f"{hours:.1f} hours"
    return f"{hours / 24:.1f} days"


def target_text(target: datetime.timedelta) -> str:
    hours = round(target.total_seconds() / 3600)
    return "1 hour" if hours == 1 else f"{hours} hours"


def percent_text(part: int, whole: int) -> str:
    return f"{round(100 * part / whole)} %" if whole else "—"


def first_contact_measures(
    figures: Figures, shown: Sequence[Sequence[int | None]], *, k: int | None
) -> list[tuple[str, str, str]]:
    """Median wait, target and share within target, per urgency. They are worked out from the
    within/later counts, so they are shown only where both counts are shown and (for leadership)
    add up to at least k: a median of two waits would describe two people."""
    measures = []
    for index, urgency in enumerate(queries.URGENCIES):
        within, later = shown[index][0], shown[index][1]
        median = figures.medians.get(urgency)
        both_shown = within is not None and later is not None
        enough = both_shown and (within or 0) + (later or 0) >= (k or 1)
        median_text = wait_text(median) if median is not None and enough else "—"
        share = percent_text(within or 0, (within or 0) + (later or 0)) if enough else "—"
        measures.append((median_text, target_text(figures.targets[urgency]), share))
    return measures


# --- leadership ---------------------------------------------------------------------------------

# The summary figures a month publishes, and where each sits in the tables that carry it (as
# extended positions of the engine, a function of the table's rows and columns).
MonthLinks = dict[str, Callable[[int, int], set[tuple[int, int]]]]


def _grand(n_rows: int, n_columns: int) -> set[tuple[int, int]]:
    """The grand total, with its duplicates in one-column and one-row tables."""
    positions = {(n_rows, n_columns)}
    if n_columns == 1:
        positions.add((n_rows, 0))
    if n_rows == 1:
        positions.add((0, n_columns))
    return positions


LINKS: dict[str, MonthLinks] = {
    "requests-by-source": {"Requests received": _grand},
    "first-contact": {"Requests received": _grand},
    "contacts": {"Contacts": _grand},
    "check-ins": {"Check-ins planned": _grand, "Check-ins done": lambda rows, columns: {(0, 0), (rows, 0)}},
}
MONTHLY_KEYS = ("requests-by-source", "first-contact", "contacts", "topics", "referrals", "check-ins", "exceptions")
DETAIL_KEYS = (*MONTHLY_KEYS, "incidents")


def leadership_report(period: Period, *, agency: Agency, frozen: Mapping[Period, Report] | None = None) -> Report:
    """The suppressed report: every count through the engine with the agency's k, counted as
    recorded by the end of each month. ``frozen``: months already published (their summary
    decides what a quarter may show)."""
    figures = gather(period, agency=agency, as_recorded=True)
    return publish_for_leadership(figures, k=validate_k(agency.suppression_threshold), frozen=frozen or {})


def _monthly_of(figures: Figures, key: str) -> Monthly:
    return {
        "requests-by-source": figures.requests_by_source,
        "first-contact": figures.first_contact,
        "contacts": figures.contacts,
        "topics": figures.topics,
        "referrals": figures.referrals,
        "check-ins": figures.check_ins,
        "exceptions": figures.exceptions,
        "incidents": figures.incidents,
    }[key]


def _withheld(table: CountTable, k: int) -> PublishedTable:
    everything = {(r, c) for r in range(len(table.row_labels) + 1) for c in range(len(table.column_labels) + 1)}
    return publish_hiding(table, everything, k=k)


def _month_tables(figures: Figures, month: Period, k: int) -> dict[str, PublishedTable]:
    """A month's tables, each suppressed on its own (only its summary figures are published)."""
    return {key: suppress(_monthly_of(figures, key)[month], k=k) for key in MONTHLY_KEYS}


def _month_summary(figures: Figures, month: Period, k: int, frozen: Mapping[Period, Report]) -> dict[str, Stat]:
    """What a month publishes: its summary, as frozen when it was first shown, or as it would be."""
    if month in frozen:
        return {stat.label: stat for stat in frozen[month].summary}
    tables = _month_tables(figures, month, k)
    views = _views(figures, tables, k)
    return {stat.label: stat for stat in _summary(views, minutes=0, k=k)}


def _month_contacts(figures: Figures, month: Period, k: int, frozen: Mapping[Period, Report]) -> CellView:
    """A month's published number of contacts (its summary's "Contacts")."""
    if month in frozen:
        stat = next(stat for stat in frozen[month].summary if stat.label == "Contacts")
        return cell(None if stat.hidden else int(stat.short.replace(",", "")), k)
    return cell(suppress(figures.contacts[month], k=k).grand_total, k)


def _month_value(figures: Figures, month: Period, label: str) -> int:
    if label == "Requests received":
        return figures.requests_by_source[month].grand_total
    if label == "Contacts":
        return figures.contacts[month].grand_total
    if label == "Check-ins planned":
        return figures.check_ins[month].grand_total
    return figures.check_ins[month].cells[0][0]  # Check-ins done


def _quarter_tables(
    figures: Figures, quarter: Period, k: int, frozen: Mapping[Period, Report]
) -> dict[str, PublishedTable]:
    """A quarter's tables, each suppressed on its own, except where its months' published
    summary links them: a figure every month shows is shown (hiding it protects nothing); a
    figure exactly one month hides is hidden (the quarter minus the others would give it away),
    and so is one that several months hide when none of them could be other than it is."""
    months = quarter.months()
    summaries = {month: _month_summary(figures, month, k, frozen) for month in months}

    def state(label: str) -> str:
        hiding = [month for month in months if summaries[month][label].hidden]
        if not hiding:
            return "fixed"
        if len(hiding) == 1 or all(_month_value(figures, month, label) < 2 for month in hiding):
            return "forced"
        return "free"

    published = {}
    for key in DETAIL_KEYS:
        table = aggregate(SPECS[key].title, [_monthly_of(figures, key)[month] for month in months])
        fixed: set[tuple[int, int]] = set()
        forced: set[tuple[int, int]] = set()
        for label, positions in LINKS.get(key, {}).items():
            where = positions(len(table.row_labels), len(table.column_labels))
            link = state(label)
            if link == "fixed":
                fixed |= where
            elif link == "forced":
                forced |= where
        try:
            published[key] = suppress_linked(table, k=k, fixed=fixed, forced=forced)
        except Unpublishable:
            published[key] = _withheld(table, k)
    return published


def _period_tables(figures: Figures, k: int, frozen: Mapping[Period, Report]) -> dict[str, PublishedTable]:
    """A quarter's tables, or a year's: the sum of its quarters, hiding every position any
    quarter hides (so the year minus three quarters gives nothing away)."""
    period = figures.period
    if period.grain is Grain.QUARTER:
        tables = _quarter_tables(figures, period, k, frozen)
    else:
        quarters = [Period(period.year, Grain.QUARTER, number) for number in range(1, 5)]
        parts = [_quarter_tables(figures, quarter, k, frozen) for quarter in quarters]
        tables = {}
        for key in DETAIL_KEYS:
            table = aggregate(SPECS[key].title, [_monthly_of(figures, key)[m] for m in period.months()])
            union: set[tuple[int, int]] = set()
            for part in parts:
                union |= hidden_positions(part[key])
            tables[key] = publish_hiding(table, union, k=k)
    # The row rule for incidents: a kind of incident after which fewer than k people were ever
    # offered support is hidden whole, zeros included, whatever happened in the period.
    small = {index for index, kind in enumerate(queries.INCIDENT_ROWS) if figures.incident_groups.get(kind, 0) < k}
    tables["incidents"] = hide_rows(tables["incidents"], small)
    return tables


def _views(figures: Figures, tables: Mapping[str, PublishedTable], k: int) -> dict[str, TableView]:
    by_source, first_contact = tables["requests-by-source"], tables["first-contact"]
    source_withheld = by_source.grand_total is None and first_contact.grand_total is not None
    first_withheld = first_contact.grand_total is None and by_source.grand_total is not None
    shown = [(None, None) if first_withheld else (row[0], row[1]) for row in first_contact.cells]

    def view(key: str, **options: object) -> TableView:
        spec = SPECS[key]
        return from_published(
            tables[key],
            key=key,
            title=spec.title,
            row_heading=spec.row_heading,
            total_column_label=spec.total_column_label,
            **options,  # type: ignore[arg-type]
        )

    views = {
        "requests-by-source": view("requests-by-source", withheld=source_withheld),
        "first-contact": view(
            "first-contact",
            extra_labels=FIRST_CONTACT_MEASURES,
            extras=first_contact_measures(figures, shown, k=k),
            withheld=first_withheld,
        ),
    }
    for key in tables:
        if key not in views:
            views[key] = view(key)
    return views


def publish_for_leadership(figures: Figures, *, k: int, frozen: Mapping[Period, Report] | None = None) -> Report:
    """A month publishes its summary and the trend; a quarter or a year every table as well.

    Month by month, most breakdowns of a small program are hidden, and a quarter could then show
    only what none of its three months hides. So breakdowns start at the quarter, which is
    suppressed on its own, linked to its months only through the summary they publish."""
    frozen = frozen or {}
    period = figures.period
    tables = _month_tables(figures, period, k) if period.grain is Grain.MONTH else _period_tables(figures, k, frozen)
    tables["team"] = suppress(figures.team, k=k)
    views = _views(figures, tables, k)
    # The trend shows each month's published number of contacts: the same as that month's report.
    trend = [(month, _month_contacts(figures, month, k, frozen)) for month in figures.trend_months]
    keys = ("trend",) if period.grain is Grain.MONTH else None
    return _assemble(figures, audience="leadership", k=k, views=views, trend=trend, keys=keys)


# --- the team leader ----------------------------------------------------------------------------


def team_report(period: Period, *, agency: Agency) -> Report:
    """Exact counts (statistics hold no identities) and each peer's time and load."""
    figures = gather(period, agency=agency)
    months = period.months()

    def exact(key: str, monthly: Monthly, **options: object) -> TableView:
        spec = SPECS[key]
        table = aggregate(spec.title, [monthly[month] for month in months])
        return from_published(
            suppress_nothing(table),
            key=key,
            title=spec.title,
            row_heading=spec.row_heading,
            total_column_label=spec.total_column_label,
            exact=True,
            **options,  # type: ignore[arg-type]
        )

    first_cells = aggregate("", [figures.first_contact[m] for m in months]).cells
    views = {
        "requests-by-source": exact("requests-by-source", figures.requests_by_source),
        "first-contact": exact(
            "first-contact",
            figures.first_contact,
            extra_labels=FIRST_CONTACT_MEASURES,
            extras=first_contact_measures(figures, first_cells, k=None),
        ),
        "contacts": exact("contacts", figures.contacts),
        "topics": exact("topics", figures.topics),
        "referrals": exact("referrals", figures.referrals),
        "check-ins": exact("check-ins", figures.check_ins),
        "exceptions": exact("exceptions", figures.exceptions),
        "incidents": exact("incidents", figures.incidents),
        "team": from_published(
            suppress_nothing(figures.team),
            key="team",
            title=SPECS["team"].title,
            row_heading=SPECS["team"].row_heading,
            total_column_label=SPECS["team"].total_column_label,
            exact=True,
        ),
    }
    trend = [(month, cell(figures.contacts[month].grand_total, None)) for month in figures.trend_months]
    report = _assemble(figures, audience="team", k=None, views=views, trend=trend)
    return Report(
        period=report.period,
        audience="team",
        k=None,
        generated_at=report.generated_at,
        summary=report.summary,
        figures=report.figures,
        peer_load=tuple(queries.peer_load(period)),
    )


# --- both ---------------------------------------------------------------------------------------


def _peer_time(contacts: CellView, minutes: int) -> tuple[Stat, Stat]:
    """Hours and average minutes, shown only when the number of contacts is."""
    if contacts.value is None:
        return Stat("Hours of peer time", "hidden", True), Stat("Average minutes per contact", "hidden", True)
    hours = Stat("Hours of peer time", f"{minutes / 60:,.1f} hours")
    average = Stat("Average minutes per contact", f"{minutes / contacts.value:.0f} min" if contacts.value else "—")
    return hours, average


def _bars(view: TableView, key: str, title: str, k: int | None, *, columns: bool = False) -> BarChart:
    """A bar per row (its total, or its only cell), or per column (the column totals)."""
    if columns and view.totals_row:
        items = list(zip(view.column_labels, view.totals_row.cells, strict=True))
    elif view.total_column_label:
        items = [(row.label, row.total or cell(None, k)) for row in view.rows]
    else:
        items = [(row.label, row.cells[0]) for row in view.rows]
    return bar_chart(key, title, items)


def _summary(views: Mapping[str, TableView], *, minutes: int, k: int | None) -> tuple[Stat, ...]:
    source, first, contacts, check_ins = (
        views["requests-by-source"],
        views["first-contact"],
        views["contacts"],
        views["check-ins"],
    )
    received = source.totals_row.cells[0] if source.totals_row else cell(None, k)
    if received.hidden and first.totals_row and first.totals_row.total:
        received = first.totals_row.total
    contacts_total = contacts.totals_row.total if contacts.totals_row and contacts.totals_row.total else cell(None, k)
    done, planned = check_ins.rows[0].cells[0], check_ins.rows[0].total or cell(None, k)
    hours, average = _peer_time(contacts_total, minutes)
    return (
        Stat.count("Requests received", received),
        Stat.count("Contacts", contacts_total),
        hours,
        average,
        Stat.count("Check-ins planned", planned),
        Stat.count("Check-ins done", done),
    )


def _assemble(
    figures: Figures,
    *,
    audience: Literal["leadership", "team"],
    k: int | None,
    views: dict[str, TableView],
    trend: list[tuple[Period, CellView]],
    keys: tuple[str, ...] | None = None,
) -> Report:
    """The report; ``keys``: the figures to include (all when None)."""
    source, first, contacts, check_ins = (
        views["requests-by-source"],
        views["first-contact"],
        views["contacts"],
        views["check-ins"],
    )
    summary = _summary(views, minutes=figures.minutes, k=k)
    trend_view = TableView(
        key="trend",
        title=SPECS["trend"].title,
        row_heading="Month",
        column_labels=("Contacts",),
        rows=tuple(RowView(month.label, (value,)) for month, value in trend),
        k=k,
    )

    def figure(key: str, *charts: BarChart | LineChart) -> tuple[str, Figure]:
        return key, Figure(views.get(key, trend_view), SPECS[key].explanation, charts)

    # Planned as a bar of its own: when a few were cancelled, the engine may hide "done" but
    # still show how many were planned.
    check_in_items = [
        (check_ins.total_column_label or "Planned", check_ins.rows[0].total or cell(None, k)),
        *zip(check_ins.column_labels, check_ins.rows[0].cells, strict=True),
    ]
    every = (
        figure("requests-by-source", _bars(source, "chart-source", "Requests by who asked", k)),
        figure("first-contact", _bars(first, "chart-urgency", "Requests by urgency", k)),
        figure(
            "contacts",
            _bars(contacts, "chart-mode", "Contacts by how people talked", k),
            _bars(contacts, "chart-response", "Contacts by kind of help", k, columns=True),
        ),
        figure("trend", line_chart("chart-trend", trend_view.title, trend, k=k)),
        figure("topics", _bars(views["topics"], "chart-topics", "Contacts by topic", k)),
        figure("referrals", _bars(views["referrals"], "chart-referrals", "Referrals by type", k)),
        figure("check-ins", bar_chart("chart-check-ins", "Check-ins due in the period", check_in_items)),
        figure("exceptions"),
        figure("incidents"),
        figure("team"),
    )
    chosen = tuple(figure for key, figure in every if keys is None or key in keys)
    return Report(
        period=figures.period,
        audience=audience,
        k=k,
        generated_at=timezone.now(),
        summary=summary,
        figures=chosen,
    )
