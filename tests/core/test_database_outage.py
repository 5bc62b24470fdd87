"""When the database is gone (issue 13, section 3): a real gunicorn serving Sidebar from
PostgreSQL through a TCP proxy that is then stopped — a real outage, not a mock. Every page
answers 503 with Retry-After, the crisis line and the EAP number (also from a process started
during the outage), the log says once that the database is unreachable and holds no traceback,
and the anonymous form sent meanwhile says nothing was sent and comes back as it was typed — and
sending it again once the database is back works."""

from __future__ import annotations

import http.cookiejar
import os
import re
import secrets
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from html import unescape
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

from tests.conftest import free_port
from tests.outbox.test_worker import FlakyProxy

ROOT = Path(__file__).resolve().parents[2]
ON_POSTGRES = os.environ.get("DATABASE_URL", "").startswith("postgres")
pytestmark = pytest.mark.skipif(not ON_POSTGRES, reason="a database server that can go away: PostgreSQL")

EAP = "1-800-555-0142"
CRISIS = "1-888-555-0100"
MESSAGE = "I have not slept since the verdict & I keep seeing the photos <again>."
SET_UP_AGENCY = f"""
from sidebar.org.models import Agency
Agency.objects.create(name="County Attorney", crisis_line="{CRISIS}", eap_phone="{EAP}")
"""


def _with_database(url: str, name: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    import psycopg

    server = os.environ["DATABASE_URL"]
    name = f"sidebar_outage_{os.getpid()}_{secrets.token_hex(3)}"
    with psycopg.connect(_with_database(server, "postgres"), autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    folder = tmp_path_factory.mktemp("outage")
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(
        SIDEBAR_MODE="test",
        DATABASE_URL=_with_database(server, name),
        SIDEBAR_KEY_STORE=f"file://{folder}/keys",
        SIDEBAR_STATE_DIR=str(folder / "state"),
        LOG_LEVEL="INFO",
    )
    manage(env, "migrate", "-v0")
    manage(env, "shell", "-v0", "-c", SET_UP_AGENCY)
    yield env
    with psycopg.connect(_with_database(server, "postgres"), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def manage(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, f"manage.py {args[0]} failed:\n{result.stdout}\n{result.stderr}"
    return result.stdout


class Gunicorn:
    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log_path = log
        self.process = subprocess.Popen(
            [str(Path(sys.executable).parent / "gunicorn"), "sidebar.wsgi", "-w", "1", "-b", f"127.0.0.1:{self.port}"],
            cwd=ROOT,
            env=env,
            stdout=log.open("ab"),
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.log()
            try:
                urllib.request.urlopen(f"{self.base}/healthz", timeout=5).close()  # noqa: S310
                return
            except urllib.error.HTTPError:
                return  # it answers (503 during an outage)
            except OSError:
                time.sleep(0.2)
        raise AssertionError(f"gunicorn did not start:\n{self.log()}")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


class Browser:
    def __init__(self, base: str) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def open(self, path: str, data: dict[str, object] | None = None) -> tuple[int, dict[str, str], str]:
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        request = urllib.request.Request(self.base + path, data=body, headers={"Referer": self.base + path})  # noqa: S310
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, dict(response.headers), response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read().decode()


def form_fields(page: str) -> dict[str, object]:
    """What a browser would send back from the page's form, as it stands."""
    fields: dict[str, object] = {}
    for tag in re.findall(r"<input[^>]*>", page):
        name, value = re.search(r'name="([^"]+)"', tag), re.search(r'value="([^"]*)"', tag)
        if name is None or (('type="radio"' in tag or 'type="checkbox"' in tag) and "checked" not in tag):
            continue
        if 'type="checkbox"' in tag:
            fields.setdefault(name.group(1), []).append(unescape(value.group(1) if value else "on"))  # type: ignore[union-attr]
        else:
            fields[name.group(1)] = unescape(value.group(1)) if value else ""
    for name, text in re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', page, re.S):
        fields[name] = unescape(text).lstrip("\n")
    return fields


def test_a_database_outage_answers_503_with_the_crisis_numbers_and_loses_nothing_typed(database, tmp_path):
    target = urlsplit(database["DATABASE_URL"])
    proxy = FlakyProxy((target.hostname or "127.0.0.1", target.port or 5432))
    env = {**database, "DATABASE_URL": urlunsplit(target._replace(netloc=f"{target.username}@127.0.0.1:{proxy.port}"))}
    log = tmp_path / "gunicorn.log"
    server = Gunicorn(env, log)
    try:
        browser = Browser(server.base)
        status, _, page = browser.open("/ticket/new/")
        assert status == 200 and EAP in page  # read from the database, and remembered
        typed = {**form_fields(page), "urgency": "routine", "kind": "post_crisis", "message": MESSAGE}

        proxy.down()
        for path in ("/", "/ticket/new/", "/accounts/login/", "/need-to-talk/", "/healthz"):
            status, headers, body = browser.open(path)
            assert status == 503, (path, status, body[:500])
            assert headers.get("Retry-After") == "30"
            assert CRISIS in body and EAP in body

        status, headers, body = browser.open("/ticket/new/", typed)
        assert status == 503 and headers.get("Retry-After") == "30"
        assert "Nothing was sent" in body and CRISIS in body and EAP in body
        kept = form_fields(body)
        assert kept["message"] == MESSAGE and kept["kind"] == "post_crisis" and kept["urgency"] == "routine"
        assert kept["submission"] == typed["submission"]

        # a process that starts during the outage has never read the agency: the file it left
        server.stop()
        server = Gunicorn(env, log)
        status, headers, body = Browser(server.base).open("/")
        assert status == 503 and CRISIS in body and EAP in body

        output = server.log()
        assert "database unreachable" in output
        assert "Traceback" not in output and "Internal Server Error" not in output
        assert MESSAGE not in output

        proxy.up()
        browser.base = server.base  # the same browser (its cookie), the server started meanwhile
        deadline = time.monotonic() + 30
        while browser.open("/healthz")[0] != 200 and time.monotonic() < deadline:
            time.sleep(0.5)
        status, _, page = browser.open("/ticket/new/", kept)
        assert status == 200 and "passphrase" in page.lower(), page[:2000]
    finally:
        server.stop()
        proxy.down()
