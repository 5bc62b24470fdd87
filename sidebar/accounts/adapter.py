from __future__ import annotations

import time
from typing import Any

from allauth.account import app_settings as account_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.internal.flows.login import get_authentication_records  # pinned allauth
from allauth.mfa.adapter import DefaultMFAAdapter
from django.http import HttpRequest

from sidebar.vault import secrets


class SidebarAccountAdapter(DefaultAccountAdapter):
    """Accounts are created by the program administrator from the staff roster, never by
    self sign-up."""

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        # --- task: outbox (issue 13 section 1) ---
        # Through the outbox like every other e-mail: a mail server that is down delays a
        # password reset instead of answering the person with a server error.
        from allauth.core import context as allauth_context
        from django.contrib.sites.shortcuts import get_current_site

        from sidebar.lib import mail

        request = allauth_context.request
        message = self.render_mail(
            template_prefix,
            email,
            {"request": request, "email": email, "current_site": get_current_site(request), **context},
        )
        mail.send_each_after_commit([email], str(message.subject), str(message.body))
        # --- end task ---

    # --- task: issue 17 accounts (V16.3.1-3) ---
    def pre_authenticate(self, request: HttpRequest, **credentials: Any) -> None:
        # A sign-in past a limit is refused with a form error (no 429): that refusal is audited
        # too, naming no account (the typed address may be anyone's).
        from sidebar.accounts import sign_in_limits
        from sidebar.audit.security_events import rate_limited

        # --- task: sign-in rush (issue 13 section 2) ---
        # Sidebar's own limits (per account, per account at an address, a per-address ceiling
        # far above an office's rush) instead of allauth's per-address ones.
        login = str(credentials.get("email") or credentials.get("username") or "")
        self._sign_in_attempt = sign_in_limits.begin(request, login=login)
        if self._sign_in_attempt is None:
            rate_limited(request, what="login_failed")
            raise self.validation_error("too_many_login_attempts")
        # --- end task ---

    # --- end task ---

    # --- task: sign-in rush (issue 13 section 2) ---
    def authenticate(self, request: HttpRequest, **credentials: Any) -> Any:
        user = super().authenticate(request, **credentials)
        attempt = getattr(self, "_sign_in_attempt", None)
        if user is not None and attempt is not None:
            attempt.succeeded()  # the right password gives back what a guess would have used
        return user

    # --- end task ---

    def format_email_subject(self, subject: str) -> str:
        # Subjects already say "Sidebar"; allauth would prefix the host name ("[sidebar.example.gov]").
        return str(subject)

    def get_login_stages(self) -> list[str]:
        # The TOTP step knows when the agency's identity provider already asked for a second
        # factor (sidebar/accounts/sso.py).
        stages = super().get_login_stages()
        return [
            "sidebar.accounts.sso.AuthenticateStage" if stage == "allauth.mfa.stages.AuthenticateStage" else stage
            for stage in stages
        ]

    def is_reauthentication_required(self, *, app: str, **kwargs: Any) -> bool:
        # Someone who signed in moments ago has just proved who they are: asking for the
        # password again before the compulsory two-factor set-up only adds a hurdle.
        request = self.request
        if request is not None and request.user.is_authenticated:
            records = get_authentication_records(request, request.user)
            if records and time.time() - records[-1]["at"] < account_settings.REAUTHENTICATION_TIMEOUT:
                return False
        return super().is_reauthentication_required(app=app, **kwargs)


class SidebarMFAAdapter(DefaultMFAAdapter):
    """TOTP secrets and recovery-code seeds are stored encrypted under the master key, so a
    database dump alone does not let anyone mint second factors."""

    def encrypt(self, text: str) -> str:
        return secrets.encrypt_secret(text, purpose="mfa")

    def decrypt(self, encrypted_text: str) -> str:
        return secrets.decrypt_secret(encrypted_text, purpose="mfa")
