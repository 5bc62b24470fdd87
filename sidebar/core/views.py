from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from sidebar import policy
from sidebar.accounts.passkeys import OFFER
from sidebar.accounts.roles import Role
from sidebar.core import selectors
from sidebar.core.privacy import privacy_facts
from sidebar.incidents import selectors as incident_selectors
from sidebar.outbox.services import undelivered_count
from sidebar.safeguards import selectors as safeguards_selectors
from sidebar.support import selectors as support_selectors
from sidebar.throttle.actions import reached_recently
from sidebar.training import selectors as training_selectors
from sidebar.training.models import Announcement


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    roles = policy.roles_of(request.user)
    context = {
        "roles": sorted(roles, key=list(Role).index),
        "person": selectors.person_for(request.user),
        "org_summary": selectors.org_summary() if policy.can(request.user, "org.manage") else None,
        "peer": support_selectors.peer_dashboard(request.user) if Role.PEER in roles else None,
        "urgent": support_selectors.urgent_for_peer(request.user) if Role.PEER in roles else None,
        "queue_summary": support_selectors.queue_summary(agency=getattr(request, "agency", None))
        if Role.TEAM_LEADER in roles
        else None,
        "leadership": Role.LEADERSHIP in roles,
        "incident_notices": incident_selectors.affected_peer_notices(request.user) if Role.PEER in roles else [],
        "unsigned_agreement": safeguards_selectors.unsigned_agreement_for(request.user) if Role.PEER in roles else None,
        "announcements": training_selectors.latest_announcements(policy.visible_to(request.user, Announcement))
        if Role.PEER in roles
        else None,
        # e-mails (urgent alerts among them) the worker has failed to send for a while
        "undelivered_mail": undelivered_count() if Role.TEAM_LEADER in roles else 0,
        # --- task: issue 17 limits (V2.4.1): how often a limit refused someone this week, never who ---
        "limits_reached": reached_recently() if Role.TEAM_LEADER in roles else [],
        # --- end task ---
        # --- task: issue 17 passkeys (V6.3.3): offered at sign-in to accounts without one ---
        "offer_passkey": bool(request.session.get(OFFER)),
        # --- end task ---
        "waiting_exceptions": safeguards_selectors.waiting_count(request.user)
        if roles & {Role.CLINICAL_ADVISOR, Role.TEAM_LEADER}
        else None,
    }
    return render(request, "core/home.html", context)


@login_not_required  # policy: PUBLIC — reachable in a crisis without an account
@require_GET
def need_to_talk(request: HttpRequest) -> HttpResponse:
    return render(request, "core/need_to_talk.html")


@login_not_required  # policy: PUBLIC — people decide whether to trust Sidebar before signing in
@require_GET
def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "core/privacy.html", {"facts": privacy_facts()})


@login_not_required  # policy: PUBLIC
@never_cache
@require_GET
def health(request: HttpRequest) -> HttpResponse:
    """For a load balancer: the process answers and the database is reachable."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain; charset=utf-8")


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "400.html", status=400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "403.html", status=403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)
