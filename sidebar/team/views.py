"""The peer directory, a peer's own profile, and the team leader's roster. Who may open each view
is said in sidebar/policy.py (URL_RULES); which peer a roster page shows, by its scope."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sidebar import policy
from sidebar.accounts.models import User
from sidebar.org.selectors import current_agency
from sidebar.team import selectors, services
from sidebar.team.forms import DirectoryFilterForm, OnCallForm, OwnProfileForm, ShiftForm, StatusForm
from sidebar.team.models import OnCallShift, PeerProfile


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
    form = OwnProfileForm(request.POST, request.FILES) if request.method == "POST" else OwnProfileForm.for_peer(peer)
    if request.method == "POST":
        if form.is_valid():
            services.update_own_profile(peer=peer, **form.cleaned_data)
            messages.success(request, "Your profile is saved.")
            return redirect("team:me")
        return render(
            request, "team/me.html", {"peer": peer, "form": form, "shifts": selectors.own_shifts(peer)}, status=400
        )
    return render(request, "team/me.html", {"peer": peer, "form": form, "shifts": selectors.own_shifts(peer)})


@require_GET
def roster(request: SignedInRequest) -> HttpResponse:
    rows = selectors.roster()
    context = {
        "rows": rows,
        "flagged": [peer for peer in rows if peer.flags],
        "thresholds": _thresholds(request),
    }
    return render(request, "team/roster.html", context)


@require_GET
def peer(request: SignedInRequest, peer_id: uuid.UUID) -> HttpResponse:
    entry = selectors.roster_entry(user=request.user, peer_id=peer_id)
    return render(request, "team/peer.html", _peer_context(request, entry))


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
        return render(request, "team/peer.html", _peer_context(request, entry, status_form=form), status=400)
    try:
        change = services.change_status(
            peer=peer,
            to=form.cleaned_data["status"],
            reason=form.cleaned_data["reason"],
            by=request.user,
            request=request,
        )
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


def _peer_context(request: HttpRequest, entry: Any, *, status_form: StatusForm | None = None) -> dict[str, Any]:
    return {
        "peer": entry,
        "history": selectors.status_history(entry),
        "status_form": status_form or StatusForm(peer=entry),
        "left": entry.status in services.LEFT,
        "thresholds": _thresholds(request),
    }


def _thresholds(request: HttpRequest) -> dict[str, int]:
    """The agency's load thresholds (set under Agency set-up), as the roster explains them."""
    agency = getattr(request, "agency", None) or current_agency()
    return {"days": selectors.LOAD_WINDOW_DAYS, "hours": agency.load_max_hours, "heavy": agency.load_max_heavy_contacts}


@require_http_methods(["GET", "POST"])
def rota(request: SignedInRequest) -> HttpResponse:
    form = ShiftForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_shift(**form.cleaned_data, by=request.user, request=request)
        except services.RosterError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            messages.success(request, f"{form.cleaned_data['peer'].person.full_name} is on the rota.")
            return redirect("team:rota")
    status = 400 if request.method == "POST" else 200
    return render(request, "team/rota.html", {"form": form, "shifts": selectors.rota()}, status=status)


@require_POST
def rota_remove(request: SignedInRequest, shift_id: uuid.UUID) -> HttpResponse:
    shift = policy.get_visible_or_404(request.user, OnCallShift, pk=shift_id)
    services.remove_shift(shift=shift, by=request.user, request=request)
    messages.success(request, "Taken off the rota.")
    return redirect("team:rota")


@require_GET
def photo(request: SignedInRequest, peer_id: uuid.UUID) -> HttpResponse:
    """An active peer's directory photo, for signed-in staff (the directory's own rule)."""
    found = selectors.directory_photo(peer_id)
    if found is None:
        raise Http404
    data, content_type = found
    response = HttpResponse(data, content_type=content_type)
    response["Cache-Control"] = "private, max-age=3600"
    return response


@require_POST
def step_down(request: SignedInRequest) -> HttpResponse:
    """The peer's own "I step down": asked to confirm on their profile page first."""
    peer = selectors.own_profile(request.user)
    if peer is None:
        raise Http404
    if request.POST.get("confirm") != "yes":
        messages.error(request, "Tick the box to confirm that you step down from the team.")
        return redirect("team:me")
    try:
        services.step_down(peer=peer, by=request.user, request=request)
    except services.RosterError as error:
        messages.error(request, str(error))
        return redirect("team:me")
    messages.success(
        request, "You have stepped down from the team. Thank you for everything you did for your colleagues."
    )
    return redirect("home")
