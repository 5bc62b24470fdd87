"""The claims ledger (sidebar/core/claims.py) holds: every proof is a test that exists, every
sentence of the privacy page is marked with a claim from the ledger (in every configuration the
page words differently), every claim said to be on the page is on it, and docs/privacy.md ends
with the ledger as `manage.py claims` prints it (issue 16, section 2)."""

from __future__ import annotations

import ast
from functools import cache
from html.parser import HTMLParser
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from sidebar.audit.services import run_verification
from sidebar.core.claims import CLAIMS, LEDGER_END, LEDGER_START, PRIVACY_PAGE, ledger_markdown
from sidebar.org.models import Agency

ROOT = Path(__file__).resolve().parents[2]
SENTENCES = {"p", "li", "dd", "dt", "td", "th"}  # the elements that carry what the page says


@cache
def _tests_in(path: str) -> frozenset[str]:
    """``name`` and ``Class::name`` for every test function in the file."""
    tree = ast.parse((ROOT / path).read_text())
    found = set()
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            found.add(node.name)
        elif isinstance(node, ast.ClassDef):
            found.update(
                f"{node.name}::{item.name}"
                for item in node.body
                if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef)
            )
    return frozenset(name for name in found if name.split("::")[-1].startswith("test_"))


@pytest.mark.parametrize("key", list(CLAIMS))
def test_every_proof_is_a_test_that_exists(key):
    claim = CLAIMS[key]
    assert claim.proofs, f"{key}: a claim without a proof"
    for proof in claim.proofs:
        path, _, name = proof.partition("::")
        assert (ROOT / path).is_file(), f"{key}: {path} does not exist"
        assert name in _tests_in(path), f"{key}: {path} has no test {name}"


class _Marked(HTMLParser):
    """Collects the text of every sentence element inside the part of a page that makes promises
    (``<main>``, or the notice's section), whether it sits inside an element carrying
    data-claim; and every claim key used."""

    VOID = {"br", "img", "input", "meta", "link", "hr", "wbr", "source"}

    def __init__(self, part: str = "main") -> None:
        super().__init__()
        self.part = part  # "main", or the aria-labelledby of the notice's section
        self.stack: list[tuple[str, str | None]] = []  # (tag, claim)
        self.in_main = 0
        self.unmarked: list[str] = []
        self.used: set[str] = set()
        self._text: list[list[str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.VOID:
            return
        claim = dict(attrs).get("data-claim")
        if claim:
            self.used.add(claim)
        starts_part = tag == "main" if self.part == "main" else dict(attrs).get("aria-labelledby") == self.part
        if starts_part:
            self.in_main += 1
        self.stack.append((tag + ("#part" if starts_part else ""), claim))
        if tag in SENTENCES:
            self._text.append([])

    def handle_endtag(self, tag: str) -> None:
        if tag in self.VOID or not self.stack:
            return
        while self.stack:
            open_tag, _ = self.stack[-1]
            marked = any(claim for _, claim in self.stack)
            self.stack.pop()
            bare = open_tag.removesuffix("#part")
            if bare in SENTENCES:
                text = " ".join("".join(self._text.pop()).split())
                if self.in_main and text and not marked:
                    self.unmarked.append(text)
            if open_tag.endswith("#part"):
                self.in_main -= 1
            if bare == tag:
                break

    def handle_data(self, data: str) -> None:
        for chunk in self._text:
            chunk.append(data)


def _read(body: str, part: str = "main") -> _Marked:
    parser = _Marked(part)
    parser.feed(body)
    return parser


@pytest.mark.django_db
@pytest.mark.parametrize("demo", [True, False], ids=["demo", "production"])
@pytest.mark.parametrize("retention", [0, 30])
@pytest.mark.parametrize("verified", [True, False], ids=["verified", "never verified"])
def test_every_sentence_of_the_privacy_page_is_a_claim_in_the_ledger(client, settings, demo, retention, verified):
    settings.DEMO_MODE = demo
    Agency.objects.create(name="Lakeside Probation Department", kind="probation", identity_retention_days=retention)
    if verified:
        run_verification()
    page = _read(client.get(reverse("privacy")).content.decode())
    assert not page.unmarked, "sentences on the privacy page without a claim from the ledger:\n" + "\n".join(
        page.unmarked
    )
    assert page.used <= set(CLAIMS)
    said = {key for key, claim in CLAIMS.items() if PRIVACY_PAGE in claim.where}
    assert said <= page.used, f"the ledger says these are on the privacy page, but they are not: {said - page.used}"


@pytest.mark.django_db
def test_every_sentence_of_the_notices_before_asking_is_a_claim_in_the_ledger(client, cast):
    """The notices Sidebar writes itself (an agency's published notice is the agency's words)."""
    Agency.objects.create(name="Lakeside Probation Department", kind="probation")
    anonymous = _read(client.get(reverse("tickets:new")).content.decode(), "ticket-notice-heading")
    client.force_login(cast.staff)
    named = _read(client.get(reverse("support:ask")).content.decode(), "notice-heading")
    for notice in (anonymous, named):
        assert notice.used, "the notice was not found on the page"
        assert not notice.unmarked, "sentences in a notice without a claim from the ledger:\n" + "\n".join(
            notice.unmarked
        )
        assert notice.used <= set(CLAIMS)


def test_the_ledger_in_the_docs_is_the_ledger():
    text = (ROOT / "docs" / "privacy.md").read_text()
    assert LEDGER_START in text and LEDGER_END in text
    written = text.split(LEDGER_START, 1)[1].split(LEDGER_END, 1)[0]
    assert written.strip() == ledger_markdown().strip(), "run: manage.py claims --write"


def test_the_claims_command_prints_the_ledger():
    out = StringIO()
    call_command("claims", stdout=out)
    assert out.getvalue().strip() == ledger_markdown().strip()
