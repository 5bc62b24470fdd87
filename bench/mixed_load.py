"""``BENCH mixed_load <req/s> req/s ratio=<x>`` (issue 13, section 5): 50 signed-in sessions — 40
staff members, 6 peer supporters, 2 team leaders and 2 members of leadership, as an agency's
morning looks — work through the pages their home page offers for a bounded time
(``BENCH_MIXED_SECONDS``, 20 s), and each staff member asks for support once or twice (a write
through the real form: the demo's limit is three an hour). Served by gunicorn (2 sync workers)
from a fresh copy of the demo agency in SQLite, like the dashboard line; all 50 sign in through
the login form from one address first, so the sign-in limits must let an office in.

The ratio divides the mixed load's requests per second by the health view's (one ``SELECT 1``
behind the same middleware), measured in the same run by the same 50 clients. The comment line
below it gives ``p99=<ms> errors=<n> lost=<n>``: errors are answers other than 200 or the
expected redirect, and failed connections; lost are writes acknowledged to the person (the
redirect to "received") that are not stored, or stored twice. Zero errors and zero lost writes
are the bar; ratio and p99 are what we improve.
"""

from __future__ import annotations

import http.client
import os
import random
import re
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.run import PYTHON, environment, free_port, manage, wait_until_up  # noqa: E402

