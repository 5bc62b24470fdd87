from __future__ import annotations

from allauth.mfa.models import Authenticator
from django.http import HttpRequest

_SESSION_KEY = "sidebar_has_totp"


def has_totp(request: HttpRequest) -> bool:
    """Has the signed-in user set up an authenticator app? Remembered in the session once true:
    Sidebar offers no way to switch TOTP off again, so the answer cannot go back to false."""
    if request.session.get(_SESSION_KEY):
        return True
    found = Authenticator.objects.filter(user=request.user, type=Authenticator.Type.TOTP).exists()
    if found:
        request.session[_SESSION_KEY] = True
    return found
