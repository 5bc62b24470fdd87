"""Critical incidents: one action reaches everyone affected without naming anyone to anyone,
witnesses and affected peers stand aside, sessions come with a calendar file, and the follow-up
lands on the peers' home pages."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from icalendar import Calendar

from sidebar.accounts.models import User
from sidebar.accounts.roles import Role
from sidebar.audit.models import Action, AuditEvent
from sidebar.incidents import selectors, services
from sidebar.incidents.models import AnniversaryReminder, GroupSession, Incident, Recusal
from sidebar.lib.workdays import next_working_day
from sidebar.org.models import Unit
from sidebar.support import matching
from sidebar.support import services as support
from sidebar.support.models import Assignment, CheckIn, SupportRequest
from sidebar.support.selectors import candidates, need_for
from sidebar.team.models import PeerProfile
from tests.conftest import Mailbox
from tests.factories import Cast, UnitFactory, activate_totp, make_account, make_peer

pytestmark = pytest.mark.django_db


@dataclass
class Office:
    cast: Cast
    courts: Unit  # the unit the threat was against
    appeals: Unit
    clerk: User  # in courts
    judge_aide: User  # in courts
    witness: PeerProfile  # a peer in appeals who saw it
    affected_peer: PeerProfile  # a peer in courts
    free_peer: PeerProfile  # a peer in appeals, free to help


@pytest.fixture
def office(cast: Cast) -> Office:
    courts, appeals = UnitFactory(name="Courtroom staff"), UnitFactory(name="Appeals")
    return Office(
        cast=cast,
        courts=courts,
        appeals=appeals,
        clerk=make_account("dana.clerk@example.gov", unit=courts),
        judge_aide=make_account("eli.aide@example.gov", unit=courts),
        witness=make_peer(make_account("wes.witness@example.gov", Role.PEER, unit=appeals)),
        affected_peer=make_peer(make_account("alma.affected@example.gov", Role.PEER, unit=courts)),
        free_peer=make_peer(make_account("fay.free@example.gov", Role.PEER, unit=appeals)),
    )


def activate_threat(office: Office, **overrides: object) -> services.Activation:
    values: dict[str, object] = {
        "kind": Incident.Kind.THREAT_ASSAULT,
        "occurred_on": timezone.localdate(),
        "units": [office.courts],
        "witnesses": [office.witness],
        "by": office.cast.team_leader,
    }
    values.update(overrides)
    return services.activate(**values)  # type: ignore[arg-type]


def test_activation_offers_support_to_each_person_in_the_unit_by_an_email_naming_no_one(
    office: Office, smtp_server: Mailbox, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        activation = activate_threat(office)

    in_unit = {"dana.clerk@example.gov", "eli.aide@example.gov", "alma.affected@example.gov"}
    assert activation.people_reached == len(in_unit) == activation.incident.outreach.count()
    recipients = [message["To"] for message in smtp_server.deliver()]
    assert sorted(recipients) == sorted(in_unit)  # one message each, nobody else
    names = ["Dana Clerk", "Eli Aide", "Alma Affected", "Wes Witness", "Fay Free", "Leader"]
    for message in smtp_server.messages:
        body = message.get_payload()
        assert "988" in body and "555-0100" in body  # the crisis line and the EAP
        assert not any(name.lower() in body.lower() for name in names)
        assert "threat" not in body.lower()  # nor what happened


def test_the_incident_lists_no_one_each_person_is_sealed_in_their_own_request(office: Office) -> None:
    activation = activate_threat(office)
    outreach = SupportRequest.objects.filter(incident=activation.incident)
    assert outreach.count() == 3
    assert len({item.data_key_id for item in outreach}) == 3
    assert AuditEvent.objects.filter(action=Action.INCIDENT, detail="activated:3").exists()
    # the person finds the offer among their own requests
    client = Client()
    client.force_login(office.clerk)
    page = client.get(reverse("support:my_requests")).content.decode()
    assert "Support offered to you by the team" in page


def test_witnesses_and_affected_peers_stand_aside_and_are_never_suggested(office: Office) -> None:
    activation = activate_threat(office)
    reasons = {r.peer_id: r.reason for r in activation.incident.recusals.all()}
    assert reasons == {office.witness.pk: Recusal.Reason.WITNESS, office.affected_peer.pk: Recusal.Reason.AFFECTED}

    for item in activation.incident.outreach.all():
        suggested = {s.candidate.peer_id for s in matching.rank(need_for(item, actor=None), candidates())}
        assert office.witness.pk not in suggested
        assert office.affected_peer.pk not in suggested
        with pytest.raises(support.WorkflowError, match="recused for this incident"):
            support.assign(support_request=item, peer=office.witness, by=office.cast.team_leader)


def test_an_affected_peer_is_offered_support_and_helps_only_after_opting_in(
    office: Office, smtp_server: Mailbox, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        activation = activate_threat(office)
    assert "alma.affected@example.gov" in [message["To"] for message in smtp_server.deliver()]
    recusal = activation.incident.recusals.get(peer=office.affected_peer)

    peer_client = signed_in(office.affected_peer.person.user)
    assert "I can support others after this incident" in peer_client.get(reverse("home")).content.decode()
    response = peer_client.post(reverse("incidents:opt_in", kwargs={"pk": recusal.pk}))
    assert response.status_code == 302

    item = activation.incident.outreach.exclude(pk__in=_outreach_of(office.affected_peer.person.user)).first()
    suggested = {s.candidate.peer_id for s in matching.rank(need_for(item, actor=None), candidates())}
    assert office.affected_peer.pk in suggested
    assert office.witness.pk not in suggested


def _outreach_of(user: User) -> list[object]:
    from sidebar.vault.services import holder_tags

    return list(
        SupportRequest.objects.filter(data_key__holder_tag__in=holder_tags(user.pk)).values_list("pk", flat=True)
    )


def test_a_witness_cannot_opt_in_and_no_peer_opts_in_for_another(office: Office) -> None:
    activation = activate_threat(office)
    witness_recusal = activation.incident.recusals.get(peer=office.witness)
    with pytest.raises(services.IncidentError):
        services.opt_in(recusal=witness_recusal, by=office.witness.person.user)

    affected = activation.incident.recusals.get(peer=office.affected_peer)
    other = signed_in(office.free_peer.person.user)
    assert other.post(reverse("incidents:opt_in", kwargs={"pk": affected.pk})).status_code == 404
    affected.refresh_from_db()
    assert affected.opted_in_at is None


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_recusal_holds_under_random_incidents(office: Office, data: st.DataObject) -> None:
    """Whatever the units, the named people and the witnesses, no peer standing aside is ever
    suggested for — or assignable to — the incident's outreach."""
    peers = list(PeerProfile.objects.filter(status=PeerProfile.Status.ACTIVE).order_by("pk"))
    units = data.draw(st.lists(st.sampled_from([office.courts, office.appeals]), unique=True))
    named = data.draw(st.lists(st.sampled_from([office.clerk.person, office.witness.person]), unique=True))
    if not units and not named:
        units = [office.appeals]
    witnesses = data.draw(st.lists(st.sampled_from(peers), unique=True))
    activation = activate_threat(office, units=units, people=named, witnesses=witnesses)

    aside = set(activation.incident.recusals.standing_aside().values_list("peer_id", flat=True))
    assert {w.pk for w in witnesses} <= aside
    for row in selectors.board(activation.incident, actor=office.cast.team_leader):
        suggested = {s["peer_id"] for s in row.suggestions}
        assert not suggested & aside
        assert row.proposed not in aside


