"""What every browser test uses: an accessibility scan (axe-core) and a screenshot of every page
a journey lands on, and a check that no page went unscanned.

A test drives the browser through a ``Journey`` (the ``journey`` fixture): ``journey.goto(path)``
opens a page and scans it; after any click or submit that loads a new page, the test calls
``journey.scan()``, which first waits for that page to finish loading. The journey counts every
page load of the main frame; at the end of a passing test, a load that was never scanned fails
the test, so forgetting a scan cannot silently narrow the accessibility check.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import ConsoleMessage, Error, Page, Response
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

# Impacts that fail a test. axe also reports "moderate" and "minor"; those are printed (pytest
# shows them with the output of a failing test, or with -rP) but do not fail.
BLOCKING_IMPACTS = frozenset({"serious", "critical"})

_AXE = Axe()


def axe_violations(page: Page, *, exclude: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    """Every axe-core violation on the page as it is now (``exclude``: CSS selectors to skip)."""
    context: dict[str, Any] | None = None
    if exclude:
        context = {"include": [["html"]], "exclude": [[selector] for selector in exclude]}
    results = _AXE.run(page, context=context)
    return list(results.response["violations"])


def format_violations(url: str, violations: list[dict[str, Any]]) -> str:
    lines = [f"Accessibility violations on {url}:"]
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}")
        lines.append(f"  {violation['helpUrl']}")
        for node in violation["nodes"]:
            target = " ".join(str(part) for part in node["target"])
            lines.append(f"    at {target}")
            summary = (node.get("failureSummary") or "").replace("\n", " ").strip()
            if summary:
                lines.append(f"       {summary}")
    return "\n".join(lines)


def accessibility_failures(page: Page, *, exclude: tuple[str, ...] = ()) -> str | None:
    """A report of the serious and critical axe-core violations on the page, or None.

    Lesser (moderate, minor) violations are printed: pytest shows them with a failing test's
    output, or for every test with -rP.
    """
    violations = axe_violations(page, exclude=exclude)
    blocking = [v for v in violations if v.get("impact") in BLOCKING_IMPACTS]
    lesser = [v for v in violations if v.get("impact") not in BLOCKING_IMPACTS]
    if lesser:
        print(format_violations(page.url, lesser))
    return format_violations(page.url, blocking) if blocking else None


def check_accessibility(page: Page, *, exclude: tuple[str, ...] = ()) -> None:
    """Fail the test on any serious or critical axe-core violation on the current page."""
    report = accessibility_failures(page, exclude=exclude)
    if report:
        pytest.fail(report, pytrace=False)


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", text).strip("-") or "test"


@dataclass
class Journey:
    """One test's walk through the site in one browser page."""

    page: Page
    base_url: str
    name: str
    screenshot_dir: Path
    loads: list[str] = field(default_factory=list)  # URL of every main-frame load, in order
    scanned: set[int] = field(default_factory=set)  # indexes into ``loads`` that were scanned
    screenshots: list[Path] = field(default_factory=list)
    browser_errors: list[str] = field(default_factory=list)  # not yet reported

    def __post_init__(self) -> None:
        self.screenshot_dir.mkdir(parents=True, exist_ok=True)
        for old in self.screenshot_dir.glob(f"{self.name}-[0-9][0-9].png"):
            old.unlink()
        self.page.on("load", self._on_load)
        self.page.on("console", self._on_console)
        self.page.on("pageerror", self._on_page_error)

    def _on_load(self, page: Page) -> None:
        if page.url.startswith(("http://", "https://")):
            self.loads.append(page.url)

    def _on_console(self, message: ConsoleMessage) -> None:
        # The strict CSP allows no inline script or style: a page that tries one is broken
        # (whatever it tried silently did not happen), so it fails like an accessibility error.
        if message.type == "error" and "Content Security Policy" in message.text:
            self.browser_errors.append(f"{self.page.url}: {message.text}")

    def _on_page_error(self, error: Error) -> None:
        self.browser_errors.append(f"{self.page.url}: uncaught JavaScript error: {error}")

    def take_browser_errors(self) -> list[str]:
        errors, self.browser_errors = self.browser_errors, []
        return errors

    def url(self, path: str) -> str:
        return self.base_url.rstrip("/") + path

    def goto(self, path: str) -> Response | None:
        """Open ``path`` (or a full URL) and scan the page it lands on, after any redirects."""
        response = self.page.goto(path if "://" in path else self.url(path))
        self.scan()
        return response

    def scan(self, *, same_page: bool = False, timeout: float = 10_000) -> None:
        """Scan the page just loaded (waiting for it, after a click or submit) and screenshot it.

        ``same_page=True`` scans again without a new load (after a change made in place).
        """
        if not same_page:
            self._wait_for_unscanned_load(timeout)
        self.page.wait_for_load_state("load")
        n = len(self.screenshots) + 1
        path = self.screenshot_dir / f"{self.name}-{n:02d}.png"
        self.page.screenshot(path=str(path), full_page=True)
        self.screenshots.append(path)
        if self.loads:
            # Only the page on screen now counts as scanned: a page that came and went in between
            # (a second load before this scan) stays unscanned and is reported at the end.
            self.scanned.add(len(self.loads) - 1)
        failures = [accessibility_failures(self.page)]
        errors = self.take_browser_errors()
        if errors:
            failures.append("Content Security Policy violations or JavaScript errors:\n" + "\n".join(errors))
        report = "\n\n".join(f for f in failures if f)
        if report:
            pytest.fail(f"{report}\n(screenshot: {path})", pytrace=False)

    def _wait_for_unscanned_load(self, timeout: float) -> None:
        if self.loads and len(self.loads) - 1 not in self.scanned:
            return
        try:
            # The listener registered in __post_init__ sees this load too (same event).
            self.page.wait_for_event("load", timeout=timeout)
            return
        except PlaywrightTimeoutError:
            pass
        pytest.fail(
            f"scan(): no new page loaded since the last scan (now at {self.page.url}). "
            "Use scan(same_page=True) to scan a page changed in place.",
            pytrace=False,
        )

    def unscanned(self) -> list[str]:
        return [url for i, url in enumerate(self.loads) if i not in self.scanned]


def journey_name(node_name: str) -> str:
    """The screenshot prefix: the test's name, without pytest-playwright's "[chromium]"."""
    return _slug(node_name.replace("[chromium]", "").replace("[chromium-", "["))
