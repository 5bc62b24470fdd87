"""Support journeys that broke when tried as a new user would (issue 11): the urgent alert's link,
reloading "Received", withdrawing and deleting one's details, handing a request back, the peer told
when the person closes, and a confirmation before anything that cannot be undone."""

from __future__ import annotations

import re
from decimal import Decimal
from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone

from sidebar.audit.models import Action, AuditEvent
from sidebar.incidents import services as incidents
from sidebar.safeguards.models import ConfidentialityException
from sidebar.support import services, tickets
from sidebar.support.models import Assignment, Contact, SupportRequest
from sidebar.support.ticket_views import SESSION_KEY
from tests.factories import ask_as, make_peer

pytestmark = pytest.mark.django_db

ASK = {"urgency": "soon", "kind": "post_crisis", "topics": ["grief"], "phone": "555-0199", "understood": "on"}


@pytest.fixture
def team(cast):
    cast.peer_profile = make_peer(cast.peer)
    return cast


def token_from(page) -> str:  # type: ignore[no-untyped-def]
    found = re.search(r'name="submission" value="([^"]+)"', page.content.decode())
    assert found, "the form carries no one-time token"
    return found.group(1)


def links_in(message) -> list[str]:  # type: ignore[no-untyped-def]
    return [urlsplit(link).path for link in re.findall(r"https?://\S+", message.as_string())]


def accepted(team, **fields):  # type: ignore[no-untyped-def]
    assignment = services.assign(
        support_request=ask_as(team.staff, **fields), peer=team.peer_profile, by=team.team_leader
    )
    return services.accept(assignment=assignment, by=team.peer)


# --- 1. the urgent alert's link ----------------------------------------------------------------


def test_an_urgent_request_sends_on_call_peers_to_a_page_they_can_open(
    team, signed_in, smtp_server, django_capture_on_commit_callbacks
):
    team.peer_profile.on_call = True
    team.peer_profile.save(update_fields=["on_call"])
    with django_capture_on_commit_callbacks(execute=True):
        ask_as(team.staff, urgency="urgent", topics=["suicide_concern"])
    messages = {message["To"]: message for message in smtp_server.deliver(2)}
    assert links_in(messages[team.team_leader.email]) == [reverse("support:queue")]
    [peer_link] = links_in(messages[team.peer.email])
    assert peer_link != reverse("support:queue")

    page = signed_in(team.peer).get(peer_link)
    body = page.content.decode()
    assert page.status_code == 200
    assert "waiting for the team leader to offer it" in body
    for secret in (team.staff.person.full_name, "555-0123", "Suicide", "suicide"):
        assert secret not in body
    home = signed_in(team.peer).get(reverse("home")).content.decode()
    assert "Urgent requests" in home and peer_link in home


def test_once_offered_the_urgent_page_leads_the_peer_to_the_offer(team, signed_in):
    team.peer_profile.on_call = True
    team.peer_profile.save(update_fields=["on_call"])
    offer = services.assign(
        support_request=ask_as(team.staff, urgency="urgent"), peer=team.peer_profile, by=team.team_leader
    )
    body = signed_in(team.peer).get(reverse("support:urgent")).content.decode()
    assert reverse("support:assignment", args=[offer.pk]) in body
    assert "waiting for the team leader" not in body


def test_a_peer_not_on_call_is_told_so_and_sees_no_urgent_request(team, signed_in):
    ask_as(team.staff, urgency="urgent")
    body = signed_in(team.peer).get(reverse("support:urgent")).content.decode()
    assert "You are not on call" in body and "waiting for the team leader" not in body


# --- 2. reloading "Received" ---------------------------------------------------------------------


def test_asking_redirects_and_sending_the_same_form_again_creates_nothing(team, signed_in):
    client = signed_in(team.staff)
    data = {**ASK, "submission": token_from(client.get(reverse("support:ask")))}
    first = client.post(reverse("support:ask"), data)
    support_request = SupportRequest.objects.get()
    assert first.status_code == 302
    assert first["Location"] == reverse("support:received", args=[support_request.pk])
    assert "Received" in client.get(first["Location"]).content.decode()
    again = client.post(reverse("support:ask"), data)  # what a reload of the old page did
    assert again["Location"] == first["Location"]
    assert SupportRequest.objects.count() == 1


def test_referring_redirects_and_a_double_submit_creates_one_referral(team, signed_in):
    client = signed_in(team.outsider)
    page = client.get(reverse("support:refer"))
    data = {
        "colleague_email": team.staff.email,
        "reason": "visible_distress",
        "urgency": "routine",
        "submission": token_from(page),
    }
    first = client.post(reverse("support:refer"), data)
    second = client.post(reverse("support:refer"), data)
    assert first.status_code == second.status_code == 302 and first["Location"] == second["Location"]
    assert SupportRequest.objects.count() == 1
    received = client.get(first["Location"]).content.decode()
    assert "The peer support team received it" in received and team.staff.person.full_name not in received


