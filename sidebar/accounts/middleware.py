from __future__ import annotations

import time
from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from sidebar import policy

_LAST_SEEN = "sidebar_last_seen"
_SIGNED_IN_AT = "sidebar_signed_in_at"
# Writing the session on every click would cost a database write per request; a minute of
# slack in the idle clock costs nothing.
_TOUCH_EVERY_SECONDS = 60


class SessionTimeoutMiddleware:
    """Signs a user out after a quiet spell — 30 minutes for privileged roles (a lost laptop, a
    shared office PC), longer for plain staff — and after SESSION_COOKIE_AGE (12 hours) however
    active the session is. (Django's own cookie age slides forward on every session save, so
    the absolute limit is kept here, from the moment of signing in.)"""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated:
            now = time.time()
            session = request.session
            signed_in_at = session.setdefault(_SIGNED_IN_AT, now)
            last_seen = session.get(_LAST_SEEN)
            idle_limit = (
                settings.SIDEBAR_IDLE_TIMEOUT_PRIVILEGED
                if policy.is_privileged(user)
                else settings.SIDEBAR_IDLE_TIMEOUT_STAFF
            )
            if now - signed_in_at > settings.SESSION_COOKIE_AGE:
                return self._sign_out(request, "Your session ended after 12 hours. Please sign in again.")
            if last_seen is not None and now - last_seen > idle_limit:
                return self._sign_out(request, "You were signed out after a period without activity.")
            if last_seen is None or now - last_seen > _TOUCH_EVERY_SECONDS:
                session[_LAST_SEEN] = now
        return self.get_response(request)

    def _sign_out(self, request: HttpRequest, message: str) -> HttpResponse:
        next_path = request.get_full_path()
        logout(request)
        messages.info(request, message)
        response = HttpResponseRedirect(f"{reverse(settings.LOGIN_URL)}?{urlencode({'next': next_path})}")
        if getattr(request, "htmx", False):
            response["HX-Redirect"] = response["Location"]
        return response
