from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from sidebar.core.navigation import nav_for
from sidebar.org.selectors import current_agency


def sidebar(request: HttpRequest) -> dict[str, Any]:
    return {
        # Lazy: pages that never show the agency (static error pages) never query it.
        "agency": getattr(request, "agency", None) or SimpleLazyObject(current_agency),
        "demo_mode": settings.DEMO_MODE,
        "nav_items": SimpleLazyObject(lambda: nav_for(request)),
        # django-htmx's {% htmx_script %} reads csp_nonce; django-csp provides it lazily.
        "csp_nonce": getattr(request, "csp_nonce", ""),
    }
