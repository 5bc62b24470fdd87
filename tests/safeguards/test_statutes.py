"""The statute templates as data, and the notice before asking generated from them (issue 16,
section 4). No database: the templates are plain data that counsel reads."""

from __future__ import annotations

import pytest

from sidebar.org.models import Agency
from sidebar.safeguards import statutes
from sidebar.safeguards.statutes import TEMPLATES, notice_for, template_for
from sidebar.support.categories import ExceptionCategory as C

Template = Agency.ExceptionTemplate
ALL = list(TEMPLATES.values())


def test_every_choice_on_the_settings_page_has_a_template_and_nothing_else_does():
    assert set(TEMPLATES) == set(Template.values)
    for code, template in TEMPLATES.items():
        assert template.code == code and template.name == Template(code).label


def test_each_template_names_each_category_once_and_only_known_categories():
    for template in ALL:
        assert len(set(template.categories)) == len(template.categories), template.code
        assert set(template.categories) <= set(C.values)
        assert all(ground.citation and ground.test and ground.notice for ground in template.grounds)


@pytest.mark.parametrize("template", ALL, ids=lambda t: t.code)
def test_a_subpoena_alone_is_never_a_ground_it_goes_to_counsel(template):
    for ground in template.grounds:
        words = (ground.test + " " + ground.notice).lower()
        if "subpoena" not in words:
            continue
        if "subpoena alone is not" in words:  # said to rule it out
            continue
        # otherwise only a court's own order or subpoena, reviewed by counsel (50901(c)(3), 840/20(c-5))
        assert ground.category == C.COURT_ORDER, (template.code, ground.category)
        assert "counsel" in ground.test.lower() and "counsel" in ground.notice.lower()
    notice = notice_for(template.code)
    assert any("subpoena" in clause.lower() and "counsel" in clause for clause in notice.clauses)


def test_serious_violation_of_policy_exists_only_under_agency_policy_and_says_who_receives_it():
    with_policy = [template.code for template in ALL if C.POLICY_VIOLATION in template.categories]
    assert with_policy == [Template.AGENCY_POLICY]
    ground = statutes.AGENCY_POLICY.ground(C.POLICY_VIOLATION)
    assert ground is not None
    assert "not from a law" in ground.notice
    assert "agency management" in ground.notice and "human resources" in ground.notice
    assert statutes.AGENCY_POLICY.policy_recipients == ("agency management", "human resources")
    assert all(not template.policy_recipients for template in ALL if template is not statutes.AGENCY_POLICY)


def test_the_federal_tests_are_the_statutory_ones():
    federal = statutes.FEDERAL
    self_harm = federal.ground(C.DANGER_TO_SELF)
    others = federal.ground(C.DANGER_TO_OTHERS)
    assert self_harm is not None and others is not None
    assert self_harm.citation == "34 U.S.C. 50901(c)(1)(A)"
    for words in ("explicit threat of suicide", "intent to die", "plan", "means", "suicidal thoughts is not enough"):
        assert words in self_harm.test
    assert "suicidal thoughts" in self_harm.notice and "not a reason to disclose" in self_harm.notice
    for words in ("explicit threat", "imminent", "serious physical", "identifiable"):
        assert words in others.test
    crime = federal.ground(C.CRIMINAL_CONDUCT)
    assert crime is not None and crime.citation.endswith("(c)(1)(D)") and "admission" in crime.test
    assert C.PREVENT_CRIME not in federal.categories


def test_federal_consent_is_every_participants_for_a_group_session():
    consent = statutes.FEDERAL.ground(C.CONSENT)
    assert consent is not None and consent.citation == "34 U.S.C. 50901(c)(2)"
    assert "each participant" in consent.test and "every participant" in consent.notice


def test_california_prevents_a_crime_takes_written_consent_and_has_no_privilege_in_criminal_or_juvenile_cases():
    california = statutes.CALIFORNIA
    assert C.PREVENT_CRIME in california.categories and C.CRIMINAL_CONDUCT not in california.categories
    prevent = california.ground(C.PREVENT_CRIME)
    assert prevent is not None and prevent.citation == "Cal. Gov. Code 8669.4(b)(3)"
    consent = california.ground(C.CONSENT)
    assert consent is not None and consent.citation == "Cal. Gov. Code 8669.4(b)(4)" and "in writing" in consent.notice
    proceeding = california.ground(C.CRIMINAL_PROCEEDING)
    assert proceeding is not None and proceeding.citation == "Cal. Gov. Code 8669.4(b)(5)"
    assert "juvenile delinquency" in proceeding.notice and "no privilege" in proceeding.notice
    assert C.COURT_ORDER not in california.categories  # 8669.4 yields to no subpoena or civil order
    consultation = california.clauses[0]
    assert consultation.citation == "Cal. Gov. Code 8669.4(b)(1)-(2)"
    assert "consult another peer supporter" in consultation.text and "crisis referral" in consultation.text


@pytest.mark.parametrize("template", ALL, ids=lambda t: t.code)
def test_consent_counts_only_in_writing(template):
    consent = template.ground(C.CONSENT)
    assert consent is not None
    assert "writing" in consent.notice or "written" in consent.notice


@pytest.mark.parametrize("template", ALL, ids=lambda t: t.code)
def test_counsel_is_told_to_confirm_coverage_of_staff_who_are_not_police(template):
    assert "confirm" in template.staff_covered.lower() or template is statutes.AGENCY_POLICY
    assert template.fits and template.kind and template.law


def test_texas_is_modest_every_ground_waits_for_counsel():
    assert statutes.TEXAS.grounds
    assert all(ground.confirm for ground in statutes.TEXAS.grounds)
    assert "confirm" in statutes.TEXAS.law


def test_illinois_lists_its_own_grounds():
    illinois = statutes.ILLINOIS
    assert C.DUTY_REFUSAL in illinois.categories
    order = illinois.ground(C.COURT_ORDER)
    assert order is not None and order.citation == "5 ILCS 840/20(c-5)" and "good cause" in order.test
    consent = illinois.ground(C.CONSENT)
    assert consent is not None and consent.confirm  # 840/20 names no consent exception


def test_the_notice_is_generated_from_the_chosen_template():
    for template in ALL:
        notice = notice_for(template.code)
        assert notice.law == template.law
        assert notice.limits == tuple(ground.notice for ground in template.grounds)
        assert notice.clauses == tuple(clause.text for clause in template.clauses)
    readings = {(notice_for(code).law, notice_for(code).limits) for code in TEMPLATES}
    assert len(readings) == len(TEMPLATES)  # each reads differently (Texas: same tests, its own law)


def test_an_unknown_code_reads_as_agency_policy_which_says_no_statute_applies():
    assert template_for("nowhere") is statutes.AGENCY_POLICY
    assert "No peer support statute" in notice_for("nowhere").law


def test_counsel_gets_a_list_of_what_to_confirm():
    assert statutes.CALIFORNIA.to_confirm()[0].startswith("Juvenile delinquency proceedings")
    assert len(statutes.TEXAS.to_confirm()) == len(statutes.TEXAS.grounds)
