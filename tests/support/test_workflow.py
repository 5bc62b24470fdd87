"""The support workflow: ask, triage, offer, accept or decline, record, check in, close."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from sidebar.audit.models import Action, AuditEvent
from sidebar.support import services
from sidebar.support.models import Assignment, CheckIn, Contact, SupportRequest
from sidebar.vault.models import DataKey
from tests.factories import activate_totp, ask_as, make_account, make_peer

pytestmark = pytest.mark.django_db


@pytest.fixture
def team(cast):
    """The cast's peer is an active, trained, signed peer; the leader and peer have TOTP."""
    activate_totp(cast.team_leader)
    activate_totp(cast.peer)
    cast.peer_profile = make_peer(cast.peer)
    return cast


def signed_in(client, user):
    client.force_login(user)
    return client


def test_asking_keeps_identity_out_of_the_request_row(client, team):
    signed_in(client, team.staff)
    response = client.post(
        reverse("support:ask"),
        {"urgency": "soon", "kind": "post_crisis", "topics": ["grief"], "phone": "555-0199", "understood": "on"},
        follow=True,
    )
    assert response.status_code == 200 and "Received" in response.content.decode()
    support_request = SupportRequest.objects.get()
    row = " ".join(str(value) for value in support_request.__dict__.values())
    assert "Staff" not in row and "555-0199" not in row
    assert support_request.topics == ["grief"] and support_request.urgency == "soon"


