from __future__ import annotations

import zoneinfo
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control

from sidebar import policy
from sidebar.accounts.factors import FACTOR_CHANGING_VIEWS, missing_factor_redirect
from sidebar.accounts.selectors import has_totp
from sidebar.accounts.sso import provider_mfa_used
from sidebar.org.selectors import current_agency


class PolicyMiddleware:
    """Deny by default: a URL opens only through its rule in ``sidebar.policy``.

    No rule → 404 (the URL might as well not exist). Rule needs sign-in → the login page.
    Wrong role → 403. A privileged user without TOTP is sent to set it up and can open only the
    pages marked ``before_mfa`` until then (demo mode excepted, and it says so on every page).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Callable[..., Any], args: Any, kwargs: Any
    ) -> HttpResponse | None:
        match = request.resolver_match
        rule = policy.rule_for(match.view_name) if match else None
        if rule is None:
            raise Http404
        user = request.user
        if rule.public:
            return None
        if not user.is_authenticated:
            query = urlencode({"next": request.get_full_path()})
            return HttpResponseRedirect(f"{reverse(settings.LOGIN_URL)}?{query}")
        if (
            not settings.DEMO_MODE
            and not rule.before_mfa
            and policy.is_privileged(user)
            and not (has_totp(request) or provider_mfa_used(request, user))
        ):
            messages.info(
                request,
                "Your role lets you see more than your own records, so Sidebar asks for a code from an "
                "authenticator app as well as your password. Set it up here to continue.",
            )
            return HttpResponseRedirect(reverse("mfa_activate_totp"))
        if not rule.allows(user):
            raise PermissionDenied
        # --- task: issue 17 V7.5.1 ---
        if match is not None and match.view_name in FACTOR_CHANGING_VIEWS:
            return missing_factor_redirect(request)
        # --- end task ---
        return None


class NoStoreMiddleware:
    """Pages may show who someone is; browsers and proxies must not keep them (THREATS.md:
    a shared office PC, the browser history). Static files never reach this middleware."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not response.has_header("Cache-Control"):
            patch_cache_control(response, no_store=True, private=True)
        return response


class AgencyTimezoneMiddleware:
    """Times on every page, and "today" for check-ins, are the agency's, not the server's UTC.
    The agency row is read once here and reused by the templates' context processor."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        agency = current_agency()
        request.agency = agency  # type: ignore[attr-defined]
        try:
            timezone.activate(zoneinfo.ZoneInfo(agency.timezone))
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            timezone.deactivate()
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
