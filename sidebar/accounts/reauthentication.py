"""A new session key whenever someone proves a factor again (ASVS V7.2.4, issue 17).

Django gives the session a new key at sign-in (``login`` cycles it and the CSRF token). allauth's
re-authentication — the password or the code asked again before changing factors, ending other
sessions or entering a sensitive page — only records the proof in the session it has. A key
that leaked before (read over a shoulder, from a proxy log, a shared computer) would then carry
the fresh proof too. Here the key and the CSRF token are replaced as at sign-in; the session's
contents (and so the proof) move to the new key and the old one opens nothing.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.middleware.csrf import rotate_token


def rotate_on_reauthentication(sender: Any, request: HttpRequest, reauthenticated: bool = False, **kwargs: Any) -> None:
    if not reauthenticated:
        return  # a step of signing in: Django's login() rotates when the sign-in completes
    request.session.cycle_key()
    rotate_token(request)
