"""What signing in leaves in the account tables: the day, never the moment (docs/privacy.md,
"Times"). A moment kept with an account's id can be laid beside a request's creation time, and
these rows outlive the shredding of the request's identity.

- ``accounts_user.last_login``: written once, at the first sign-in, as the UTC day. It answers
  "has this account ever signed in" (the administrator's accounts pages); rewriting it at each
  sign-in would leave, in the database's own log, a write naming the account at that moment.
- allauth's ``socialaccount`` times (last sign-in through the agency's provider, first link) and
  ``mfa_authenticator.last_used_at``: the UTC day. Nothing in Sidebar reads them finer.

These are allauth's and Django's rows, written by their code; there is no Sidebar service in
between, so the rounding is attached to the models here (AccountsConfig.ready)."""

from __future__ import annotations

import functools
from typing import Any

from django.db import models
from django.db.models.signals import pre_save
from django.utils import timezone

from sidebar.lib.times import start_of_utc_day


def note_first_sign_in(sender: Any, request: Any = None, user: Any = None, **kwargs: Any) -> None:
    """Replaces django.contrib.auth's ``update_last_login`` (see AccountsConfig.ready)."""
    if user is None or user.last_login is not None:
        return
    day = start_of_utc_day(timezone.now())
    type(user).objects.filter(pk=user.pk, last_login__isnull=True).update(last_login=day)
    user.last_login = day


def _day_instead_of_now(field: models.DateTimeField, model_instance: models.Model, add: bool) -> Any:
    if field.auto_now or (field.auto_now_add and add):
        value = start_of_utc_day(timezone.now())
        setattr(model_instance, field.attname, value)
        return value
    return models.DateTimeField.pre_save(field, model_instance, add)


def _authenticator_used_on_a_day(sender: Any, instance: Any, **kwargs: Any) -> None:
    if instance.last_used_at is not None:
        instance.last_used_at = start_of_utc_day(instance.last_used_at)


def keep_days_only() -> None:
    from allauth.mfa.models import Authenticator
    from allauth.socialaccount.models import SocialAccount

    for name in ("last_login", "date_joined"):
        field = SocialAccount._meta.get_field(name)
        # auto_now(_add) would write the moment after any pre_save signal ran; the field's own
        # pre_save is where the moment is chosen. (Its migration state is untouched.)
        field.pre_save = functools.partial(_day_instead_of_now, field)  # type: ignore[method-assign]
    pre_save.connect(_authenticator_used_on_a_day, sender=Authenticator, dispatch_uid="sidebar_mfa_used_day")