def test_accepting_outreach_proposes_the_incidents_check_ins_on_the_peers_home_page(office: Office) -> None:
    four_days_ago = timezone.localdate() - datetime.timedelta(days=4)
    activation = activate_threat(office, occurred_on=four_days_ago)
    item = activation.incident.outreach.first()
    assignment = support.assign(support_request=item, peer=office.free_peer, by=office.cast.team_leader)
    support.accept(assignment=assignment, by=office.free_peer.person.user)

    today = timezone.localdate()
    due = sorted(CheckIn.objects.filter(request=item, peer=office.free_peer).values_list("due_on", flat=True))
    # 2 days after is past: due today; then 7, 30 and 90 days after the incident (on working days)
    expected = [today, *(four_days_ago + datetime.timedelta(days=d) for d in (7, 30, 90))]
    assert due == sorted({next_working_day(day) for day in expected})

    client = signed_in(office.free_peer.person.user)
    home = client.get(reverse("home")).content.decode()
    assert "Planned" in home
    for day in due[1:3]:
        assert f"{day:%A} {day.day} {day:%B}" in home


def test_the_board_proposes_on_call_peers_first_and_spreads_the_work(office: Office) -> None:
    office.free_peer.on_call = True
    office.free_peer.capacity = 1
    office.free_peer.save()
    activation = activate_threat(office)
    rows = selectors.board(activation.incident, actor=office.cast.team_leader)
    proposals = [row.proposed for row in rows]
    assert proposals[0] == office.free_peer.pk  # on call
    assert proposals.count(office.free_peer.pk) == 1  # capacity 1: the next rows get someone else


