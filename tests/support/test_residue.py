"""What a request leaves once its identity is shredded (issue 16, section 1): statistics, and
nothing that singles the person out when laid beside the audit log's sign-ins and the roster.

The person who asks here holds a privileged role, whose sign-ins the audit log keeps named and to
the second (docs/privacy.md, "Times"): the hardest case for a join by time."""

from __future__ import annotations

import dataclasses
import datetime
import zoneinfo

import pytest
from django.db import models
from django.utils import timezone

from sidebar.accounts.roles import Role
from sidebar.audit.models import Action, AuditEvent
from sidebar.org.models import Agency, Person
from sidebar.org.selectors import chain_of_command
from sidebar.reports.periods import Grain, Period
from sidebar.reports.report import gather
from sidebar.support import services, tickets
from sidebar.support.models import (
    AnonymousTicket,
    Assignment,
    CheckIn,
    Contact,
    SentForm,
    SupportRequest,
    TicketMessage,
)
from sidebar.vault import services as vault
from sidebar.vault.models import DataKey
from tests.factories import activate_totp, ask_as, make_account, make_peer

pytestmark = pytest.mark.django_db

JOIN_WINDOW = datetime.timedelta(minutes=1)


@pytest.fixture
def office(cast):
    """A roster of two units. The person who asks is a peer supporter in unit A (so their
    sign-ins are named in the audit log); another peer in unit B helps them."""
    activate_totp(cast.team_leader)
    asker = make_account("asker@example.gov", Role.PEER)
    friend = make_account("friend@example.gov", Role.PEER)
    helper = make_account("helper@example.gov", Role.PEER)
    colleagues = [make_account(f"colleague{n}@example.gov") for n in range(6)]
    boss = make_account("boss@example.gov")
    unit_a = cast.staff.person.unit
    for person in (asker.person, friend.person, *[c.person for c in colleagues[:3]]):
        person.unit, person.supervisor = unit_a, boss.person
        person.save(update_fields=["unit", "supervisor"])
    make_peer(asker)
    make_peer(friend)
    return cast, asker, make_peer(friend), make_peer(helper)


def _walk_through(cast, asker, friend_profile, helper_profile, client) -> SupportRequest:
    """Sign in, ask (naming a peer, a language), be helped, be closed; then the retention job."""
    client.force_login(asker)  # a named sign-in, to the second
    support_request = ask_as(asker, requested_peer=friend_profile, language="vi", topics=["grief"])
    assignment = services.assign(support_request=support_request, peer=helper_profile, by=cast.team_leader)
    services.accept(assignment=assignment, by=helper_profile.person.user)
    today = timezone.localdate()
    services.log_contact(
        assignment=assignment,
        date=today,
        minutes=45,
        mode="in_person",
        response_type="ongoing",
        topics=["grief"],
        referrals=[],
        next_check_in=today,
    )
    services.complete_check_in(check_in=CheckIn.objects.get(request=support_request))
    services.close(support_request=support_request, by=cast.team_leader)
    return support_request


def _datetimes(row: models.Model) -> list[tuple[str, datetime.datetime]]:
    return [
        (field.name, getattr(row, field.name))
        for field in row._meta.concrete_fields
        if isinstance(field, models.DateTimeField) and getattr(row, field.name) is not None
    ]


def _residue(support_request: SupportRequest) -> list[models.Model]:
    request_id = support_request.pk
    return [
        SupportRequest.objects.get(pk=request_id),
        DataKey.objects.get(pk=support_request.data_key_id),
        *Assignment.objects.filter(request_id=request_id),
        *Contact.objects.filter(request_id=request_id),
        *CheckIn.objects.filter(request_id=request_id),
        *AnonymousTicket.objects.filter(request_id=request_id),
    ]


def _signed_in_around(moment: datetime.datetime) -> set[object]:
    """The accounts the audit log shows signing in during the minute before ``moment``."""
    return set(
        AuditEvent.objects.filter(
            action=Action.SIGN_IN, actor_id__isnull=False, at__gte=moment - JOIN_WINDOW, at__lte=moment
        ).values_list("actor_id", flat=True)
    )


def _people_named(rows: list[models.Model]) -> set[object]:
    """Every staff record the rows point at, through a peer profile or an account."""
    named: set[object] = set()
    for row in rows:
        for field in row._meta.concrete_fields:
            target = getattr(row, field.name, None) if field.is_relation else None
            person = getattr(target, "person", None)
            if isinstance(person, Person):
                named.add(person.pk)
    return named