def test_the_received_page_shows_only_the_senders_own_request(team, signed_in):
    support_request = ask_as(team.staff)
    url = reverse("support:received", args=[support_request.pk])
    assert signed_in(team.staff).get(url).status_code == 200
    assert signed_in(team.outsider).get(url).status_code == 404
    assert signed_in(team.team_leader).get(url).status_code == 404


# --- 3. withdrawing, deleting one's details, closed requests in "My requests" ----------------------


def test_staff_withdraws_an_open_request_after_a_confirmation_and_it_shows_as_closed(team, signed_in):
    support_request = ask_as(team.staff)
    client = signed_in(team.staff)
    url = reverse("support:withdraw", args=[support_request.pk])
    assert url in client.get(reverse("support:my_requests")).content.decode()
    confirm = client.get(url).content.decode()
    assert "Withdraw this request?" in confirm and "Cancel" in confirm
    assert SupportRequest.objects.get().status == "open"  # looking at the step changes nothing

    response = client.post(url, follow=True)
    assert "Withdrawn." in response.content.decode()
    support_request.refresh_from_db()
    assert support_request.status == "closed" and support_request.data_key.shred_after is not None
    listed = client.get(reverse("support:my_requests")).content.decode()
    assert "For myself" in listed and ">closed<" in listed
    # the audit trail of the withdrawal names no account: that row would link the person to it
    closed = AuditEvent.objects.get(action=Action.REQUEST_CLOSED)
    assert closed.actor_id is None and closed.detail == "person_closed:retention"


def test_staff_has_their_details_deleted_now_and_a_double_click_does_no_harm(team, signed_in):
    support_request = ask_as(team.staff)
    client = signed_in(team.staff)
    url = reverse("support:delete_details", args=[support_request.pk])
    assert "cannot be undone" in client.get(url).content.decode()
    client.post(url)
    again = client.post(url, follow=True)
    assert again.status_code == 200 and "no longer linked to your account" in again.content.decode()
    support_request.refresh_from_db()
    assert support_request.status == "closed" and support_request.data_key.is_shredded
    assert "For myself" not in client.get(reverse("support:my_requests")).content.decode()
    shredded = AuditEvent.objects.get(action=Action.IDENTITY_SHREDDED)
    assert shredded.actor_id is None


def test_withdrawing_and_deleting_are_refused_while_an_exception_holds_the_request(team, signed_in):
    assignment = accepted(team)
    ConfidentialityException.objects.create(
        request_id=assignment.request_id, category="danger_self", raised_by=team.peer
    )
    client = signed_in(team.staff)
    for name in ("support:withdraw", "support:delete_details"):
        url = reverse(name, args=[assignment.request_id])
        assert "This request is on hold" in client.get(url).content.decode()
        response = client.post(url, follow=True)
        assert "on hold" in response.content.decode()
    support_request = SupportRequest.objects.get()
    assert support_request.status == "active" and not support_request.data_key.is_shredded
    # nor can the peer delete the details now while it is held
    response = signed_in(team.peer).post(
        reverse("support:close", args=[assignment.request_id]), {"shred_now": "on", "confirmed": "yes"}, follow=True
    )
    assert "on hold" in response.content.decode()
    assert not SupportRequest.objects.get().data_key.is_shredded


def test_nobody_withdraws_a_request_that_is_not_their_own(team, signed_in):
    support_request = ask_as(team.staff)
    referral = services.refer_colleague(
        referrer=team.outsider, colleague=team.staff.person, reason="other", urgency="routine"
    )
    for user, item in (
        (team.outsider, support_request),
        (team.team_leader, support_request),
        (team.outsider, referral),
    ):
        for name in ("support:withdraw", "support:delete_details"):
            assert signed_in(user).get(reverse(name, args=[item.pk])).status_code == 404
    signed_in(team.outsider).post(reverse("support:delete_details", args=[support_request.pk]))
    assert SupportRequest.objects.filter(status="open").count() == 2


# --- 4. handing back; the peer told when the person closes ------------------------------------------


def test_a_peer_hands_an_accepted_request_back_with_a_reason_category(
    team, signed_in, smtp_server, django_capture_on_commit_callbacks
):
    assignment = accepted(team)
    client = signed_in(team.peer)
    url = reverse("support:hand_back", args=[assignment.pk])
    missing = client.post(url, {})
    assert missing.status_code == 400 and "Choose why you hand it back" in missing.content.decode()
    smtp_server.discard_earlier()  # e-mails of the set-up: not what this test is about
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"reason": "capacity"})
    assert response["Location"] == reverse("support:my_assignments")
    assignment.refresh_from_db()
    assert assignment.status == "ended" and assignment.end_reason == "handed_back"
    assert assignment.decline_reason == "capacity"
    assert SupportRequest.objects.get().status == "open"
    page = client.get(reverse("support:assignment", args=[assignment.pk])).content.decode()
    assert "You handed this request back" in page and team.staff.person.full_name not in page
    [message] = smtp_server.deliver(1)
    assert message["To"] == team.team_leader.email and links_in(message) == [reverse("support:queue")]
    with pytest.raises(services.WorkflowError):  # not offered to the same peer again
        services.assign(support_request=SupportRequest.objects.get(), peer=team.peer_profile, by=team.team_leader)


