"""The key design's one number for the privacy page, read from the live configuration."""

from __future__ import annotations

from django import template

from sidebar.vault.services import unrecoverable_within

register = template.Library()


@register.simple_tag
def unrecoverable_within_days() -> int:
    """Whole days (rounded up) between "due for shredding" and "no copy anywhere opens"."""
    within = unrecoverable_within()
    return int(-(-within.total_seconds() // 86400))
