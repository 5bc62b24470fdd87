"""The restore drill (issue 13, section 4), as docs/deploy.md tells an administrator to run it:
a small agency (one account per role, a live named request, one shredded before the backup) is
backed up with ``pg_dump`` (PostgreSQL) or SQLite's ``.backup``, restored into a fresh database,
and served by gunicorn from the restored copy with the same key store. Then: every page each
role's home page links to answers, ``audit verify`` holds, the live identity opens, and the
identity shredded before the backup stays unrecoverable — neither its sealed values nor its
wrapped key are in the backup at all."""

from __future__ import annotations

import http.cookiejar
import os
import re
import secrets
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

from tests.conftest import free_port

ROOT = Path(__file__).resolve().parents[2]
ON_POSTGRES = os.environ.get("DATABASE_URL", "").startswith("postgres")
ROLES = ("staff", "peer", "leader", "clinician", "admin", "chief")

SEED = """
from sidebar.support import services
from sidebar.vault import services as vault
from sidebar.vault.models import SealedValue
from tests.factories import CAST_PASSWORD, make_cast
cast = make_cast(password=CAST_PASSWORD)
live = services.ask_for_myself(user=cast.staff, person=cast.staff.person, urgency="routine",
    kind="post_crisis", topics=[], phone="555-0111")
gone = services.ask_for_myself(user=cast.outsider, person=cast.outsider.person, urgency="routine",
    kind="post_crisis", topics=[], phone="555-0199")
token = bytes(SealedValue.objects.get(owner=vault.owner_label(gone), field="name").token).hex()
wrapped = bytes(gone.data_key.wrapped).hex()
vault.shred(key=gone.data_key, reason="test")
print(live.pk, gone.pk, token, wrapped)
"""
OPEN = """
from sidebar.support.models import SupportRequest
from sidebar.vault import services as vault
from sidebar.vault.models import SealedValue
def name(pk):
    request = SupportRequest.objects.select_related("data_key").get(pk=pk)
    try:
        return vault.reveal(key=request.data_key, owner=request, fields=["name", "phone"], actor=None)
    except vault.IdentityUnavailable:
        return "unavailable", SealedValue.objects.filter(owner=vault.owner_label(request)).count(), request.data_key.wrapped
print(name("{live}"))
print(name("{gone}"))
"""