def test_bulk_assignment_from_the_board_offers_each_chosen_peer(office: Office, signed_in_leader: Client) -> None:
    activation = activate_threat(office)
    rows = selectors.board(activation.incident, actor=office.cast.team_leader)
    form = {f"peer-{row.request.pk}": str(row.proposed) for row in rows if row.proposed}
    response = signed_in_leader.post(reverse("incidents:board", kwargs={"pk": activation.incident.pk}), form)
    assert response.status_code == 302
    assert Assignment.objects.filter(request__incident=activation.incident).count() == len(form)


def signed_in(user: User) -> Client:
    """A client signed in as ``user``, with two-factor sign-in set up as privileged roles must."""
    activate_totp(user)
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def signed_in_leader(cast: Cast) -> Client:
    return signed_in(cast.team_leader)


def test_a_debriefing_invites_the_unit_with_a_calendar_file_that_parses(
    office: Office, smtp_server: Mailbox, django_capture_on_commit_callbacks
) -> None:
    activation = activate_threat(office)
    smtp_server.discard_earlier()  # the activation's offers
    starts = timezone.now().replace(microsecond=0) + datetime.timedelta(days=2)
    with django_capture_on_commit_callbacks(execute=True):
        session = services.schedule_session(
            incident=activation.incident,
            kind=GroupSession.Kind.DEBRIEFING,
            starts_at=starts,
            minutes=90,
            place="Training room B",
            facilitators=[office.free_peer],
            clinical_advisor_facilitates=True,
            by=office.cast.team_leader,
        )
    recipients = sorted(message["To"] for message in smtp_server.deliver())
    assert recipients == sorted(
        [
            "dana.clerk@example.gov",
            "eli.aide@example.gov",
            "alma.affected@example.gov",
            "fay.free@example.gov",  # facilitator
            "clinician@example.gov",  # the clinical advisor facilitates
        ]
    )
    attachment = next(part for part in smtp_server.messages[0].walk() if part.get_content_type() == "text/calendar")
    event = Calendar.from_ical(attachment.get_payload(decode=True)).walk("VEVENT")[0]
    assert event.decoded("dtstart") == starts
    assert event.decoded("dtend") == starts + datetime.timedelta(minutes=90)
    assert str(event.get("location")) == "Training room B"
    assert "threat" not in attachment.get_payload(decode=True).decode().lower()
    # a calendar is seen by assistants and by colleagues looking for a free slot: nothing in the
    # entry says peer support, an incident or a debriefing
    assert str(event.get("summary")) == "Voluntary meeting"
    shown = attachment.get_payload(decode=True).decode().lower()
    assert not any(word in shown for word in ("peer", "support", "debrief", "defus", "incident", "confidential"))
    assert session.invitations_sent_at is not None


def test_a_witness_cannot_facilitate(office: Office) -> None:
    activation = activate_threat(office)
    assert office.witness not in selectors.facilitator_choices(activation.incident)
    with pytest.raises(services.IncidentError):
        services.schedule_session(
            incident=activation.incident,
            kind=GroupSession.Kind.DEFUSING,
            starts_at=timezone.now() + datetime.timedelta(hours=2),
            minutes=60,
            place="Room 1",
            facilitators=[office.witness],
            clinical_advisor_facilitates=False,
            by=office.cast.team_leader,
        )


def test_session_proposals_follow_the_cism_timing(office: Office) -> None:
    now = timezone.now()
    threat = activate_threat(office, occurred_on=timezone.localdate()).incident
    mass = activate_threat(office, kind=Incident.Kind.MASS_CASUALTY, occurred_on=timezone.localdate()).incident
    defusing = services.proposed_start(threat, GroupSession.Kind.DEFUSING, now=now)
    assert datetime.timedelta(hours=1) < defusing - now <= datetime.timedelta(hours=4)
    debriefing = services.proposed_start(threat, GroupSession.Kind.DEBRIEFING, now=now)
    assert debriefing.date() == next_working_day(timezone.localdate() + datetime.timedelta(days=2))
    weeks_later = services.proposed_start(mass, GroupSession.Kind.DEBRIEFING, now=now)
    assert weeks_later.date() == next_working_day(timezone.localdate() + datetime.timedelta(days=21))


