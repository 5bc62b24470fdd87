"""``BENCH matching <ms> ms ratio=<x>``: the time to rank 2,000 peers for one request against a
20,000-person org chart — ``suggestions_for``, all of it: the audited read of who asked, their
cohort (the chart read whole, the cohorts worked out again only when it changed: the first call,
a warm-up, pays for that), the peers with their open cases and agreement, and the pure ranking — divided by the time of one query that just loads the active peers. Each is the
median of several runs after a warm-up. Goal: ratio <= 3.

Self-contained: it always builds its own temporary SQLite database (never the one in
DATABASE_URL), in demo mode with DEBUG off. ``make bench`` runs it; so does
``.venv/bin/python bench/matching.py``.
"""

from __future__ import annotations

import gc
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PEOPLE = int(os.environ.get("BENCH_MATCHING_PEOPLE", "20000"))
PEERS = int(os.environ.get("BENCH_MATCHING_PEERS", "2000"))
BRANCHING = 8  # direct reports per supervisor: six levels for 20,000 people
RUNS = int(os.environ.get("BENCH_MATCHING_RUNS", "15"))
BATCH = 2000

TOPICS = ["work_stress", "critical_incident", "secondary_trauma", "family", "grief", "legal", "substance_use"]
LANGUAGES = ["es", "vi", "tl", "zh", "ko", "ase"]


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


def depth_of(index: int) -> int:
    depth = 0
    while index > 0:
        index = (index - 1) // BRANCHING
        depth += 1
    return depth


