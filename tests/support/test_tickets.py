"""The anonymous ticket line: asking without an account, the code and passphrase shown once, opening
the ticket (same answer for every failure, rate limits), the conversation with the assigned peer,
closing and shredding. See THREATS.md, "a guesser at the anonymous ticket page"."""

from __future__ import annotations

import html
import math
import re
import time

import pytest
from django.contrib.auth.hashers import MD5PasswordHasher
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.urls import reverse

from sidebar.accounts.models import User
from sidebar.accounts.roles import Role
from sidebar.audit.models import Action, AuditEvent
from sidebar.outbox.models import OutgoingMail
from sidebar.safeguards.models import PolicyDocument
from sidebar.support import services, tickets
from sidebar.support.models import AnonymousTicket, SupportRequest, TicketMessage
from sidebar.support.ticket_views import LIMITED, NOT_OPENED, SESSION_KEY
from sidebar.vault.models import SealedValue
from tests.factories import activate_totp, make_account, make_peer

pytestmark = pytest.mark.django_db

NEW, OPEN, CONVERSATION = "/ticket/new/", "/ticket/", "/ticket/conversation/"
FIRST_MESSAGE = "Since the Halvorsen verdict I cannot sleep and I keep replaying the photos."
TIMES = "Tuesday evenings after seven"
CODE_RE = re.compile(r'id="ticket-code">([A-Z0-9-]+)<')
PASSPHRASE_RE = re.compile(r'id="ticket-passphrase">([a-z0-9-]+)<')


class CountingHasher(MD5PasswordHasher):
    """MD5 for speed, counting every verification: the proof that each answer did one hash check."""

    algorithm = "counting_md5"
    verified = 0

    def verify(self, password: str, encoded: str) -> bool:
        type(self).verified += 1
        return super().verify(password, encoded)


@pytest.fixture(autouse=True)
def fast_hashing_and_empty_cache(settings):
    # Argon2 is slow on purpose; what is under test here is when hashes are checked, not how.
    settings.PASSWORD_HASHERS = ["tests.support.test_tickets.CountingHasher"]
    cache.clear()  # sent-form tokens live in the database cache, which outlives a test's rollback
    yield
    cache.clear()


def ask(client: Client, **fields: object):  # type: ignore[no-untyped-def]
    """Fill in the public form as a person would (the one-time token comes from the page)."""
    page = client.get(NEW)
    token = re.search(r'name="submission" value="([^"]+)"', page.content.decode()).group(1)  # type: ignore[union-attr]
    data = {"urgency": "routine", "kind": "post_crisis", "message": FIRST_MESSAGE, "submission": token}
    data.update(fields)  # type: ignore[arg-type]
    return client.post(NEW, data)


def text(response) -> str:  # type: ignore[no-untyped-def]
    return html.unescape(response.content.decode())


def keys_from(response) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    html = response.content.decode()
    return CODE_RE.search(html).group(1), PASSPHRASE_RE.search(html).group(1)  # type: ignore[union-attr]


def open_with(client: Client, code: str, passphrase: str):  # type: ignore[no-untyped-def]
    return client.post(OPEN, {"code": code, "passphrase": passphrase})


def new_ticket(client: Client | None = None, **fields: object) -> tuple[str, str]:
    return keys_from(ask(client or Client(), **fields))


@pytest.fixture
def peer_on_ticket(cast):  # type: ignore[no-untyped-def]
    """An anonymous request, assigned to the cast's peer, who accepted; the peer's client."""
    code, passphrase = new_ticket()
    support_request = SupportRequest.objects.get(source="anonymous")
    profile = make_peer(cast.peer)
    assignment = services.assign(support_request=support_request, peer=profile, by=cast.team_leader)
    services.accept(assignment=assignment, by=cast.peer)
    activate_totp(cast.peer)
    peer = Client()
    peer.force_login(cast.peer)
    return {"code": code, "passphrase": passphrase, "assignment": assignment, "peer": peer, "request": support_request}


