"""Confidentiality exceptions: raised → advised → decided → disclosed, who sees what, the sealed
note, the e-mails, and the roles that never see any of it."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from sidebar.accounts.roles import Role
from sidebar.audit.models import Action, AuditEvent
from sidebar.safeguards import services
from sidebar.safeguards.models import ConfidentialityException, Disclosure
from sidebar.support import services as support
from sidebar.support.categories import ExceptionCategory
from sidebar.support.models import Assignment
from sidebar.vault import services as vault
from sidebar.vault.models import SealedValue
from tests.conftest import SignedIn
from tests.factories import ask_as, make_account, make_peer
from tests.safeguards.conftest import accepted_request

pytestmark = pytest.mark.django_db

Status = ConfidentialityException.Status
NOTE = "Told the on-call duty sergeant by phone; welfare check done."


def url(name: str, exception: ConfidentialityException) -> str:
    return reverse(f"safeguards:{name}", kwargs={"pk": exception.pk})


def raise_url(support_request) -> str:  # type: ignore[no-untyped-def]
    return reverse("safeguards:raise", kwargs={"request_id": support_request.pk})


def disclosure_form(**overrides: str) -> dict[str, str]:
    return {
        "recipient": "emergency_services",
        "disclosed_on": timezone.localdate().isoformat(),
        "basis": "duty_to_warn",
        "person_told": "yes",
        "note": NOTE,
        **overrides,
    }


def raised(case, cast, category: str = ExceptionCategory.DANGER_TO_SELF) -> ConfidentialityException:  # type: ignore[no-untyped-def]
    return services.raise_exception(support_request=case, category=category, by=cast.peer)


def decided(case, cast, decision: str = "disclose") -> ConfidentialityException:  # type: ignore[no-untyped-def]
    exception = raised(case, cast)
    services.advise(exception=exception, advice="disclose", by=cast.clinical_advisor)
    return services.decide(exception=exception, decision=decision, by=cast.team_leader)


def disclosed(case, cast, note: str = NOTE) -> ConfidentialityException:  # type: ignore[no-untyped-def]
    exception = decided(case, cast)
    services.record_disclosure(
        exception=exception,
        recipient="emergency_services",
        disclosed_on=timezone.localdate(),
        basis="duty_to_warn",
        person_told=True,
        note=note,
        by=cast.team_leader,
    )
    return exception


# --- the consultation, step by step -----------------------------------------------------------


def test_the_consultation_runs_from_raised_to_disclosed_through_the_pages(case, cast, signed_in: SignedIn):
    response = signed_in(cast.peer).post(raise_url(case), {"category": ExceptionCategory.DANGER_TO_OTHERS})
    exception = ConfidentialityException.objects.get()
    assert response.status_code == 302 and response["Location"] == url("exception", exception)
    assert (exception.status, exception.category, exception.raised_by) == (Status.OPEN, "danger_others", cast.peer)

    signed_in(cast.clinical_advisor).post(url("advise", exception), {"advice": "disclose"})
    exception.refresh_from_db()
    assert (exception.status, exception.advice, exception.advised_by) == (
        Status.ADVISED,
        "disclose",
        cast.clinical_advisor,
    )

    leader = signed_in(cast.team_leader)
    leader.post(url("decide", exception), {"decision": "disclose"})
    exception.refresh_from_db()
    assert (exception.status, exception.decision, exception.decided_by) == (
        Status.DECIDED,
        "disclose",
        cast.team_leader,
    )
    assert url("disclose", exception) in leader.get(url("exception", exception)).content.decode()

    response = leader.post(url("disclose", exception), disclosure_form(person_told="no"))
    assert response.status_code == 302
    disclosure = Disclosure.objects.get(exception=exception)
    assert (disclosure.recipient, disclosure.basis, disclosure.person_told, disclosure.recorded_by) == (
        "emergency_services",
        "duty_to_warn",
        False,
        cast.team_leader,
    )
    steps = AuditEvent.objects.filter(action=Action.EXCEPTION_STEP).order_by("id")
    assert [(e.detail, e.object_id) for e in steps] == [
        (step, str(exception.pk))
        for step in ("raised", "identity held", "advised", "decided", "hold released", "disclosed")
    ]
    assert [e.actor_id for e in steps] == [
        cast.peer.pk,
        cast.peer.pk,
        cast.clinical_advisor.pk,
        cast.team_leader.pk,
        cast.team_leader.pk,
        cast.team_leader.pk,
    ]


def test_the_team_leader_may_raise_an_exception_on_any_request(cast, signed_in: SignedIn):
    support_request = ask_as(cast.staff)  # not even assigned yet
    signed_in(cast.team_leader).post(raise_url(support_request), {"category": ExceptionCategory.CONSENT})
    assert ConfidentialityException.objects.get().raised_by == cast.team_leader


def test_steps_out_of_order_are_refused(case, cast):
    exception = raised(case, cast)
    with pytest.raises(services.SafeguardError, match="has not advised yet"):
        services.decide(exception=exception, decision="disclose", by=cast.team_leader)
    with pytest.raises(services.SafeguardError, match="only after the decision to disclose"):
        services.record_disclosure(
            exception=exception,
            recipient="court",
            disclosed_on=timezone.localdate(),
            basis="court_order",
            person_told=True,
            by=cast.team_leader,
        )
    services.advise(exception=exception, advice="needs_more", by=cast.clinical_advisor)
    with pytest.raises(services.SafeguardError, match="already advised"):
        services.advise(exception=exception, advice="disclose", by=cast.clinical_advisor)
    # task: issue 16, section 4 — "needs a conversation first" advises neither way: a reason is needed
    services.decide(
        exception=exception, decision="do_not_disclose", override_reason="conversation_held", by=cast.team_leader
    )
    with pytest.raises(services.SafeguardError, match="already been decided"):
        services.decide(exception=exception, decision="disclose", by=cast.team_leader)
    with pytest.raises(services.SafeguardError, match="only after the decision to disclose"):
        services.record_disclosure(
            exception=exception,
            recipient="court",
            disclosed_on=timezone.localdate(),
            basis="court_order",
            person_told=True,
            by=cast.team_leader,
        )
    exception.refresh_from_db()
    assert (exception.status, exception.advice, exception.decision) == (Status.DECIDED, "needs_more", "do_not_disclose")
    assert not Disclosure.objects.exists()
    # raised, the identity held, advised, decided, advice overridden (issue 16, section 4), the hold
    # released: the refused steps left none
    assert AuditEvent.objects.filter(action=Action.EXCEPTION_STEP).count() == 6


def test_a_disclosure_is_recorded_once(case, cast):
    exception = disclosed(case, cast)
    with pytest.raises(services.SafeguardError, match="already been recorded"):
        services.record_disclosure(
            exception=exception,
            recipient="court",
            disclosed_on=timezone.localdate(),
            basis="court_order",
            person_told=False,
            by=cast.team_leader,
        )
    assert Disclosure.objects.get().recipient == "emergency_services"


def test_each_step_belongs_to_its_role(case, cast):
    exception = raised(case, cast)
    with pytest.raises(services.SafeguardError):
        services.advise(exception=exception, advice="disclose", by=cast.team_leader)
    services.advise(exception=exception, advice="disclose", by=cast.clinical_advisor)
    with pytest.raises(services.SafeguardError):
        services.decide(exception=exception, decision="disclose", by=cast.clinical_advisor)
    exception.refresh_from_db()
    assert exception.status == Status.ADVISED


def test_a_refused_step_on_the_page_explains_and_changes_nothing(case, cast, signed_in: SignedIn):
    exception = raised(case, cast)
    response = signed_in(cast.team_leader).post(url("decide", exception), {"decision": "disclose"})
    assert response.status_code == 200
    assert "The clinical advisor has not advised yet" in response.content.decode()
    exception.refresh_from_db()
    assert exception.status == Status.OPEN and exception.decision == ""


def test_a_step_page_opened_without_posting_goes_back_to_the_exception(case, cast, signed_in: SignedIn):
    exception = raised(case, cast)
    response = signed_in(cast.clinical_advisor).get(url("advise", exception))
    assert response.status_code == 302 and response["Location"] == url("exception", exception)
    assert ConfidentialityException.objects.get().status == Status.OPEN


def test_disclosure_form_errors_keep_what_was_typed(case, cast, signed_in: SignedIn):
    exception = decided(case, cast)
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    response = signed_in(cast.team_leader).post(
        url("disclose", exception), disclosure_form(disclosed_on=tomorrow, note="x" * 281)
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "cannot be in the future" in body and "at most 280 characters" in body
    assert f'value="{tomorrow}"' in body and "x" * 281 in body
    assert 'value="emergency_services" selected' in body
    assert not Disclosure.objects.exists()


def test_the_raise_form_explains_each_category_and_asks_again_without_one(case, cast, signed_in: SignedIn):
    client = signed_in(cast.peer)
    body = client.get(raise_url(case)).content.decode()
    # task: issue 16, section 4 — the agency's template (its own policy, by default) is offered
    for category in services.allowed_categories():
        assert ExceptionCategory(category).label in body
    assert "A subpoena alone is not a statute: it goes to counsel." in body
    response = client.post(raise_url(case), {})
    assert response.status_code == 200 and "This field is required." in response.content.decode()
    assert not ConfidentialityException.objects.exists()


# --- who may raise, who sees what --------------------------------------------------------------


def test_only_the_peer_who_accepted_may_raise_an_exception_on_a_request(cast, signed_in: SignedIn):
    offered_peer = make_account("offered.peer@example.gov", Role.PEER)
    support_request = ask_as(cast.staff)
    support.assign(support_request=support_request, peer=make_peer(offered_peer), by=cast.team_leader)
    # offered but not accepted: the peer may see the offer, not act on the request
    assert signed_in(offered_peer).get(raise_url(support_request)).status_code == 404
    assert signed_in(offered_peer).post(raise_url(support_request), {"category": "consent"}).status_code == 404
    # another peer, never offered it
    assert signed_in(cast.peer).get(raise_url(support_request)).status_code == 404
    assert not ConfidentialityException.objects.exists()


def test_a_peer_whose_assignment_ended_may_no_longer_raise(case, cast, signed_in: SignedIn):
    Assignment.objects.filter(request=case).update(status=Assignment.Status.ENDED)
    assert signed_in(cast.peer).get(raise_url(case)).status_code == 404


def test_the_peer_who_raised_sees_only_the_status(case, cast, signed_in: SignedIn):
    exception = raised(case, cast, ExceptionCategory.ABUSE)
    client = signed_in(cast.peer)
    detail = client.get(url("exception", exception)).content.decode()
    listing = client.get(reverse("safeguards:exceptions")).content.decode()
    assert "Open: waiting for the clinical advisor" in detail
    assert "Open: waiting for the clinical advisor" in listing
    for body in (detail, listing.split("The exceptions to confidentiality")[0]):
        assert ExceptionCategory.ABUSE.label not in body
        assert str(case.pk)[:8] not in body


def test_a_peer_cannot_open_an_exception_raised_by_another_peer(case, cast, signed_in: SignedIn):
    exception = raised(case, cast)
    other = make_account("other.peer@example.gov", Role.PEER)
    client = signed_in(other)
    for name in ("exception",):
        assert client.get(url(name, exception)).status_code == 404
    listing = client.get(reverse("safeguards:exceptions"))
    assert list(listing.context["page"].object_list) == []


def test_the_clinical_advisor_and_team_leader_see_the_whole_consultation(case, cast, signed_in: SignedIn):
    exception = disclosed(case, cast)
    for user in (cast.clinical_advisor, cast.team_leader):
        body = signed_in(user).get(url("exception", exception)).content.decode()
        assert ExceptionCategory.DANGER_TO_SELF.label in body
        assert "Disclosure is warranted" in body and "Emergency medical or crisis services" in body
        assert "Duty to warn" in body and "Read the sealed note" in body
        assert NOTE not in body  # opened only on purpose


@pytest.mark.parametrize("role", ["program_admin", "leadership"])
def test_admin_and_leadership_are_refused_every_exception_page_with_real_ids(case, cast, signed_in: SignedIn, role):
    exception = disclosed(case, cast)
    client = signed_in(getattr(cast, role))
    urls = [
        reverse("safeguards:exceptions"),
        raise_url(case),
        *(url(name, exception) for name in ("exception", "advise", "decide", "disclose", "note")),
    ]
    for address in urls:
        assert client.get(address).status_code in (403, 404), address
        assert client.post(
            address, {"category": "consent", "advice": "disclose", "decision": "disclose"}
        ).status_code in (
            403,
            404,
        ), address
    assert ConfidentialityException.objects.count() == 1
    assert not AuditEvent.objects.filter(
        action=Action.IDENTITY_READ, object_type="safeguards.confidentialityexception"
    ).exists()


def test_staff_and_the_person_who_asked_never_reach_an_exception(case, cast, signed_in: SignedIn):
    exception = raised(case, cast)
    for user in (cast.staff, cast.outsider):
        client = signed_in(user)
        assert client.get(url("exception", exception)).status_code == 403
        assert client.get(reverse("safeguards:exceptions")).status_code == 403


# --- the sealed note -----------------------------------------------------------------------------


def test_the_note_is_sealed_in_the_vault_not_in_the_disclosure(case, cast):
    exception = disclosed(case, cast)
    sealed = SealedValue.objects.get(field="disclosure_note")
    assert sealed.owner == f"safeguards.confidentialityexception:{exception.pk}"
    assert sealed.key_id == case.data_key_id
    assert NOTE.encode() not in bytes(sealed.token)
    row = " ".join(str(value) for value in Disclosure.objects.get().__dict__.values())
    assert "sergeant" not in row


def test_the_note_is_read_by_advisor_and_leader_only_and_every_read_is_audited(case, cast, signed_in: SignedIn):
    exception = disclosed(case, cast)
    reads = AuditEvent.objects.filter(action=Action.IDENTITY_READ, object_id=str(exception.pk))
    signed_in(cast.team_leader).get(url("exception", exception))
    assert reads.count() == 0  # the detail page alone reads nothing

    for n, user in enumerate((cast.clinical_advisor, cast.team_leader, cast.clinical_advisor), start=1):
        body = signed_in(user).get(url("note", exception)).content.decode()
        assert NOTE in body
        assert reads.count() == n
        assert reads.order_by("-id").first().actor_id == user.pk
    assert set(reads.values_list("detail", flat=True)) == {"disclosure_note"}

    assert signed_in(cast.peer).get(url("note", exception)).status_code == 403
    assert NOTE not in signed_in(cast.peer).get(url("exception", exception)).content.decode()
    assert reads.count() == 3


def test_without_a_note_there_is_nothing_to_read(case, cast, signed_in: SignedIn):
    exception = disclosed(case, cast, note="")
    client = signed_in(cast.clinical_advisor)
    assert "No note was written." in client.get(url("exception", exception)).content.decode()
    assert client.get(url("note", exception))["Location"] == url("exception", exception)
    assert not AuditEvent.objects.filter(action=Action.IDENTITY_READ, object_id=str(exception.pk)).exists()


def test_the_note_is_shredded_with_the_identity_and_none_can_be_added_after(case, cast):
    exception = disclosed(case, cast)
    vault.shred(key=case.data_key)
    assert not SealedValue.objects.filter(field="disclosure_note").exists()

    other = decided(accepted_request(peer=cast.peer, leader=cast.team_leader, asker=cast.outsider), cast)
    vault.shred(key=other.request.data_key)
    kwargs = {"recipient": "court", "disclosed_on": timezone.localdate(), "basis": "court_order", "person_told": True}
    with pytest.raises(services.SafeguardError, match="shredded"):
        services.record_disclosure(exception=other, note="a note", by=cast.team_leader, **kwargs)
    services.record_disclosure(exception=other, by=cast.team_leader, **kwargs)  # without a note it is fine
    assert Disclosure.objects.filter(exception__in=[exception, other]).count() == 2


# --- e-mails, audit rows --------------------------------------------------------------------------


def test_e_mails_say_only_that_something_waits(
    case, cast, signed_in: SignedIn, smtp_server, django_capture_on_commit_callbacks
):
    smtp_server.discard_earlier()  # e-mails of the set-up: not what this test is about
    with django_capture_on_commit_callbacks(execute=True):
        signed_in(cast.peer).post(raise_url(case), {"category": ExceptionCategory.DANGER_TO_SELF})
    exception = ConfidentialityException.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        services.advise(exception=exception, advice="disclose", by=cast.clinical_advisor)
    messages = smtp_server.deliver(3)
    assert sorted(m["To"] for m in messages) == sorted(
        [cast.clinical_advisor.email, cast.team_leader.email, cast.team_leader.email]
    )
    forbidden = [
        "danger",
        ExceptionCategory.DANGER_TO_SELF.label.lower(),
        "disclos",
        cast.peer.email,
        cast.peer.person.full_name.lower(),
        cast.staff.person.full_name.lower(),
        cast.staff.email,
    ]
    for message in messages:
        text = (message["Subject"] + "\n" + message.get_payload()).lower()
        assert "/safeguards/" not in text  # the link leads home: it must not say what waits
        assert not [word for word in forbidden if word.lower() in text], text


def test_audit_rows_of_the_steps_carry_the_step_name_only(case, cast):
    disclosed(case, cast)
    details = set(AuditEvent.objects.filter(action=Action.EXCEPTION_STEP).values_list("detail", flat=True))
    assert details == {"raised", "identity held", "advised", "decided", "hold released", "disclosed"}


# --- query counts ----------------------------------------------------------------------------------


def test_exception_list_query_count_is_pinned(case, cast, signed_in: SignedIn, django_assert_num_queries):
    """Session, user, roles, two-factor check, count, page, agency — however many exceptions."""
    categories = services.allowed_categories()  # task: issue 16, section 4 — the agency's template
    for category in categories:
        raised(case, cast, category)
        raised(case, cast, category)
    for user in (cast.clinical_advisor, cast.peer):
        client = signed_in(user)
        client.get(reverse("safeguards:exceptions"))  # the first request stamps the session
        with django_assert_num_queries(7):
            response = client.get(reverse("safeguards:exceptions"))
        assert len(response.context["page"].object_list) == 2 * len(categories)
