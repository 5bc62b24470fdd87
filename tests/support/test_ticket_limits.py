"""The anonymous ticket's limits on failed attempts hold under concurrency: many wrong tries sent
at the same moment (several gunicorn workers, one database) get exactly the limit's number of
passphrase checks, never more. THREATS.md: "a guesser at the anonymous ticket page"."""

from __future__ import annotations

import datetime
import threading
import time

import pytest
from django.contrib.auth.hashers import MD5PasswordHasher
from django.db import connection, connections
from django.test import Client

from sidebar.support import tickets
from sidebar.throttle import counters as limits
from sidebar.throttle.models import Counter as AttemptCounter

pytestmark = pytest.mark.django_db(transaction=True)
concurrent = pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent transactions: PostgreSQL")

OPEN = "/ticket/"
TRIES = 30


class SlowCountingHasher(MD5PasswordHasher):
    """A passphrase check that takes a while, as Argon2's does (the window in which concurrent
    tries used to slip past the limit), and counts itself. Nothing is timed."""

    algorithm = "slow_counting_md5"
    checks = 0
    lock = threading.Lock()

    def verify(self, password: str, encoded: str) -> bool:
        with type(self).lock:
            type(self).checks += 1
        time.sleep(0.05)
        return super().verify(password, encoded)


@pytest.fixture(autouse=True)
def slow_hashing(settings):
    settings.PASSWORD_HASHERS = ["tests.support.test_ticket_limits.SlowCountingHasher"]
    SlowCountingHasher.checks = 0


def new_ticket() -> str:
    return tickets.ask_anonymously(urgency="routine", kind="post_crisis", topics=[], message="hello").code


def try_at_once(tries: list[tuple[str, str]]) -> list[int]:
    """Each (address, code) sends a wrong passphrase at the same moment; the answers' status codes."""
    barrier = threading.Barrier(len(tries))
    statuses: list[int] = []

    def attempt(address: str, code: str) -> None:
        try:
            client = Client(REMOTE_ADDR=address)
            barrier.wait()
            statuses.append(client.post(OPEN, {"code": code, "passphrase": "wrong-wrong-wrong"}).status_code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt, args=one) for one in tries]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


@concurrent
def test_concurrent_wrong_tries_from_one_address_get_exactly_the_limit():
    """A stranger guessing many codes at once from one address."""
    codes = [new_ticket()] + [f"GUES-SGUE-SSGU-{n:04d}" for n in range(TRIES - 1)]
    SlowCountingHasher.checks = 0
    statuses = try_at_once([("10.7.0.1", code) for code in codes])
    assert sorted(set(statuses)) == [400, 429]
    assert statuses.count(400) == tickets.FAILED_ATTEMPTS_PER_SOURCE == SlowCountingHasher.checks


@concurrent
def test_concurrent_wrong_tries_on_one_code_from_many_addresses_get_exactly_the_limit(monkeypatch):
    monkeypatch.setattr(tickets, "FAILED_ATTEMPTS_PER_CODE", 10)  # fewer threads than the real 100
    code = new_ticket()
    SlowCountingHasher.checks = 0
    # more addresses than the per-code limit, each far below its own limit
    addresses = [f"10.8.{n // 200}.{n % 200 + 1}" for n in range(tickets.FAILED_ATTEMPTS_PER_CODE + 20)]
    statuses = try_at_once([(address, code) for address in addresses])
    assert statuses.count(400) == tickets.FAILED_ATTEMPTS_PER_CODE == SlowCountingHasher.checks
    assert statuses.count(429) == 20
    # the counters hold keyed hashes, never an address or a code
    stored = b"".join(bytes(key) for key in AttemptCounter.objects.values_list("key", flat=True))
    assert code.replace("-", "").encode() not in stored and b"10.8." not in stored


def test_the_right_passphrase_gives_its_attempt_back():
    created = tickets.ask_anonymously(urgency="routine", kind="post_crisis", topics=[], message="hello")
    for n in range(tickets.FAILED_ATTEMPTS_PER_SOURCE - 1):
        assert tickets.open_ticket(code=f"NOPE-NOPE-NOPE-{n:04d}", passphrase="x", address="10.9.0.1") is None
    for _ in range(3):  # the owner opening their ticket again and again uses up nothing
        opened = tickets.open_ticket(code=created.code, passphrase=created.passphrase, address="10.9.0.1")
        assert opened == created.ticket
    assert tickets.open_ticket(code="NOPE-NOPE-NOPE-LAST", passphrase="x", address="10.9.0.1") is None
    with pytest.raises(tickets.Limited):
        tickets.open_ticket(code=created.code, passphrase=created.passphrase, address="10.9.0.1")