def test_the_peer_is_told_when_the_anonymous_person_closes_their_ticket(
    team, signed_in, client, smtp_server, django_capture_on_commit_callbacks, settings
):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    created = tickets.ask_anonymously(urgency="routine", kind="post_crisis", topics=[], message="Hello.")
    offer = services.assign(support_request=created.ticket.request, peer=team.peer_profile, by=team.team_leader)
    services.accept(assignment=offer, by=team.peer)
    session = client.session
    session[SESSION_KEY] = {"id": str(created.ticket.pk), "opened_at": timezone.now().timestamp()}
    session.save()
    smtp_server.discard_earlier()  # e-mails of the set-up: not what this test is about
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("tickets:close"))
    [message] = smtp_server.deliver(1)
    assert message["To"] == team.peer.email
    assert "closed by the person who asked" in message.as_string() and "Hello" not in message.as_string()
    offer.refresh_from_db()
    assert offer.end_reason == "person_closed"
    for page in (reverse("home"), reverse("support:my_assignments")):
        assert "was closed by the person who asked" in signed_in(team.peer).get(page).content.decode()


# --- 5. a confirmation before what cannot be undone --------------------------------------------------


def test_deleting_the_details_on_closing_asks_for_confirmation_first(team, signed_in):
    assignment = accepted(team)
    client = signed_in(team.peer)
    url = reverse("support:close", args=[assignment.request_id])
    step = client.post(url, {"shred_now": "on"})
    assert step.status_code == 200 and "cannot be undone" in step.content.decode()
    assert reverse("support:assignment", args=[assignment.pk]) in step.content.decode()  # Cancel
    assert SupportRequest.objects.get().status == "active"
    client.post(url, {"shred_now": "on", "confirmed": "yes"})
    assert SupportRequest.objects.get().data_key.is_shredded


def test_deleting_every_message_of_a_ticket_asks_for_confirmation_first(client, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    created = tickets.ask_anonymously(urgency="routine", kind="post_crisis", topics=[], message="Hello.")
    session = client.session
    session[SESSION_KEY] = {"id": str(created.ticket.pk), "opened_at": timezone.now().timestamp()}
    session.save()
    step = client.post(reverse("tickets:close"), {"shred_now": "on"})
    assert step.status_code == 200 and "cannot be undone" in step.content.decode()
    assert SupportRequest.objects.get().status == "open"
    client.post(reverse("tickets:close"), {"shred_now": "on", "confirmed": "yes"})
    assert SupportRequest.objects.get().data_key.is_shredded


def test_ending_mutual_aid_asks_for_confirmation_first(team, signed_in):
    aid = incidents.record_mutual_aid(
        direction="given",
        other_agency="Kern County Probation",
        starts_on=timezone.localdate(),
        ends_on=None,
        hours=Decimal(8),
        peers=[team.peer_profile],
        by=team.team_leader,
    )
    client = signed_in(team.team_leader)
    url = reverse("incidents:mutual_aid_end", args=[aid.pk])
    step = client.post(url)
    assert step.status_code == 200 and "cannot be undone" in step.content.decode()
    aid.refresh_from_db()
    assert aid.ends_on is None and Assignment.objects.get().status == "accepted"
    client.post(url, {"confirmed": "yes"})
    aid.refresh_from_db()
    assert aid.ends_on is not None and Assignment.objects.get().status == "ended"


def test_a_contact_form_sent_twice_records_one_contact(team, signed_in):
    assignment = accepted(team)
    client = signed_in(team.peer)
    page = client.get(reverse("support:assignment", args=[assignment.pk]))
    data = {
        "date": timezone.localdate().isoformat(),
        "minutes": "30",
        "mode": "phone",
        "response_type": "post_crisis",
        "submission": token_from(page),
    }
    url = reverse("support:log_contact", args=[assignment.pk])
    client.post(url, data)
    again = client.post(url, data, follow=True)
    assert "not recorded twice" in again.content.decode()
    assert Contact.objects.count() == 1


def test_asking_for_a_debrief_with_a_double_click_asks_once(team, signed_in):
    client = signed_in(team.peer)
    data = {"submission": token_from(client.get(reverse("support:debrief")))}
    client.post(reverse("support:debrief"), data)
    client.post(reverse("support:debrief"), data)
    assert SupportRequest.objects.filter(source="debrief").count() == 1
