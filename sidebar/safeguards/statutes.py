"""Statute templates: the exceptions to confidentiality that each law allows, as data.

An agency chooses one (``Agency.exception_template``, with its counsel). The choice decides
which exception categories a peer can raise, the statutory test shown next to each, and the
notice a person reads before asking (``notice_for``). Issue 16, section 4.

Written for counsel to check, not as legal advice. Wording is paraphrased from the statute; where
the authors could not verify a text or its reach, the ground or clause says what to confirm
(``confirm``), and docs/privacy.md ("Which law applies") repeats it. Rules kept everywhere:

- a subpoena alone is never a ground: it goes to the agency's counsel, who answers it;
- consent is recorded as written consent (the strictest rule, California 8669.4(b)(4)), and for a
  group session as every participant's (34 U.S.C. 50901(c)(2));
- "serious violation of policy" exists only in the agency-policy template, and its notice says
  so and who receives such a disclosure.
"""

from __future__ import annotations

from dataclasses import dataclass

from sidebar.org.models import Agency
from sidebar.support.categories import ExceptionCategory as C

Template = Agency.ExceptionTemplate

COUNSEL_REVIEWS_SUBPOENAS = (
    "A subpoena on its own does not make a peer supporter disclose anything: it goes to the agency's "
    "counsel, who answers it."
)


@dataclass(frozen=True)
class Ground:
    """One exception a template allows: the category peers raise, where the law says it, the test
    that must be met (for the peer, the clinical advisor and the team leader), and how the
    notice before asking puts it to the person (completing "…only if")."""

    category: C
    citation: str
    test: str
    notice: str
    confirm: str = ""  # what counsel must confirm before relying on this ground; empty if nothing


@dataclass(frozen=True)
class Clause:
    """Something the notice before asking must say that is not a ground a peer raises."""

    text: str
    citation: str
    confirm: str = ""


@dataclass(frozen=True)
class StatuteTemplate:
    code: str
    law: str  # the sentence that opens the limits in the notice
    kind: str  # a confidentiality duty, a testimonial privilege, or neither
    fits: str  # which agencies it fits, for counsel
    staff_covered: str  # whom the statute names; non-police staff to confirm
    grounds: tuple[Ground, ...]
    clauses: tuple[Clause, ...]
    # Who receives a disclosure made under the agency's own policy (policy_violation only).
    policy_recipients: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        return str(Template(self.code).label)

    @property
    def categories(self) -> tuple[str, ...]:
        return tuple(ground.category.value for ground in self.grounds)

    def ground(self, category: str) -> Ground | None:
        return next((ground for ground in self.grounds if ground.category == category), None)

    def to_confirm(self) -> list[str]:
        """Everything counsel must confirm for this template, in order."""
        items: list[Ground | Clause] = [*self.grounds, *self.clauses]
        return [item.confirm for item in items if item.confirm]


# --- federal: 34 U.S.C. 50901 -------------------------------------------------------------------

