"""Sidebar as an agency runs it: production mode, gunicorn, PostgreSQL with the two database roles
of docs/deploy.md (an owner that migrates, an application role that serves), and a real SMTP
server. Nothing here reaches into the server's process: the test sees only what a browser, the
SMTP server and `manage.py` (as an administrator would run it) see."""

from __future__ import annotations

import base64
import os
import secrets
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
from psycopg import sql

ROOT = Path(__file__).resolve().parents[2]
PG = {"host": "127.0.0.1", "port": 5432, "user": "postgres"}


def postgres_reachable() -> bool:
    try:
        with psycopg.connect(dbname="postgres", connect_timeout=3, **PG):  # type: ignore[arg-type]
            return True
    except psycopg.OperationalError:
        return False


def _admin_sql(*statements: sql.Composable | str, dbname: str = "postgres") -> None:
    with psycopg.connect(dbname=dbname, autocommit=True, **PG) as connection:  # type: ignore[arg-type]
        for statement in statements:
            connection.execute(statement)  # type: ignore[arg-type]


@dataclass
class ProductionServer:
    """One fresh agency database and a gunicorn serving it on a free port."""

    port: int
    smtp_port: int
    database: str = field(default_factory=lambda: f"sidebar_dayone_{os.getpid()}_{secrets.token_hex(3)}")
    owner: str = "sidebar_dayone_owner"
    app_role: str = "sidebar_dayone_app"
    process: subprocess.Popen[bytes] | None = None
    worker: subprocess.Popen[bytes] | None = None
    log_path: Path | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def environment(self, *, role: str | None = None) -> dict[str, str]:
        keep = {name: value for name, value in os.environ.items() if name in ("PATH", "HOME", "LANG", "TMPDIR")}
        return {
            **keep,
            "SIDEBAR_MODE": "production",
            "SECRET_KEY": self.secret_key,
            "SIDEBAR_MASTER_KEY": self.master_key,
            # epoch keys, shared by gunicorn and every manage.py command of this database
            "SIDEBAR_KEY_STORE": f"file://{tempfile.gettempdir()}/{self.database}-keys",
            "DATABASE_URL": f"postgres://{role or self.app_role}@127.0.0.1:5432/{self.database}",
            "ALLOWED_HOSTS": "127.0.0.1",
            # A closed test on loopback: no TLS proxy in front (docs/deploy.md, SIDEBAR_HTTPS).
            "SIDEBAR_HTTPS": "false",
            "SIDEBAR_BASE_URL": self.base_url,
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(self.smtp_port),
            "DEFAULT_FROM_EMAIL": "Peer Support <peersupport@example.gov>",
            "LOG_LEVEL": "WARNING",
            **self.extra_env,
        }

    def __post_init__(self) -> None:
        self.secret_key = secrets.token_urlsafe(64)
        self.master_key = "k1:" + base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()
        self.extra_env: dict[str, str] = {}

    # --- the database, as docs/deploy.md sets it up ---------------------------------------------

    def create_database(self) -> None:
        for role in (self.owner, self.app_role):
            _admin_sql(
                sql.SQL(
                    "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = {name}) THEN "
                    "CREATE ROLE {role} LOGIN; END IF; END $$"
                ).format(name=sql.Literal(role), role=sql.Identifier(role))
            )
        _admin_sql(
            sql.SQL("CREATE DATABASE {} OWNER {}").format(sql.Identifier(self.database), sql.Identifier(self.owner))
        )
        _admin_sql(
            sql.SQL("GRANT USAGE ON SCHEMA public TO {}").format(sql.Identifier(self.app_role)),
            sql.SQL(
                "ALTER DEFAULT PRIVILEGES FOR ROLE {} IN SCHEMA public "
                "GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {}"
            ).format(sql.Identifier(self.owner), sql.Identifier(self.app_role)),
            sql.SQL(
                "ALTER DEFAULT PRIVILEGES FOR ROLE {} IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO {}"
            ).format(sql.Identifier(self.owner), sql.Identifier(self.app_role)),
            dbname=self.database,
        )

    def drop_database(self) -> None:
        _admin_sql(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(self.database)))

    # --- commands an administrator runs ---------------------------------------------------------

    def manage(
        self, *args: str, role: str | None = None, env: dict[str, str] | None = None, check: bool = True
    ) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env={**self.environment(role=role), **(env or {})},
            capture_output=True,
            text=True,
            timeout=300,
        )
        if check and result.returncode != 0:
            raise AssertionError(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
        return result

    # --- the web service --------------------------------------------------------------------------

    def start(self, log_dir: Path) -> None:
        self.log_path = log_dir / "gunicorn.log"
        log = self.log_path.open("wb")
        self.process = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "gunicorn"),
                "sidebar.wsgi",
                "-w",
                "2",
                "-b",
                f"127.0.0.1:{self.port}",
                "--no-control-socket",
                "--timeout",
                "120",
            ],
            cwd=ROOT,
            env=self.environment(),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"gunicorn exited:\n{self.log()}")
            try:
                with urllib.request.urlopen(f"{self.base_url}/healthz", timeout=10) as response:  # noqa: S310 (our own http URL)
                    if response.status == 200:
                        return
            except OSError:  # not listening yet (URLError), or a worker still starting (timeout)
                time.sleep(0.2)
        raise AssertionError(f"gunicorn did not answer /healthz within a minute:\n{self.log()}")

    def start_worker(self) -> None:
        """The background worker (docs/deploy.md's sidebar-worker.service): every e-mail leaves
        through the outbox it drains (issue 13, section 1)."""
        assert self.log_path is not None
        self.worker = subprocess.Popen(
            [sys.executable, "manage.py", "db_worker", "--no-reload", "--interval", "0.5"],
            cwd=ROOT,
            env=self.environment(),
            stdout=self.log_path.open("ab"),
            stderr=subprocess.STDOUT,
        )

    def stop(self) -> None:
        for process in (self.process, self.worker):
            if process is not None and process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    process.kill()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-5000:] if self.log_path and self.log_path.exists() else ""
