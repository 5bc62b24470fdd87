"""Every page of every role fits a 360 px phone, and a 1280 px screen, without sideways scrolling.

The demo agency is loaded and, for each role's demo account, a crawler follows every same-origin
GET link from the home page: each kind of page (its resolved URL name) is opened once per role,
twice when it shows one object (two objects can lay out differently). It never signs out,
submits a form or opens a download, and it needs no change when a page is added: a page reached
by a link is checked.

On each page, at 360 px wide:
- the page does not scroll sideways (``document.documentElement.scrollWidth``), and no element
  pokes out of the viewport (the report names the outermost such element). Content may scroll
  inside its own box only in a ``.table-scroll`` region (which shows a visible cue); any other
  box that scrolls sideways is reported too;
- every link, button and form control can be reached without scrolling anything sideways (the
  request queue's "Open" sat off-screen in its scrolling table);
- chart labels are at least 12 px as drawn (an SVG scaled down to the phone shrank them to 6 px);
and at 1280 px nothing overflows either (the same page, re-laid out without reloading).

Why this test uses Playwright's ``page`` and not the ``journey`` harness: the harness runs an
axe-core scan and takes a full-page screenshot after every navigation (about half a second a
page), which would put this crawl of 100+ pages far over its budget. Every page it visits
belongs to a journey test that scans it; this test measures layout only. A screenshot is saved
(test-artifacts/screenshots/phone-width-*.png) for each page that fails.

Signing in: each demo account gets an authenticator app (as the administrator's set-up would) and
a session made by Django's test client, handed to the browser as its cookie; signing in through
the form is tested in test_sign_in.py.
"""

from __future__ import annotations

import re
import time
from collections import Counter, deque
from dataclasses import dataclass, field
from io import StringIO
from pathlib import Path
from urllib.parse import urldefrag, urlsplit

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.urls import Resolver404, resolve
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page
from pytest_django import Settings

from sidebar import policy
from sidebar.accounts.models import User
from sidebar.accounts.roles import Role
from sidebar.org.demo import demo_accounts
from tests.factories import activate_totp

PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}
SMALLEST_LABEL_PX = 12
# URL names never opened: signing out ends the crawl's session (and is a POST anyway).
SKIPPED_NAMES = frozenset({"account_logout"})
# Django's admin is kept for rare repairs (issue 11: the administrator's weekly work has its own
# pages, which must work on a phone); its changelists scroll in their own box by Django's design.
SKIPPED_NAMESPACES = ("admin:",)
MAX_LINES_A_PAGE = 8
VISITS_PER_OBJECT_PAGE = 2  # a page that shows one object (it has URL arguments), for the first role

# Runs in the page: what does not fit ``limit`` px. Elements are reported outermost first (the
# children of an element that sticks out are not listed again); inside a box that scrolls on its
# own, only the controls (which a person must reach) and a box that is not a cued .table-scroll.
LAYOUT_PROBLEMS = """
(limit) => {
  const problems = [];
  const describe = (el) => {
    let name = el.tagName.toLowerCase();
    if (el.id) name += '#' + el.id;
    if (el.classList.length) name += '.' + [...el.classList].join('.');
    const text = (el.innerText || el.getAttribute('aria-label') || '').replace(/\\s+/g, ' ').trim().slice(0, 50);
    return text ? `${name} "${text}"` : name;
  };
  const controls = 'a[href], button, input:not([type=hidden]), select, textarea, summary';
  const shown = (el, style) => style.display !== 'none' && style.visibility !== 'hidden' && el.getClientRects().length > 0;
  const tiny = (rect) => rect.width <= 1 && rect.height <= 1;  // .visually-hidden
  const walk = (el, inScroller) => {
    for (const child of el.children) {
      const style = getComputedStyle(child);
      if (!shown(child, style)) continue;
      const rect = child.getBoundingClientRect();
      const sticksOut = rect.right > limit + 0.5 && !tiny(rect);
      if (sticksOut && (!inScroller || child.matches(controls))) {
        problems.push(`${describe(child)} reaches ${Math.round(rect.right)}px`);
        continue;
      }
      const scrolls = ['auto', 'scroll'].includes(style.overflowX) && child.scrollWidth > child.clientWidth + 1;
      if (scrolls && !child.matches('.table-scroll, .chart')) {
        problems.push(`${describe(child)} scrolls sideways inside (${child.scrollWidth}px in ${child.clientWidth}px) without a cue`);
      }
      const clips = ['auto', 'scroll', 'hidden', 'clip'].includes(style.overflowX);
      walk(child, inScroller || clips);
    }
  };
  walk(document.body, false);
  const small = [];
  for (const text of document.querySelectorAll('svg text')) {
    const matrix = text.getScreenCTM();
    if (!matrix || !text.getClientRects().length) continue;
    const drawn = parseFloat(getComputedStyle(text).fontSize) * Math.hypot(matrix.a, matrix.b);
    if (drawn < %(smallest)d - 0.25) small.push([drawn, text.textContent.trim().slice(0, 30)]);
  }
  if (small.length) {
    small.sort((a, b) => a[0] - b[0]);
    problems.push(`${small.length} chart labels drawn below %(smallest)dpx, the smallest "${small[0][1]}" at ${small[0][0].toFixed(1)}px`);
  }
  const width = document.documentElement.scrollWidth;
  if (width > limit) problems.unshift(`the page is ${width}px wide`);
  return problems;
}
""".replace("%(smallest)d", str(SMALLEST_LABEL_PX))


