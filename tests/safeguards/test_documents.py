"""Policy documents: versions, publishing, and signing the team agreement."""

from __future__ import annotations

import pytest
from django.urls import reverse

from sidebar.accounts.roles import Role
from sidebar.audit.models import Action, AuditEvent
from sidebar.safeguards import selectors, services
from sidebar.safeguards.models import PolicyDocument, Signature
from tests.conftest import SignedIn
from tests.factories import make_account, publish_agreement

pytestmark = pytest.mark.django_db

AGREEMENT = PolicyDocument.Kind.TEAM_AGREEMENT
SIGN = reverse("safeguards:sign")


def publish_url(kind: str = AGREEMENT) -> str:
    return reverse("safeguards:publish", kwargs={"kind": kind})


def test_publishing_a_new_agreement_version_makes_peers_who_signed_sign_again(cast, signed_in: SignedIn):
    services.publish_document(kind=AGREEMENT, title="Agreement", body="I keep confidences.", by=cast.team_leader)
    signed_in(cast.peer).post(SIGN, {"version": 1})
    assert selectors.unsigned_agreement_for(cast.peer) is None

    response = signed_in(cast.team_leader).post(
        publish_url(), {"title": "Agreement", "body": "I keep confidences.\n\nExcept as the policy says."}
    )

    assert response.status_code == 302
    second = selectors.current_document(AGREEMENT)
    assert second.version == 2 and second.published_by == cast.team_leader
    assert selectors.unsigned_agreement_for(cast.peer) == second
    assert Signature.objects.filter(user=cast.peer, document__version=1).exists()  # the old signature stays
    events = AuditEvent.objects.filter(action=Action.POLICY_PUBLISHED).values_list("detail", flat=True)
    assert list(events) == ["team_agreement:v1", "team_agreement:v2"]


def test_the_program_administrator_publishes_other_kinds_and_old_versions_stay(cast, signed_in: SignedIn):
    client = signed_in(cast.program_admin)
    kind = PolicyDocument.Kind.CONFIDENTIALITY_NOTICE
    client.post(publish_url(kind), {"title": "Notice", "body": "What we keep."})
    client.post(publish_url(kind), {"title": "Notice", "body": "What we keep, and for how long."})
    assert list(PolicyDocument.objects.filter(kind=kind).values_list("version", "body")) == [
        (2, "What we keep, and for how long."),
        (1, "What we keep."),
    ]


def test_the_publish_form_starts_from_the_current_text(cast, signed_in: SignedIn):
    publish_agreement(by=cast.team_leader)
    body = signed_in(cast.team_leader).get(publish_url()).content.decode()
    assert "I keep what I hear in confidence, except as the policy says." in body
    assert "creates version 2" in body


def test_publish_errors_keep_what_was_typed(cast, signed_in: SignedIn):
    client = signed_in(cast.team_leader)
    response = client.post(publish_url(), {"title": "A title I typed", "body": ""})
    body = response.content.decode()
    assert response.status_code == 200
    assert 'value="A title I typed"' in body and "This field is required." in body

    publish_agreement(by=cast.team_leader)
    same = {
        "title": "Team confidentiality agreement",
        "body": "I keep what I hear in confidence, except as the policy says.",
    }
    response = client.post(publish_url(), same)
    body = response.content.decode()
    assert "same title and text as version 1" in body
    assert "I keep what I hear in confidence" in body
    assert PolicyDocument.objects.count() == 1


def test_only_the_team_leader_and_program_administrator_may_publish(cast):
    for user in (cast.peer, cast.clinical_advisor, cast.leadership, cast.staff):
        with pytest.raises(services.SafeguardError):
            services.publish_document(kind=AGREEMENT, title="T", body="B", by=user)
    assert not PolicyDocument.objects.exists()


def test_document_page_shows_the_current_version_in_paragraphs(cast, signed_in: SignedIn):
    services.publish_document(kind=AGREEMENT, title="Old", body="Old text.", by=cast.team_leader)
    services.publish_document(
        kind=AGREEMENT, title="New", body="First paragraph.\r\n\r\nSecond paragraph.", by=cast.team_leader
    )
    body = signed_in(cast.staff).get(reverse("safeguards:document", kwargs={"kind": AGREEMENT})).content.decode()
    assert "<p>First paragraph.</p>" in body and "<p>Second paragraph.</p>" in body
    assert "version 2" in body and "Old text." not in body


