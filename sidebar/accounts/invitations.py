"""Sign-in invitations: Sidebar's own e-mail with a link to choose a password.

The link is allauth's password-reset link (its token generator and URL), so the page it opens
is the ordinary "choose a password" page and a link stops working once used: the token is a
hash over the password and the last sign-in, which both change. It expires after
``settings.PASSWORD_RESET_TIMEOUT`` (allauth uses Django's setting); the e-mail states that
lifetime and the moment it runs out.

The e-mail names nobody but the agency, gives no reason, and goes through sidebar.lib.mail (one
message per recipient, after commit)."""

from __future__ import annotations

import datetime
import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass

from allauth.account.forms import default_token_generator
from allauth.account.utils import user_pk_to_url_str
from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from sidebar.accounts.models import User
from sidebar.audit.models import Action
from sidebar.audit.services import record
from sidebar.lib import mail

SUBJECT_TEMPLATE = "account/email/invitation_subject.txt"
MESSAGE_TEMPLATE = "account/email/invitation_message.txt"


def link_lifetime() -> str:
    """How long an invitation (or a password link) works, in words: "3 days", "12 hours"."""
    seconds = int(settings.PASSWORD_RESET_TIMEOUT)
    if seconds % 86400 == 0:
        days = seconds // 86400
        return f"{days} day{'s' if days != 1 else ''}"
    hours = max(1, seconds // 3600)
    return f"{hours} hour{'s' if hours != 1 else ''}"


def invitation_link(user: User) -> str:
    """An absolute link to choose a password, built on SIDEBAR_BASE_URL (mail is sent by the
    worker too, where there is no request to take a host from)."""
    key = default_token_generator.make_token(user)
    path = reverse("account_reset_password_from_key", kwargs={"uidb36": user_pk_to_url_str(user), "key": key})
    return settings.SIDEBAR_BASE_URL + path


@dataclass(frozen=True)
class _Letter:
    subject: str
    body: str


def _letter(user: User, *, agency_name: str, expires: datetime.datetime, zone: str) -> _Letter:
    base = settings.SIDEBAR_BASE_URL
    context = {
        "agency_name": agency_name,
        "link": invitation_link(user),
        "lifetime": link_lifetime(),
        "expires": expires,
        "zone": zone,
        "email": user.email,
        "login_url": base + reverse("account_login"),
        "new_link_url": base + reverse("account_reset_password"),
        "need_to_talk_url": base + reverse("need_to_talk"),
        "privacy_url": base + reverse("privacy"),
    }
    subject = " ".join(render_to_string(SUBJECT_TEMPLATE, context).split())
    return _Letter(subject=subject, body=render_to_string(MESSAGE_TEMPLATE, context))


@transaction.atomic
def send_invitations(*, users: Iterable[User], by: User | None, request: HttpRequest | None = None) -> int:
    """Invite each active account in ``users`` to choose a password (a resend is the same
    thing again: every link sent stays good until it expires or one of them is used). Audited
    per account; the mail leaves after commit. Returns how many were invited."""
    from sidebar.org.selectors import current_agency

    agency = current_agency()
    zone_name = agency.timezone or settings.TIME_ZONE
    try:
        zone = zoneinfo.ZoneInfo(zone_name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone, zone_name = zoneinfo.ZoneInfo("UTC"), "UTC"
    now = timezone.now()
    expires = timezone.localtime(now + datetime.timedelta(seconds=int(settings.PASSWORD_RESET_TIMEOUT)), zone)
    agency_name = agency.name or "your agency"
    sent: list[User] = []
    for user in users:
        if not user.is_active:
            continue
        letter = _letter(user, agency_name=agency_name, expires=expires, zone=zone_name)
        mail.send_each_after_commit([user.email], letter.subject, letter.body)
        record(action=Action.INVITATION_SENT, actor=by, obj=user, request=request)
        sent.append(user)
    User.objects.filter(pk__in=[user.pk for user in sent]).update(invited_at=now)
    return len(sent)
