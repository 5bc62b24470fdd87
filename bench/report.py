"""``BENCH report_quarter <ms> ms ratio=<x>``: the time to build leadership's quarterly report —
``leadership_report``, all of it: the aggregate queries over the quarter and the twelve months of
the trend, every table through the suppression engine month by month, the tables and charts —
over 1,000,000 contacts, divided by the time of one raw SQL ``GROUP BY`` over the same contacts
table (``SELECT mode, COUNT(*) FROM support_contact GROUP BY mode``: the database reading the
table once). Each is the median of several runs after a warm-up. Goal: ratio <= 2. A second
line gives, for comparison, the same GROUP BY limited to the quarter's dates.

The data (four years: 1,000,000 contacts, 400,000 requests, their check-ins, 2,000 peers) is
generated once into var/bench/report-v<N>.sqlite3 and reused while that file exists: it is built
under another name and renamed when complete, so an interrupted build is never reused. Delete
the file (or ``make clean``) to build it again. In demo mode with DEBUG off; ``make bench`` runs
it, and so does ``.venv/bin/python bench/report.py``.
"""

from __future__ import annotations

import datetime
import gc
import itertools
import json
import os
import random
import statistics
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DATA_VERSION = 2  # bump when the generated data changes shape
CONTACTS = int(os.environ.get("BENCH_REPORT_CONTACTS", "1000000"))
CACHE = ROOT / "var" / "bench" / f"report-v{DATA_VERSION}-{CONTACTS}.sqlite3"
RUNS = int(os.environ.get("BENCH_REPORT_RUNS", "7"))
QUARTER = "2026-Q3"
FIRST_MONTH = datetime.date(2022, 11, 1)  # four years of history, up to the end of October 2026
MONTHS = 48
PEERS = 2000
BATCH = 20000

TOPIC_WEIGHTS = {
    "work_stress": 30, "secondary_trauma": 15, "family": 12, "grief": 8, "workplace_conflict": 8,
    "illness_injury": 6, "career": 6, "other": 5, "financial": 4, "critical_incident": 3, "legal": 2,
    "substance_use": 2, "crime_victim": 2, "suicide_concern": 1,
}  # fmt: skip
MODE_WEIGHTS = {"in_person": 38, "phone": 34, "video": 16, "text": 9, "email": 3}
RESPONSE_WEIGHTS = {
    "post_crisis": 50,
    "ongoing": 35,
    "pre_crisis": 5,
    "family_support": 5,
    "defusing": 3,
    "group_crisis": 2,
}
REFERRAL_WEIGHTS = {
    "eap": 40, "counsellor": 25, "clinical_advisor": 8, "medical": 8, "chaplain": 6, "crisis_line": 3,
    "substance_treatment": 3, "financial_legal_aid": 4, "other": 3,
}  # fmt: skip


def setup(database: Path) -> None:
    os.environ.update(
        SIDEBAR_MODE="demo",
        SIDEBAR_DEBUG="false",  # DEBUG records every query: it would measure that
        DATABASE_URL=f"sqlite:///{database}",
        LOG_LEVEL="WARNING",
        DJANGO_SETTINGS_MODULE="sidebar.settings",
    )
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", "--no-input", verbosity=0)


def _insert(model: Any, columns: Sequence[str], rows: Iterator[tuple[Any, ...]]) -> int:
    """Raw ``executemany`` in batches. ``rows`` hold database values for ``columns``; every other
    concrete column gets its field's default (so a column someone adds later with a default needs
    no change here)."""
    from django.db import connection

    fields = {f.column: f for f in model._meta.concrete_fields}
    others = [column for column in fields if column not in columns]
    tail = tuple(fields[c].get_db_prep_save(fields[c].get_default(), connection) for c in others)
    names = ", ".join(f'"{c}"' for c in (*columns, *others))
    marks = ", ".join(["%s"] * len(fields))
    sql = f'INSERT INTO "{model._meta.db_table}" ({names}) VALUES ({marks})'  # noqa: S608 (names from the model)
    count = 0
    with connection.cursor() as cursor:
        while batch := [row + tail for row in itertools.islice(rows, BATCH)]:
            cursor.executemany(sql, batch)
            count += len(batch)
    return count


def _weighted(rng: random.Random, weights: dict[str, int], n: int) -> list[str]:
    return rng.choices(list(weights), weights=list(weights.values()), k=n)


def _stamp(moment: datetime.datetime) -> str:
    """A timestamp as Django stores it in SQLite: UTC, without the offset."""
    return moment.astimezone(datetime.UTC).replace(tzinfo=None).isoformat(sep=" ")


def _ids(rng: random.Random, n: int) -> list[str]:
    return [f"{rng.getrandbits(128):032x}" for _ in range(n)]  # a UUIDField as SQLite stores it


