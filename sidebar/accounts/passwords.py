"""Password checks beyond Django's (ASVS V6.2.4, V6.2.11, V6.2.12; V6.1.2 documents them):

- ``BreachedPasswordValidator``: refuses a password found in breach corpora — a bundled list of
  the 30,000 most common leaked passwords (sidebar/accounts/data/README.md) plus Django's 20,000 —
  also when it is only dressed up: capitals, look-alike symbols ("P@ssw0rd") and digits or
  symbols around it ("Password123!", "iloveyou1234"). Optionally (``SIDEBAR_PWNED_PASSWORDS_API``,
  off by default) it also asks the Pwned Passwords range API, which is sent only the first five
  characters of the password's SHA-1 (k-anonymity); if the service cannot be reached in
  3 seconds, the offline check alone decides.
- ``ContextWordsValidator``: refuses a password that is mostly words anyone would guess here:
  the product's name, the agency's name, its units' names and the person's own address. What is
  left once they are taken out must itself be a password worth the name.

No message names the word or the list entry that matched (a message may be seen over a shoulder).
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import logging
import re
import urllib.request
from pathlib import Path
from typing import Any

import django.contrib.auth
from django.conf import settings
from django.core.exceptions import ValidationError

logger = logging.getLogger(__name__)

BUNDLED_LIST = Path(__file__).resolve().parent / "data" / "breached-passwords.txt.gz"
DJANGO_LIST = Path(django.contrib.auth.__file__).resolve().parent / "common-passwords.txt.gz"
PRODUCT_WORDS = ("sidebar", "peer support", "peersupport", "peer supporter")
# Look-alikes people put in for letters; "1" and "!" stand for i or l, so both are tried.
_LEET = str.maketrans({"@": "a", "4": "a", "0": "o", "3": "e", "$": "s", "5": "s", "7": "t", "+": "t", "8": "b"})
_AROUND = re.compile(r"^[^a-z]+|[^a-z]+$")
_NOT_ALNUM = re.compile(r"[^a-z0-9]+")
MIN_LEFT_OVER = 8


@functools.cache
def breached_passwords() -> frozenset[str]:
    words: set[str] = set()
    for path in (BUNDLED_LIST, DJANGO_LIST):
        with gzip.open(path, "rt", encoding="utf-8") as lines:
            words.update(line.strip().lower() for line in lines if line.strip())
    return frozenset(words)


def _undressed(password: str) -> set[str]:
    """The password and what it is once capitals, look-alikes and what surrounds it are undone."""
    lowered = password.lower().strip()
    forms = {lowered, lowered.replace(" ", "")}
    for form in list(forms):
        for one in ("i", "l"):
            forms.add(form.translate(_LEET).replace("1", one).replace("!", one).replace("|", "l"))
    for form in list(forms):
        forms.add(_AROUND.sub("", form))
        forms.add(_AROUND.sub("", form).translate(_LEET))
    return {form for form in forms if form}


def is_breached(password: str) -> bool:
    corpus = breached_passwords()
    return any(form in corpus for form in _undressed(password))


def _pwned_count(password: str) -> int | None:
    """How often the Pwned Passwords range API has seen ``password``, or None if unreachable."""
    digest = hashlib.sha1(password.encode("utf-8"), usedforsecurity=False).hexdigest().upper()
    prefix, suffix = digest[:5], digest[5:]
    request = urllib.request.Request(  # noqa: S310 (the URL comes from settings, not from a user)
        settings.SIDEBAR_PWNED_PASSWORDS_URL + prefix, headers={"Add-Padding": "true", "User-Agent": "Sidebar"}
    )
    try:
        with urllib.request.urlopen(request, timeout=3) as response:  # noqa: S310
            body = response.read().decode("ascii", "replace")
    except OSError:
        logger.warning("pwned passwords range API unreachable; the offline list alone decided")
        return None
    for line in body.splitlines():
        candidate, _, count = line.strip().partition(":")
        if candidate == suffix:
            return int(count or 0)
    return 0


class BreachedPasswordValidator:
    message = (
        "This password appears in lists of passwords leaked from other services, which attackers "
        "try first — also with capitals, symbols for letters or numbers added. Choose another: "
        "three or four unrelated words make a strong one that is easy to remember."
    )

    def validate(self, password: str, user: Any = None) -> None:
        if is_breached(password):
            raise ValidationError(self.message, code="password_breached")
        if getattr(settings, "SIDEBAR_PWNED_PASSWORDS_API", False) and (_pwned_count(password) or 0) > 0:
            raise ValidationError(self.message, code="password_breached")

    def get_help_text(self) -> str:
        return "Your password can't be one known from leaks of other services, even with numbers or symbols added."


def context_words(user: Any = None) -> list[str]:
    """Words anyone would guess in a password here, longest first: the product, the agency, its
    units, and the local part of the person's address (V6.2.11's documented list)."""
    from sidebar.org.models import Agency, Unit

    names = [*PRODUCT_WORDS]
    names += list(Agency.objects.values_list("name", flat=True))
    names += list(Unit.objects.values_list("name", flat=True))
    words: set[str] = set()
    for name in names:
        lowered = name.lower()
        words.add(_NOT_ALNUM.sub("", lowered))
        words.update(part for part in _NOT_ALNUM.split(lowered) if len(part) >= 4)
    email = getattr(user, "email", "") or ""
    local = email.partition("@")[0].lower()
    if local:
        words.add(_NOT_ALNUM.sub("", local))
        words.update(part for part in _NOT_ALNUM.split(local) if len(part) >= 3)
    return sorted((word for word in words if len(word) >= 3), key=len, reverse=True)


class ContextWordsValidator:
    message = (
        "This password is mostly words that anyone would guess here — the name of Sidebar, of the "
        "agency or of a unit, or your own name. Choose one that has nothing to do with work."
    )

    def validate(self, password: str, user: Any = None) -> None:
        words = context_words(user)
        for form in {password.lower(), password.lower().translate(_LEET)}:
            squeezed = _NOT_ALNUM.sub("", form)
            left = squeezed
            for word in words:
                left = left.replace(word, "")
            if left != squeezed and (len(left) < MIN_LEFT_OVER or is_breached(left)):
                raise ValidationError(self.message, code="password_context_words")

    def get_help_text(self) -> str:
        return "Your password can't be mostly the name of Sidebar, the agency, a unit or yourself."
