"""The peer directory, a peer's own profile, and the team leader's roster. Who may open each view
is said in sidebar/policy.py (URL_RULES); which peer a roster page shows, by its scope."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sidebar import policy
from sidebar.accounts.models import User
from sidebar.team import selectors, services
from sidebar.team.forms import DirectoryFilterForm, OnCallForm, OwnProfileForm, StatusForm
from sidebar.team.models import PeerProfile


class SignedInRequest(HttpRequest):
    """Every page here needs a signed-in user (PolicyMiddleware sends anyone else to sign in)."""

    user: User


@require_GET
def directory(request: SignedInRequest) -> HttpResponse:
    form = DirectoryFilterForm(request.GET or None)
    filters = form.filters() if request.GET else {}
    context = {
        "form": form,
        "entries": selectors.directory(**filters),
        "filtered": any(filters.values()),
        "can_manage": policy.can(request.user, "team.manage_roster"),
    }
    return render(request, "team/directory.html", context)


@require_http_methods(["GET", "POST"])
def me(request: SignedInRequest) -> HttpResponse:
    peer = selectors.own_profile(request.user)
    if peer is None:  # the role was granted before the team leader added them to the team
        return render(request, "team/me.html", {"peer": None})
    form = OwnProfileForm(request.POST) if request.method == "POST" else OwnProfileForm.for_peer(peer)
    if request.method == "POST":
        if form.is_valid():
            services.update_own_profile(peer=peer, **form.cleaned_data)
            messages.success(request, "Your profile is saved.")
            return redirect("team:me")
        return render(request, "team/me.html", {"peer": peer, "form": form}, status=400)
    return render(request, "team/me.html", {"peer": peer, "form": form})


@require_GET
def roster(request: SignedInRequest) -> HttpResponse:
    rows = selectors.roster()
    context = {
        "rows": rows,
        "flagged": [peer for peer in rows if peer.flags],
        "thresholds": _thresholds(),
    }
    return render(request, "team/roster.html", context)


@require_GET
def peer(request: SignedInRequest, peer_id: uuid.UUID) -> HttpResponse:
    entry = selectors.roster_entry(user=request.user, peer_id=peer_id)
    return render(request, "team/peer.html", _peer_context(entry))


@require_POST
def set_on_call(request: SignedInRequest, peer_id: uuid.UUID) -> HttpResponse:
    peer = policy.get_visible_or_404(request.user, PeerProfile, pk=peer_id)
    form = OnCallForm(request.POST)
    if form.is_valid():
        try:
            services.set_on_call(peer=peer, on_call=form.cleaned_data["on_call"], by=request.user, request=request)
        except services.RosterError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, "On call." if form.cleaned_data["on_call"] else "No longer on call.")
    return redirect("team:peer", peer_id=peer.pk)


@require_POST
def change_status(request: SignedInRequest, peer_id: uuid.UUID) -> HttpResponse:
    peer = policy.get_visible_or_404(request.user, PeerProfile, pk=peer_id)
    form = StatusForm(request.POST, peer=peer)
    if not form.is_valid() and peer.status in services.LEFT:  # e.g. another team leader was quicker
        messages.error(request, f"{peer.get_status_display()}: this status does not change here any more.")
        return redirect("team:peer", peer_id=peer.pk)
    if not form.is_valid():
        entry = selectors.roster_entry(user=request.user, peer_id=peer.pk)
        return render(request, "team/peer.html", _peer_context(entry, status_form=form), status=400)
    try:
        change = services.change_status(peer=peer, to=form.cleaned_data["status"], by=request.user, request=request)
    except services.RosterError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"Status changed to {change.get_to_status_display().lower()}.")
    return redirect("team:peer", peer_id=peer.pk)


@require_POST
def clear_flag(request: SignedInRequest, peer_id: uuid.UUID) -> HttpResponse:
    peer = policy.get_visible_or_404(request.user, PeerProfile, pk=peer_id)
    services.clear_load_flag(peer=peer, by=request.user, request=request)
    messages.success(request, "Flag cleared. Their load counts afresh from now.")
    return redirect("team:peer", peer_id=peer.pk)


def _peer_context(entry: Any, *, status_form: StatusForm | None = None) -> dict[str, Any]:
    return {
        "peer": entry,
        "history": selectors.status_history(entry),
        "status_form": status_form or StatusForm(peer=entry),
        "left": entry.status in services.LEFT,
        "thresholds": _thresholds(),
    }


def _thresholds() -> dict[str, int]:
    return {
        "days": selectors.LOAD_WINDOW_DAYS,
        "hours": selectors.MAX_HOURS_IN_WINDOW,
        "heavy": selectors.MAX_HEAVY_CONTACTS_IN_WINDOW,
    }