def everything_in_the_database() -> bytes:
    """Every cell of every table, as bytes: what a dump would hold."""
    chunks = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 - table names come from the schema
            for row in cursor.fetchall():
                for cell in row:
                    chunks.append(bytes(cell) if isinstance(cell, bytes | memoryview) else str(cell).encode())
    return b"\x00".join(chunks)


# --- asking ------------------------------------------------------------------------------------


def test_the_form_opens_without_an_account_and_shows_the_confidentiality_promise(client):
    response = client.get(NEW)
    assert response.status_code == 200
    html = response.content.decode()
    assert "How confidentiality works" in html
    # task: issue 16, section 4 — the limits as the agency's template (its own policy) words them
    assert "explicit threat of suicide" in html and "a statute requires it" in html
    assert "<title>Ask anonymously · Sidebar</title>" in html


def test_a_published_confidentiality_notice_is_shown_and_its_version_recorded(client):
    notice = PolicyDocument.objects.create(
        kind=PolicyDocument.Kind.CONFIDENTIALITY_NOTICE,
        version=3,
        title="Our promise",
        body="We keep it quiet, except…",
    )
    assert "We keep it quiet" in client.get(NEW).content.decode()
    ask(client)
    assert SupportRequest.objects.get().notice_version == notice


def test_asking_stores_request_ticket_and_first_message_sealed_without_a_submitter(client):
    response = ask(client, topics=["grief", "work_stress"], preferred_times=TIMES, urgency="soon")
    assert response.status_code == 200
    support_request = SupportRequest.objects.get()
    assert (support_request.source, support_request.urgency) == ("anonymous", "soon")
    account_links = [f.attname for f in SupportRequest._meta.fields if f.related_model is User]
    assert all(getattr(support_request, link) is None for link in account_links)
    assert not getattr(support_request.data_key, "holder_tag", "")  # no sender tag either
    assert support_request.topics == ["grief", "work_stress"]
    assert support_request.notice_version is None  # none published: the built-in text was shown
    ticket = support_request.ticket
    (message,) = ticket.messages.all()
    assert message.author == TicketMessage.Author.REQUESTER
    sealed = dict(SealedValue.objects.values_list("owner", "field"))
    assert sealed == {
        f"support.ticketmessage:{message.pk}": "message",
        f"support.supportrequest:{support_request.pk}": "preferred_times",
    }
    assert tickets.thread_for(ticket=ticket, actor=None) == [("You", message.sent_at, FIRST_MESSAGE)]


def test_the_confirmation_shows_code_and_passphrase_once_and_says_nobody_can_recover_them(client):
    response = ask(client)
    html = response.content.decode()
    code, passphrase = keys_from(response)
    assert "Nobody can recover them" in html and "never e-mailed" in html
    assert "no-store" in response["Cache-Control"]
    assert "<title>Request sent · Sidebar</title>" in html
    # never again: not on any later page, not in the session
    opened = open_with(client, code, passphrase)
    for page in (client.get(CONVERSATION), client.get(NEW), opened):
        assert passphrase not in page.content.decode() and code not in page.content.decode()
    assert passphrase not in repr(dict(client.session.items()))


def test_a_reload_of_the_confirmation_does_not_send_the_request_twice(client):
    page = client.get(NEW)
    token = re.search(r'name="submission" value="([^"]+)"', page.content.decode()).group(1)  # type: ignore[union-attr]
    data = {"urgency": "routine", "kind": "post_crisis", "message": FIRST_MESSAGE, "submission": token}
    assert CODE_RE.search(client.post(NEW, data).content.decode())
    again = client.post(NEW, data)
    assert "already sent" in again.content.decode() and not CODE_RE.search(again.content.decode())
    assert SupportRequest.objects.count() == 1


