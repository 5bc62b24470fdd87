"""Support for the supporters: after a contact about suicide or a critical incident the peer is
offered a debrief with the clinical advisor — a request like any other, routed to the clinical
advisor and kept from the team leader."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from sidebar.audit.models import Action, AuditEvent
from sidebar.support import services
from sidebar.support.models import SupportRequest
from tests.conftest import Mailbox
from tests.factories import Cast, activate_totp, ask_as, make_peer

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:  # type: ignore[no-untyped-def]
    activate_totp(user)
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def peer_client(cast: Cast) -> Client:
    cast.peer.person.full_name = "Rowan Ashgrove"  # distinctive, so "not in the e-mail" means something
    cast.peer.person.save(update_fields=["full_name"])
    profile = make_peer(cast.peer)
    assignment = services.assign(support_request=ask_as(cast.staff), peer=profile, by=cast.team_leader)
    services.accept(assignment=assignment, by=cast.peer)
    client = signed_in(cast.peer)
    client.assignment = assignment  # type: ignore[attr-defined]
    return client


def log(client: Client, *topics: str):  # type: ignore[no-untyped-def]
    url = reverse("support:log_contact", args=[client.assignment.pk])  # type: ignore[attr-defined]
    data = {"date": timezone.localdate().isoformat(), "minutes": "50", "mode": "phone", "response_type": "post_crisis"}
    return client.post(url, {**data, "topics": list(topics)})


def test_a_heavy_contact_offers_a_debrief_and_a_light_one_does_not(peer_client: Client) -> None:
    assert log(peer_client, "grief").url == reverse("support:assignment", args=[peer_client.assignment.pk])  # type: ignore[attr-defined]
    response = log(peer_client, "suicide_concern", "grief")
    assert response.url == reverse("support:debrief")
    assert "Ask the clinical advisor for a debrief" in peer_client.get(response.url).content.decode()


def test_the_debrief_reaches_the_clinical_advisor_only(
    cast: Cast, peer_client: Client, smtp_server: Mailbox, django_capture_on_commit_callbacks
) -> None:
    smtp_server.discard_earlier()  # e-mails of the set-up: not what this test is about
    with django_capture_on_commit_callbacks(execute=True):
        peer_client.post(reverse("support:debrief"))
    debrief = SupportRequest.objects.get(source="debrief")
    assert [message["To"] for message in smtp_server.deliver()] == ["clinician@example.gov"]
    body = smtp_server.messages[0].get_payload()
    assert "debrief" in body  # it says what waits …
    assert cast.peer.person.full_name not in body and cast.peer.email not in body  # … never who asked

    advisor = signed_in(cast.clinical_advisor)
    page = advisor.get(reverse("support:debriefs")).content.decode()
    assert "Rowan Ashgrove" in page and "peer@example.gov" in page
    assert AuditEvent.objects.filter(action=Action.IDENTITY_READ, actor_id=cast.clinical_advisor.pk).exists()

    leader = signed_in(cast.team_leader)
    assert str(debrief.pk) not in leader.get(reverse("support:queue")).content.decode()
    assert leader.get(reverse("support:triage", args=[debrief.pk])).status_code == 404

    advisor.post(reverse("support:debrief_done", args=[debrief.pk]))
    debrief.refresh_from_db()
    assert debrief.status == SupportRequest.Status.CLOSED
    assert debrief.data_key.shred_after is not None
    assert debrief.data_key.shred_after > timezone.now() + datetime.timedelta(days=1)
