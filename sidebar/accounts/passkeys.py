"""Passkeys offered at sign-in, never required (ASVS V6.3.3, issue 17; docs/security.md).

Staff sign in with a password alone: requiring an authenticator app from everyone would keep
people from asking for help. A passkey (WebAuthn, allauth.mfa) is the low-friction second factor:
the device's fingerprint, face or screen-lock PIN, in one gesture, and phishing-resistant. Each
sign-in of an account that has none offers one on the home page (a session flag, so the home
page asks the database nothing more); adding one ends the offer.
"""

from __future__ import annotations

from typing import Any

OFFER = "sidebar_offer_passkey"


def offer_at_sign_in(sender: Any, request: Any = None, user: Any = None, **kwargs: Any) -> None:
    from allauth.mfa.models import Authenticator

    if request is None or user is None or not hasattr(request, "session"):
        return
    has_one = Authenticator.objects.filter(user=user, type=Authenticator.Type.WEBAUTHN).exists()
    request.session[OFFER] = not has_one


def stop_offering(sender: Any, request: Any = None, authenticator: Any = None, **kwargs: Any) -> None:
    from allauth.mfa.models import Authenticator

    if request is not None and authenticator is not None and authenticator.type == Authenticator.Type.WEBAUTHN:
        request.session.pop(OFFER, None)