def test_a_window_that_has_passed_starts_again_and_is_forgotten():
    key = limits.counter_key("test", "somewhere")
    window = datetime.timedelta(minutes=15)
    assert [limits.take(key, limit=2, window=window) for _ in range(3)] == [True, True, False]
    AttemptCounter.objects.filter(key=key).update(window_ends_at=datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC))
    assert limits.forget_passed_windows() == 1
    assert limits.take(key, limit=2, window=window)  # a fresh window
    AttemptCounter.objects.filter(key=key).update(window_ends_at=datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC))
    assert limits.take(key, limit=2, window=window)  # an old row is reused for the new window
    assert AttemptCounter.objects.get(key=key).count == 1
    limits.give_back(key)
    limits.give_back(key)  # never below zero
    assert AttemptCounter.objects.get(key=key).count == 0


# --- a stranger cannot lock the owner out ---------------------------------------------------


def wrong(code: str, address: str) -> str:
    """One wrong passphrase: "checked" or "limited"."""
    try:
        assert tickets.open_ticket(code=code, passphrase="wrong-wrong", address=address) is None
    except tickets.Limited:
        return "limited"
    return "checked"


def test_a_stranger_s_wrong_tries_stop_at_their_source_and_the_owner_still_opens_their_ticket():
    created = tickets.ask_anonymously(urgency="routine", kind="post_crisis", topics=[], message="hello")
    tries = [wrong(created.code, "203.0.113.7") for _ in range(tickets.FAILED_ATTEMPTS_PER_SOURCE + 5)]
    assert tries == ["checked"] * tickets.FAILED_ATTEMPTS_PER_SOURCE + ["limited"] * 5
    # (before: 5 wrong tries on a code locked it for everyone, the owner included, for 15 minutes)
    opened = tickets.open_ticket(code=created.code, passphrase=created.passphrase, address="198.51.100.20")
    assert opened == created.ticket


def test_an_ipv6_stranger_cannot_escape_the_limit_by_changing_address_inside_their_network():
    created = tickets.ask_anonymously(urgency="routine", kind="post_crisis", topics=[], message="hello")
    tries = [wrong(created.code, f"2001:db8:1:2::{n:x}") for n in range(1, tickets.FAILED_ATTEMPTS_PER_SOURCE + 3)]
    assert tries.count("checked") == tickets.FAILED_ATTEMPTS_PER_SOURCE and tries[-1] == "limited"
    # a neighbouring network (another household) is another source
    opened = tickets.open_ticket(code=created.code, passphrase=created.passphrase, address="2001:db8:1:3::1")
    assert opened == created.ticket


def test_guessing_spread_over_many_sources_is_stopped_per_code_whether_it_exists_or_not():
    created = tickets.ask_anonymously(urgency="routine", kind="post_crisis", topics=[], message="hello")
    sources = [f"198.18.{n // 250}.{n % 250 + 1}" for n in range(tickets.FAILED_ATTEMPTS_PER_CODE)]
    for address in sources:
        assert wrong(created.code, address) == "checked"
    assert wrong(created.code, "100.64.0.1") == "limited"
    with pytest.raises(tickets.Limited):  # the right passphrase waits too: the limit is the code's
        tickets.open_ticket(code=created.code, passphrase=created.passphrase, address="100.64.0.2")
    for address in sources:
        wrong("NOSU-CHCO-DEAT-ALL2", address)
    assert wrong("NOSU-CHCO-DEAT-ALL2", "100.64.0.3") == "limited"


@pytest.mark.parametrize(
    ("address", "source"),
    [
        ("203.0.113.7", "203.0.113.7"),
        ("2001:db8:1:2:aaaa:bbbb:cccc:dddd", "2001:db8:1:2::/64"),
        ("::ffff:203.0.113.7", "203.0.113.7"),
        (None, "unknown"),
    ],
)
def test_a_source_is_an_address_or_an_ipv6_network(address, source):
    assert tickets.source_of(address) == source
