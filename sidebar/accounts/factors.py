"""Every factor before changing factors (ASVS V7.5.1, issue 17).

allauth asks for re-authentication before recovery codes are regenerated or an authenticator is
added or removed, but takes either factor: an account with an authenticator app could have new
recovery codes — a permanent second factor — after typing only its password, which is exactly
what a thief who learnt the password and found an open session has. Here each factor the account
has must have been proved within allauth's re-authentication window (``ACCOUNT_REAUTHENTICATION_
TIMEOUT``, 5 minutes), at sign-in or by re-authenticating: the password (if the account has one)
and the authenticator (if it has one). A missing one is asked for, password first, then the code,
and the person comes back to the page they wanted. allauth's own check still runs after this one.

The proofs are allauth's own records in the session (``method`` "password" or "mfa" with the time).
The password change is not listed: its form asks for the current password itself."""

from __future__ import annotations

import time
from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

# allauth's views that add, remove or replace a factor.
FACTOR_CHANGING_VIEWS: frozenset[str] = frozenset(
    {
        "mfa_generate_recovery_codes",
        "mfa_activate_totp",
        "mfa_deactivate_totp",
        "mfa_add_webauthn",
        "mfa_remove_webauthn",
    }
)


def factors_of(user: object) -> list[str]:
    """The factors the account has, in the order they are asked for: "password", "mfa"."""
    from allauth.mfa.models import Authenticator

    held = []
    if user.has_usable_password():  # type: ignore[attr-defined]
        held.append("password")
    if Authenticator.objects.filter(
        user=user, type__in=[Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]
    ).exists():
        held.append("mfa")
    return held


def recently_proved(request: HttpRequest) -> set[str]:
    """The factors proved in this session within the re-authentication window."""
    from allauth.account import app_settings
    from allauth.account.internal.flows.login import get_authentication_records  # pinned allauth

    now = time.time()
    return {
        str(entry.get("method"))
        for entry in get_authentication_records(request, request.user)  # type: ignore[arg-type]
        if isinstance(entry.get("at"), int | float) and now - entry["at"] < app_settings.REAUTHENTICATION_TIMEOUT
    }


def missing_factor_redirect(request: HttpRequest) -> HttpResponse | None:
    """None when every factor of the account was proved recently; otherwise the page that asks
    for the first one missing, coming back here afterwards."""
    missing = [factor for factor in factors_of(request.user) if factor not in recently_proved(request)]
    if not missing:
        return None
    page = "account_reauthenticate" if missing[0] == "password" else "mfa_reauthenticate"
    if len(factors_of(request.user)) > 1:
        messages.info(
            request,
            "Changing how you sign in needs both your password and a code from your authenticator app, "
            "each entered within the last few minutes.",
        )
    back = request.get_full_path()
    return HttpResponseRedirect(f"{reverse(page)}?{urlencode({'next': back})}")
