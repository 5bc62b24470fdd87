"""allauth's two-factor code forms, with a TOTP code good only once (ASVS V6.5.1, V6.5.5).

allauth remembers a used code in the cache for one period (30 s) while ``MFA_TOTP_TOLERANCE = 1``
keeps the code valid for about 90 s: the same code worked again half a minute later. Here each
authenticator keeps the last time step it accepted (``data["sidebar_last_step"]``, in the
database, no expiry) and a code is accepted only from a later step — RFC 6238 section 5.2. The
row is locked while it is checked, so two sign-ins racing with one code cannot both win.
Recovery codes keep allauth's own check (each is used once anyway)."""

from __future__ import annotations

from allauth.core.internal.cryptokit import compare_user_code  # pinned allauth
from allauth.mfa.adapter import get_adapter
from allauth.mfa.base.forms import AuthenticateForm, ReauthenticateForm
from allauth.mfa.base.internal.flows import check_rate_limit  # pinned allauth
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal import auth as totp  # pinned allauth
from allauth.mfa.utils import decrypt
from django.core.exceptions import ValidationError
from django.db import transaction

LAST_STEP = "sidebar_last_step"


def _step_of(secret: str, code: str) -> int | None:
    """The time step (within the tolerance) whose code ``code`` is, or None."""
    for counter in totp.yield_hotp_counters_from_time():
        if compare_user_code(actual=code, expected=totp.format_hotp_value(totp.hotp_value(secret, counter))):
            return counter
    return None


def accept_totp_code(authenticator: Authenticator, code: str) -> bool:
    """True, and the step remembered, if ``code`` is the authenticator's code for a time step
    later than any it accepted before."""
    step = _step_of(decrypt(authenticator.data["secret"]), code)
    if step is None:
        return False
    with transaction.atomic():
        locked = Authenticator.objects.select_for_update().get(pk=authenticator.pk)
        last = locked.data.get(LAST_STEP)
        if isinstance(last, int) and step <= last:
            return False
        locked.data = {**locked.data, LAST_STEP: step}
        locked.save(update_fields=["data"])
    authenticator.data = locked.data
    return True


class _OnceOnlyTOTP:
    """``clean_code`` of allauth's BaseAuthenticateForm, with ``accept_totp_code`` for TOTP."""

    def clean_code(self) -> str:
        clear_rate_limit = check_rate_limit(self.user)  # type: ignore[attr-defined]
        code: str = self.cleaned_data["code"]  # type: ignore[attr-defined]
        main: Authenticator | None = None
        for authenticator in Authenticator.objects.filter(user=self.user).exclude(  # type: ignore[attr-defined]
            type=Authenticator.Type.WEBAUTHN
        ):
            if main is None or authenticator.type == Authenticator.Type.TOTP:
                main = authenticator
            if authenticator.type == Authenticator.Type.TOTP:
                valid = accept_totp_code(authenticator, code)
            else:
                valid = authenticator.wrap().validate_code(code)
            if valid:
                authenticator.user = self.user  # type: ignore[attr-defined]
                self.authenticator = authenticator
                clear_rate_limit()
                return code
        if main is not None:
            self._emit_authentication_failed(main)  # type: ignore[attr-defined]
        error: ValidationError = get_adapter().validation_error("incorrect_code")
        raise error


class SidebarAuthenticateForm(_OnceOnlyTOTP, AuthenticateForm):
    pass


class SidebarReauthenticateForm(_OnceOnlyTOTP, ReauthenticateForm):
    pass
