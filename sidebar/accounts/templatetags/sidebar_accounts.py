"""Template tags of the account pages (sign-in links, invitations)."""

from __future__ import annotations

from django import template

from sidebar.accounts.invitations import link_lifetime as _link_lifetime

register = template.Library()


@register.simple_tag
def link_lifetime() -> str:
    """How long a link to choose a password works ("3 days"), from the real setting."""
    return _link_lifetime()
