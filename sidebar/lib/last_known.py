"""The numbers a person in crisis needs, kept where a database outage cannot take them.

Every page shows the agency's crisis line and employee assistance number. When the database is
unreachable, the outage page (sidebar/core/outage.py) still shows them: each process remembers
the last numbers it read, and writes them to a small file in ``SIDEBAR_STATE_DIR`` so that a
process started during the outage shows them too. The numbers are the agency's public ones;
nothing about a person is kept here.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from django.conf import settings

FILE_NAME = "crisis-numbers.json"
# What the outage page says when this process has never reached the database and no file was
# written yet: the national lifeline, which every agency's default crisis line is.
FALLBACK = {"crisis_line": "988", "eap_phone": ""}

_remembered: dict[str, str] | None = None


def _path() -> Path:
    return Path(settings.SIDEBAR_STATE_DIR) / FILE_NAME


def remember(*, crisis_line: str, eap_phone: str) -> None:
    """Called each time the agency is read; writes the file only when the numbers changed."""
    global _remembered
    numbers = {"crisis_line": crisis_line, "eap_phone": eap_phone}
    if numbers == _remembered:
        return
    _remembered = numbers
    try:
        folder = _path().parent
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("w", dir=folder, prefix=".crisis-numbers-", delete=False) as handle:
            json.dump(numbers, handle)
        os.replace(handle.name, _path())  # whole or not at all, whatever another process does
    except OSError:
        pass  # a read-only disk: this process still remembers them


def numbers() -> dict[str, str]:
    """The last crisis line and EAP number seen, without touching the database."""
    if _remembered is not None:
        return dict(_remembered)
    try:
        stored = json.loads(_path().read_text())
        return {key: str(stored.get(key) or FALLBACK[key]) for key in FALLBACK}
    except (OSError, ValueError, AttributeError):
        return dict(FALLBACK)
