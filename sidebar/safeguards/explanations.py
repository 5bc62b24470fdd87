"""Plain words for the confidentiality exceptions, shown where a peer chooses one and where the
clinical advisor and team leader review them. Only the category's code is ever stored.

The words that count are the statutory tests of the agency's template (statutes.py); the short
explanations here describe a category where no template's test applies (an exception raised
under a template the agency has since left)."""

from __future__ import annotations

from dataclasses import dataclass

from sidebar.safeguards.statutes import template_for
from sidebar.support.categories import ExceptionCategory

CATEGORY_EXPLANATIONS: dict[str, str] = {
    ExceptionCategory.DANGER_TO_SELF: "The person may seriously harm or kill themself, now or soon.",
    ExceptionCategory.DANGER_TO_OTHERS: "The person may seriously harm someone else, or has threatened to.",
    ExceptionCategory.ABUSE: "A child, an elderly person or a vulnerable adult is being abused or neglected.",
    ExceptionCategory.CRIMINAL_CONDUCT: "The person admits to a crime.",
    ExceptionCategory.PREVENT_CRIME: "Telling someone is necessary to prevent a crime.",
    ExceptionCategory.REQUIRED_BY_LAW: "A statute requires the disclosure. A subpoena alone is not a statute: it goes to counsel.",
    ExceptionCategory.COURT_ORDER: "A court orders the disclosure, and the agency's counsel has reviewed the order.",
    ExceptionCategory.CRIMINAL_PROCEEDING: "The communication is sought in a criminal proceeding or investigation, where it has no protection.",
    ExceptionCategory.DUTY_REFUSAL: "The person refuses, or says they refuse, to perform duties that protect others.",
    ExceptionCategory.POLICY_VIOLATION: "A serious breach of agency policy that the written policy names as an exception.",
    ExceptionCategory.CONSENT: "The person agrees in writing that something is passed on.",
}


@dataclass(frozen=True)
class ExplainedCategory:
    code: str
    label: str
    explanation: str
    citation: str = ""
    confirm: str = ""


def explained_categories(template_code: str) -> list[ExplainedCategory]:
    """The exceptions an agency's template allows, in the template's order, each with its
    statutory test, where the law says it, and what counsel must still confirm."""
    return [
        ExplainedCategory(
            code=ground.category.value,
            label=str(ground.category.label),
            explanation=ground.test,
            citation=ground.citation,
            confirm=ground.confirm,
        )
        for ground in template_for(template_code).grounds
    ]


def explain(category: str, template_code: str) -> ExplainedCategory:
    """One category as the agency's template states it, or in general words if the template
    (changed since the exception was raised) no longer lists it."""
    ground = template_for(template_code).ground(category)
    label = str(ExceptionCategory(category).label) if category in ExceptionCategory.values else category
    if ground is None:
        return ExplainedCategory(code=category, label=label, explanation=CATEGORY_EXPLANATIONS.get(category, ""))
    return ExplainedCategory(
        code=category, label=label, explanation=ground.test, citation=ground.citation, confirm=ground.confirm
    )
