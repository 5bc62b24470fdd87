"""The main navigation in browser tests: a link may sit behind "More" (a <details> disclosure),
as a person would find it, so the helper opens it first when needed."""

from __future__ import annotations

from playwright.sync_api import Locator, Page


def nav_link(page: Page, label: str) -> Locator:
    """The main navigation's link ``label``, made visible (by opening "More" if it is closed)."""
    nav = page.get_by_role("navigation", name="Main")
    link = nav.get_by_role("link", name=label, exact=True)
    closed_more = nav.locator("details:not([open]) > summary")
    if not link.is_visible() and closed_more.count():
        closed_more.click()
    return link