SECONDS = int(os.environ.get("BENCH_MIXED_SECONDS", "20"))
FLOOR_SECONDS = max(3, SECONDS // 4)
PASSWORD = "mixed load bench passphrase 2026"  # noqa: S105 (demo accounts in a temporary database)
MIX = {"staff": 40, "peer": 6, "team_leader": 2, "leadership": 2}
ASKS_PER_STAFF = 2

ACCOUNTS = f"""
from django.contrib.auth.hashers import make_password
from sidebar.accounts.models import RoleMembership, User
from sidebar.org.models import Person
mix = {MIX!r}
encoded = make_password({PASSWORD!r})
chosen = []
for role in ("peer", "team_leader", "leadership"):
    users = list(User.objects.filter(role_memberships__role=role, is_active=True).order_by("pk")[:mix[role]])
    assert users, role
    chosen += [(role, users[n % len(users)].email) for n in range(mix[role])]
staff = list(
    User.objects.filter(is_active=True, role_memberships=None, person__isnull=False).order_by("pk")[:mix["staff"]]
)
for person in Person.objects.filter(user=None).exclude(work_email="").order_by("pk")[: mix["staff"] - len(staff)]:
    user = User.objects.create(email=person.work_email)
    Person.objects.filter(pk=person.pk).update(user=user)
    staff.append(user)
chosen += [("staff", user.email) for user in staff]
User.objects.filter(email__in=[email for _, email in chosen]).update(password=encoded)
for role, email in chosen:
    print(role, email)
"""
STORED = """
from sidebar.support.models import SupportRequest
print(SupportRequest.objects.count())
print(" ".join(str(pk) for pk in SupportRequest.objects.values_list("pk", flat=True)))
"""


@dataclass
class Session:
    role: str
    email: str
    cookie: str = ""
    pages: list[str] = field(default_factory=list)
    asked: int = 0


class Client:
    """One keep-alive connection with a session cookie; no redirects followed."""

    def __init__(self, port: int, session: Session) -> None:
        self.port, self.session = port, session
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def send(self, method: str, path: str, body: dict[str, str] | None = None) -> tuple[int, dict[str, str], str]:
        headers = {"Cookie": self.session.cookie, "Referer": f"http://127.0.0.1:{self.port}{path}"}
        data = None
        if body is not None:
            data = urllib.parse.urlencode(body, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            self.connection.request(method, path, body=data, headers=headers)
            response = self.connection.getresponse()
            text = response.read().decode(errors="replace")
        except (OSError, http.client.HTTPException):
            self.connection.close()
            self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            raise
        for value in response.msg.get_all("Set-Cookie") or []:
            name, _, rest = value.partition("=")
            cookies = dict(part.split("=", 1) for part in self.session.cookie.split("; ") if "=" in part)
            cookies[name] = rest.split(";", 1)[0]
            self.session.cookie = "; ".join(f"{k}={v}" for k, v in cookies.items())
        return response.status, dict(response.getheaders()), text


def csrf(page: str) -> str:
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    if token is None:
        raise SystemExit("bench: a form without a CSRF token")
    return token.group(1)


def sign_in(port: int, session: Session) -> None:
    client = Client(port, session)
    _, _, page = client.send("GET", "/accounts/login/")
    status, headers, _ = client.send(
        "POST", "/accounts/login/", {"csrfmiddlewaretoken": csrf(page), "login": session.email, "password": PASSWORD}
    )
    if status != 302 or headers.get("Location") != "/":
        raise SystemExit(f"bench: {session.role} {session.email} could not sign in ({status})")
    _, _, home = client.send("GET", "/")
    session.pages = sorted(
        {
            link
            for link in re.findall(r'href="(/[^"#?]*)"', home)
            if not link.startswith(("/static/", "/accounts/", "/admin/"))
            and not link.endswith((".ics", ".csv", ".pdf"))
        }
    )


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    acknowledged: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


def ask(client: Client, tally: Tally) -> None:
    _, _, page = client.send("GET", "/support/ask/")
    submission = re.search(r'name="submission" value="([^"]+)"', page)
    form = {
        "csrfmiddlewaretoken": csrf(page),
        "submission": submission.group(1) if submission else "",
        "urgency": "routine",
        "kind": "post_crisis",
        "topics": "work_stress",
        "prefer_same_tier": "on",
        "understood": "on",
    }
    status, headers, _ = client.send("POST", "/support/ask/", form)
    received = re.match(r"/support/received/([0-9a-f-]{36})/", headers.get("Location", ""))
    if status == 302 and received:
        with tally.lock:
            tally.acknowledged.append(received.group(1))
    else:
        with tally.lock:
            tally.errors.append(f"ask answered {status}")


def work(port: int, session: Session, stop_at: float, tally: Tally, *, floor: bool) -> None:
    client = Client(port, session)
    rng = random.Random(session.email)
    step = 0
    while time.monotonic() < stop_at:
        step += 1
        started = time.perf_counter()
        try:
            if floor:
                status, _, _ = client.send("GET", "/healthz")
                expected = status == 200
                what = "/healthz"
            elif session.role == "staff" and session.asked < ASKS_PER_STAFF and step in (2, 5):
                session.asked += 1
                ask(client, tally)
                expected, what = True, "ask"
            else:
                what = rng.choice(session.pages)
                status, headers, _ = client.send("GET", what)
                # a page may lead on to another (a list to its first tab), never back to sign-in
                redirect = headers.get("Location", "")
                expected = status == 200 or (status == 302 and not redirect.startswith("/accounts/login"))
        except (OSError, http.client.HTTPException) as error:
            expected, status = False, type(error).__name__  # type: ignore[assignment]
        elapsed = time.perf_counter() - started
        with tally.lock:
            tally.latencies.append(elapsed)
            if not expected:
                tally.errors.append(f"{what} answered {status}")


def load(port: int, sessions: list[Session], seconds: int, *, floor: bool) -> tuple[float, Tally]:
    tally = Tally()
    stop_at = time.monotonic() + seconds
    threads = [threading.Thread(target=work, args=(port, s, stop_at, tally), kwargs={"floor": floor}) for s in sessions]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return len(tally.latencies) / (time.monotonic() - started), tally


def stored(env: dict[str, str]) -> tuple[int, list[str]]:
    count, ids = [*manage(env, "shell", "-v0", "-c", STORED).splitlines(), ""][:2]
    return int(count), ids.split()


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="sidebar-bench-mixed-") as folder:
        env = environment(Path(folder) / "bench.sqlite3")
        env["SIDEBAR_KEY_STORE"] = f"file://{folder}/keys"
        env["SIDEBAR_STATE_DIR"] = folder
        manage(env, "migrate", "--no-input", "-v0")
        manage(env, "load_demo")
        sessions = [Session(*line.split()) for line in manage(env, "shell", "-v0", "-c", ACCOUNTS).splitlines()]
        before, _ = stored(env)
        port = free_port()
        server = subprocess.Popen(
            [PYTHON, "-m", "gunicorn", "sidebar.wsgi", "-w", "2", "-b", f"127.0.0.1:{port}", "--log-level", "warning"],
            cwd=ROOT,
            env=env,
        )
        try:
            wait_until_up(f"http://127.0.0.1:{port}")
            for session in sessions:  # one after another, all from this one address
                sign_in(port, session)
            floor, floor_tally = load(port, sessions, FLOOR_SECONDS, floor=True)
            mixed, tally = load(port, sessions, SECONDS, floor=False)
        finally:
            server.terminate()
            server.wait(timeout=30)
        after, ids = stored(env)
    acknowledged = tally.acknowledged
    lost = sum(1 for pk in acknowledged if pk not in set(ids)) + abs((after - before) - len(set(acknowledged)))
    lost += len(acknowledged) - len(set(acknowledged))
    errors = len(tally.errors) + len(floor_tally.errors)
    latencies = sorted(tally.latencies)
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000 if latencies else 0.0
    print(f"BENCH mixed_load {mixed:.0f} req/s ratio={mixed / floor:.2f}")
    print(
        f"# p99={p99:.0f}ms errors={errors} lost={lost} (50 sessions, {SECONDS} s, {len(acknowledged)} writes; "
        f"floor: health view {floor:.0f} req/s)"
    )
    if errors or lost:
        print("# " + "; ".join(sorted(set(tally.errors + floor_tally.errors)))[:2000])
        raise SystemExit(1)


if __name__ == "__main__":
    main()
