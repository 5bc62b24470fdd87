"""Training: courses, sessions and attendance, each member's record, compliance with the agency's
rule, training-needs polls and announcements. Who may open each view is said in
sidebar/policy.py (URL_RULES, "training:…"); which objects it shows, by their scopes."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sidebar import policy
from sidebar.accounts.models import User
from sidebar.accounts.roles import Role
from sidebar.org.models import Agency
from sidebar.team.models import PeerProfile
from sidebar.training import selectors, services
from sidebar.training.forms import AnnouncementForm, AttendanceForm, CourseForm, PollAnswerForm, PollForm, SessionForm
from sidebar.training.models import Announcement, Course, NeedsPoll, TrainingSession


class SignedInRequest(HttpRequest):
    """Every page here needs a signed-in user (PolicyMiddleware sends anyone else to sign in)."""

    user: User
    agency: Agency


def _posted(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


# --- the training overview and records ----------------------------------------------------------


@require_GET
def index(request: SignedInRequest) -> HttpResponse:
    if not policy.has_role(request.user, Role.TEAM_LEADER):
        return redirect("training:my_record")
    today = selectors.agency_today(request.agency)
    upcoming, _past = selectors.sessions(policy.visible_to(request.user, TrainingSession), today=today)
    team = policy.visible_to(request.user, PeerProfile)
    below = [peer for peer in selectors.compliance(team, agency=request.agency, today=today) if peer.below]
    context = {"upcoming": upcoming[:5], "below": below, "year": today.year, "own": selectors.own_peer(request.user)}
    return render(request, "training/index.html", context)


@require_GET
def my_record(request: SignedInRequest) -> HttpResponse:
    peer = selectors.own_peer(request.user)
    if peer is None:
        return render(request, "training/record.html", {"record": None, "own": True})
    return render(request, "training/record.html", _record_context(request, peer, own=True))


@require_GET
def record(request: SignedInRequest, peer_id: uuid.UUID) -> HttpResponse:
    peer = policy.get_visible_or_404(request.user, PeerProfile, pk=peer_id)
    own = peer.person.user_id == request.user.pk
    return render(request, "training/record.html", _record_context(request, peer, own=own))


def _record_context(request: SignedInRequest, peer: PeerProfile, *, own: bool) -> dict[str, Any]:
    today = selectors.agency_today(request.agency)
    upcoming, _past = selectors.sessions(policy.visible_to(request.user, TrainingSession), today=today)
    waiting = selectors.polls(
        policy.visible_to(request.user, NeedsPoll).filter(closed_on__isnull=True), user=request.user
    )
    return {
        "record": selectors.training_record(peer, agency=request.agency, today=today),
        "own": own,
        "upcoming": upcoming[:5],
        "open_polls": [poll for poll in waiting if not poll.answered] if own else [],
    }


@require_GET
def compliance(request: SignedInRequest) -> HttpResponse:
    today = selectors.agency_today(request.agency)
    rows = selectors.compliance(policy.visible_to(request.user, PeerProfile), agency=request.agency, today=today)
    context = {"rows": rows, "below": sum(1 for peer in rows if peer.below), "year": today.year}
    return render(request, "training/compliance.html", context)


# --- courses --------------------------------------------------------------------------------------


@require_GET
def courses(request: SignedInRequest) -> HttpResponse:
    return render(request, "training/courses.html", {"courses": selectors.courses()})


@require_http_methods(["GET", "POST"])
def course_edit(request: SignedInRequest, course_id: uuid.UUID | None = None) -> HttpResponse:
    course = policy.get_visible_or_404(request.user, Course, pk=course_id) if course_id else None
    form = (
        CourseForm(request.POST)
        if request.method == "POST"
        else (CourseForm.for_course(course) if course else CourseForm())
    )
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.save_course(course=course, by=request.user, request=request, **form.cleaned_data)
        except services.TrainingError as error:
            form.add_error("name", str(error))
        else:
            messages.success(request, f"“{saved.name}” is saved.")
            return redirect("training:courses")
    status = 400 if form.errors else 200
    return render(request, "training/course_form.html", {"form": form, "course": course}, status=status)


# --- sessions and attendance ------------------------------------------------------------------------


@require_GET
def sessions(request: SignedInRequest) -> HttpResponse:
    today = selectors.agency_today(request.agency)
    upcoming, past = selectors.sessions(policy.visible_to(request.user, TrainingSession), today=today)
    return render(request, "training/sessions.html", {"upcoming": upcoming, "past": past})


@require_http_methods(["GET", "POST"])
def session_edit(request: SignedInRequest, session_id: uuid.UUID | None = None) -> HttpResponse:
    session = policy.get_visible_or_404(request.user, TrainingSession, pk=session_id) if session_id else None
    if request.method == "POST":
        form = SessionForm(request.POST, session=session)
    else:
        form = SessionForm.for_session(session) if session else SessionForm()
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.save_session(session=session, by=request.user, request=request, **form.cleaned_data)
        except services.TrainingError as error:
            form.add_error("course", str(error))
        else:
            messages.success(request, "The session is saved." if session else "The session is scheduled.")
            return redirect("training:session", session_id=saved.pk)
    status = 400 if form.errors else 200
    return render(request, "training/session_form.html", {"form": form, "session": session}, status=status)


@require_http_methods(["GET", "POST"])
def session(request: SignedInRequest, session_id: uuid.UUID) -> HttpResponse:
    """A session and its attendance checklist (sent back here)."""
    found = policy.get_visible_or_404(request.user, TrainingSession, pk=session_id)
    form = AttendanceForm(_posted(request), session=found)
    today = selectors.agency_today(request.agency)
    if request.method == "POST" and form.is_valid():
        try:
            added, removed = services.record_attendance(
                session=found, peers=form.cleaned_data["peers"], by=request.user, today=today, request=request
            )
        except services.TrainingError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"Attendance saved: {added} added, {removed} removed.")
            return redirect("training:session", session_id=found.pk)
    context = {"session": found, "form": form, "can_record": found.date <= today}
    return render(request, "training/session.html", context, status=400 if form.errors else 200)


# --- training-needs polls -----------------------------------------------------------------------------


@require_GET
def polls(request: SignedInRequest) -> HttpResponse:
    rows = selectors.polls(policy.visible_to(request.user, NeedsPoll), user=request.user)
    context = {
        "polls": rows,
        "can_manage": policy.can(request.user, "training.manage"),
        "can_answer": policy.has_role(request.user, Role.PEER),
    }
    return render(request, "training/polls.html", context)


@require_http_methods(["GET", "POST"])
def poll_new(request: SignedInRequest) -> HttpResponse:
    form = PollForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            poll = services.open_poll(
                question=form.cleaned_data["question"], labels=form.labels(), by=request.user, request=request
            )
        except services.TrainingError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "The poll is open. Peers find it on their training page.")
            return redirect("training:poll_results", poll_id=poll.pk)
    return render(request, "training/poll_form.html", {"form": form}, status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
def poll_answer(request: SignedInRequest, poll_id: uuid.UUID) -> HttpResponse:
    poll = policy.get_visible_or_404(request.user, NeedsPoll, pk=poll_id)
    answered = selectors.has_answered(poll, request.user)
    form = PollAnswerForm(_posted(request), poll=poll)
    if request.method == "POST" and not answered and form.is_valid():
        try:
            services.answer_poll(poll=poll, user=request.user, choice_ids=form.cleaned_data["choices"])
        except services.TrainingError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Thank you. Your answer is counted, and nobody can see what you chose.")
            return redirect("training:polls")
    context = {"poll": poll, "form": form, "answered": answered}
    return render(request, "training/poll_answer.html", context, status=400 if form.errors else 200)


@require_GET
def poll_results(request: SignedInRequest, poll_id: uuid.UUID) -> HttpResponse:
    poll = policy.get_visible_or_404(request.user, NeedsPoll, pk=poll_id)
    return render(request, "training/poll_results.html", {"poll": poll, **selectors.poll_results(poll)})


@require_POST
def poll_close(request: SignedInRequest, poll_id: uuid.UUID) -> HttpResponse:
    poll = policy.get_visible_or_404(request.user, NeedsPoll, pk=poll_id)
    services.close_poll(poll=poll, by=request.user, request=request)
    messages.success(request, "The poll is closed; its results stay here.")
    return redirect("training:poll_results", poll_id=poll.pk)


# --- announcements ----------------------------------------------------------------------------------


@require_GET
def announcements(request: SignedInRequest) -> HttpResponse:
    rows = policy.visible_to(request.user, Announcement).select_related("created_by__person")[:50]
    context = {"announcements": rows, "can_manage": policy.can(request.user, "training.manage")}
    return render(request, "training/announcements.html", context)


@require_http_methods(["GET", "POST"])
def announcement_new(request: SignedInRequest) -> HttpResponse:
    form = AnnouncementForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        services.announce(by=request.user, request=request, **form.cleaned_data)
        messages.success(request, "The announcement is published and e-mailed to the team.")
        return redirect("training:announcements")
    return render(request, "training/announcement_form.html", {"form": form}, status=400 if form.errors else 200)