def manage(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, f"manage.py {args[0]} failed:\n{result.stdout}\n{result.stderr}"
    return result.stdout


def run(*command: str) -> bytes:
    return subprocess.run(command, check=True, capture_output=True, timeout=300).stdout


class Postgres:
    """Two databases on the suite's server: the agency's, and a fresh one the backup goes into."""

    def __init__(self) -> None:
        import psycopg

        self.server = os.environ["DATABASE_URL"]
        stem = f"sidebar_restore_{os.getpid()}_{secrets.token_hex(3)}"
        self.source, self.target = f"{stem}_live", f"{stem}_restored"
        with psycopg.connect(self.url("postgres"), autocommit=True) as admin:
            for name in (self.source, self.target):
                admin.execute(f'CREATE DATABASE "{name}"')

    def url(self, name: str) -> str:
        return urlunsplit(urlsplit(self.server)._replace(path=f"/{name}"))

    def back_up_and_restore(self, folder: Path) -> bytes:
        dump = folder / "sidebar.dump"
        run("pg_dump", "--format=custom", f"--file={dump}", f"--dbname={self.url(self.source)}")
        run("pg_restore", "--no-owner", f"--dbname={self.url(self.target)}", str(dump))
        return run("pg_restore", "--file=-", str(dump))  # the backup's contents, as SQL text

    def drop(self) -> None:
        import psycopg

        with psycopg.connect(self.url("postgres"), autocommit=True) as admin:
            for name in (self.source, self.target):
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class Sqlite:
    def __init__(self, folder: Path) -> None:
        self.source, self.target = folder / "sidebar.sqlite3", folder / "restored" / "sidebar.sqlite3"

    def url(self, name: Path) -> str:
        return f"sqlite:///{name}"

    def back_up_and_restore(self, folder: Path) -> bytes:
        backup = folder / "sidebar-backup.sqlite3"
        run("sqlite3", str(self.source), f".backup '{backup}'")
        self.target.parent.mkdir()
        shutil.copyfile(backup, self.target)  # docs/deploy.md: install the copy in place
        return backup.read_bytes()

    def drop(self) -> None:
        pass


@pytest.fixture(params=["postgres", "sqlite"])
def databases(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Postgres | Sqlite]:
    if request.param == "postgres" and not ON_POSTGRES:
        pytest.skip("pg_dump and pg_restore: the suite runs on PostgreSQL")
    if request.param == "sqlite" and ON_POSTGRES:
        pytest.skip("SQLite's .backup: the suite runs on SQLite")
    pair = Postgres() if request.param == "postgres" else Sqlite(tmp_path)
    yield pair
    pair.drop()


def sign_in(base: str, email: str) -> urllib.request.OpenerDirector:
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    page = opener.open(f"{base}/accounts/login/", timeout=30).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert token is not None
    data = {"csrfmiddlewaretoken": token.group(1), "login": email, "password": "correct horse battery staple 42"}
    request = urllib.request.Request(  # noqa: S310 (our own http URL)
        f"{base}/accounts/login/", data=urllib.parse.urlencode(data).encode(), headers={"Referer": base}
    )
    landed = opener.open(request, timeout=30)
    assert landed.geturl().rstrip("/") == base, f"{email} landed on {landed.geturl()}"
    return opener


def pages_of(opener: urllib.request.OpenerDirector, base: str) -> dict[str, int]:
    """Every page the home page links to (the role's navigation and what home offers), once."""
    home = opener.open(f"{base}/", timeout=30).read().decode()
    links = sorted(
        {
            link
            for link in re.findall(r'href="(/[^"#?]*)', home)
            if not link.startswith(("/static/", "/accounts/logout"))
        }
    )
    answers = {}
    for link in links:
        try:
            with opener.open(f"{base}{link}", timeout=30) as response:
                answers[link] = response.status
        except urllib.error.HTTPError as error:
            answers[link] = error.code
    return answers


def test_a_backup_restores_into_a_fresh_database_that_serves_every_role(databases, tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(
        # demo mode: the same keys every time and no two-factor step for the roles' sign-in; the
        # data is the test's own small agency, not the demo's
        SIDEBAR_MODE="demo",
        SIDEBAR_DEBUG="false",
        SIDEBAR_KEY_STORE=f"file://{tmp_path}/keys",  # the live store: never in the backup
        SIDEBAR_STATE_DIR=str(tmp_path / "state"),
        LOG_LEVEL="WARNING",
    )
    source = {**env, "DATABASE_URL": databases.url(databases.source)}
    manage(source, "migrate", "-v0")
    live, gone, token, wrapped = manage(source, "shell", "-v0", "-c", SEED).split()

    backup = databases.back_up_and_restore(tmp_path)
    # the shredded identity is not in the backup at all: neither its sealed name nor its key
    for gone_bytes in (token, wrapped):
        assert gone_bytes.encode() not in backup and bytes.fromhex(gone_bytes) not in backup

    restored = {**env, "DATABASE_URL": databases.url(databases.target)}
    manage(restored, "migrate", "-v0")  # docs/deploy.md, "Restoring", step 4
    manage(restored, "vault", "rotate-epochs")
    assert "intact" in manage(restored, "audit", "verify").lower()

    opened = manage(restored, "shell", "-v0", "-c", OPEN.format(live=live, gone=gone)).splitlines()
    assert opened[0] == str({"name": "Staff", "phone": "555-0111"})
    assert opened[1] == "('unavailable', 0, None)"

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = (tmp_path / "gunicorn.log").open("wb")
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "sidebar.wsgi", "-w", "1", "-b", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=restored,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"{base}/healthz", timeout=5).close()  # noqa: S310
                break
            except OSError:
                assert time.monotonic() < deadline and server.poll() is None, "gunicorn did not start"
                time.sleep(0.2)
        for role in ROLES:
            answers = pages_of(sign_in(base, f"{role}@example.gov"), base)
            assert len(answers) >= 3, (role, answers)
            assert {link: status for link, status in answers.items() if status != 200} == {}, role
    finally:
        server.terminate()
        server.wait(timeout=30)
