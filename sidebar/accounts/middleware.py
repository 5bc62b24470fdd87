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
# Writing the session on every click would cost a database write per request; a minute of
# slack in the idle clock costs nothing.
_TOUCH_EVERY_SECONDS = 60


class SessionTimeoutMiddleware:
    """Signs a user out after a quiet spell: 30 minutes for privileged roles (a lost laptop, a
    shared office PC), longer for plain staff. The 12-hour absolute limit is the cookie age."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated:
            now = time.time()
            last_seen = request.session.get(_LAST_SEEN)
            idle_limit = (
                settings.SIDEBAR_IDLE_TIMEOUT_PRIVILEGED
                if policy.is_privileged(user)
                else settings.SIDEBAR_IDLE_TIMEOUT_STAFF
            )
            if last_seen is not None and now - last_seen > idle_limit:
                logout(request)
                messages.info(request, "You were signed out after a period without activity.")
                query = urlencode({"next": request.get_full_path()})
                response = HttpResponseRedirect(f"{reverse(settings.LOGIN_URL)}?{query}")
                if getattr(request, "htmx", False):
                    response["HX-Redirect"] = response["Location"]
                return response
            if last_seen is None or now - last_seen > _TOUCH_EVERY_SECONDS:
                request.session[_LAST_SEEN] = now
        return self.get_response(request)
