"""Recruitment pages: staff join the team (nominate, apply, decline), the team leader runs the
round (announce, screen, panel, decide, onboard, activate), panelists score. Who may open each
view is said in sidebar/policy.py (URL_RULES); which objects it shows, by the scopes there."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sidebar import policy
from sidebar.accounts.models import User
from sidebar.recruitment import selectors, services
from sidebar.recruitment.forms import (
    ApplicationForm,
    DecisionForm,
    MoveForm,
    NominationForm,
    PanelForm,
    RoundForm,
    ScoreForm,
)
from sidebar.recruitment.models import Application, Round
from sidebar.team.models import PeerProfile
from sidebar.throttle import actions


class SignedInRequest(HttpRequest):
    """Every page here needs a signed-in user (PolicyMiddleware sends anyone else to sign in)."""

    user: User


def _posted(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


# --- staff: join the team ------------------------------------------------------------------------


@require_GET
def join(request: SignedInRequest) -> HttpResponse:
    context = {
        "open_rounds": selectors.open_rounds(request.user),
        "invitations": selectors.nominations_of(request.user),
        "made": selectors.nominations_made_by(request.user),
        "applications": selectors.own_applications(request.user),
        "onboarding": selectors.own_onboarding(request.user),
    }
    return render(request, "recruitment/join.html", context)


@require_GET
def round_detail(request: SignedInRequest, round_id: uuid.UUID) -> HttpResponse:
    round_ = selectors.round_for(request.user, round_id)
    context = {
        "round": round_,
        "is_open": round_.is_open(timezone.localdate()),
        "invitation": selectors.invitation_in(request.user, round_),
        "application": selectors.own_application_in(request.user, round_),
    }
    return render(request, "recruitment/round.html", context)


@require_http_methods(["GET", "POST"])
def nominate(request: SignedInRequest, round_id: uuid.UUID) -> HttpResponse:
    round_ = selectors.round_for(request.user, round_id)
    form = NominationForm(_posted(request), nominees=selectors.eligible_nominees(request.user, round_))
    if request.method == "POST" and form.is_valid():
        try:
            services.nominate(round_=round_, by=request.user, request=request, limit=True, **form.cleaned_data)
        except services.RecruitmentError as error:
            form.add_error(None, str(error))
        except actions.LimitReached as reached:  # issue 17 V2.4.1: audited naming nobody
            actions.note_reached(reached.limit)
            form.add_error(None, reached.limit.message)
        else:
            messages.success(request, "Thank you. Your colleague has been told that someone nominated them, not who.")
            return redirect("recruitment:join")
    status = 400 if form.errors else 200
    context = {"round": round_, "form": form, "is_open": round_.is_open(timezone.localdate())}
    return render(request, "recruitment/nominate.html", context, status=status)


@require_http_methods(["GET", "POST"])
def apply(request: SignedInRequest, round_id: uuid.UUID) -> HttpResponse:
    round_ = selectors.round_for(request.user, round_id)
    existing = selectors.own_application_in(request.user, round_)
    if existing is not None:
        messages.info(request, "You have applied in this round. Where it stands is below.")
        return redirect("recruitment:join")
    form = ApplicationForm(_posted(request), round_=round_)
    if request.method == "POST" and form.is_valid():
        try:
            services.apply(round_=round_, user=request.user, answers=form.answers(), request=request)
        except services.RecruitmentError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Your application is in. The team leader will be in touch.")
            return redirect("recruitment:join")
    status = 400 if form.errors else 200
    context = {"round": round_, "form": form, "is_open": round_.is_open(timezone.localdate())}
    return render(request, "recruitment/apply.html", context, status=status)


@require_POST
def decline(request: SignedInRequest, round_id: uuid.UUID) -> HttpResponse:
    round_ = selectors.round_for(request.user, round_id)
    try:
        services.decline_nomination(round_=round_, user=request.user, request=request)
    except services.RecruitmentError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "Noted: you declined the nomination. Thank you for letting us know.")
    return redirect("recruitment:join")


# --- the team leader: rounds -----------------------------------------------------------------------


@require_GET
def manage(request: SignedInRequest) -> HttpResponse:
    return render(request, "recruitment/manage.html", {"rounds": selectors.rounds_for_leader(request.user)})


@require_http_methods(["GET", "POST"])
def new_round(request: SignedInRequest) -> HttpResponse:
    return _round_form(request, None)


@require_http_methods(["GET", "POST"])
def edit_round(request: SignedInRequest, round_id: uuid.UUID) -> HttpResponse:
    return _round_form(request, selectors.round_for(request.user, round_id))


def _round_form(request: SignedInRequest, round_: Round | None) -> HttpResponse:
    if request.method == "POST":
        form = RoundForm(request.POST)
    else:
        form = RoundForm.for_round(round_) if round_ else RoundForm()
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.save_round(round_=round_, by=request.user, request=request, **form.cleaned_data)
        except services.RecruitmentError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "The round is saved.")
            return redirect("recruitment:manage_round", round_id=saved.pk)
    status = 400 if form.errors else 200
    return render(request, "recruitment/round_form.html", {"round": round_, "form": form}, status=status)


@require_GET
def manage_round(request: SignedInRequest, round_id: uuid.UUID) -> HttpResponse:
    round_ = selectors.round_for(request.user, round_id)
    panel = selectors.panel_of(round_)
    context = {
        "round": round_,
        "is_open": round_.is_open(timezone.localdate()),
        "nominations": selectors.nominations_in(request.user, round_),
        "applications": selectors.applications_in(request.user, round_),
        "panel": panel,
        "panel_form": PanelForm(
            initial={"members": [member.user for member in panel]}, choices=selectors.panel_candidates_choices()
        ),
        "recipients": services.announcement_audience(round_).count() if round_.announced_at is None else None,
    }
    return render(request, "recruitment/manage_round.html", context)


@require_POST
def announce(request: SignedInRequest, round_id: uuid.UUID) -> HttpResponse:
    round_ = selectors.round_for(request.user, round_id)
    try:
        count = services.announce_round(round_=round_, by=request.user, request=request)
    except services.RecruitmentError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"Announced: the e-mail goes to {count} staff member{'s' if count != 1 else ''}.")
    return redirect("recruitment:manage_round", round_id=round_.pk)


@require_POST
def set_panel(request: SignedInRequest, round_id: uuid.UUID) -> HttpResponse:
    round_ = selectors.round_for(request.user, round_id)
    form = PanelForm(request.POST, choices=selectors.panel_candidates_choices())
    if not form.is_valid():
        messages.error(request, "Choose panelists from the list.")
        return redirect("recruitment:manage_round", round_id=round_.pk)
    try:
        services.set_panel(round_=round_, users=form.cleaned_data["members"], by=request.user, request=request)
    except services.RecruitmentError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "The interview panel is saved.")
    return redirect("recruitment:manage_round", round_id=round_.pk)


# --- the team leader: applications ---------------------------------------------------------------


@require_GET
def application(request: SignedInRequest, application_id: uuid.UUID) -> HttpResponse:
    found = selectors.application_for(request.user, application_id)
    return render(request, "recruitment/application.html", _application_context(request, found))


def _application_context(request: SignedInRequest, found: Any, decision_form: Any = None) -> dict[str, Any]:
    scores = selectors.scores_for_leader(request.user, found)
    return {
        "application": found,
        "answers": list(zip(found.round.questions, found.answers, strict=False)),
        "summary": selectors.score_summary(found, scores),
        "scores": [score for score in scores if not score.conflict],
        "decision_form": decision_form or DecisionForm(),
    }


@require_POST
def move(request: SignedInRequest, application_id: uuid.UUID) -> HttpResponse:
    found = selectors.application_for(request.user, application_id)
    form = MoveForm(request.POST)
    if form.is_valid():
        try:
            moved = services.move_application(
                application=found, to=form.cleaned_data["to"], by=request.user, request=request
            )
        except services.RecruitmentError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, f"{moved.person.full_name}: {moved.get_status_display().lower()}.")
    return redirect("recruitment:application", application_id=found.pk)


@require_POST
def decide(request: SignedInRequest, application_id: uuid.UUID) -> HttpResponse:
    found = selectors.application_for(request.user, application_id)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        context = _application_context(request, found, decision_form=form)
        return render(request, "recruitment/application.html", context, status=400)
    try:
        decided = services.decide(
            application=found, decision=form.cleaned_data["decision"], by=request.user, request=request
        )
    except services.RecruitmentError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request, f"Recorded: {decided.get_status_display().lower()}. The candidate is told there is news."
        )
    return redirect("recruitment:application", application_id=found.pk)


# --- onboarding ----------------------------------------------------------------------------------


@require_GET
def onboarding(request: SignedInRequest) -> HttpResponse:
    return render(request, "recruitment/onboarding.html", {"rows": selectors.onboarding(request.user)})


@require_POST
def activate(request: SignedInRequest, peer_id: uuid.UUID) -> HttpResponse:
    peer = policy.get_visible_or_404(request.user, PeerProfile, pk=peer_id)
    try:
        services.activate(peer=peer, by=request.user, request=request)
    except services.RecruitmentError as error:
        messages.error(request, f"{peer.person.full_name}: {error}")
    else:
        messages.success(request, f"{peer.person.full_name} is now an active peer supporter.")
    return redirect("recruitment:onboarding")


# --- the interview panel -------------------------------------------------------------------------


@require_GET
def panel(request: SignedInRequest) -> HttpResponse:
    return render(request, "recruitment/panel.html", {"rounds": selectors.panel_rounds(request.user)})


@require_http_methods(["GET", "POST"])
def score(request: SignedInRequest, application_id: uuid.UUID) -> HttpResponse:
    candidate = selectors.candidate_for_panelist(request.user, application_id)
    own, others = selectors.scores_seen_by_panelist(request.user, candidate)
    form = ScoreForm(_posted(request) if own is None else None, rubric=candidate.round.rubric)
    if request.method == "POST" and own is None and form.is_valid():
        try:
            services.submit_score(
                application=candidate,
                panelist=request.user,
                points=form.points(),
                conflict=bool(form.cleaned_data["conflict"]),
                request=request,
            )
        except services.RecruitmentError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Submitted. The other panelists' scores are shown below, where there are any.")
            return redirect("recruitment:score", application_id=candidate.pk)
    context = {
        "candidate": candidate,
        "answers": list(zip(candidate.round.questions, candidate.answers, strict=False)),
        "rubric": candidate.round.rubric,
        "closed": candidate.status != Application.Status.INTERVIEW,
        "own": own,
        "own_rows": list(zip(candidate.round.rubric, own.points, strict=False)) if own else [],
        "others": others,
        "form": form,
    }
    return render(request, "recruitment/score.html", context, status=400 if form.errors else 200)