def test_bad_input_keeps_everything_typed_and_says_what_to_fix(client):
    too_long = "x" * (tickets.MESSAGE_MAX_LENGTH + 1)
    response = ask(client, message=too_long, preferred_times=TIMES, topics=["grief"])
    assert response.status_code == 400
    html = response.content.decode()
    assert "at most 2000 characters" in html
    assert too_long in html and TIMES in html
    assert re.search(r'value="grief"[^>]*checked', html)
    assert SupportRequest.objects.count() == 0


def test_urgent_shows_the_crisis_line_and_eap_and_alerts_on_call_peers_and_team_leaders(
    client, cast, smtp_server, django_capture_on_commit_callbacks
):
    make_peer(cast.peer, on_call=True)
    with django_capture_on_commit_callbacks(execute=True):
        response = ask(client, urgency="urgent")
    urgent_panel = re.search(r'<section class="card urgent".*?</section>', response.content.decode(), re.S)
    assert urgent_panel is not None and "do not wait for an answer" in urgent_panel.group(0)
    assert 'href="tel:988"' in urgent_panel.group(0) and 'href="tel:555-0100"' in urgent_panel.group(0)
    assert "card urgent" not in ask(Client(), urgency="soon").content.decode()  # only when urgent
    received = smtp_server.deliver(2)
    assert sorted(m["To"] for m in received) == ["leader@example.gov", "peer@example.gov"]
    for message in received:
        body = message.get_payload()
        assert FIRST_MESSAGE not in body and "anonym" not in body.lower()


# --- code and passphrase -------------------------------------------------------------------------


def test_code_and_passphrase_carry_at_least_128_random_bits_together():
    drawn = [tickets.ask_anonymously(urgency="routine", kind="post_crisis", topics=[], message="hi") for _ in range(30)]
    alphabet = set(tickets.ALPHABET)
    assert len(alphabet) == 32 and not alphabet & set("0O1I")  # no look-alikes
    for new in drawn:
        code, passphrase = new.code.replace("-", ""), new.passphrase.replace("-", "")
        assert re.fullmatch(r"([A-Z0-9]{4}-){3}[A-Z0-9]{4}", new.code)
        assert set(code) <= alphabet and set(passphrase.upper()) <= alphabet and passphrase == passphrase.lower()
        assert new.ticket.code == code
        code_bits, passphrase_bits = len(code) * math.log2(32), len(passphrase) * math.log2(32)
        assert code_bits >= 64 and passphrase_bits >= 64 and code_bits + passphrase_bits >= 128
    assert len({new.code for new in drawn}) == len({new.passphrase for new in drawn}) == 30


def test_the_passphrase_is_stored_nowhere_in_clear(client):
    code, passphrase = new_ticket(client)
    open_with(client, code, passphrase)
    client.get(CONVERSATION)
    dump = everything_in_the_database()
    for form in (passphrase, passphrase.replace("-", ""), passphrase.upper()):
        assert form.encode() not in dump
    assert AnonymousTicket.objects.get().passphrase_hash.startswith("counting_md5$")