FEDERAL = StatuteTemplate(
    code=Template.FEDERAL,
    law="These limits follow the federal peer support statute, 34 U.S.C. 50901.",
    kind="A duty of confidentiality: the peer supporter and the person may not disclose a peer support communication to anyone who was not a party to it, except as listed.",
    fits=(
        "A federal agency's program for its law enforcement officers, which the statute governs directly. "
        "Other agencies may adopt it as their written policy because its tests are the clearest, but "
        "it gives them no privilege in court."
    ),
    staff_covered=(
        "Federal law enforcement officers (18 U.S.C. 115). Attorneys, advocates, clerks and other "
        "civilian staff are not named: confirm with counsel before promising them its protection."
    ),
    grounds=(
        Ground(
            C.DANGER_TO_SELF,
            "34 U.S.C. 50901(c)(1)(A)",
            "An explicit threat of suicide: the person shares an intent to die by suicide and a plan "
            "for an attempt or the means to carry it out. Saying only that they have suicidal "
            "thoughts is not enough.",
            "you make an explicit threat of suicide: you tell of an intent to die and of a plan or "
            "the means. Having suicidal thoughts, and talking about them, is not a reason to disclose",
        ),
        Ground(
            C.DANGER_TO_OTHERS,
            "34 U.S.C. 50901(c)(1)(B)",
            "An explicit threat of imminent and serious physical bodily harm or death to a clearly "
            "identified or identifiable person.",
            "you make an explicit threat of imminent, serious physical harm or death to a person who can be identified",
        ),
        Ground(
            C.ABUSE,
            "34 U.S.C. 50901(c)(1)(C)",
            "Information about the abuse or neglect of a child or an older adult.",
            "you tell of the abuse or neglect of a child or an older adult",
        ),
        Ground(
            C.REQUIRED_BY_LAW,
            "34 U.S.C. 50901(c)(1)(C)",
            "Other information that a law requires to be reported.",
            "you tell of something else that a law requires to be reported",
        ),
        Ground(
            C.CRIMINAL_CONDUCT,
            "34 U.S.C. 50901(c)(1)(D)",
            "An admission of criminal conduct by the person.",
            "you admit to a crime",
        ),
        Ground(
            C.CONSENT,
            "34 U.S.C. 50901(c)(2)",
            "Every peer support participant who was a party to the communication permits the "
            "disclosure: in a group session, each participant. Sidebar records it as written consent.",
            "you agree in writing (after a group session, every participant must agree)",
        ),
        Ground(
            C.COURT_ORDER,
            "34 U.S.C. 50901(c)(3)",
            "A court of competent jurisdiction issues an order or a subpoena requiring the disclosure. "
            "Counsel reviews it first; a subpoena from anyone but such a court is not enough.",
            "a court orders it, by an order or a subpoena of the court that the agency's counsel has reviewed",
        ),
    ),
    clauses=(
        Clause(
            "Your peer supporter may talk it over with another peer supporter, the program's staff "
            "or the team leader; those conversations are confidential in the same way.",
            "34 U.S.C. 50901(a)(3)(D)",
            "50901 names a peer support specialist's supervisor and program staff, not a clinician: "
            "confirm that consulting the program's clinical advisor is covered.",
        ),
        Clause(COUNSEL_REVIEWS_SUBPOENAS, "34 U.S.C. 50901(c)(3)"),
    ),
)

# --- California: Gov. Code 8669.4 (Law Enforcement Peer Support and Crisis Referral Services) ----

CALIFORNIA = StatuteTemplate(
    code=Template.CALIFORNIA,
    law="These limits follow California Government Code section 8669.4.",
    kind=(
        "A privilege: the person may refuse to disclose, and prevent others from disclosing, a "
        "confidential communication with a peer support team member (group sessions included), "
        "except as listed."
    ),
    fits=(
        "A California local or regional law enforcement agency's peer support and crisis referral "
        "program (Gov. Code 8669.1-8669.7)."
    ),
    staff_covered=(
        '"Law enforcement personnel" as defined in Gov. Code 8669.2. Whether a district attorney\'s '
        "attorneys and civilian staff, court staff or probation staff are covered must be confirmed "
        "with counsel."
    ),
    grounds=(
        Ground(
            C.DANGER_TO_SELF,
            "Cal. Gov. Code 8669.4(b)(3)",
            "The peer supporter reasonably believes that disclosure is necessary to prevent the "
            "person's death or substantial bodily harm.",
            "your peer supporter reasonably believes that telling someone is necessary to prevent "
            "your death or serious bodily harm",
        ),
        Ground(
            C.DANGER_TO_OTHERS,
            "Cal. Gov. Code 8669.4(b)(3)",
            "The peer supporter reasonably believes that disclosure is necessary to prevent someone "
            "else's death or substantial bodily harm.",
            "your peer supporter reasonably believes that telling someone is necessary to prevent "
            "another person's death or serious bodily harm",
        ),
        Ground(
            C.PREVENT_CRIME,
            "Cal. Gov. Code 8669.4(b)(3)",
            "The peer supporter reasonably believes that disclosure is necessary to prevent the "
            "commission of a crime. A crime already committed is not, on its own, this ground.",
            "your peer supporter reasonably believes that telling someone is necessary to prevent a crime",
        ),
        Ground(
            C.CONSENT,
            "Cal. Gov. Code 8669.4(b)(4)",
            "The person expressly agrees in writing that the communication may be disclosed.",
            "you expressly agree in writing",
        ),
        Ground(
            C.CRIMINAL_PROCEEDING,
            "Cal. Gov. Code 8669.4(b)(5)",
            "The communication is sought in a criminal or juvenile delinquency proceeding, where "
            "the privilege does not apply. Counsel handles the demand.",
            "it is asked for in a criminal case or a juvenile delinquency case: there the law gives "
            "these conversations no privilege, and a peer supporter can be made to testify. This "
            "matters if you may be a witness in a case",
            "Juvenile delinquency proceedings were added by SB 459 (2025), in force from 1 January "
            "2026: confirm the version in force.",
        ),
        Ground(
            C.REQUIRED_BY_LAW,
            "Cal. Gov. Code 8669.4(b)(6)",
            "Disclosure is otherwise required by law.",
            "another law requires it",
        ),
        Ground(
            C.ABUSE,
            "Cal. Gov. Code 8669.4(b)(6) with Penal Code 11166",
            "Child abuse or neglect that the peer supporter must report as a mandated reporter "
            "(disclosure otherwise required by law).",
            "you tell of child abuse or neglect that your peer supporter must report by law",
            "Whether a peer supporter is a mandated reporter depends on their own job (Penal Code "
            "11165.7 names, among others, probation officers and district attorney investigators).",
        ),
    ),
    clauses=(
        Clause(
            "Your peer supporter may consult another peer supporter, and may refer you to crisis referral services.",
            "Cal. Gov. Code 8669.4(b)(1)-(2)",
            "8669.4(b)(2) names consultation between two peer support team members: confirm that "
            "Sidebar's consultation with the team leader and the clinical advisor is covered.",
        ),
        Clause(COUNSEL_REVIEWS_SUBPOENAS, "Cal. Gov. Code 8669.4(a)"),
    ),
)

