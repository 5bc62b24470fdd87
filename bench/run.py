"""`make bench`: Sidebar's benchmarks, each printed as
``BENCH <name> <measured> <unit> ratio=<x>`` against a floor measured in the same run.

dashboard: requests per second of a signed-in staff member's home page, divided by those of the
health view (a bare view: one ``SELECT 1``) behind the same middleware and the same session
cookie. Both are served by gunicorn (2 sync workers) on loopback from a fresh copy of the demo
agency; wrk drives the load when installed, otherwise a threaded Python client.

matching: milliseconds to rank 2,000 peers for one request against a 20,000-person org chart,
divided by those of one query that just loads the active peers (bench/matching.py, in its own
process and its own temporary database).

report_quarter: milliseconds to build leadership's quarterly report (queries, suppression,
tables) over 1,000,000 contacts, divided by those of one raw SQL GROUP BY over the same contacts
table (bench/report.py, in its own process; the data is generated once into var/bench/ and
reused while it is there).

report_utility: of the cells of leadership's report for the demo's last completed quarter whose
exact value is at least k, the share leadership sees (bench/report_utility.py; goal >= 0.9).
anonymity_set: the smallest number of staff the team leader's view of a named request in the demo
is consistent with, against max(k, 5 % of staff) (bench/anonymity_set.py; goal >= 1.0).
mixed_load: requests per second of 50 signed-in sessions (staff, peers, team leaders, leadership)
working through their pages with writes for 20 s on gunicorn, divided by the health view's in the
same run; the comment line gives p99, errors and lost writes (bench/mixed_load.py; the bar: zero
errors, zero lost).
"""

from __future__ import annotations

import http.client
import http.cookiejar
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
DURATION_SECONDS = int(os.environ.get("BENCH_SECONDS", "8"))
CONNECTIONS = 4


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def environment(database: Path) -> dict[str, str]:
    env = dict(os.environ)
    # Demo data and keys, but DEBUG off: DEBUG records every query and would measure that.
    env.update(SIDEBAR_MODE="demo", SIDEBAR_DEBUG="false", DATABASE_URL=f"sqlite:///{database}", LOG_LEVEL="WARNING")
    return env


def manage(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, check=True, timeout=300
    )
    return result.stdout


def wait_until_up(base: str) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("bench: gunicorn did not start")


def sign_in(base: str, email: str, password: str) -> str:
    """Signs in through the real login form; returns the Cookie header of the session."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"{base}/accounts/login/").read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    if token is None:
        raise SystemExit("bench: no CSRF token on the login page")
    data = urllib.parse.urlencode(
        {"csrfmiddlewaretoken": token.group(1), "login": email, "password": password}
    ).encode()
    request = urllib.request.Request(
        f"{base}/accounts/login/", data=data, headers={"Referer": f"{base}/accounts/login/"}
    )
    landed = opener.open(request)
    if landed.geturl().rstrip("/") != base:
        raise SystemExit(f"bench: sign-in did not reach the home page (landed on {landed.geturl()})")
    return "; ".join(f"{cookie.name}={cookie.value}" for cookie in jar)


def load_with_wrk(url: str, cookie: str) -> float:
    output = subprocess.run(
        ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{DURATION_SECONDS}s", "-H", f"Cookie: {cookie}", url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if non_2xx:
        raise SystemExit(f"bench: {url} answered {non_2xx.group(1)} errors under load")
    match = re.search(r"Requests/sec:\s+([\d.]+)", output)
    if match is None:
        raise SystemExit(f"bench: could not read wrk's output:\n{output}")
    return float(match.group(1))


def load_with_python(url: str, cookie: str) -> float:
    parts = urllib.parse.urlsplit(url)
    stop_at = time.monotonic() + DURATION_SECONDS
    counts = [0] * CONNECTIONS

    def worker(index: int) -> None:
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
        while time.monotonic() < stop_at:
            connection.request("GET", parts.path or "/", headers={"Cookie": cookie})
            response = connection.getresponse()
            response.read()
            if response.status != 200:
                raise SystemExit(f"bench: {url} answered {response.status}")
            counts[index] += 1

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(CONNECTIONS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(counts) / DURATION_SECONDS


def dashboard() -> str:
    load = load_with_wrk if shutil.which("wrk") else load_with_python
    with tempfile.TemporaryDirectory(prefix="sidebar-bench-") as folder:
        env = environment(Path(folder) / "bench.sqlite3")
        manage(env, "migrate", "--no-input", "-v0")
        listing = manage(env, "load_demo")
        staff = re.search(r"Staff member\s+(\S+@\S+)\s+(\S+)", listing)
        if staff is None:
            raise SystemExit("bench: load_demo printed no staff account")
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server = subprocess.Popen(
            [PYTHON, "-m", "gunicorn", "sidebar.wsgi", "-w", "2", "-b", f"127.0.0.1:{port}", "--log-level", "warning"],
            cwd=ROOT,
            env=env,
        )
        try:
            wait_until_up(base)
            cookie = sign_in(base, staff.group(1), staff.group(2))
            load(f"{base}/", cookie)  # warm-up: templates compiled, connections open
            floor = load(f"{base}/healthz", cookie)
            dashboard = load(f"{base}/", cookie)
        finally:
            server.terminate()
            server.wait(timeout=30)
    return (
        f"BENCH dashboard {dashboard:.0f} req/s ratio={dashboard / floor:.2f}\n"
        f"# floor: health view behind the same middleware {floor:.0f} req/s (goal: ratio >= 0.3)\n"
    )


def _own_process(script: str) -> str:
    """Run bench/<script> in a process of its own (each builds or reuses its own database) and
    return what it printed."""
    result = subprocess.run(
        [PYTHON, str(ROOT / "bench" / script)], cwd=ROOT, capture_output=True, text=True, timeout=900
    )
    if result.returncode != 0:
        raise SystemExit(f"failed:\n{result.stdout}{result.stderr}")
    return result.stdout


def matching() -> str:
    """bench/matching.py builds its own temporary database."""
    return _own_process("matching.py")


def report() -> str:
    """bench/report.py uses its own cached database under var/bench/ (the first run builds it:
    about a minute)."""
    return _own_process("report.py")


def report_utility() -> str:
    """bench/report_utility.py builds the demo into its own temporary database."""
    return _own_process("report_utility.py")


def anonymity_set() -> str:
    """bench/anonymity_set.py builds the demo into its own temporary database."""
    return _own_process("anonymity_set.py")


def mixed_load() -> str:
    """bench/mixed_load.py builds the demo into its own temporary database and serves it."""
    return _own_process("mixed_load.py")


def main() -> None:
    """Every benchmark runs even when another one fails; any failure fails `make bench`."""
    failed = []
    for name, bench in (
        ("dashboard", dashboard),
        ("matching", matching),
        ("report", report),
        ("report_utility", report_utility),
        ("anonymity_set", anonymity_set),
        ("mixed_load", mixed_load),
    ):
        try:
            print(bench(), end="", flush=True)
        except subprocess.CalledProcessError as exc:
            failed.append(name)
            print(f"bench: {name}: {' '.join(map(str, exc.cmd))} failed:\n{exc.stderr}", file=sys.stderr)
        except SystemExit as exc:
            failed.append(name)
            print(f"bench: {name}: {exc.code}", file=sys.stderr)
    if failed:
        raise SystemExit(f"bench: failed: {', '.join(failed)}")


if __name__ == "__main__":
    main()
