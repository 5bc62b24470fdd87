"""Security events leave an audit trace (ASVS V16.3.1-3; issue 17): wrong two-factor codes,
authenticators added, removed or regenerated, password changes and resets, rate-limit hits and
refusals (403). Receivers and the middleware only translate into one ``record`` call.

Whose trace follows sidebar/audit/receivers.py: a privileged account answers for what it does
(its id and address are kept); an account without a privileged role may be someone who asks for
help, so its events name no account and no address (detail ``staff_account``), and neither do
those of people not signed in (an anonymous requester's address is never kept)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from allauth.account.signals import password_changed, password_reset, password_set
from allauth.mfa.signals import authentication_failed, authenticator_added, authenticator_removed, authenticator_reset
from django.http import HttpRequest, HttpResponse

from sidebar.audit.models import Action, Result
from sidebar.audit.services import record

STAFF_ACCOUNT = "staff_account"  # the same word as the sign-in receivers use


def _privileged(user: Any) -> bool:
    from sidebar.accounts.models import RoleMembership
    from sidebar.accounts.roles import PRIVILEGED_ROLES

    return (
        bool(getattr(user, "pk", None))
        and RoleMembership.objects.filter(user_id=user.pk, role__in=PRIVILEGED_ROLES).exists()
    )


def record_for(user: Any, *, action: Action, request: Any, detail: str = "", result: Result = Result.OK) -> None:
    """One event about ``user``'s own account, named only if the account is privileged."""
    if _privileged(user):
        record(action=action, actor=user, obj=user, detail=detail, request=request, result=result)
    else:
        record(action=action, detail=STAFF_ACCOUNT, result=result)


def _two_factor_failed(
    sender: Any, request: Any = None, user: Any = None, authenticator: Any = None, **kwargs: Any
) -> None:
    detail = "reauthentication" if kwargs.get("reauthentication") else "sign_in"
    record_for(user, action=Action.TWO_FACTOR_FAILED, request=request, detail=detail, result=Result.DENIED)


def _added(sender: Any, request: Any = None, user: Any = None, authenticator: Any = None, **kwargs: Any) -> None:
    record_for(user, action=Action.TWO_FACTOR_ADDED, request=request, detail=getattr(authenticator, "type", ""))


def _removed(sender: Any, request: Any = None, user: Any = None, authenticator: Any = None, **kwargs: Any) -> None:
    record_for(user, action=Action.TWO_FACTOR_REMOVED, request=request, detail=getattr(authenticator, "type", ""))


def _regenerated(sender: Any, request: Any = None, user: Any = None, authenticator: Any = None, **kwargs: Any) -> None:
    record_for(
        user, action=Action.RECOVERY_CODES_REGENERATED, request=request, detail=getattr(authenticator, "type", "")
    )


def _password_changed(sender: Any, request: Any = None, user: Any = None, **kwargs: Any) -> None:
    record_for(user, action=Action.PASSWORD_CHANGED, request=request)


def _password_set(sender: Any, request: Any = None, user: Any = None, **kwargs: Any) -> None:
    record_for(user, action=Action.PASSWORD_CHANGED, request=request, detail="set")


def _password_reset(sender: Any, request: Any = None, user: Any = None, **kwargs: Any) -> None:
    record_for(user, action=Action.PASSWORD_RESET, request=request)


def connect() -> None:
    """Called from AuditConfig.ready()."""
    authentication_failed.connect(_two_factor_failed, dispatch_uid="sidebar_audit_two_factor_failed")
    authenticator_added.connect(_added, dispatch_uid="sidebar_audit_two_factor_added")
    authenticator_removed.connect(_removed, dispatch_uid="sidebar_audit_two_factor_removed")
    authenticator_reset.connect(_regenerated, dispatch_uid="sidebar_audit_recovery_codes")
    password_changed.connect(_password_changed, dispatch_uid="sidebar_audit_password_changed")
    password_set.connect(_password_set, dispatch_uid="sidebar_audit_password_set")
    password_reset.connect(_password_reset, dispatch_uid="sidebar_audit_password_reset")


def _view_name(request: HttpRequest) -> str:
    match = getattr(request, "resolver_match", None)
    return (match.view_name if match is not None else "")[:60]


def rate_limited(request: HttpRequest, *, what: str) -> None:
    """A rate limit refused ``request`` (allauth's limits answer 429, or refuse a sign-in form)."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and _privileged(user):
        record(
            action=Action.RATE_LIMITED, actor=user, obj=user, detail=what[:60], request=request, result=Result.DENIED
        )
    else:
        record(action=Action.RATE_LIMITED, detail=what[:60], result=Result.DENIED)


class RefusalAuditMiddleware:
    """Every 403 and 429 answer leaves an event with the view's name (never the path, which may
    carry an id)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code == 429:
            rate_limited(request, what=_view_name(request) or "request")
        elif response.status_code == 403:
            user = getattr(request, "user", None)
            if user is not None and user.is_authenticated and _privileged(user):
                record(
                    action=Action.ACCESS_DENIED,
                    actor=user,
                    detail=_view_name(request),
                    request=request,
                    result=Result.DENIED,
                )
            else:
                record(action=Action.ACCESS_DENIED, detail=_view_name(request), result=Result.DENIED)
        return response
