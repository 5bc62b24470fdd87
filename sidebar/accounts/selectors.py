from __future__ import annotations

from allauth.mfa.models import Authenticator
from django.http import HttpRequest


def has_totp(request: HttpRequest) -> bool:
    """Has the signed-in user set up an authenticator app? Asked on every request of a
    privileged user (one indexed query): when the administrator resets someone's two-factor
    sign-in, their open sessions must stop at once, not at their next sign-in."""
    return Authenticator.objects.filter(user=request.user, type=Authenticator.Type.TOTP).exists()