def test_the_passphrase_hash_is_the_deployment_password_hasher(client, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
    code, passphrase = new_ticket(client)
    assert AnonymousTicket.objects.get().passphrase_hash.startswith("argon2$")
    assert open_with(client, code.lower().replace("-", " "), passphrase.upper()).status_code == 302


def test_messages_are_stored_only_as_ciphertext(client, peer_on_ticket):
    peer_on_ticket["peer"].post(
        reverse("tickets:peer_reply", kwargs={"assignment_id": peer_on_ticket["assignment"].pk}),
        {"body": "I hear you. Would a call on Tuesday help?"},
    )
    tokens = [bytes(token) for token in SealedValue.objects.values_list("token", flat=True)]
    assert len(tokens) == 2
    dump = everything_in_the_database()
    for text in (FIRST_MESSAGE, "Would a call on Tuesday help", "Halvorsen"):
        assert all(text.encode() not in token for token in tokens)
        assert text.encode() not in dump


# --- opening -----------------------------------------------------------------------------------


def neutral(response) -> str:  # type: ignore[no-untyped-def]
    """The page without what differs by construction: the CSRF token and the echoed input."""
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", text(response))
    html = re.sub(r'nonce="[^"]+"', "", html)
    return re.sub(r'name="(code|passphrase)"[^>]*>', "", html)


def test_unknown_code_and_wrong_passphrase_get_the_same_answer_after_the_same_work(client):
    code, _ = new_ticket()
    CountingHasher.verified = 0
    wrong_passphrase = open_with(Client(), code, "abcd-efgh-jkmn-pqrs")
    after_wrong = CountingHasher.verified
    unknown_code = open_with(Client(), "ZZZZ-ZZZZ-ZZZZ-ZZZZ", "abcd-efgh-jkmn-pqrs")
    assert after_wrong == 1 and CountingHasher.verified == 2  # one hash check each, also for no ticket
    assert wrong_passphrase.status_code == unknown_code.status_code == 400
    assert neutral(wrong_passphrase) == neutral(unknown_code)
    assert NOT_OPENED in text(wrong_passphrase)


def test_a_signed_in_browser_cannot_open_a_ticket(client, cast):
    code, passphrase = new_ticket()
    client.force_login(cast.staff)
    response = open_with(client, code, passphrase)
    assert response.status_code == 200 and "Sign out first" in response.content.decode()
    assert SESSION_KEY not in client.session


def test_failed_attempts_are_limited_per_address(client):
    code, passphrase = new_ticket()
    for n in range(tickets.FAILED_ATTEMPTS_PER_SOURCE):
        assert open_with(client, f"NOPE-NOPE-NOPE-{n:04d}", "nope").status_code == 400
    # now even the right code and passphrase get the neutral "wait" from this address…
    limited = open_with(client, code, passphrase)
    assert limited.status_code == 429
    assert LIMITED in text(limited) and NOT_OPENED not in text(limited)
    # …while another address is not affected
    assert open_with(Client(REMOTE_ADDR="10.1.2.3"), code, passphrase).status_code == 302


def test_failed_attempts_are_limited_per_code_from_any_address_whether_it_exists_or_not():
    code, passphrase = new_ticket()
    for n in range(tickets.FAILED_ATTEMPTS_PER_CODE):
        assert open_with(Client(REMOTE_ADDR=f"10.0.0.{n + 1}"), code, "wrong-pass").status_code == 400
    limited = open_with(Client(REMOTE_ADDR="10.0.9.9"), code, passphrase)
    assert limited.status_code == 429 and LIMITED in text(limited)
    # A code that does not exist is limited the same way: being limited reveals nothing.
    for n in range(tickets.FAILED_ATTEMPTS_PER_CODE):
        open_with(Client(REMOTE_ADDR=f"10.0.1.{n + 1}"), "YYYY-YYYY-YYYY-YYYY", "wrong-pass")
    unknown = open_with(Client(REMOTE_ADDR="10.0.9.8"), "YYYY-YYYY-YYYY-YYYY", "wrong-pass")
    assert unknown.status_code == 429 and neutral(unknown) == neutral(limited)


def test_the_ticket_lives_in_the_session_not_in_the_url_and_the_session_id_changes(client):
    code, passphrase = new_ticket()
    client.get(OPEN)
    before = client.cookies.get("sessionid")
    response = open_with(client, code, passphrase)
    assert response.status_code == 302 and response["Location"] == CONVERSATION
    assert client.session[SESSION_KEY]["id"] == str(AnonymousTicket.objects.get().pk)
    assert before is None or client.cookies["sessionid"].value != before.value


def test_an_open_ticket_closes_after_30_minutes(client):
    code, passphrase = new_ticket()
    open_with(client, code, passphrase)
    assert client.get(CONVERSATION).status_code == 200
    session = client.session
    session[SESSION_KEY] = {**session[SESSION_KEY], "opened_at": time.time() - 29 * 60}
    session.save()
    assert client.get(CONVERSATION).status_code == 200
    session = client.session
    session[SESSION_KEY] = {**session[SESSION_KEY], "opened_at": time.time() - 31 * 60}
    session.save()
    response = client.get(CONVERSATION, follow=True)
    assert response.redirect_chain == [(OPEN, 302)]
    assert "closes after 30 minutes" in response.content.decode()
    assert SESSION_KEY not in client.session


def test_the_conversation_page_without_a_ticket_goes_to_the_open_form(client):
    assert client.get(CONVERSATION)["Location"] == OPEN
    assert client.post(reverse("tickets:close"))["Location"] == OPEN


# --- the conversation ------------------------------------------------------------------------------


def test_round_trip_ask_open_peer_answers_person_replies_and_closes(client, peer_on_ticket):
    code, passphrase, peer, assignment = (peer_on_ticket[k] for k in ("code", "passphrase", "peer", "assignment"))
    assert open_with(client, code, passphrase)["Location"] == CONVERSATION
    page = client.get(CONVERSATION)
    assert page.status_code == 200 and FIRST_MESSAGE in page.content.decode()
    assert "<title>Your ticket · Sidebar</title>" in page.content.decode()
    assert "no-store" in page["Cache-Control"]

    reply_url = reverse("tickets:peer_reply", kwargs={"assignment_id": assignment.pk})
    answered = peer.post(reply_url, {"body": "Thank you for writing. I am here."})
    assert answered["Location"] == reverse("support:assignment", kwargs={"assignment_id": assignment.pk})
    assert SupportRequest.objects.get().first_contact_at is not None

    html = client.get(CONVERSATION).content.decode()
    assert "Thank you for writing. I am here." in html and "Peer supporter" in html
    assert client.post(CONVERSATION, {"body": "Tuesday works."})["Location"] == CONVERSATION
    thread = tickets.thread_for(ticket=AnonymousTicket.objects.get(), actor=None)
    assert [(entry.author_label, entry.text) for entry in thread] == [
        ("You", FIRST_MESSAGE),
        ("Peer supporter", "Thank you for writing. I am here."),
        ("You", "Tuesday works."),
    ]

    closed = client.post(reverse("tickets:close"), follow=True)
    assert closed.redirect_chain == [(reverse("tickets:closed"), 302)]
    assert "deleted in 30 days" in closed.content.decode()
    support_request = SupportRequest.objects.get()
    assert support_request.status == "closed" and support_request.data_key.shred_after is not None
    assert support_request.assignments.get().status == "ended"
    assert peer.post(reply_url, {"body": "Still there?"}).status_code == 404
    # closed, not yet deleted: the person can still read it, cannot reply, and can delete it now
    open_with(client, code, passphrase)
    html = client.get(CONVERSATION).content.decode()
    assert "This conversation is closed" in html and "Tuesday works." in html and "Send the reply" not in html
    assert client.post(CONVERSATION, {"body": "one more"}).status_code == 400
    client.post(reverse("tickets:close"), {"shred_now": "on", "confirmed": "yes"})
    assert SupportRequest.objects.get().data_key.is_shredded


def test_after_closing_with_delete_now_the_ticket_cannot_be_opened_and_its_messages_are_gone(client):
    code, passphrase = new_ticket()
    open_with(client, code, passphrase)
    client.post(CONVERSATION, {"body": "A second message."})
    assert SealedValue.objects.filter(field="message").count() == 2
    response = client.post(reverse("tickets:close"), {"shred_now": "on", "confirmed": "yes"}, follow=True)
    assert "every message was deleted" in response.content.decode()
    assert SealedValue.objects.count() == 0
    ticket = AnonymousTicket.objects.select_related("request__data_key").get()
    assert ticket.request.data_key.is_shredded and tickets.thread_for(ticket=ticket, actor=None) == []
    assert SESSION_KEY not in client.session
    again = open_with(Client(REMOTE_ADDR="10.9.9.9"), code, passphrase)
    assert again.status_code == 400 and NOT_OPENED in text(again)


def test_leaving_forgets_the_ticket_in_this_browser_without_closing_it(client):
    code, passphrase = new_ticket()
    open_with(client, code, passphrase)
    assert client.post(reverse("tickets:leave"))["Location"] == OPEN
    assert client.get(CONVERSATION)["Location"] == OPEN
    assert SupportRequest.objects.get().status == "open"


def test_an_empty_reply_is_refused_with_a_message(client):
    code, passphrase = new_ticket()
    open_with(client, code, passphrase)
    response = client.post(CONVERSATION, {"body": "   "})
    assert response.status_code == 400 and "Write your reply first." in response.content.decode()
    assert TicketMessage.objects.count() == 1


def test_reads_are_audited_and_the_person_s_reads_carry_no_actor_and_no_address(client, cast, peer_on_ticket):
    open_with(client, peer_on_ticket["code"], peer_on_ticket["passphrase"])
    # audit events cannot be deleted (on PostgreSQL a trigger refuses): look only at new ones
    before = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    client.get(CONVERSATION)
    (event,) = AuditEvent.objects.filter(pk__gt=before, action=Action.IDENTITY_READ)
    assert (event.object_type, event.detail, event.actor_id, event.ip) == (
        "support.ticketmessage",
        "message",
        None,
        None,
    )
    ticket = AnonymousTicket.objects.get()
    tickets.thread_for(ticket=ticket, actor=cast.peer)
    (peer_read,) = AuditEvent.objects.filter(pk__gt=before, action=Action.IDENTITY_READ, actor_id__isnull=False)
    assert peer_read.actor_id == cast.peer.pk


def test_conversation_page_query_count_is_pinned(client, django_assert_num_queries):
    code, passphrase = new_ticket()
    open_with(client, code, passphrase)
    for count in (1, 3):
        while TicketMessage.objects.count() < count:
            client.post(CONVERSATION, {"body": "more"})
        client.get(CONVERSATION)  # shows and uses up the "sent" notices
        # session, ticket, messages, agency; then per message (vault.reveal has no batch form):
        # its sealed value and the audited read (savepoints, chain head, event, head update)
        with django_assert_num_queries(4 + 8 * count):
            client.get(CONVERSATION)


# --- the peer's side ---------------------------------------------------------------------------------


def test_the_peer_reply_endpoint_is_404_for_a_peer_not_assigned(peer_on_ticket):
    other_user = make_account("other.peer@example.gov", Role.PEER)
    make_peer(other_user)
    activate_totp(other_user)
    other = Client()
    other.force_login(other_user)
    url = reverse("tickets:peer_reply", kwargs={"assignment_id": peer_on_ticket["assignment"].pk})
    assert other.post(url, {"body": "Let me in"}).status_code == 404
    assert TicketMessage.objects.count() == 1


def test_the_peer_reply_endpoint_is_404_before_the_peer_accepts(cast):
    new_ticket()
    offered = services.assign(
        support_request=SupportRequest.objects.get(), peer=make_peer(cast.peer), by=cast.team_leader
    )
    activate_totp(cast.peer)
    peer = Client()
    peer.force_login(cast.peer)
    url = reverse("tickets:peer_reply", kwargs={"assignment_id": offered.pk})
    assert peer.post(url, {"body": "Hello"}).status_code == 404


def test_the_peer_service_refuses_anyone_but_the_accepted_peer(peer_on_ticket, cast):
    with pytest.raises(services.WorkflowError, match="Only the peer who accepted"):
        tickets.post_peer_reply(ticket=AnonymousTicket.objects.get(), peer_user=cast.team_leader, body="hi")


def test_the_peer_answers_in_place_with_htmx(peer_on_ticket):
    url = reverse("tickets:peer_reply", kwargs={"assignment_id": peer_on_ticket["assignment"].pk})
    response = peer_on_ticket["peer"].post(url, {"body": "I am here."}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert response.status_code == 200 and html.lstrip().startswith("<section")
    assert "Anonymous conversation" in html and "I am here." in html and "The person who asked" in html
    assert "Your reply was sent." in html
    refused = peer_on_ticket["peer"].post(url, {"body": ""}, headers={"HX-Request": "true"})
    assert 'aria-invalid="true"' in refused.content.decode()


def test_a_failed_peer_reply_without_htmx_keeps_the_text(peer_on_ticket):
    url = reverse("tickets:peer_reply", kwargs={"assignment_id": peer_on_ticket["assignment"].pk})
    too_long = "y" * (tickets.MESSAGE_MAX_LENGTH + 1)
    response = peer_on_ticket["peer"].post(url, {"body": too_long})
    assert response.status_code == 400 and too_long in response.content.decode()


def test_the_person_s_reply_tells_the_peer_by_e_mail_without_any_content(
    client, peer_on_ticket, smtp_server, django_capture_on_commit_callbacks
):
    open_with(client, peer_on_ticket["code"], peer_on_ticket["passphrase"])
    smtp_server.discard_earlier()  # e-mails of the set-up: not what this test is about
    with django_capture_on_commit_callbacks(execute=True):
        client.post(CONVERSATION, {"body": "Could we talk about the Halvorsen case?"})
    (message,) = smtp_server.deliver(1)
    assert message["To"] == "peer@example.gov"
    body = message.get_payload()
    assert "new message" in body and "/support/assignments/" in body
    for secret in ("Halvorsen", FIRST_MESSAGE, peer_on_ticket["code"], peer_on_ticket["passphrase"]):
        assert secret not in body and secret not in message["Subject"]


def test_the_peer_s_reply_e_mails_nobody(peer_on_ticket, smtp_server, django_capture_on_commit_callbacks):
    url = reverse("tickets:peer_reply", kwargs={"assignment_id": peer_on_ticket["assignment"].pk})
    smtp_server.discard_earlier()  # the offer to the peer, made while setting up
    with django_capture_on_commit_callbacks(execute=True):
        assert peer_on_ticket["peer"].post(url, {"body": "Hello from your peer."}).status_code == 302
    assert not OutgoingMail.objects.filter(sent_at=None).exists()  # nothing was even queued to be sent
    assert smtp_server.deliver() == []


def test_signing_in_after_opening_a_ticket_drops_it_from_the_session(client, cast):
    code, passphrase = new_ticket()
    open_with(client, code, passphrase)
    user = User.objects.get(pk=cast.staff.pk)
    user.set_password("a long enough password 123")
    user.save(update_fields=["password"])
    client.post(reverse("account_login"), {"login": user.email, "password": "a long enough password 123"})
    assert "_auth_user_id" in client.session
    assert "sidebar_anonymous_ticket" not in client.session


def test_anonymous_submissions_are_limited_per_address_and_keep_the_typed_text(client):
    for _ in range(tickets.SUBMISSIONS_PER_ADDRESS):
        new_ticket()
    response = ask(client, message="still here")
    assert response.status_code == 429
    assert "Too many requests" in response.content.decode() and "still here" in response.content.decode()


def test_shredding_a_ticket_removes_its_messages_and_code(client):
    code, _passphrase = new_ticket()
    ticket = AnonymousTicket.objects.get()
    tickets.close_ticket(ticket=ticket, shred_now=True)
    ticket.refresh_from_db()
    assert not TicketMessage.objects.exists()
    assert ticket.passphrase_hash == "" and ticket.code != code.replace("-", "")