# --- Arizona: A.R.S. 38-1111 ----------------------------------------------------------------------

ARIZONA = StatuteTemplate(
    code=Template.ARIZONA,
    law="These limits follow Arizona Revised Statutes section 38-1111.",
    kind=(
        "A testimonial privilege: a critical incident stress management or peer support team member "
        "cannot be compelled to disclose, in a legal proceeding, trial or investigation, what they "
        "learned in confidence while responding to a critical incident, except as listed."
    ),
    fits=(
        "An Arizona agency whose team responds to critical incidents, including a probation "
        "officer crisis response team, which the statute names."
    ),
    staff_covered=(
        '"Designated persons": law enforcement officers, firefighters, emergency medical providers '
        "and (since 2024) non-sworn civilian employees of their agencies. Prosecutors' and court "
        "staff, and support given outside a critical incident, must be confirmed with counsel."
    ),
    grounds=(
        Ground(
            C.DANGER_TO_SELF,
            "A.R.S. 38-1111(B)(1)",
            "The communication indicates a clear and present danger to the person who received the services.",
            "what you say shows a clear and present danger to yourself",
        ),
        Ground(
            C.DANGER_TO_OTHERS,
            "A.R.S. 38-1111(B)(1)",
            "The communication indicates a clear and present danger to other persons.",
            "what you say shows a clear and present danger to other people",
        ),
        Ground(
            C.CONSENT,
            "A.R.S. 38-1111(B)(2)",
            "The person gives express consent. Sidebar records it as written consent.",
            "you expressly agree, in writing",
        ),
        Ground(
            C.CRIMINAL_PROCEEDING,
            "A.R.S. 38-1111(B)(3)",
            "The communication was made during the course of a criminal investigation.",
            "what you say is said during a criminal investigation",
        ),
        Ground(
            C.CRIMINAL_CONDUCT,
            "A.R.S. 38-1111(B)(5)",
            "A breach of policy that amounts to a violation of law.",
            "you tell of conduct that breaks the law",
            "Paraphrased from the legislature's summary of 38-1111(B)(5): confirm the exact wording.",
        ),
        Ground(
            C.ABUSE,
            "A.R.S. 13-3620",
            "Child abuse or neglect that the peer supporter must report under Arizona's reporting law.",
            "you tell of child abuse or neglect that your peer supporter must report by law",
            "38-1111 does not list abuse; whether 13-3620 applies depends on the peer supporter's own job.",
        ),
    ),
    clauses=(
        Clause(
            "If you testify about it yourself, your peer supporter can be made to testify on the same subject.",
            "A.R.S. 38-1111(B)(4)",
        ),
        Clause(
            "The protection covers support given in response to a critical incident; other "
            "conversations may not be protected in court.",
            "A.R.S. 38-1111(A)",
            "Confirm whether everyday (non-incident) support is covered.",
        ),
        Clause(COUNSEL_REVIEWS_SUBPOENAS, "A.R.S. 38-1111(A)"),
    ),
)

