"""Critical incidents: record and reach out, the board, group sessions, mutual aid. Who may open
each view is said in sidebar/policy.py; which objects a page shows, by the scopes there."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sidebar import policy
from sidebar.accounts.models import User
from sidebar.incidents import invitations, selectors, services
from sidebar.incidents.forms import ActivationForm, AttendanceForm, FollowUpForm, MutualAidForm, SessionForm
from sidebar.incidents.models import GroupSession, Incident, MutualAid, Recusal
from sidebar.incidents.services import IncidentError
from sidebar.team.models import PeerProfile


class SignedInRequest(HttpRequest):
    user: User


@require_GET
def incident_list(request: SignedInRequest) -> HttpResponse:
    incidents = selectors.incident_list(policy.visible_to(request.user, Incident))
    context = {"incidents": incidents, "can_run": policy.can(request.user, "incidents.run")}
    return render(request, "incidents/list.html", context)


@require_http_methods(["GET", "POST"])
def new(request: SignedInRequest) -> HttpResponse:
    """Two steps on one page: check the form and show whom it will reach; then reach out."""
    form = ActivationForm(request.POST or None)
    preview = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if request.POST.get("confirmed") == "yes":
            try:
                activation = services.activate(
                    kind=data["kind"],
                    occurred_on=data["occurred_on"],
                    units=list(data["units"]),
                    people=data["people"],
                    witnesses=list(data["witnesses"]),
                    follow_up_days=data["follow_up_days"],
                    by=request.user,
                    request=request,
                )
            except IncidentError as error:
                form.add_error(None, str(error))
            else:
                messages.success(
                    request,
                    f"Recorded. {activation.people_reached} "
                    f"{'person was' if activation.people_reached == 1 else 'people were'} offered support by e-mail.",
                )
                return redirect("incidents:detail", pk=activation.incident.pk)
        else:
            reached = services.people_affected(units=data["units"], people=data["people"])
            preview = {
                "people": reached.count(),
                "peers": PeerProfile.objects.filter(person__in=reached, status__in=services.SERVING).count(),
            }
    return render(request, "incidents/new.html", {"form": form, "preview": preview})


@require_GET
def detail(request: SignedInRequest, pk: str) -> HttpResponse:
    incident = policy.get_visible_or_404(request.user, Incident, pk=pk)
    context = {
        "incident": incident,
        "units": incident.units.order_by("name"),
        "counts": selectors.outreach_counts(incident),
        "recusals": selectors.recusals(incident),
        "sessions": selectors.sessions(incident),
        "follow_up_form": FollowUpForm(initial={"follow_up_days": ", ".join(map(str, incident.follow_up_days))}),
        "can_run": policy.can(request.user, "incidents.run"),
        "personal": incident.kind in Incident.PERSONAL_KINDS,
    }
    return render(request, "incidents/detail.html", context)


@require_POST
def follow_up(request: SignedInRequest, pk: str) -> HttpResponse:
    incident = policy.get_visible_or_404(request.user, Incident, pk=pk)
    form = FollowUpForm(request.POST)
    if form.is_valid():
        services.update_follow_up_days(
            incident=incident, days=form.cleaned_data["follow_up_days"], by=request.user, request=request
        )
        messages.success(request, "The follow-up days are saved (for people a peer takes on from now).")
    else:
        messages.error(request, form.errors["follow_up_days"][0])
    return redirect("incidents:detail", pk=incident.pk)


@require_http_methods(["GET", "POST"])
def board(request: SignedInRequest, pk: str) -> HttpResponse:
    incident = policy.get_visible_or_404(request.user, Incident, pk=pk)
    if request.method == "POST":
        chosen = {
            key.removeprefix("peer-"): _uuid(value)
            for key, value in request.POST.items()
            if key.startswith("peer-") and _uuid(value)
        }
        peers = PeerProfile.objects.select_related("person").in_bulk(list(chosen.values()))
        choices = {request_id: peers[peer_id] for request_id, peer_id in chosen.items() if peer_id in peers}
        offered, problems = services.assign_board(incident=incident, choices=choices, by=request.user, request=request)
        if offered:
            messages.success(request, f"Offered {offered}. Each peer has been told that something waits for them.")
        for problem in problems:
            messages.error(request, problem)
        if not offered and not problems:
            messages.info(request, "Nothing was chosen.")
        return redirect("incidents:board", pk=incident.pk)
    context = {"incident": incident, "rows": selectors.board(incident, actor=request.user, request=request)}
    return render(request, "incidents/board.html", context)


def _uuid(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(value)
    except ValueError:
        return None


@require_http_methods(["GET", "POST"])
def session_new(request: SignedInRequest, pk: str) -> HttpResponse:
    incident = policy.get_visible_or_404(request.user, Incident, pk=pk)
    facilitators = selectors.facilitator_choices(incident)
    if request.method == "POST":
        form = SessionForm(request.POST, facilitators=facilitators)
        if form.is_valid():
            try:
                session = services.schedule_session(
                    incident=incident, **form.cleaned_data, by=request.user, request=request
                )
            except IncidentError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, "Scheduled. The invitations are on their way, with a calendar file.")
                return redirect("incidents:session", pk=session.pk)
    else:
        kind = request.GET.get("kind", GroupSession.Kind.DEBRIEFING)
        kind = kind if kind in GroupSession.Kind.values else GroupSession.Kind.DEBRIEFING
        starts = timezone.localtime(services.proposed_start(incident, kind))
        form = SessionForm(
            initial={"kind": kind, "starts_at": starts.strftime("%Y-%m-%dT%H:%M")}, facilitators=facilitators
        )
    return render(request, "incidents/session_new.html", {"incident": incident, "form": form})


@require_http_methods(["GET", "POST"])
def session(request: SignedInRequest, pk: str) -> HttpResponse:
    item = policy.get_visible_or_404(request.user, GroupSession, pk=pk)
    form = AttendanceForm(request.POST or None, initial={"attendance": item.attendance}, session=item)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_attendance(
                session=item, attendance=form.cleaned_data["attendance"], by=request.user, request=request
            )
        except IncidentError as error:
            form.add_error("attendance", str(error))
        else:
            messages.success(request, "Attendance recorded.")
            return redirect("incidents:session", pk=item.pk)
    context = {
        "session": item,
        "incident": item.incident,
        "facilitators": item.facilitators.select_related("person").order_by("person__full_name"),
        "form": form,
        "invitees": item.invited if item.invited is not None else len(services.session_invitees(item)),
        "started": item.starts_at <= timezone.now(),
    }
    return render(request, "incidents/session.html", context, status=400 if form.errors else 200)


@require_GET
def session_ics(request: SignedInRequest, pk: str) -> HttpResponse:
    item = policy.get_visible_or_404(request.user, GroupSession, pk=pk)
    response = HttpResponse(invitations.ics_for(item), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="invitation.ics"'
    return response


@require_POST
def opt_in(request: SignedInRequest, pk: str) -> HttpResponse:
    recusal = policy.get_visible_or_404(request.user, Recusal, pk=pk)
    try:
        services.opt_in(recusal=recusal, by=request.user, request=request)
    except IncidentError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request, "Thank you. You can be asked to support colleagues after this incident. Look after yourself too."
        )
    return redirect("home")


@require_http_methods(["GET", "POST"])
def mutual_aid(request: SignedInRequest) -> HttpResponse:
    form = MutualAidForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.record_mutual_aid(**form.cleaned_data, by=request.user, request=request)
        messages.success(request, "Mutual aid recorded.")
        return redirect("incidents:mutual_aid")
    records = policy.visible_to(request.user, MutualAid).prefetch_related("peers__person")
    return render(request, "incidents/mutual_aid.html", {"form": form, "records": records})


@require_POST
def mutual_aid_end(request: SignedInRequest, pk: str) -> HttpResponse:
    aid = policy.get_visible_or_404(request.user, MutualAid, pk=pk)
    if request.POST.get("confirmed") != "yes":
        # Ending closes every peer's assignment for it and cannot be undone: confirm first.
        still_open = aid.requests.exclude(status="closed").count()
        return render(request, "incidents/confirm_end_mutual_aid.html", {"aid": aid, "still_open": still_open})
    services.end_mutual_aid(aid=aid, by=request.user, request=request)
    messages.success(request, "Ended. Its assignments are closed; the contacts stay in the statistics.")
    return redirect("incidents:mutual_aid")