def build() -> dict[str, int]:
    """Four years of a very large program, written with raw inserts (about a minute)."""
    from django.db import connection, transaction

    from sidebar.org.models import Agency, Person, RankTier, Unit
    from sidebar.support.models import CheckIn, Contact, SupportRequest
    from sidebar.team.models import PeerProfile
    from sidebar.vault.models import DataKey

    with connection.cursor() as cursor:
        # A throwaway file until it is renamed: no journal, no syncing, the whole file in memory.
        cursor.execute("PRAGMA journal_mode=OFF")
        cursor.execute("PRAGMA synchronous=OFF")
        cursor.execute("PRAGMA cache_size=-1500000")
    rng = random.Random(1_000_000)
    zone = datetime.timezone(datetime.timedelta(hours=-7))
    requests_total = CONTACTS * 2 // 5
    with transaction.atomic():
        Agency.objects.create(name="Bench County", timezone="America/Los_Angeles")
        tier = RankTier.objects.create(name="Line staff", level=0)
        unit = Unit.objects.create(name="Bench unit")
        people = Person.objects.bulk_create(
            [
                Person(full_name=f"Peer {i:04d}", work_email=f"peer{i}@bench.example.gov", unit=unit, rank_tier=tier)
                for i in range(PEERS)
            ]
        )
        peers = PeerProfile.objects.bulk_create(
            [
                PeerProfile(
                    person=person,
                    status="active",
                    basic_training_completed_on=datetime.date(2022, 1, 1),
                    level="peer" if i % 5 else "supervisory",
                )
                for i, person in enumerate(people)
            ]
        )
        peer_ids = [peer.pk.hex for peer in peers]

        # Requests spread over the four years, in order of arrival.
        request_ids, key_ids = _ids(rng, requests_total), _ids(rng, requests_total)
        start = datetime.datetime.combine(FIRST_MONTH, datetime.time(8), tzinfo=zone)
        span_minutes = (MONTHS * 365 // 12 - 30) * 24 * 60  # the last month is for the late contacts
        created = sorted(start + datetime.timedelta(minutes=rng.randrange(span_minutes)) for _ in range(requests_total))
        stamps = [_stamp(moment) for moment in created]
        sources = _weighted(rng, {"self": 70, "referral": 27, "anonymous": 3}, requests_total)
        urgencies = _weighted(rng, {"routine": 65, "soon": 25, "urgent": 10}, requests_total)
        _insert(
            DataKey, ("id", "created_at", "master_key_id"), ((k, t, "") for k, t in zip(key_ids, stamps, strict=True))
        )
        _insert(
            SupportRequest,
            (
                "id",
                "source",
                "urgency",
                "kind",
                "topics",
                "status",
                "data_key_id",
                "created_at",
                "first_contact_at",
                "closed_at",
            ),
            (
                (
                    request_ids[i],
                    sources[i],
                    urgencies[i],
                    "post_crisis",
                    "[]",
                    "closed",
                    key_ids[i],
                    stamps[i],
                    _stamp(created[i] + datetime.timedelta(hours=rng.expovariate(1 / 20))),
                    _stamp(created[i] + datetime.timedelta(days=30)),
                )
                for i in range(requests_total)
            ),
        )

        # Two or three contacts a request, over the three weeks after it arrived. Topic and
        # referral lists come from pools drawn with the program's weights (JSON written once).
        topic_pool = [
            json.dumps(
                sorted(set(rng.choices(list(TOPIC_WEIGHTS), weights=list(TOPIC_WEIGHTS.values()), k=1 + n % 3 // 2)))
            )
            for n in range(3000)
        ]
        referral_pool = [json.dumps([code]) for code in _weighted(rng, REFERRAL_WEIGHTS, 3000)] + ["[]"] * 17000
        days = {}
        first_day = FIRST_MONTH.toordinal()
        for offset in range(MONTHS * 31 + 60):
            days[first_day + offset] = datetime.date.fromordinal(first_day + offset).isoformat()
        request_days = [moment.date().toordinal() for moment in created]
        modes = _weighted(rng, MODE_WEIGHTS, CONTACTS)
        responses = _weighted(rng, RESPONSE_WEIGHTS, CONTACTS)
        contact_ids = _ids(rng, CONTACTS)
        topics = rng.choices(topic_pool, k=CONTACTS)
        referrals = rng.choices(referral_pool, k=CONTACTS)
        minutes = [15 + 5 * rng.randrange(12) for _ in range(CONTACTS)]

        def contacts() -> Iterator[tuple[Any, ...]]:
            for n in range(CONTACTS):
                i = n * requests_total // CONTACTS
                day = days[request_days[i] + (n % 3) * 7 + n % 4]
                yield (
                    contact_ids[n], request_ids[i], peer_ids[i % PEERS], day, minutes[n], modes[n], responses[n],
                    topics[n], referrals[n], stamps[i],
                )  # fmt: skip

        contact_columns = (
            "id",
            "request_id",
            "peer_id",
            "date",
            "minutes",
            "mode",
            "response_type",
            "topics",
            "referrals",
            "created_at",
        )
        contact_count = _insert(Contact, contact_columns, contacts())

        def check_ins() -> Iterator[tuple[Any, ...]]:
            for i in range(0, requests_total, 2):
                outcome = rng.random()
                done = _stamp(created[i] + datetime.timedelta(days=14, hours=3)) if outcome < 0.85 else None
                cancelled = _stamp(created[i] + datetime.timedelta(days=10)) if 0.85 <= outcome < 0.9 else None
                due = days[request_days[i] + 14]
                yield (f"{rng.getrandbits(128):032x}", request_ids[i], peer_ids[i % PEERS], due, done, cancelled)

        check_in_count = _insert(
            CheckIn, ("id", "request_id", "peer_id", "due_on", "done_at", "cancelled_at"), check_ins()
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        cursor.execute("CREATE TABLE bench_report_meta (version INTEGER)")
        cursor.execute("INSERT INTO bench_report_meta VALUES (%s)", [DATA_VERSION])
    return {"requests": requests_total, "contacts": contact_count, "check_ins": check_in_count}


def database() -> tuple[Path, float | None]:
    """The cached database, built first when missing (returns its path and the build time)."""
    if CACHE.exists():
        setup(CACHE)
        return CACHE, None
    CACHE.parent.mkdir(parents=True, exist_ok=True)
    building = CACHE.with_suffix(".building")
    for leftover in CACHE.parent.glob(building.name + "*"):
        leftover.unlink()
    setup(building)
    started = time.perf_counter()
    build()
    built = time.perf_counter() - started
    from django.db import connection

    connection.close()  # checkpoints the WAL into the file before it is renamed
    building.rename(CACHE)
    connection.settings_dict["NAME"] = str(CACHE)
    return CACHE, built


def medians_ms(*actions: Callable[[], object], runs: int = RUNS) -> list[float]:
    """The median time of each action, run in turns so that both see the same machine load."""
    for action in actions:
        action()  # warm-up: connection open, statements prepared, pages cached
    times: list[list[float]] = [[] for _ in actions]
    for _ in range(runs):
        for action, series in zip(actions, times, strict=True):
            gc.collect()
            started = time.perf_counter()
            action()
            series.append(time.perf_counter() - started)
    return [statistics.median(series) * 1000 for series in times]


def _scalar_rows(sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


def main() -> None:
    path, built = database()
    from sidebar.org.selectors import current_agency
    from sidebar.reports.periods import Period
    from sidebar.reports.report import leadership_report

    agency = current_agency()
    quarter = Period.parse(QUARTER)
    table = "support_contact"
    total = _scalar_rows(f'SELECT COUNT(*) FROM "{table}"')[0][0]  # noqa: S608 (a fixed table name)
    if total != CONTACTS:
        raise SystemExit(f"bench: {path} holds {total} contacts, not {CONTACTS}: delete it to rebuild")

    def floor() -> object:
        return _scalar_rows(f'SELECT mode, COUNT(*) FROM "{table}" GROUP BY mode')  # noqa: S608

    def quarter_floor() -> object:
        return _scalar_rows(
            f'SELECT mode, COUNT(*) FROM "{table}" WHERE date >= %s AND date <= %s GROUP BY mode',  # noqa: S608
            [quarter.start.isoformat(), quarter.end.isoformat()],
        )

    def report() -> object:
        return leadership_report(quarter, agency=agency)

    sample = leadership_report(quarter, agency=agency)
    contacts = next(t for t in sample.tables if t.key == "contacts").totals_row.total.value  # type: ignore[union-attr]
    if not contacts:
        raise SystemExit("bench: the quarterly report counted no contacts")
    floor_ms, report_ms, quarter_ms = medians_ms(floor, report, quarter_floor)
    from django.db import connection

    connection.close()
    how = f"built in {built:.0f} s" if built is not None else f"reused {path.relative_to(ROOT)}"
    print(f"BENCH report_quarter {report_ms:.1f} ms ratio={report_ms / floor_ms:.2f}")
    print(
        f"# floor: one GROUP BY over all {total:,} contacts {floor_ms:.1f} ms (goal: ratio <= 2); "
        f"the same GROUP BY over {QUARTER} only {quarter_ms:.1f} ms (ratio {report_ms / quarter_ms:.1f}); "
        f"{contacts:,} contacts in the quarter; data {how}"
    )


if __name__ == "__main__":
    main()
