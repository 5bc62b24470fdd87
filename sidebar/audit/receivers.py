"""Sign-ins leave a trace. Receivers only translate a signal into one audit service call.

Whose trace depends on the account (docs/privacy.md, "Times"). A privileged account answers for
what it does: its sign-ins name it, with the address and the method. An account without a
privileged role is anyone on the staff, and anyone who asks for help: its sign-ins and sign-outs
are counted, naming no account, no address and no method, so that no permanent row lays a
person's sign-in beside a request's creation time. A failed try names no account anyway; its
address is kept to the network (sidebar.audit.services.client_network), enough to see where an
attack comes from, not which desk mistyped a password.
"""

from __future__ import annotations

from typing import Any

from allauth.account.internal.flows.login import get_authentication_records  # pinned allauth
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from sidebar.accounts.models import RoleMembership
from sidebar.accounts.roles import PRIVILEGED_ROLES
from sidebar.audit.models import Action, Result
from sidebar.audit.services import STAFF_ACCOUNT, client_network, record

ANONYMOUS_TICKET_SESSION_KEY = "sidebar_anonymous_ticket"  # sidebar/support/ticket_views.py


def _sign_in_detail(request: Any, user: Any) -> str:
    """How a single sign-on proved who the person is: "sso", "sso+provider_mfa" (the agency's
    provider vouched for a second factor) or "sso+totp"; empty for a password sign-in. Read
    from the authentication records allauth keeps in the session for this sign-in."""
    if request is None or not hasattr(request, "session"):
        return ""
    methods = {entry.get("method") for entry in get_authentication_records(request, user)}
    if "socialaccount" not in methods:
        return ""
    if "provider_mfa" in methods:  # sidebar/accounts/sso.py: PROVIDER_MFA_METHOD
        return "sso+provider_mfa"
    return "sso+totp" if "mfa" in methods else "sso"


def _privileged(user: Any) -> bool:
    return RoleMembership.objects.filter(user=user, role__in=PRIVILEGED_ROLES).exists()


@receiver(user_logged_in)
def _signed_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if _privileged(user):
        record(action=Action.SIGN_IN, actor=user, obj=user, request=request, detail=_sign_in_detail(request, user))
    else:
        record(action=Action.SIGN_IN, detail=STAFF_ACCOUNT)
    # Django keeps session data across sign-in: an anonymous ticket opened earlier in the same
    # browser must not end up in the same session row as the account.
    if request is not None and hasattr(request, "session"):
        request.session.pop(ANONYMOUS_TICKET_SESSION_KEY, None)


@receiver(user_logged_out)
def _signed_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None and _privileged(user):
        record(action=Action.SIGN_OUT, actor=user, obj=user, request=request)
    elif user is not None:
        record(action=Action.SIGN_OUT, detail=STAFF_ACCOUNT)


@receiver(user_login_failed)
def _sign_in_failed(sender: Any, credentials: Any, request: Any = None, **kwargs: Any) -> None:
    # The credentials carry the typed e-mail; it is not recorded (it may be a mistyped name).
    record(action=Action.SIGN_IN_FAILED, ip=client_network(request), result=Result.DENIED)