def test_after_shredding_neither_the_sign_ins_nor_the_roster_single_the_person_out(client, office):
    cast, asker, friend_profile, helper_profile = office
    support_request = _walk_through(cast, asker, friend_profile, helper_profile, client)
    assert _signed_in_around(SupportRequest.objects.get(pk=support_request.pk).created_at) == {asker.pk}

    vault.shred_due(now=timezone.now() + datetime.timedelta(days=31))

    rows = _residue(support_request)
    # the sign-in log: no time left on any row has a sign-in in the minute before it
    for row in rows:
        for name, moment in _datetimes(row):
            assert len(_signed_in_around(moment)) != 1, f"{row._meta.label}.{name} points at one account"
    # the roster: the rows name only the peer who helped and the team leader who assigned
    named = _people_named(rows)
    assert named <= {helper_profile.person.pk, cast.team_leader.person.pk}
    assert asker.person.pk not in named and friend_profile.person.pk not in named
    # whoever is outside the helper's chain of command (matching's only rule) fits: several do
    excluded = set(chain_of_command(helper_profile.person).values_list("pk", flat=True)) | named
    fits = Person.objects.exclude(pk__in=excluded)
    assert fits.filter(pk=asker.person.pk).exists() and fits.count() >= 5


def test_what_remains_is_the_month_the_week_and_the_codes(client, office):
    cast, asker, friend_profile, helper_profile = office
    support_request = _walk_through(cast, asker, friend_profile, helper_profile, client)
    before = SupportRequest.objects.get(pk=support_request.pk)
    vault.shred(key=support_request.data_key, reason="retention")

    zone = zoneinfo.ZoneInfo(Agency.objects.get().timezone)
    row = SupportRequest.objects.get(pk=support_request.pk)
    for moment in (row.created_at, row.first_contact_at, row.closed_at):
        local = moment.astimezone(zone)
        assert (local.day, local.hour, local.minute, local.second, local.microsecond) == (1, 0, 0, 0, 0)
    assert row.created_at.astimezone(zone).month == before.created_at.astimezone(zone).month
    assert (row.topics, row.language, row.referral_reason, row.requested_peer_id) == ([], "", "", None)
    assert (row.source, row.urgency, row.kind, row.status) == (before.source, before.urgency, before.kind, "closed")
    expected_wait = (before.first_contact_at - before.created_at).total_seconds() / 60
    assert row.first_contact_wait_minutes is not None and 0 <= row.first_contact_wait_minutes - expected_wait < 1
    contact = Contact.objects.get(request=row)
    assert contact.date.weekday() == 0 or contact.date.day == 1
    assert contact.peer_id == helper_profile.pk and contact.minutes == 45 and contact.topics == ["grief"]
    key = DataKey.objects.get(pk=row.data_key_id)
    assert key.shred_after is None and key.shredded_at.day == 1 and key.shredded_at.hour == 0


def test_monthly_figures_are_the_same_before_and_after_shredding(client, office):
    cast, asker, friend_profile, helper_profile = office
    support_request = _walk_through(cast, asker, friend_profile, helper_profile, client)
    agency = Agency.objects.get()
    period = Period.containing(timezone.localdate(), Grain.MONTH)

    def figures(as_recorded: bool):
        gathered = gather(period, agency=agency, as_recorded=as_recorded)
        return dataclasses.replace(gathered, medians={}), gathered.medians

    before = {flag: figures(flag) for flag in (False, True)}
    vault.shred(key=support_request.data_key, reason="retention")
    after = {flag: figures(flag) for flag in (False, True)}
    for flag in (False, True):
        assert after[flag][0] == before[flag][0]
        assert after[flag][1].keys() == before[flag][1].keys()
        for urgency, wait in before[flag][1].items():
            assert datetime.timedelta(0) <= after[flag][1][urgency] - wait < datetime.timedelta(minutes=1)


def test_a_shredded_anonymous_ticket_keeps_no_messages_code_or_time(client, cast):
    ticket = tickets.ask_anonymously(urgency="routine", kind="post_crisis", topics=[], message="I need to talk").ticket
    services.close_by_person(support_request=ticket.request, shred_now=True)
    row = AnonymousTicket.objects.get(pk=ticket.pk)
    assert row.passphrase_hash == "" and row.code != ticket.code
    assert not TicketMessage.objects.filter(ticket=row).exists()
    assert row.created_at.astimezone(zoneinfo.ZoneInfo(Agency.objects.get().timezone)).day == 1
    assert not SentForm.objects.filter(request=ticket.request).exists()
