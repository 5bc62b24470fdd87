"""The background worker as it runs in production: a real ``manage.py db_worker`` process, its own
database (SQLite file, or PostgreSQL when the suite runs on it), real SMTP servers. Killed with
SIGKILL in the middle of sending, its job is reclaimed and the e-mail delivered; when PostgreSQL
goes away for a moment (a proxy in front of it drops every connection), it waits and carries on
instead of exiting (issue 13, section 1)."""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from aiosmtpd.controller import Controller

from tests.conftest import Mailbox, _Collector, free_port

ROOT = Path(__file__).resolve().parents[2]
ON_POSTGRES = os.environ.get("DATABASE_URL", "").startswith("postgres")

QUEUE_ONE = """
from sidebar.lib import mail
mail.send_each_after_commit(["peer@example.gov"], "Something is waiting for you in Sidebar", "Open Sidebar.")
"""
STATE = """
from django_tasks_db.models import DBTaskResult
from sidebar.outbox.models import OutgoingMail
print(sorted(DBTaskResult.objects.values_list("status", flat=True)))
print(OutgoingMail.objects.filter(sent_at=None).count(), OutgoingMail.objects.exclude(sent_at=None).count())
"""
RECLAIM_AFTER_THE_LEASE = """
import datetime
from django.utils import timezone
from sidebar.outbox.worker import TASK_LEASE, reclaim_abandoned_tasks
print(reclaim_abandoned_tasks(now=timezone.now() + TASK_LEASE + datetime.timedelta(minutes=1)))
"""
CLEAR = """
from django_tasks_db.models import DBTaskResult
from sidebar.outbox.models import OutgoingMail
DBTaskResult.objects.all().delete()
OutgoingMail.objects.all().delete()
"""


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """A migrated database of its own, shared by the processes of one test (not the suite's)."""
    folder = tmp_path_factory.mktemp("worker")
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(
        SIDEBAR_MODE="test",
        SIDEBAR_KEY_STORE=f"file://{folder}/keys",
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        LOG_LEVEL="INFO",
    )
    created = None
    if ON_POSTGRES:
        import psycopg

        server = os.environ["DATABASE_URL"]
        created = f"sidebar_worker_{os.getpid()}_{secrets.token_hex(3)}"
        with psycopg.connect(_with_database(server, "postgres"), autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{created}"')
        env["DATABASE_URL"] = _with_database(server, created)
    else:
        env["DATABASE_URL"] = f"sqlite:///{folder}/worker.sqlite3"
    manage(env, "migrate", "-v0")
    yield env
    if created:
        import psycopg

        with psycopg.connect(_with_database(os.environ["DATABASE_URL"], "postgres"), autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{created}" WITH (FORCE)')


@pytest.fixture
def env(database: dict[str, str]) -> dict[str, str]:
    shell(database, CLEAR)
    return dict(database)


def manage(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, f"manage.py {args[0]} failed:\n{result.stdout}\n{result.stderr}"
    return result.stdout


def shell(env: dict[str, str], code: str) -> list[str]:
    return manage(env, "shell", "-v0", "-c", code).strip().splitlines()


class Worker:
    """``manage.py db_worker`` in its own process, its output collected line by line."""

    def __init__(self, env: dict[str, str], *args: str) -> None:
        self.lines: list[str] = []
        self.process = subprocess.Popen(
            [sys.executable, "manage.py", "db_worker", "--no-reload", "--no-startup-delay", *args],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line)

    def wait_for_line(self, text: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if any(text in line for line in self.lines):
                return
            if self.process.poll() is not None:
                time.sleep(0.2)  # let the reader finish
                raise AssertionError(f"the worker exited ({self.process.returncode}):\n{''.join(self.lines)}")
            time.sleep(0.1)
        raise AssertionError(f"no line with {text!r} from the worker:\n{''.join(self.lines)}")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


class SilentMailServer:
    """Accepts SMTP connections and never answers: the worker hangs mid-send, as it would on a
    mail server that is stuck."""

    def __init__(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.connected = threading.Event()
        self.accepted: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        try:
            while True:
                connection, _ = self.listener.accept()
                self.accepted.append(connection)
                self.connected.set()
        except OSError:
            return

    def close(self) -> None:
        for connection in self.accepted:
            connection.close()
        self.listener.close()


def real_mail_server() -> tuple[Mailbox, Controller, int]:
    mailbox, port = Mailbox(messages=[]), free_port()
    controller = Controller(_Collector(mailbox), hostname="127.0.0.1", port=port)
    controller.start()
    return mailbox, controller, port


def test_a_worker_killed_while_sending_leaves_nothing_lost(env: dict[str, str]) -> None:
    """SIGKILL during the SMTP conversation: the job stays RUNNING and the e-mail unsent; the
    job is reclaimed once its lease has run out, and the next worker delivers the e-mail once."""
    shell(env, QUEUE_ONE)
    stuck = SilentMailServer()
    worker = Worker({**env, "EMAIL_PORT": str(stuck.port)}, "--interval", "0.2")
    try:
        assert stuck.connected.wait(timeout=120), "".join(worker.lines)
        os.kill(worker.process.pid, signal.SIGKILL)
        worker.process.wait(timeout=30)
    finally:
        worker.stop()
        stuck.close()
    assert shell(env, STATE) == ["['RUNNING']", "1 0"]  # the dead worker's job, and the e-mail unsent

    assert shell(env, RECLAIM_AFTER_THE_LEASE) == ["1"]
    mailbox, controller, port = real_mail_server()
    try:
        manage({**env, "EMAIL_PORT": str(port)}, "db_worker", "--batch", "--no-reload", "--no-startup-delay")
    finally:
        controller.stop()
    assert [message["To"] for message in mailbox.messages] == ["peer@example.gov"]
    assert shell(env, STATE) == ["['SUCCESSFUL']", "0 1"]


def test_run_schedules_reclaims_only_jobs_past_their_lease(env: dict[str, str]) -> None:
    """A job another worker is running right now is left alone; run_schedules frees a stale one."""
    claim = """
import datetime
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from sidebar.outbox.tasks import deliver_mail
from sidebar.outbox.worker import TASK_LEASE
fresh, stale = deliver_mail.enqueue(), deliver_mail.enqueue()
DBTaskResult.objects.filter(pk=fresh.id).update(status="RUNNING", started_at=timezone.now(), worker_ids=["alive"])
DBTaskResult.objects.filter(pk=stale.id).update(
    status="RUNNING", started_at=timezone.now() - TASK_LEASE - datetime.timedelta(minutes=1), worker_ids=["dead"]
)
"""
    shell(env, claim)
    output = manage(env, "run_schedules")
    assert "put back 1 job(s)" in output
    running = "from django_tasks_db.models import DBTaskResult as R; print(list(R.objects.running().values_list('worker_ids', flat=True)))"
    assert shell(env, running) == ["[['alive']]"]  # the job a live worker runs is left alone


class FlakyProxy:
    """A TCP proxy in front of PostgreSQL that can drop every connection and refuse new ones for
    a while: the database going away for a moment, without touching the shared server."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.port = free_port()
        self.sockets: list[socket.socket] = []
        self.listener: socket.socket | None = None
        self.up()

    def up(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", self.port))
        threading.Thread(target=self._accept, args=(self.listener,), daemon=True).start()

    def _accept(self, listener: socket.socket) -> None:
        try:
            while True:
                client, _ = listener.accept()
                server = socket.create_connection(self.target)
                self.sockets += [client, server]
                for source, sink in ((client, server), (server, client)):
                    threading.Thread(target=self._pipe, args=(source, sink), daemon=True).start()
        except OSError:
            return

    @staticmethod
    def _pipe(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for end in (source, sink):
                with contextlib.suppress(OSError):
                    end.shutdown(socket.SHUT_RDWR)

    def down(self) -> None:
        assert self.listener is not None
        self.listener.shutdown(socket.SHUT_RDWR)  # wakes the thread blocked in accept(); close alone does not
        self.listener.close()
        for connection in self.sockets:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)
            connection.close()
        self.sockets.clear()


@pytest.mark.skipif(not ON_POSTGRES, reason="a database server that can go away: PostgreSQL")
def test_the_worker_waits_out_a_database_outage_and_carries_on(env: dict[str, str]) -> None:
    target = urlsplit(env["DATABASE_URL"])
    proxy = FlakyProxy((target.hostname or "127.0.0.1", target.port or 5432))
    through_proxy = urlunsplit(target._replace(netloc=f"{target.username}@127.0.0.1:{proxy.port}"))
    mailbox, controller, port = real_mail_server()
    worker = Worker({**env, "DATABASE_URL": through_proxy, "EMAIL_PORT": str(port)}, "--interval", "0.2")
    try:
        shell(env, QUEUE_ONE)
        worker.wait_for_line("state=SUCCESSFUL")  # sent, and recorded as sent
        assert [message["To"] for message in mailbox.messages] == ["peer@example.gov"]

        proxy.down()
        worker.wait_for_line("database unreachable")
        time.sleep(1)  # the outage lasts a moment longer; the worker must still be there after it
        assert worker.process.poll() is None, "".join(worker.lines)
        proxy.up()

        shell(env, QUEUE_ONE.replace("peer@example.gov", "after.the.outage@example.gov"))
        deadline = time.monotonic() + 60
        while len(mailbox.messages) < 2 and time.monotonic() < deadline and worker.process.poll() is None:
            time.sleep(0.1)
        assert [message["To"] for message in mailbox.messages] == [
            "peer@example.gov",
            "after.the.outage@example.gov",
        ], "".join(worker.lines)
        assert worker.process.poll() is None
        assert "Traceback" not in "".join(worker.lines)  # one line about the outage, no stack
    finally:
        worker.stop()
        proxy.down()
        controller.stop()