def test_a_form_with_errors_keeps_what_was_typed(client, team):
    signed_in(client, team.staff)
    response = client.post(
        reverse("support:ask"), {"urgency": "soon", "phone": "555-0199", "preferred_times": "after 6pm"}
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Please check" in body and 'value="555-0199"' in body and 'value="after 6pm"' in body
    assert not SupportRequest.objects.exists()


def test_the_referrer_sees_only_received_whatever_happens(client, team):
    signed_in(client, team.outsider)
    client.post(
        reverse("support:refer"),
        {"colleague_email": team.staff.email, "reason": "visible_distress", "urgency": "routine"},
    )
    support_request = SupportRequest.objects.get()
    assignment = services.assign(support_request=support_request, peer=team.peer_profile, by=team.team_leader)
    services.accept(assignment=assignment, by=team.peer)
    body = client.get(reverse("support:my_requests")).content.decode()
    assert "received" in body and "with a peer" not in body
    assert team.peer.person.full_name not in body and team.staff.person.full_name not in body
    assert client.get(reverse("support:triage", args=[support_request.pk])).status_code == 403
    assert client.get(reverse("support:assignment", args=[assignment.pk])).status_code == 403


def test_the_queue_shows_no_names(client, team):
    ask_as(team.staff)
    body = signed_in(client, team.team_leader).get(reverse("support:queue")).content.decode()
    assert "1 open request" in body
    assert team.staff.person.full_name not in body


def test_a_supervisor_is_never_suggested_for_their_own_report(client, team):
    boss = make_account("boss@example.gov", password=None)
    team.staff.person.supervisor = boss.person
    team.staff.person.save(update_fields=["supervisor"])
    make_peer(boss)
    support_request = ask_as(team.staff)
    page = signed_in(client, team.team_leader).get(reverse("support:triage", args=[support_request.pk]))
    names = [row["name"] for row in page.context["suggestions"]]
    assert team.peer.person.full_name in names
    assert boss.person.full_name not in names
    with pytest.raises(services.WorkflowError, match="cannot take this request"):
        services.assign(support_request=support_request, peer=boss.person.peer_profile, by=team.team_leader)


def test_offering_emails_the_peer_without_who_or_why(client, team, smtp_server, django_capture_on_commit_callbacks):
    support_request = ask_as(team.staff, topics=["suicide_concern"])
    with django_capture_on_commit_callbacks(execute=True):
        signed_in(client, team.team_leader).post(
            reverse("support:triage", args=[support_request.pk]), {"peer": team.peer_profile.pk}
        )
    [message] = smtp_server.deliver(1)
    text = message.as_string()
    assert message["To"] == team.peer.email
    assert "Something is waiting for you" in text
    for secret in (team.staff.person.full_name, "suicide", "Suicide", "555-0123", str(support_request.pk)):
        assert secret not in text


def test_the_peer_sees_identity_only_after_accepting_and_each_look_is_audited(client, team):
    support_request = ask_as(team.staff)
    assignment = services.assign(support_request=support_request, peer=team.peer_profile, by=team.team_leader)
    signed_in(client, team.peer)
    page = client.get(reverse("support:assignment", args=[assignment.pk])).content.decode()
    assert team.staff.person.full_name not in page
    client.post(reverse("support:answer", args=[assignment.pk]), {"answer": "accept"})
    reads_before = AuditEvent.objects.filter(action=Action.IDENTITY_READ, actor_id=team.peer.pk).count()
    page = client.get(reverse("support:assignment", args=[assignment.pk])).content.decode()
    assert team.staff.person.full_name in page and "555-0123" in page
    assert AuditEvent.objects.filter(action=Action.IDENTITY_READ, actor_id=team.peer.pk).count() == reads_before + 1


def test_declining_needs_a_reason_and_returns_the_request_to_the_queue(client, team):
    support_request = ask_as(team.staff)
    assignment = services.assign(support_request=support_request, peer=team.peer_profile, by=team.team_leader)
    signed_in(client, team.peer)
    response = client.post(reverse("support:answer", args=[assignment.pk]), {"answer": "decline"})
    assert response.status_code == 400 and "Choose why you decline" in response.content.decode()
    client.post(reverse("support:answer", args=[assignment.pk]), {"answer": "decline", "reason": "conflict"})
    support_request.refresh_from_db()
    assert support_request.status == SupportRequest.Status.OPEN
    assert Assignment.objects.get().decline_reason == "conflict"


def test_another_peer_cannot_open_an_assignment_by_url(client, team):
    other = make_account("other.peer@example.gov")
    from sidebar.accounts.roles import Role
    from sidebar.accounts.services import set_roles

    set_roles(user=other, roles=[Role.PEER], by=None)
    activate_totp(other)
    make_peer(other)
    assignment = services.assign(support_request=ask_as(team.staff), peer=team.peer_profile, by=team.team_leader)
    signed_in(client, other)
    assert client.get(reverse("support:assignment", args=[assignment.pk])).status_code == 404
    assert client.post(reverse("support:answer", args=[assignment.pk]), {"answer": "accept"}).status_code == 404


def accepted(team):
    assignment = services.assign(support_request=ask_as(team.staff), peer=team.peer_profile, by=team.team_leader)
    return services.accept(assignment=assignment, by=team.peer)


def test_recording_a_contact_keeps_input_on_error_and_saves_numbers_only(client, team):
    assignment = accepted(team)
    signed_in(client, team.peer)
    url = reverse("support:log_contact", args=[assignment.pk])
    future = (timezone.localdate() + datetime.timedelta(days=3)).isoformat()
    response = client.post(url, {"date": future, "minutes": "45", "mode": "phone", "response_type": "ongoing"})
    assert response.status_code == 400
    assert "cannot be in the future" in response.content.decode() and 'value="45"' in response.content.decode()
    today = timezone.localdate()
    client.post(
        url,
        {
            "date": today.isoformat(),
            "minutes": "45",
            "mode": "phone",
            "response_type": "ongoing",
            "topics": ["grief"],
            "referrals": ["eap"],
            "next_check_in": (today + datetime.timedelta(days=7)).isoformat(),
        },
    )
    contact = Contact.objects.get()
    assert (contact.minutes, contact.topics, contact.referrals) == (45, ["grief"], ["eap"])
    assert CheckIn.objects.get().due_on == today + datetime.timedelta(days=7)
    assert SupportRequest.objects.get().first_contact_at is not None


def test_check_in_reminders_go_once_and_say_nothing(team, smtp_server, django_capture_on_commit_callbacks):
    assignment = accepted(team)
    services.plan_check_in(assignment=assignment, due_on=timezone.localdate())
    smtp_server.discard_earlier()  # e-mails of the set-up: not what this test is about
    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_check_in_reminders() == 1
    assert services.send_check_in_reminders() == 0
    [message] = smtp_server.deliver(1)
    assert team.staff.person.full_name not in message.as_string()


def test_closing_schedules_shredding_and_shred_now_destroys_the_key(client, team):
    first, second = accepted(team), accepted(team)
    signed_in(client, team.peer)
    client.post(reverse("support:close", args=[first.request_id]))
    client.post(reverse("support:close", args=[second.request_id]), {"shred_now": "on", "confirmed": "yes"})
    first_key = DataKey.objects.get(support_request__pk=first.request_id)
    second_key = DataKey.objects.get(support_request__pk=second.request_id)
    assert first_key.shred_after is not None and first_key.wrapped is not None
    assert second_key.wrapped is None
    assert Assignment.objects.get(pk=first.pk).status == Assignment.Status.ENDED
    # the closed request's identity is no longer shown to the peer
    page = client.get(reverse("support:assignment", args=[first.pk])).content.decode()
    assert "This assignment has ended" in page and team.staff.person.full_name not in page


def test_a_removed_peer_loses_access_at_once(client, team):
    assignment = accepted(team)
    team.peer_profile.status = "removed"
    team.peer_profile.save(update_fields=["status"])
    assert signed_in(client, team.peer).get(reverse("support:assignment", args=[assignment.pk])).status_code == 404


def test_urgent_requests_alert_on_call_peers_and_team_leaders(team, smtp_server, django_capture_on_commit_callbacks):
    team.peer_profile.on_call = True
    team.peer_profile.save(update_fields=["on_call"])
    with django_capture_on_commit_callbacks(execute=True):
        ask_as(team.staff, urgency="urgent")
    recipients = sorted(message["To"] for message in smtp_server.deliver(2))
    assert recipients == sorted([team.peer.email, team.team_leader.email])


def test_queue_and_peer_pages_have_pinned_query_counts(client, team, django_assert_num_queries):
    team.peer_profile.capacity = 10  # the most a peer can take (a database bound)
    team.peer_profile.save(update_fields=["capacity"])
    for _ in range(5):
        accepted(team)
        ask_as(team.staff)
    signed_in(client, team.team_leader)
    client.get(reverse("support:queue"))
    # session, user, roles, agency (read once, for the layout and the targets), two-factor,
    # requests, their assignments, overdue check-ins
    with django_assert_num_queries(8):
        client.get(reverse("support:queue"))
    signed_in(client, team.peer)
    client.get(reverse("support:my_assignments"))
    # session, user, roles, agency, two-factor, assignments, check-ins due, check-ins planned, minutes
    with django_assert_num_queries(9):
        client.get(reverse("support:my_assignments"))


def test_nothing_in_the_database_links_a_request_to_its_sender_in_clear(client, team):
    support_request = ask_as(team.staff)
    key = support_request.data_key
    rows = f"{support_request.__dict__} {key.__dict__}"
    assert str(team.staff.pk) not in rows and team.staff.pk.hex not in rows
    body = signed_in(client, team.staff).get(reverse("support:my_requests")).content.decode()
    assert "For myself" in body
    services.close(support_request=support_request, by=None, shred_now=True)
    key.refresh_from_db()
    assert key.holder_tag == ""
    assert "For myself" not in client.get(reverse("support:my_requests")).content.decode()


def test_a_peer_who_declined_is_not_suggested_again_for_that_request(client, team):
    support_request = ask_as(team.staff)
    assignment = services.assign(support_request=support_request, peer=team.peer_profile, by=team.team_leader)
    services.decline(assignment=assignment, reason="conflict", by=team.peer)
    page = signed_in(client, team.team_leader).get(reverse("support:triage", args=[support_request.pk]))
    assert team.peer.person.full_name not in [row["name"] for row in page.context["suggestions"]]
    with pytest.raises(services.WorkflowError, match="already declined"):
        services.assign(support_request=support_request, peer=team.peer_profile, by=team.team_leader)


def test_only_the_accepting_peer_or_the_team_leader_may_close(client, team):
    from sidebar.accounts.roles import Role
    from sidebar.accounts.services import set_roles

    set_roles(user=team.staff, roles=[Role.PEER], by=None)
    activate_totp(team.staff)
    make_peer(team.staff)
    referral = services.refer_colleague(
        referrer=team.staff, colleague=team.outsider.person, reason="other", urgency="routine"
    )
    # the peer who referred a colleague can see "received", but cannot close or shred it
    response = signed_in(client, team.staff).post(reverse("support:close", args=[referral.pk]), {"shred_now": "on"})
    assert response.status_code == 403
    offered = services.assign(support_request=ask_as(team.outsider), peer=team.peer_profile, by=team.team_leader)
    response = signed_in(client, team.peer).post(reverse("support:close", args=[offered.request_id]))
    assert response.status_code == 403
    assert SupportRequest.objects.filter(status=SupportRequest.Status.CLOSED).count() == 0


def test_a_refused_offer_does_not_say_the_peer_is_in_the_persons_chain(team):
    boss = make_account("boss@example.gov")
    team.staff.person.supervisor = boss.person
    team.staff.person.save(update_fields=["supervisor"])
    boss_profile = make_peer(boss)
    support_request = ask_as(team.staff)
    with pytest.raises(services.WorkflowError) as refused:
        services.assign(support_request=support_request, peer=boss_profile, by=team.team_leader)
    assert "chain" not in str(refused.value) and "themself" not in str(refused.value)
    assert AuditEvent.objects.filter(action=Action.ASSIGNMENT, detail="refused", result="denied").exists()


def test_suggestions_do_not_describe_the_person(client, team):
    support_request = ask_as(team.staff)
    page = signed_in(client, team.team_leader).get(reverse("support:triage", args=[support_request.pk]))
    reasons = [reason for row in page.context["suggestions"] for reason in row["reasons"]]
    assert reasons and not {"same rank tier", "also a supervisor", "works in another unit"} & set(reasons)


def test_a_stale_accept_cannot_reopen_a_closed_request(team):
    assignment = services.assign(support_request=ask_as(team.staff), peer=team.peer_profile, by=team.team_leader)
    services.close(support_request=assignment.request, by=team.team_leader, shred_now=True)
    with pytest.raises(services.WorkflowError, match="no longer open"):
        services.accept(assignment=assignment, by=team.peer)
    assert SupportRequest.objects.get().status == SupportRequest.Status.CLOSED
