"""The exceptions against the law the agency works under (issue 16, section 4): only the chosen
template's exceptions can be raised, every page with the notice before asking words the limits
from it, consent counts only when written and recorded, and the clinical advisor's advice is
recorded as followed or overridden with a reason from a list."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from sidebar.audit.models import Action, AuditEvent
from sidebar.org.models import Agency
from sidebar.safeguards import services
from sidebar.safeguards.models import ConfidentialityException, Disclosure, PolicyDocument
from sidebar.support.categories import ExceptionCategory as C
from tests.conftest import SignedIn

pytestmark = pytest.mark.django_db

Template = Agency.ExceptionTemplate
Outcome = ConfidentialityException.AdviceOutcome
CALIFORNIA_CRIMINAL_CASES = "juvenile delinquency case"
POLICY_LIMIT = "This limit comes from the agency&#x27;s own policy, not from a law"


def choose(template: str) -> None:
    Agency.objects.update(exception_template=template)


def url(name: str, exception: ConfidentialityException) -> str:
    return reverse(f"safeguards:{name}", kwargs={"pk": exception.pk})


def advised(case, cast, *, category: str = C.CONSENT, advice: str = "disclose") -> ConfidentialityException:  # type: ignore[no-untyped-def]
    exception = services.raise_exception(support_request=case, category=category, by=cast.peer)
    return services.advise(exception=exception, advice=advice, by=cast.clinical_advisor)


def decided_to_disclose(case, cast, *, category: str = C.CONSENT) -> ConfidentialityException:  # type: ignore[no-untyped-def]
    return services.decide(exception=advised(case, cast, category=category), decision="disclose", by=cast.team_leader)


# --- which exceptions can be raised ---------------------------------------------------------------


def test_only_the_chosen_templates_exceptions_can_be_raised(case, cast):
    choose(Template.CALIFORNIA)
    for category in (C.POLICY_VIOLATION, C.CRIMINAL_CONDUCT, C.COURT_ORDER):
        with pytest.raises(services.SafeguardError, match="Choose one of the listed exceptions"):
            services.raise_exception(support_request=case, category=category, by=cast.peer)
    assert not ConfidentialityException.objects.exists()
    exception = services.raise_exception(support_request=case, category=C.PREVENT_CRIME, by=cast.peer)
    assert exception.category == C.PREVENT_CRIME


def test_serious_violation_of_policy_can_be_raised_only_under_agency_policy(case, cast):
    choose(Template.FEDERAL)
    with pytest.raises(services.SafeguardError):
        services.raise_exception(support_request=case, category=C.POLICY_VIOLATION, by=cast.peer)
    choose(Template.AGENCY_POLICY)
    services.raise_exception(support_request=case, category=C.POLICY_VIOLATION, by=cast.peer)


def test_the_raise_page_offers_the_templates_exceptions_with_their_tests(case, cast, signed_in: SignedIn):
    choose(Template.FEDERAL)
    client = signed_in(cast.peer)
    raise_url = reverse("safeguards:raise", kwargs={"request_id": case.pk})
    body = client.get(raise_url).content.decode()
    assert "34 U.S.C. 50901(c)(1)(A)" in body and "Saying only that they have suicidal thoughts" in body
    assert str(C.POLICY_VIOLATION.label) not in body and str(C.PREVENT_CRIME.label) not in body
    response = client.post(raise_url, {"category": C.POLICY_VIOLATION})  # not offered: refused, kept
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    assert not ConfidentialityException.objects.exists()


def test_an_exception_raised_under_a_template_the_agency_left_still_reads(case, cast, signed_in: SignedIn):
    exception = services.raise_exception(support_request=case, category=C.POLICY_VIOLATION, by=cast.peer)
    choose(Template.CALIFORNIA)
    body = signed_in(cast.clinical_advisor).get(url("exception", exception)).content.decode()
    assert str(C.POLICY_VIOLATION.label) in body and "serious breach of agency policy" in body


# --- the notice before asking, generated from the template ---------------------------------------


NOTICE_PAGES = (reverse("tickets:new"), reverse("need_to_talk"), reverse("privacy"))


def test_every_page_with_the_notice_words_the_limits_from_the_chosen_template(client, cast, signed_in: SignedIn):
    staff = signed_in(cast.staff)
    ask = reverse("support:ask")
    for page in NOTICE_PAGES:
        assert POLICY_LIMIT in client.get(page).content.decode(), page
    assert POLICY_LIMIT in staff.get(ask).content.decode()

    choose(Template.CALIFORNIA)
    for page in NOTICE_PAGES:
        body = client.get(page).content.decode()
        assert "California Government Code section 8669.4" in body, page
        assert CALIFORNIA_CRIMINAL_CASES in body and POLICY_LIMIT not in body, page
        assert "serious violation" not in body, page
    body = staff.get(ask).content.decode()
    assert CALIFORNIA_CRIMINAL_CASES in body and POLICY_LIMIT not in body


def test_a_published_notice_keeps_the_templates_limits_under_it(client, cast):
    choose(Template.ILLINOIS)
    PolicyDocument.objects.create(
        kind=PolicyDocument.Kind.CONFIDENTIALITY_NOTICE, version=1, title="Our promise", body="We listen."
    )
    body = client.get(reverse("tickets:new")).content.decode()
    assert "We listen." in body and "5 ILCS 840/20" in body and "perform duties that protect others" in body


def test_the_administrator_chooses_the_template_on_the_settings_page_and_it_is_audited(cast, signed_in: SignedIn):
    client = signed_in(cast.program_admin)
    page = client.get(reverse("setup:agency")).content.decode()
    assert "Confidentiality and the law" in page and "Arizona: A.R.S. 38-1111" in page
    form = {field: value for field, value in Agency.objects.values().get().items() if value is not None}
    form["exception_template"] = Template.ARIZONA
    response = client.post(reverse("setup:agency"), form)
    assert response.status_code == 302
    assert Agency.objects.get().exception_template == Template.ARIZONA
    details = AuditEvent.objects.filter(action=Action.AGENCY_SETTING_CHANGED).values_list("detail", flat=True)
    assert "exception_template:agency_policy→arizona_38_1111" in details
    assert "A.R.S. 38-1111" in client.get(reverse("setup:agency")).content.decode()


# --- consent, written and recorded -----------------------------------------------------------------


def consent_disclosure(exception: ConfidentialityException, cast, **changes) -> Disclosure:  # type: ignore[no-untyped-def]
    values = {
        "recipient": "agency_management",
        "disclosed_on": timezone.localdate(),
        "basis": "consent",
        "person_told": True,
        **changes,
    }
    return services.record_disclosure(exception=exception, by=cast.team_leader, **values)


def test_a_disclosure_on_consent_needs_the_written_consent_and_its_date_before_it(case, cast):
    exception = decided_to_disclose(case, cast)
    today = timezone.localdate()
    refused = [
        ({}, "written, signed consent"),
        ({"written_consent": True}, "date of the written consent"),
        ({"written_consent": True, "written_consent_on": today + datetime.timedelta(days=1)}, "future"),
        (
            {"written_consent": True, "written_consent_on": today, "disclosed_on": today - datetime.timedelta(days=1)},
            "before the disclosure",
        ),
        ({"basis": "duty_to_warn"}, "written, signed consent"),  # the exception itself is consent
    ]
    for changes, message in refused:
        with pytest.raises(services.SafeguardError, match=message):
            consent_disclosure(exception, cast, **changes)
    assert not Disclosure.objects.exists()
    signed = today - datetime.timedelta(days=2)
    disclosure = consent_disclosure(exception, cast, written_consent=True, written_consent_on=signed)
    assert (disclosure.written_consent, disclosure.written_consent_on) == (True, signed)


def test_consent_as_the_basis_needs_it_on_any_exception(case, cast):
    exception = decided_to_disclose(case, cast, category=C.DANGER_TO_OTHERS)
    with pytest.raises(services.SafeguardError, match="written, signed consent"):
        consent_disclosure(exception, cast)
    disclosure = consent_disclosure(exception, cast, basis="duty_to_warn")  # another basis: not asked
    assert (disclosure.written_consent, disclosure.written_consent_on) == (False, None)


def test_the_disclosure_page_asks_for_the_written_consent_and_keeps_what_was_typed(case, cast, signed_in: SignedIn):
    exception = decided_to_disclose(case, cast)
    client = signed_in(cast.team_leader)
    form = {
        "recipient": "human_resources",
        "disclosed_on": timezone.localdate().isoformat(),
        "basis": "consent",
        "person_told": "yes",
    }
    response = client.post(url("disclose", exception), form)
    body = response.content.decode()
    assert response.status_code == 200 and "record that written, signed consent was obtained" in body
    assert 'value="human_resources" selected' in body
    assert not Disclosure.objects.exists()
    signed = timezone.localdate().isoformat()
    response = client.post(url("disclose", exception), {**form, "written_consent": "on", "written_consent_on": signed})
    assert response.status_code == 302
    assert Disclosure.objects.get().written_consent_on.isoformat() == signed
    assert "Obtained, signed on" in client.get(url("exception", exception)).content.decode()


# --- the clinical advisor's advice: followed, or overridden with a reason -------------------------


def test_a_decision_that_follows_the_advice_records_it_as_binding(case, cast):
    exception = services.decide(exception=advised(case, cast), decision="disclose", by=cast.team_leader)
    assert (exception.advice_outcome, exception.override_reason) == (Outcome.FOLLOWED, "")
    assert not AuditEvent.objects.filter(detail="advice overridden").exists()


def test_overriding_the_advice_needs_a_reason_from_the_list(case, cast):
    exception = advised(case, cast, advice="do_not_disclose")
    with pytest.raises(services.SafeguardError, match="departs from the clinical advisor's advice"):
        services.decide(exception=exception, decision="disclose", by=cast.team_leader)
    with pytest.raises(services.SafeguardError, match="reason from the list"):
        services.decide(exception=exception, decision="disclose", override_reason="I felt like it", by=cast.team_leader)
    exception.refresh_from_db()
    assert exception.status == ConfidentialityException.Status.ADVISED and not exception.decision
    decided = services.decide(
        exception=exception, decision="disclose", override_reason="imminent_danger", by=cast.team_leader
    )
    assert (decided.advice_outcome, decided.override_reason) == (Outcome.OVERRIDDEN, "imminent_danger")
    step = AuditEvent.objects.get(detail="advice overridden")
    assert step.action == Action.EXCEPTION_STEP and step.actor_id == cast.team_leader.pk
    assert not AuditEvent.objects.filter(detail__contains="imminent").exists()  # the reason stays off the log


def test_needs_a_conversation_first_advises_neither_way(case, cast):
    exception = advised(case, cast, advice="needs_more")
    with pytest.raises(services.SafeguardError, match="choose the reason"):
        services.decide(exception=exception, decision="do_not_disclose", by=cast.team_leader)
    decided = services.decide(
        exception=exception, decision="do_not_disclose", override_reason="conversation_held", by=cast.team_leader
    )
    assert decided.advice_outcome == Outcome.OVERRIDDEN


def test_the_decision_page_asks_for_the_reason_and_shows_the_outcome(case, cast, signed_in: SignedIn):
    exception = advised(case, cast, advice="do_not_disclose")
    client = signed_in(cast.team_leader)
    response = client.post(url("decide", exception), {"decision": "disclose"})
    assert response.status_code == 200
    assert (
        "This decision departs from the clinical advisor&#x27;s advice: choose the reason." in response.content.decode()
    )
    exception.refresh_from_db()
    assert not exception.decision
    client.post(url("decide", exception), {"decision": "disclose", "override_reason": "counsel_advised"})
    body = client.get(url("exception", exception)).content.decode()
    assert "Overridden — The agency&#x27;s counsel advised that the law requires otherwise" in body