def test_unknown_kind_of_document_is_not_found(cast, signed_in: SignedIn):
    client = signed_in(cast.team_leader)
    assert client.get(reverse("safeguards:document", kwargs={"kind": "secret_memo"})).status_code == 404
    assert client.get(publish_url("secret_memo")).status_code == 404


def test_document_list_shows_each_kind_once_with_its_current_version(cast, signed_in: SignedIn):
    services.publish_document(kind=AGREEMENT, title="Agreement one", body="One.", by=cast.team_leader)
    services.publish_document(kind=AGREEMENT, title="Agreement two", body="Two.", by=cast.team_leader)
    body = signed_in(cast.staff).get(reverse("safeguards:documents")).content.decode()
    assert "Version 2: Agreement two" in body and "Agreement one" not in body
    assert body.count("Not published yet") == len(PolicyDocument.Kind) - 1
    assert "Publish a new version" not in body  # staff do not publish


def test_a_peer_who_has_not_signed_is_asked_to_on_the_document_list(cast, signed_in: SignedIn):
    publish_agreement()
    body = signed_in(cast.peer).get(reverse("safeguards:documents")).content.decode()
    assert "Your signature is needed" in body and SIGN in body


def test_signing_records_one_signature_and_one_audit_event(cast, signed_in: SignedIn):
    publish_agreement()
    client = signed_in(cast.peer)
    assert "I have read and sign this agreement" in client.get(SIGN).content.decode()

    client.post(SIGN, {"version": 1})
    client.post(SIGN, {"version": 1})

    signature = Signature.objects.get(user=cast.peer)
    event = AuditEvent.objects.get(action=Action.AGREEMENT_SIGNED)
    assert (event.object_id, event.detail, event.actor_id) == (str(signature.pk), "v1", cast.peer.pk)
    body = client.get(SIGN).content.decode()
    assert "You signed version 1" in body and "I have read and sign this agreement" not in body


def test_a_version_replaced_while_the_peer_was_reading_is_not_signed(cast, signed_in: SignedIn):
    publish_agreement()
    publish_agreement()
    response = signed_in(cast.peer).post(SIGN, {"version": 1}, follow=True)
    assert "Version 2 was published while you were reading" in response.content.decode()
    assert not Signature.objects.exists()


def test_unsigned_agreement_is_asked_only_of_peers_and_only_when_one_exists(cast):
    assert selectors.unsigned_agreement_for(cast.peer) is None  # nothing published yet
    agreement = publish_agreement()
    assert selectors.unsigned_agreement_for(cast.peer) == agreement
    for user in (cast.staff, cast.team_leader, cast.clinical_advisor, cast.program_admin, cast.leadership):
        assert selectors.unsigned_agreement_for(user) is None


def test_publishing_the_agreement_tells_peers_a_signature_waits_and_nothing_else(
    cast, smtp_server, django_capture_on_commit_callbacks
):
    second_peer = make_account("peer.two@example.gov", Role.PEER)
    with django_capture_on_commit_callbacks(execute=True):
        services.publish_document(kind=AGREEMENT, title="Agreement", body="Text.", by=cast.team_leader)
    messages = smtp_server.deliver(2)
    assert sorted(message["To"] for message in messages) == sorted([cast.peer.email, second_peer.email])
    for message in messages:
        assert SIGN in message.get_payload()


def test_document_list_query_count_is_pinned(cast, signed_in: SignedIn, django_assert_num_queries):
    """Session, user, roles, two-factor check, current documents, the unsigned agreement, agency."""
    for kind in PolicyDocument.Kind:
        for version in (1, 2, 3):
            PolicyDocument.objects.create(kind=kind, version=version, title=f"{kind} {version}", body="Text.")
    client = signed_in(cast.peer)
    client.get(reverse("safeguards:documents"))
    with django_assert_num_queries(7):
        client.get(reverse("safeguards:documents"))
