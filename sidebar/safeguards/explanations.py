"""Plain words for the confidentiality exceptions, shown where a peer chooses one and where the
clinical advisor and team leader review them. Only the category's code is ever stored."""

from __future__ import annotations

from dataclasses import dataclass

from sidebar.support.categories import ExceptionCategory

CATEGORY_EXPLANATIONS: dict[str, str] = {
    ExceptionCategory.DANGER_TO_SELF: "The person may seriously harm or kill themself, now or soon.",
    ExceptionCategory.DANGER_TO_OTHERS: "The person may seriously harm someone else, or has threatened to.",
    ExceptionCategory.ABUSE: "A child, an elderly person or a vulnerable adult is being abused or neglected.",
    ExceptionCategory.CRIMINAL_CONDUCT: "The person describes a crime that the written policy does not let the team keep confidential.",
    ExceptionCategory.REQUIRED_BY_LAW: "A statute, a subpoena or a court order requires the information.",
    ExceptionCategory.POLICY_VIOLATION: "A serious breach of agency policy that the written policy names as an exception.",
    ExceptionCategory.CONSENT: "The person asks the team to pass something on, or agrees that it does.",
}


@dataclass(frozen=True)
class ExplainedCategory:
    code: str
    label: str
    explanation: str


def explained_categories() -> list[ExplainedCategory]:
    """Every exception category, in the order of the standard list, with its explanation."""
    return [
        ExplainedCategory(code=category.value, label=str(category.label), explanation=CATEGORY_EXPLANATIONS[category])
        for category in ExceptionCategory
    ]
