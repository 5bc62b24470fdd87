"""The limits of confidentiality, as the agency's statute template words them, for every page
that shows the notice before asking (issue 16, section 4)."""

from __future__ import annotations

from typing import Any

from django import template

from sidebar.safeguards.statutes import Notice, notice_for

register = template.Library()


@register.simple_tag
def exception_notice(agency: Any) -> Notice:
    """``{% exception_notice agency as limits %}``: the agency is the context's (already loaded
    for the crisis line every page shows), so this costs no query."""
    return notice_for(getattr(agency, "exception_template", ""))