# --- Texas ------------------------------------------------------------------------------------------

_TEXAS_UNVERIFIED = (
    "Sidebar's authors could not verify the Texas text (Health & Safety Code ch. 784, crisis "
    "response services; Occupations Code 1701.621 ff., law enforcement peer support network): "
    "confirm this ground and its wording with counsel."
)

TEXAS = StatuteTemplate(
    code=Template.TEXAS,
    law=(
        "These limits follow the agency's written policy, modelled on the Texas peer support "
        "provisions; the agency's counsel has been asked to confirm them."
    ),
    kind="To be confirmed with counsel.",
    fits=(
        "A Texas agency. Until counsel confirms each ground, the template uses the narrowest tests "
        "(those of 34 U.S.C. 50901), so that nothing is disclosed that a Texas statute would protect "
        "more narrowly."
    ),
    staff_covered=(
        "The Texas provisions name emergency service providers and law enforcement officers (peace "
        "officers); prosecutors', court and probation staff must be confirmed with counsel."
    ),
    grounds=tuple(
        Ground(ground.category, "to be confirmed (Texas)", ground.test, ground.notice, _TEXAS_UNVERIFIED)
        for ground in FEDERAL.grounds
    ),
    clauses=(Clause(COUNSEL_REVIEWS_SUBPOENAS, "agency policy"),),
)

# --- Illinois: 5 ILCS 840/20 (First Responders Suicide Prevention Act) ----------------------------

ILLINOIS = StatuteTemplate(
    code=Template.ILLINOIS,
    law="These limits follow the Illinois First Responders Suicide Prevention Act, 5 ILCS 840/20.",
    kind=(
        "A duty of confidentiality: what is said in a peer support counseling session may not be "
        "disclosed by anyone who took part, except as listed."
    ),
    fits=(
        "An Illinois law enforcement agency or emergency services provider; the Act's definition of a "
        "law enforcement agency names the Division of Probation Services of the Supreme Court and "
        "county probation agencies."
    ),
    staff_covered=(
        'Employees of a "law enforcement agency" or "emergency services provider" (5 ILCS 840/5). '
        "State's attorneys' offices and courts are not named: confirm with counsel."
    ),
    grounds=(
        Ground(
            C.DANGER_TO_SELF,
            "5 ILCS 840/20(d)(1)",
            "A threat of suicide made in the session, or information given in it related to a threat of suicide.",
            "you threaten suicide, or say something related to such a threat",
        ),
        Ground(
            C.DANGER_TO_OTHERS,
            "5 ILCS 840/20(d)(1)",
            "A threat of homicide made in the session, or information given in it related to one.",
            "you threaten to kill someone, or say something related to such a threat",
        ),
        Ground(
            C.ABUSE,
            "5 ILCS 840/20(d)(2)",
            "Domestic violence, child abuse or neglect, or elder abuse or neglect that the law or "
            "agency policy requires to be reported.",
            "you tell of domestic violence, or of the abuse or neglect of a child or an older "
            "person, that must be reported",
        ),
        Ground(
            C.REQUIRED_BY_LAW,
            "5 ILCS 840/20(d)(2)",
            "Other information that the law or the agency's written policy requires to be reported.",
            "you tell of something else that the law or the agency's written policy requires to be reported",
        ),
        Ground(
            C.CRIMINAL_CONDUCT,
            "5 ILCS 840/20(d)(3)",
            "An admission of criminal conduct.",
            "you admit to a crime",
        ),
        Ground(
            C.DUTY_REFUSAL,
            "5 ILCS 840/20(d)(4)",
            "An admission or act of refusal to perform duties to protect others or the employee.",
            "you refuse, or say you refuse, to perform duties that protect others",
        ),
        Ground(
            C.COURT_ORDER,
            "5 ILCS 840/20(c-5)",
            "A subpoena issued for good cause shown. Counsel reviews it first.",
            "a court finds good cause and the communication is subpoenaed, after the agency's counsel has reviewed it",
        ),
        Ground(
            C.CONSENT,
            "agency policy",
            "The person agrees in writing.",
            "you agree in writing",
            "5 ILCS 840/20 names no consent exception: confirm that the person can waive it.",
        ),
    ),
    clauses=(
        Clause(
            "Your peer supporter may talk it over with other peer supporters and with the program's "
            "supervisors and staff; those conversations are confidential in the same way.",
            "5 ILCS 840/20(b)-(c)",
            "Confirm that the program's clinical advisor counts as the program's staff.",
        ),
        Clause(
            "Other subpoenas go to the agency's counsel, who answers them.",
            "5 ILCS 840/20(c-5)",
        ),
    ),
)

