"""``{% claim "key" %}`` marks an element of a page as one promise of the claims ledger
(sidebar/core/claims.py): it writes ``data-claim="key"``, and a key that is not in the ledger stops
the page from rendering. tests/core/test_claims_ledger.py checks that every sentence of the
privacy page sits inside such an element, so none reaches a person without its proof."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from sidebar.core.claims import CLAIMS

register = template.Library()


@register.simple_tag
def claim(key: str) -> SafeString:
    if key not in CLAIMS:
        raise template.TemplateSyntaxError(f"{key!r} is not in the claims ledger (sidebar/core/claims.py)")
    return format_html('data-claim="{}"', key)
