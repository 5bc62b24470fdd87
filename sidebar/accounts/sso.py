"""Single sign-on over OpenID Connect (docs/sso.md), on django-allauth's ``openid_connect`` provider.

The roster decides who may come in, every time: the provider's verified e-mail is matched to an
active staff record (``org.Person.work_email``) or, for an account without one, to the account's
own e-mail. Nobody else gets in, and nobody off the roster gets an account; every refusal reads
the same, so the page does not tell whether an address is on the roster.

A privileged role still needs a second factor. The provider's own MFA counts only where its ID
token says so (``amr`` / ``acr``, see settings.SSO_OIDC_MFA_*); it is then noted in the session's
authentication records (allauth keeps them there) and the sign-in's audit event, and Sidebar's
TOTP step is skipped. Otherwise the person passes TOTP as after a password.
"""

from __future__ import annotations

from typing import Any

from allauth.account.internal.flows.login import get_authentication_records, record_authentication  # pinned allauth
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.mfa import stages as mfa_stages
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialLogin
from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.shortcuts import render

from sidebar.accounts.models import User
from sidebar.audit.models import Action, Result
from sidebar.audit.services import client_network, record
from sidebar.org.models import Person

# The authentication record (in the session) that says the provider vouched for a second factor.
PROVIDER_MFA_METHOD = "provider_mfa"


def sso_enabled() -> bool:
    return bool(settings.SOCIALACCOUNT_PROVIDERS.get("openid_connect", {}).get("APPS"))


def provider_claims(sociallogin: SocialLogin) -> tuple[dict[str, Any], dict[str, Any]]:
    """(userinfo, ID token) claims of this sign-in, as allauth received them."""
    data = sociallogin.account.extra_data or {}
    return dict(data.get("userinfo") or {}), dict(data.get("id_token") or {})


def _is_true(value: object) -> bool:
    # Some providers send booleans as strings.
    return value is True or (isinstance(value, str) and value.lower() == "true")


def verified_email(userinfo: dict[str, Any], id_token: dict[str, Any]) -> str | None:
    """The e-mail the provider vouches for, or None. ``email_verified`` is the standard claim;
    Entra ID sends ``xms_edov`` (the domain's owner verified it) when configured (docs/sso.md)."""
    for claims in (userinfo, id_token):
        email = claims.get("email")
        if isinstance(email, str) and email.strip():
            if _is_true(claims.get("email_verified")) or _is_true(claims.get("xms_edov")):
                return email.strip().lower()
            return None
    return None


def provider_mfa_claimed(id_token: dict[str, Any]) -> bool:
    """Does the ID token say a second factor was used? Only the ID token is read: it is the
    provider's signed statement about this authentication, which ``amr``/``acr`` describe."""
    amr = id_token.get("amr")
    methods = {amr} if isinstance(amr, str) else set(amr) if isinstance(amr, list) else set()
    if methods & set(settings.SSO_OIDC_MFA_AMR_VALUES):
        return True
    acr = id_token.get("acr")
    return isinstance(acr, str) and acr in settings.SSO_OIDC_MFA_ACR_VALUES


def provider_mfa_used(request: HttpRequest, user: Any) -> bool:
    """Did this session's sign-in rest on the provider's second factor?"""
    return any(entry.get("method") == PROVIDER_MFA_METHOD for entry in get_authentication_records(request, user))


def account_for(email: str) -> User | None:
    """The active account an active roster entry (or, without one, the account's own e-mail)
    gives this address, creating it for a roster person who has none yet; None otherwise."""
    person = Person.objects.select_related("user").filter(work_email__iexact=email).first()
    if person is not None:
        if not person.is_active:
            return None
        user = person.user or _create_account_for(person)
    else:
        user = User.objects.filter(email__iexact=email).first()
        if user is not None and Person.objects.filter(user=user, is_active=False).exists():
            return None  # a leaver whose staff record carries another address
    if user is None or not user.is_active:
        return None
    return user


@transaction.atomic
def _create_account_for(person: Person) -> User:
    """A roster person's first sign-in through the agency's provider: the account the roster
    import would have made (no password; roles come only from the administrator)."""
    locked = Person.objects.select_for_update().get(pk=person.pk)
    if locked.user is not None:
        return locked.user
    user = User.objects.filter(email__iexact=locked.work_email).first()
    if user is None:
        user = User.objects.create_user(email=locked.work_email, password=None)
    locked.user = user
    locked.save(update_fields=["user"])
    return user


def _refuse(request: HttpRequest) -> ImmediateHttpResponse:
    record(action=Action.SIGN_IN_FAILED, detail="sso", ip=client_network(request), result=Result.DENIED)
    return ImmediateHttpResponse(render(request, "socialaccount/refused.html", status=403))


class SidebarSocialAccountAdapter(DefaultSocialAccountAdapter):
    """No account from a sign-up form, ever; the roster match happens in ``pre_social_login``."""

    def is_open_for_signup(self, request: HttpRequest, sociallogin: SocialLogin) -> bool:
        return False

    def is_auto_signup_allowed(self, request: HttpRequest, sociallogin: SocialLogin) -> bool:
        return False

    def pre_social_login(self, request: HttpRequest, sociallogin: SocialLogin) -> None:
        userinfo, id_token = provider_claims(sociallogin)
        email = verified_email(userinfo, id_token)
        user = account_for(email) if email else None
        if user is None:
            raise _refuse(request)
        # Sidebar keeps nothing the provider said about the person (name, picture, groups).
        account = sociallogin.account
        account.extra_data = {}
        if sociallogin.is_existing:
            # The roster decides each time: a provider identity follows its verified address.
            account.user = user
            account.save(update_fields=["user", "extra_data"])
            sociallogin.user = user
        else:
            sociallogin.connect(request, user)
        if provider_mfa_claimed(id_token):
            record_authentication(request, user, method=PROVIDER_MFA_METHOD)


class AuthenticateStage(mfa_stages.AuthenticateStage):
    """allauth's TOTP step at sign-in, skipped when the provider's ID token vouched for MFA."""

    def _should_handle(self, request: HttpRequest) -> bool:
        if self.login.user is not None and provider_mfa_used(request, self.login.user):
            return False
        return super()._should_handle(request)