def build() -> dict[str, Any]:
    """The org chart as a tree (person i reports to person (i-1)//8), every tenth person a peer,
    a few hundred open assignments, the team agreement signed by every peer, and one request
    from a supervisor in the middle of the chart (two above, several hundred below)."""
    import datetime

    from django.db import transaction
    from django.utils import timezone

    from sidebar.accounts.models import User
    from sidebar.org.models import Person, RankTier, Unit
    from sidebar.safeguards.models import PolicyDocument, Signature
    from sidebar.support import services
    from sidebar.support.models import Assignment, SupportRequest
    from sidebar.team.models import PeerProfile
    from sidebar.vault import services as vault

    rng = random.Random(20_000)
    today = timezone.localdate()
    with transaction.atomic():
        names = ["Line staff", "Supervisor", "Manager", "Executive"]
        tiers = [RankTier.objects.create(name=name, level=level) for level, name in enumerate(names)]
        units = Unit.objects.bulk_create([Unit(name=f"Unit {n}") for n in range(60)])
        peer_at = set(range(5, PEOPLE, max(PEOPLE // PEERS, 1))[:PEERS])
        asker_index = 9  # depth 2: a supervisor with a chief and a manager above, 584 people below
        users = {
            i: User(email=f"person{i}@bench.example.gov", password="!")  # noqa: S106 (an unusable password)
            for i in sorted(peer_at | {asker_index})
        }
        User.objects.bulk_create(users.values(), batch_size=BATCH)
        leader = User.objects.create(email="leader@bench.example.gov", password="!")  # noqa: S106
        people: list[Person] = []
        for i in range(PEOPLE):
            people.append(
                Person(
                    full_name=f"Person {i:05d}",
                    work_email=f"person{i}@bench.example.gov",
                    unit=units[(i * 7) % len(units)],
                    rank_tier=tiers[max(3 - depth_of(i), 0)],
                    supervisor=people[(i - 1) // BRANCHING] if i else None,
                    user=users.get(i),
                )
            )
        Person.objects.bulk_create(people, batch_size=BATCH)
        peers = PeerProfile.objects.bulk_create(
            [
                PeerProfile(
                    person=people[i],
                    status=PeerProfile.Status.ACTIVE,
                    basic_training_completed_on=today - datetime.timedelta(days=rng.randint(30, 900)),
                    skills=rng.sample(TOPICS, rng.randint(0, 3)),
                    languages=rng.sample(LANGUAGES, rng.randint(0, 1)),
                    capacity=rng.randint(2, 4),
                    on_call=rng.random() < 0.1,
                    unavailable_until=today + datetime.timedelta(days=3) if rng.random() < 0.05 else None,
                )
                for i in sorted(peer_at)
            ],
            batch_size=BATCH,
        )
        agreement = PolicyDocument.objects.create(
            kind=PolicyDocument.Kind.TEAM_AGREEMENT, version=1, title="Team agreement", body="I keep confidences."
        )
        Signature.objects.bulk_create(
            [Signature(document=agreement, user=users[i]) for i in sorted(peer_at)], batch_size=BATCH
        )
        # open cases: 400 requests, each with one live assignment (and 400 finished ones)
        keys = [vault.create_key() for _ in range(400)]
        requests = SupportRequest.objects.bulk_create(
            [SupportRequest(source="self", data_key=key, status=SupportRequest.Status.ACTIVE) for key in keys]
        )
        Assignment.objects.bulk_create(
            [Assignment(request=r, peer=rng.choice(peers), status=Assignment.Status.ACCEPTED) for r in requests]
            + [Assignment(request=r, peer=rng.choice(peers), status=Assignment.Status.ENDED) for r in requests]
        )
        asker = people[asker_index]
        support_request = services.ask_for_myself(
            user=users[asker_index],
            person=asker,
            urgency="soon",
            kind="post_crisis",
            topics=["critical_incident", "grief"],
            language="es",
            prefer_other_unit=True,
        )
    return {"request": support_request, "leader": leader, "asker": asker}


def medians_ms(*actions: Callable[[], object], runs: int = RUNS) -> list[float]:
    """The median time of each action, run in turns so that both see the same machine load.

    Each run starts from a collected heap: loading model instances with select_related leaves
    reference cycles (the reverse one-to-one cache: person <-> peer profile), and a full
    collection of them costs about as much as the query itself; whether it lands inside a run
    is chance, so without this the median flips between runs with and without one."""
    for action in actions:
        action()  # warm-up: connection open, statements prepared, pages cached
    times: list[list[float]] = [[] for _ in actions]
    for _ in range(runs):
        for action, series in zip(actions, times, strict=True):
            gc.collect()
            start = time.perf_counter()
            action()
            series.append(time.perf_counter() - start)
    return [statistics.median(series) * 1000 for series in times]


def measure(data: dict[str, Any]) -> tuple[float, float, dict[str, int]]:
    from sidebar.org.selectors import chain_of_command
    from sidebar.support.selectors import suggestions_for
    from sidebar.team.models import PeerProfile

    def floor() -> object:
        return list(PeerProfile.objects.filter(status="active").select_related("person__rank_tier"))

    def matching() -> object:
        return suggestions_for(data["request"], actor=data["leader"])

    suggestions = suggestions_for(data["request"], actor=data["leader"])
    chain = set(chain_of_command(data["asker"]).values_list("pk", flat=True))
    if not suggestions or any(s.candidate.person_id in chain for s in suggestions):
        raise SystemExit("bench: matching returned nothing, or crossed the chain of command")
    facts = {"peers": PeerProfile.objects.count(), "chain": len(chain), "suggested": len(suggestions)}
    floor_ms, matching_ms = medians_ms(floor, matching)
    return matching_ms, floor_ms, facts


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="sidebar-bench-matching-") as folder:
        setup(Path(folder) / "matching.sqlite3")
        started = time.perf_counter()
        data = build()
        built_s = time.perf_counter() - started
        matching_ms, floor_ms, facts = measure(data)
        from django.db import connection

        connection.close()
    print(f"BENCH matching {matching_ms:.1f} ms ratio={matching_ms / floor_ms:.2f}")
    print(
        f"# floor: one query loading the {facts['peers']} active peers {floor_ms:.1f} ms (goal: ratio <= 3); "
        f"{PEOPLE} people, chain of the asker {facts['chain']}, built in {built_s:.1f} s"
    )


if __name__ == "__main__":
    main()