def test_the_calendar_file_is_for_the_team_leader_and_the_sessions_facilitators_only(office: Office) -> None:
    activation = activate_threat(office)
    session = services.schedule_session(
        incident=activation.incident,
        kind=GroupSession.Kind.DEBRIEFING,
        starts_at=timezone.now() + datetime.timedelta(days=1),
        minutes=90,
        place="Room 2",
        facilitators=[office.free_peer],
        clinical_advisor_facilitates=False,
        by=office.cast.team_leader,
    )
    url = reverse("incidents:session_ics", kwargs={"pk": session.pk})
    facilitator, other_peer = signed_in(office.free_peer.person.user), signed_in(office.witness.person.user)
    response = facilitator.get(url)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    assert other_peer.get(url).status_code == 404


def test_the_anniversary_reminder_goes_to_team_leaders_once(
    office: Office, smtp_server: Mailbox, django_capture_on_commit_callbacks
) -> None:
    today = timezone.localdate()
    occurred = today.replace(year=today.year - 1) + datetime.timedelta(days=10)
    activate_threat(office, occurred_on=occurred)
    smtp_server.discard_earlier()  # the activation's offers
    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_anniversary_reminders(today=today) == 1
        assert services.send_anniversary_reminders(today=today) == 0
    assert [message["To"] for message in smtp_server.deliver()] == ["leader@example.gov"]
    assert AnniversaryReminder.objects.count() == 1


def test_a_personal_incident_reaches_one_person_and_offers_no_group_session(
    office: Office, smtp_server: Mailbox, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        activation = activate_threat(
            office, kind=Incident.Kind.FAMILY_TRAGEDY, units=[], people=[office.clerk.person], witnesses=[]
        )
    assert activation.people_reached == 1
    assert [message["To"] for message in smtp_server.deliver()] == ["dana.clerk@example.gov"]
    body = smtp_server.messages[0].get_payload()
    assert "you are not being singled out" not in body
    # no reason (the person was not told "something hard" by a team that knows why), and no
    # promise that nothing reaches managers while the exceptions say when it may
    assert "going through something hard" not in body and "passed to your managers" not in body
    assert "/privacy/" in body
    assert activation.incident.outreach.get().topics == ["grief"]


def test_mutual_aid_gives_each_peer_sent_an_assignment_to_log_contacts_against(office: Office) -> None:
    aid = services.record_mutual_aid(
        direction="given",
        other_agency="Riverside County Probation",
        starts_on=timezone.localdate(),
        ends_on=None,
        hours=Decimal("12.5"),
        peers=[office.free_peer],
        by=office.cast.team_leader,
    )
    assignment = Assignment.objects.get(request__mutual_aid=aid)
    assert assignment.peer == office.free_peer and assignment.status == Assignment.Status.ACCEPTED
    contact = support.log_contact(
        assignment=assignment,
        date=timezone.localdate(),
        minutes=45,
        mode="in_person",
        response_type="defusing",
        topics=["critical_incident"],
        referrals=[],
    )
    assert contact.request.mutual_aid == aid
    services.end_mutual_aid(aid=aid, by=office.cast.team_leader)
    assignment.refresh_from_db()
    assert assignment.status == Assignment.Status.ENDED


def test_the_activation_form_checks_before_it_reaches_out_and_keeps_what_was_typed(
    office: Office, signed_in_leader: Client, smtp_server: Mailbox
) -> None:
    url = reverse("incidents:new")
    data = {
        "kind": "threat_assault",
        "occurred_on": timezone.localdate().isoformat(),
        "units": [str(office.courts.pk)],
        "people": "nobody@example.gov",
        "follow_up_days": "2, 7, 30",
    }
    page = signed_in_leader.post(url, data).content.decode()
    assert "No current staff member has this work e-mail: nobody@example.gov" in page
    assert "2, 7, 30" in page  # kept
    data["people"] = ""
    page = signed_in_leader.post(url, data).content.decode()
    assert "This will offer support to <strong>3 people</strong>" in page
    assert not Incident.objects.exists()  # nothing recorded, nothing sent yet
    response = signed_in_leader.post(url, {**data, "confirmed": "yes"})
    incident = Incident.objects.get()
    assert response.url == reverse("incidents:detail", kwargs={"pk": incident.pk})
    assert incident.follow_up_days == [2, 7, 30]
