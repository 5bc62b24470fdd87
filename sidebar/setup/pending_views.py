"""Changes that wait for a second person (issue 16 section 3, ASVS V6.4.4): role grants that open
requests, identities or exceptions, and resets of a lost authenticator. Program administrators
and clinical advisors confirm or cancel; team leaders look (the notice e-mail sends everyone
here). Who may do what to which change: sidebar.accounts.two_person."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from sidebar import policy
from sidebar.accounts import selectors, two_person
from sidebar.accounts.models import PendingChange, User


class SignedInRequest(HttpRequest):
    user: User


def _change(request: SignedInRequest, change_id: uuid.UUID) -> PendingChange:
    return policy.get_visible_or_404(request.user, PendingChange, pk=change_id)


@require_GET
def pending_changes(request: SignedInRequest) -> HttpResponse:
    two_person.lapse_expired()
    waiting, decided = selectors.pending_changes(policy.visible_to(request.user, PendingChange))
    person = two_person.viewer(request.user)
    rows = [
        {
            "change": change,
            "may_confirm": person.may_confirm(change),
            "at_set_up": person.may_confirm_at_set_up(change),
            "may_cancel": person.may_cancel(change),
        }
        for change in waiting
    ]
    return render(request, "setup/accounts/pending.html", {"rows": rows, "decided": decided})


@require_POST
def pending_change_confirm(request: SignedInRequest, change_id: uuid.UUID) -> HttpResponse:
    change = _change(request, change_id)
    try:
        two_person.confirm(change=change, by=request.user, code=request.POST.get("code", ""), request=request)
    except two_person.TwoPersonError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "Confirmed. The change has taken effect.")
    return redirect("setup:pending_changes")


@require_POST
def pending_change_cancel(request: SignedInRequest, change_id: uuid.UUID) -> HttpResponse:
    change = _change(request, change_id)
    try:
        two_person.cancel(change=change, by=request.user, request=request)
    except two_person.TwoPersonError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "Cancelled. Nothing changed for the account.")
    return redirect("setup:pending_changes")