# --- Colorado: C.R.S. 13-90-107(1)(m) --------------------------------------------------------------

COLORADO = StatuteTemplate(
    code=Template.COLORADO,
    law="These limits follow Colorado Revised Statutes section 13-90-107(1)(m).",
    kind=(
        "A testimonial privilege: a peer support team member may not be examined as a witness about "
        "the person's communications without the person's consent, except as listed. C.R.S. 12-30-125 "
        "(2025) adds a duty not to disclose outside court."
    ),
    fits=(
        "A Colorado agency whose peer support team is designated as the statute requires. The "
        "privilege was extended in 2022 to district attorney and public defender offices."
    ),
    staff_covered=(
        "Peer support team members of the agencies the statute lists. Confirm with counsel that the "
        "agency (a district attorney's office, a court, probation) and its non-sworn staff are covered "
        "by the version in force."
    ),
    grounds=(
        Ground(
            C.CONSENT,
            "C.R.S. 13-90-107(1)(m)",
            "The person consents. Sidebar records it as written consent.",
            "you agree, in writing",
        ),
        Ground(
            C.DANGER_TO_SELF,
            "C.R.S. 13-90-107(1)(m)(II)",
            "Because of intoxication, substance abuse or mental illness, the person is a clear and "
            "imminent danger to themself.",
            "you are a clear and imminent danger to yourself",
            "Paraphrased: confirm the exact conditions in the version in force.",
        ),
        Ground(
            C.DANGER_TO_OTHERS,
            "C.R.S. 13-90-107(1)(m)(II)",
            "Because of intoxication, substance abuse or mental illness, the person is a clear and "
            "imminent danger to others.",
            "you are a clear and imminent danger to others",
            "Paraphrased: confirm the exact conditions in the version in force.",
        ),
        Ground(
            C.ABUSE,
            "C.R.S. 13-90-107(1)(m)(II)",
            "Information indicative of actual or suspected child abuse or neglect.",
            "you tell of the abuse or neglect of a child",
        ),
        Ground(
            C.CRIMINAL_CONDUCT,
            "C.R.S. 12-30-125 (2025)",
            "The person admits to committing a crime, or gives information indicative of criminal conduct.",
            "you admit to a crime",
            "C.R.S. 12-30-125 was added in 2025 (HB25-1087): confirm its text and how it sits with 13-90-107(1)(m).",
        ),
    ),
    clauses=(
        Clause(
            "A peer supporter who witnessed or took part in the incident that led to the support is "
            "not covered by the privilege; Sidebar never knowingly assigns one.",
            "C.R.S. 13-90-107(1)(m)(II)",
        ),
        Clause(COUNSEL_REVIEWS_SUBPOENAS, "C.R.S. 13-90-107(1)(m)"),
    ),
)

# --- agency policy only ------------------------------------------------------------------------------

