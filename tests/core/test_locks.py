"""What `make install` puts on a server (issue 17: ASVS V15.1.1, V15.1.2, V15.2.3): only what runs
Sidebar, every file checked against a hash in the lock, and an SBOM of exactly that."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TEST_TOOLS = ("pytest", "playwright", "aiosmtpd", "hypothesis", "factory-boy", "ruff", "mypy", "cyclonedx", "axe-")


def pins(lock: str) -> dict[str, list[str]]:
    """Each pinned package of a lock file with its hashes."""
    found: dict[str, list[str]] = {}
    name = ""
    for line in (ROOT / lock).read_text().splitlines():
        if match := re.match(r"^([A-Za-z0-9_.\-\[\]]+)==(\S+)", line):
            name = match.group(1).lower()
            found[name] = []
        found_hashes = re.findall(r"--hash=sha256:([0-9a-f]{64})", line)
        if found_hashes and name:
            found[name].extend(found_hashes)
    return found


@pytest.mark.parametrize("lock", ["requirements.lock", "requirements-dev.lock"])
def test_every_pinned_package_carries_hashes(lock):
    locked = pins(lock)
    assert len(locked) > 20
    assert [name for name, hashes in locked.items() if not hashes] == []


def test_the_production_lock_has_no_test_tools_and_the_dev_lock_adds_them():
    production, development = pins("requirements.lock"), pins("requirements-dev.lock")
    assert [name for name in production if name.startswith(TEST_TOOLS)] == []
    assert {"pytest", "playwright", "aiosmtpd", "cyclonedx-bom"} <= set(development)
    # the same versions of what both hold: tests run what production runs
    assert {name: development[name] for name in production if name in development} == {
        name: production[name] for name in production if name in development
    }
    assert set(production) <= set(development)


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
def test_make_install_syncs_the_production_lock_with_hashes_required(tmp_path):
    """`make -n` prints what `make install` would run in a fresh checkout's empty virtualenv."""
    result = subprocess.run(
        ["make", "-n", "-s", "--no-print-directory", "install", f"VENV={tmp_path}/venv"],
        cwd=ROOT, capture_output=True, text=True, check=True,
    )  # fmt: skip
    sync = [line for line in result.stdout.splitlines() if "uv pip sync" in line]
    assert len(sync) == 1
    assert "--require-hashes" in sync[0] and sync[0].rstrip().endswith(" requirements.lock")
    assert re.search(r"pip install .*uv==\d", result.stdout)
