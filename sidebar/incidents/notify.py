"""The e-mails of an incident. Like every Sidebar e-mail they name no one — not the other people
affected, not the witnesses, not what happened — because inboxes are read over shoulders and
mail servers keep copies. One message per recipient: nobody sees who else was written to."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from sidebar.lib import mail
from sidebar.org.selectors import current_agency

if TYPE_CHECKING:
    from sidebar.incidents.models import GroupSession

OFFER_SUBJECT = "Your peer support team is here for you"
INVITATION_SUBJECT = "An invitation from your peer support team"
ANNIVERSARY_SUBJECT = "An incident anniversary is coming up"


def _help_lines() -> str:
    agency = current_agency()
    lines = [f"If you need someone right now, call {agency.crisis_line} (any time, day or night)."]
    if agency.eap_phone:
        lines.append(f"Employee assistance program: {agency.eap_phone}.")
    return "\n".join(lines)


def support_offered(recipients: Iterable[str], *, personal: bool) -> None:
    base = settings.SIDEBAR_BASE_URL
    opening = (
        "Your peer support team is writing to let you know that support is there if you want it."
        if personal
        else "Something difficult happened at work recently. Your peer support team is reaching out to "
        "everyone it may have touched — you are not being singled out."
    )
    body = (
        f"{opening}\n\n"
        "A trained colleague from the team may get in touch in the next days. You can say no at any time. "
        "Nothing you say is written down, and what you say stays between you and the peer, except in the "
        f"few situations the team must act on, listed at {base}{reverse('privacy')}\n\n"
        f"To talk sooner, or to choose whom to talk to: {base}{reverse('team:directory')}\n"
        f"To ask for support: {base}{reverse('support:ask')}\n\n"
        f"{_help_lines()}\n"
    )
    mail.send_each_after_commit(recipients, OFFER_SUBJECT, body)


def session_invitation(recipients: Iterable[str], session: GroupSession, ics: bytes) -> None:
    starts = timezone.localtime(session.starts_at)
    body = (
        "Your peer support team invites you to a group meeting after a recent incident.\n\n"
        f"When: {starts:%A %d %B %Y, %H:%M} ({session.minutes} minutes)\n"
        f"Where: {session.place}\n\n"
        "Coming is voluntary. Nothing said is written down, and who came is not recorded or reported. "
        "A calendar file is attached.\n\n"
        f"{_help_lines()}\n"
    )
    mail.send_each_after_commit(
        recipients, INVITATION_SUBJECT, body, attachment=("invitation.ics", ics, "text/calendar")
    )


def anniversary(recipients: Iterable[str], day: datetime.date) -> None:
    body = (
        f"The anniversary of a critical incident recorded in Sidebar falls on {day:%d %B %Y}.\n\n"
        "Anniversaries bring things back. Consider a word from the team to the units it touched that week.\n\n"
        f"Open Sidebar to see it: {settings.SIDEBAR_BASE_URL}{reverse('incidents:list')}\n"
    )
    mail.send_each_after_commit(recipients, ANNIVERSARY_SUBJECT, body)