AGENCY_POLICY = StatuteTemplate(
    code=Template.AGENCY_POLICY,
    law=(
        "These limits are set by the agency's written peer support policy. No peer support statute "
        "protects these conversations here, so a court could order a peer supporter to testify."
    ),
    kind="None: confidentiality rests on the agency's policy and the team agreement only.",
    fits=(
        "An agency in a state without a peer support statute that reaches it, or before counsel has "
        "chosen one. This is the court and probation policy the program started from (seed 004), "
        "with the tests of 34 U.S.C. 50901 for danger."
    ),
    staff_covered="Everyone the agency's policy names; no statute covers anyone.",
    grounds=(
        Ground(
            C.DANGER_TO_SELF,
            "agency policy (test of 34 U.S.C. 50901(c)(1)(A))",
            "An explicit threat of suicide: the person shares an intent to die by suicide and a plan "
            "or the means. Saying only that they have suicidal thoughts is not enough.",
            "you make an explicit threat of suicide: you tell of an intent to die and of a plan or "
            "the means. Having suicidal thoughts, and talking about them, is not a reason to disclose",
        ),
        Ground(
            C.DANGER_TO_OTHERS,
            "agency policy (test of 34 U.S.C. 50901(c)(1)(B))",
            "An explicit threat of imminent and serious physical harm or death to an identifiable person.",
            "you make an explicit threat of imminent, serious physical harm or death to a person who can be identified",
        ),
        Ground(
            C.ABUSE,
            "agency policy and the state's reporting laws",
            "Abuse or neglect of a child, an elder or a vulnerable adult that must be reported.",
            "you tell of the abuse or neglect of a child, an elder or a vulnerable adult",
        ),
        Ground(
            C.REQUIRED_BY_LAW,
            "agency policy (disclosure required by statute)",
            "A statute requires the disclosure. A subpoena alone is not a statute: it goes to counsel.",
            "a statute requires it",
        ),
        Ground(
            C.CRIMINAL_CONDUCT,
            "agency policy",
            "The person admits to a crime of the kind the written policy lists.",
            "you admit to a crime of a kind the agency's written policy lists",
        ),
        Ground(
            C.POLICY_VIOLATION,
            "agency policy only (no statute)",
            "A serious violation of agency policy that the written policy names as an exception. "
            "This ground exists only in the agency's own policy, in no statute.",
            "you tell of a serious violation of agency policy that the written policy names. This "
            "limit comes from the agency's own policy, not from a law, and such a disclosure goes "
            "to agency management or human resources",
        ),
        Ground(
            C.CONSENT,
            "agency policy",
            "The person agrees in writing (after a group session, every participant).",
            "you agree in writing (after a group session, every participant must agree)",
        ),
        Ground(
            C.COURT_ORDER,
            "agency policy",
            "A court orders the disclosure, and the agency's counsel has reviewed the order.",
            "a court orders it, and the agency's counsel has reviewed the order",
        ),
    ),
    clauses=(
        Clause(
            "Your peer supporter may talk it over with the team leader and the program's clinical "
            "advisor, and may refer you to professional help; they keep it confidential in the same way.",
            "agency policy",
        ),
        Clause(COUNSEL_REVIEWS_SUBPOENAS, "agency policy"),
    ),
    policy_recipients=("agency management", "human resources"),
)

TEMPLATES: dict[str, StatuteTemplate] = {
    template.code: template for template in (FEDERAL, CALIFORNIA, ARIZONA, TEXAS, ILLINOIS, COLORADO, AGENCY_POLICY)
}


def template_for(code: str) -> StatuteTemplate:
    """The template of an agency's choice; an unknown code (never saved, the field has choices)
    falls back to the agency's own policy, whose notice says no statute applies."""
    return TEMPLATES.get(code, AGENCY_POLICY)


@dataclass(frozen=True)
class Notice:
    """The limits part of the notice before asking, generated from a template."""

    law: str
    limits: tuple[str, ...]
    clauses: tuple[str, ...]
    policy_recipients: tuple[str, ...]


def notice_for(code: str) -> Notice:
    template = template_for(code)
    return Notice(
        law=template.law,
        limits=tuple(ground.notice for ground in template.grounds),
        clauses=tuple(clause.text for clause in template.clauses),
        policy_recipients=template.policy_recipients,
    )
