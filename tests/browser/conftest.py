"""Browser tests: Debian's Chromium driven by Playwright against Django's live server, with an
axe-core accessibility scan and a screenshot of every page a test visits (see harness.py).

Screenshots land in test-artifacts/screenshots/<test-name>-<n>.png (git-ignored).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page

from tests.browser.harness import Journey, journey_name

# Playwright's sync API keeps an asyncio event loop in the test's thread; Django would then refuse
# the database calls that fixtures and factories make from that thread (SynchronousOnlyOperation).
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
HERE = Path(__file__).resolve().parent


@pytest.hookimpl(tryfirst=True)  # before pytest-django orders tests by their database markers
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # Hooks in a conftest see every collected item of the session: touch only our own.
    skip = pytest.mark.skip(reason=f"browser tests need Debian's Chromium at {CHROMIUM} (apt-get install chromium)")
    for item in items:
        if HERE not in Path(item.path).resolve().parents:
            continue
        item.add_marker(pytest.mark.browser)
        item.add_marker(pytest.mark.django_db(transaction=True))
        if not CHROMIUM.exists():
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    """pytest-playwright's launch options plus Debian's Chromium (playwright install cannot
    download a browser on these machines)."""
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM), "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def base_url(django_db_setup: None, live_server: Any) -> str:
    """Relative URLs in page.goto() and expect(page).to_have_url() resolve against the live
    server. (Started after the test database exists, so an in-memory SQLite is shared.)"""
    return str(live_server.url)


@pytest.fixture
def journey(page: Page, base_url: str, request: pytest.FixtureRequest) -> Iterator[Journey]:
    """The page, wrapped: ``goto`` and ``scan`` check accessibility and take screenshots."""
    walk = Journey(
        page=page,
        base_url=base_url,
        name=journey_name(request.node.name),
        screenshot_dir=Path(request.config.rootpath) / "test-artifacts" / "screenshots",
    )
    yield walk
    report = getattr(request.node, "rep_call", None)  # set by pytest-playwright's report hook
    if report is None or not report.passed:
        return
    problems = []
    if walk.unscanned():
        problems.append(
            "pages loaded but never scanned for accessibility (call journey.scan() after each "
            "navigation): " + ", ".join(walk.unscanned())
        )
    errors = walk.take_browser_errors()
    if errors:
        problems.append(
            "Content Security Policy violations or JavaScript errors after the last scan:\n" + "\n".join(errors)
        )
    if problems:
        pytest.fail("\n".join(problems), pytrace=False)