def _url_name(path: str) -> tuple[str, bool] | None:
    """The URL name a path resolves to (and whether it shows one object), or None."""
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return match.view_name, bool(match.args or match.kwargs)


def _links(page: Page, origin: str) -> list[str]:
    hrefs: list[str] = page.eval_on_selector_all(
        "a[href]:not([download]):not([target=_blank])", "links => links.map(a => a.href)"
    )
    return [urldefrag(href).url for href in hrefs if href.startswith(origin + "/")]


def _sign_in(page: Page, base_url: str, user: User) -> None:
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.clear_cookies()
    host = urlsplit(base_url).hostname or "localhost"
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "domain": host, "path": "/"}])


@dataclass
class Crawl:
    """What the crawl saw, across roles."""

    screenshot_dir: Path
    seen: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    not_pages: list[str] = field(default_factory=list)  # downloads, images, error answers
    public_done: set[str] = field(default_factory=set)  # the same for every role: opened once
    names_done: set[str] = field(default_factory=set)  # opened by an earlier role

    def check(self, page: Page, where: str, name: str, role: Role) -> None:
        found = page.evaluate(LAYOUT_PROBLEMS, PHONE["width"])
        if name not in self.names_done:  # wide screens overflow rarely: once a kind of page
            page.set_viewport_size(DESKTOP)
            found += [f"at {DESKTOP['width']}px: {p}" for p in page.evaluate(LAYOUT_PROBLEMS, DESKTOP["width"])]
            page.set_viewport_size(PHONE)
        if not found:
            return
        shot = self.screenshot_dir / f"phone-width-{role.value}-{re.sub(r'[^a-z0-9]+', '-', name)}.png"
        page.screenshot(path=str(shot), full_page=True)
        shown = found[:MAX_LINES_A_PAGE] + [f"... and {len(found) - MAX_LINES_A_PAGE} more"] * (
            len(found) > MAX_LINES_A_PAGE
        )
        self.problems.append(f"{where}:\n    " + "\n    ".join(shown) + f"\n    (screenshot: {shot})")

    def crawl(self, page: Page, base_url: str, role: Role) -> int:
        """Visit every kind of page ``role`` reaches by links from home; return how many."""
        origin = "{0.scheme}://{0.netloc}".format(urlsplit(base_url))
        queue, queued = deque([base_url + "/"]), {base_url + "/"}
        visits: Counter[str] = Counter()
        checked = 0
        seen_now: set[str] = set()
        while queue:
            url = queue.popleft()
            path = urlsplit(url).path
            named = _url_name(path)
            if named is None:
                continue
            name, shows_object = named
            if name in SKIPPED_NAMES or name.startswith(SKIPPED_NAMESPACES) or name in self.public_done:
                continue
            # Two objects of a kind for the first role that reaches it, one for the others.
            twice = shows_object and name not in self.names_done
            if visits[name] >= (VISITS_PER_OBJECT_PAGE if twice else 1):
                continue
            visits[name] += 1
            where = f"{role.label}: {path} ({name})"
            try:
                response = page.goto(url)
            except PlaywrightError as error:  # a download (Content-Disposition: attachment)
                if "Download is starting" not in str(error):
                    raise
                self.not_pages.append(f"{where}: a download")
                continue
            content_type = (response.headers.get("content-type") or "") if response else ""
            if response is None or response.status >= 400 or "text/html" not in content_type:
                status = response.status if response else "no response"
                self.not_pages.append(f"{where}: {status} {content_type}")
                continue
            landed = _url_name(urlsplit(page.url).path)
            if landed and landed[0] != name:
                visits[landed[0]] += 1  # redirected: the page it landed on counts as visited
            rule = policy.rule_for(landed[0] if landed else name)
            if rule is not None and rule.public:
                self.public_done.add(landed[0] if landed else name)
            self.seen.append(where)
            checked += 1
            self.check(page, where, name, role)
            seen_now.add(name)
            for link in _links(page, origin):
                if link not in queued:
                    queued.add(link)
                    queue.append(link)
        self.names_done |= seen_now
        return checked


def test_every_page_of_every_role_fits_a_phone_and_a_desktop(
    page: Page, base_url: str, settings: Settings, request: pytest.FixtureRequest
) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    started = time.monotonic()
    call_command("load_demo", stdout=StringIO())
    print(f"demo loaded in {time.monotonic() - started:.1f} s")
    screenshot_dir = Path(request.config.rootpath) / "test-artifacts" / "screenshots"
    screenshot_dir.mkdir(parents=True, exist_ok=True)
    for old in screenshot_dir.glob("phone-width-*.png"):
        old.unlink()
    page.set_viewport_size(PHONE)

    crawl = Crawl(screenshot_dir=screenshot_dir)
    accounts = demo_accounts()
    assert accounts is not None
    for role, email in accounts.by_role().items():
        user = User.objects.get(email=email)
        if role is not Role.STAFF:
            activate_totp(user)
        _sign_in(page, base_url, user)
        checked = crawl.crawl(page, base_url, role)
        assert checked >= 3, f"{role.label} reached {checked} pages: not signed in?"
    print(f"crawled in {time.monotonic() - started:.1f} s")
    print(f"{len(crawl.seen)} pages checked:\n" + "\n".join(crawl.seen))
    print("Not pages (downloads, files, error answers):\n" + "\n".join(crawl.not_pages))
    problems = crawl.problems
    assert not problems, f"{len(problems)} of {len(crawl.seen)} pages do not fit:\n" + "\n".join(problems)
