"""`make demo` on another port: the links in e-mails and calendar files follow the port (unless
SIDEBAR_BASE_URL says otherwise), and the background worker's e-mails reach the terminal.

The Makefile is read by make itself (``--eval`` adds a rule that prints a variable), so the demo
does not have to run."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="needs make")


def _demo_base_url(*args: str, env: dict[str, str] | None = None) -> str:
    environment = {k: v for k, v in os.environ.items() if k not in {"SIDEBAR_BASE_URL", "PORT"}}
    environment.update(env or {})
    result = subprocess.run(
        ["make", "-s", "--no-print-directory", "--eval", "print-demo-base-url: ; @echo $(DEMO_BASE_URL)", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()


def test_the_demo_links_follow_the_port() -> None:
    assert _demo_base_url("print-demo-base-url") == "http://127.0.0.1:8000"
    assert _demo_base_url("print-demo-base-url", "PORT=8811") == "http://127.0.0.1:8811"
    assert _demo_base_url("print-demo-base-url", env={"PORT": "8812"}) == "http://127.0.0.1:8812"


def test_a_base_url_set_by_the_person_wins() -> None:
    url = _demo_base_url("print-demo-base-url", "PORT=8811", env={"SIDEBAR_BASE_URL": "https://sidebar.example.gov"})
    assert url == "https://sidebar.example.gov"


def test_the_demo_exports_the_base_url_and_shows_the_workers_output() -> None:
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^demo: export SIDEBAR_BASE_URL :?= \$\(DEMO_BASE_URL\)$", makefile, re.M)
    # every e-mail leaves through the outbox, which the worker drains: it runs all along (not
    # once a minute), so an e-mail shows a second after the page that caused it
    worker = next(line for line in makefile.splitlines() if "db_worker" in line)
    assert "db_worker --no-reload --interval 1 -v0 &" in worker
    assert ">/dev/null" not in worker  # its e-mails are printed
    assert "--batch" not in worker
