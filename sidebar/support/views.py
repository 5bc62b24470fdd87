from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sidebar import policy
from sidebar.org.models import Person
from sidebar.org.selectors import current_agency
from sidebar.safeguards.models import PolicyDocument
from sidebar.safeguards.selectors import current_document
from sidebar.support import selectors, services
from sidebar.support.categories import Source, Urgency
from sidebar.support.forms import AnswerForm, AskForMyselfForm, AssignForm, CloseForm, ContactForm, ReferColleagueForm
from sidebar.support.models import Assignment, CheckIn, SupportRequest


@require_http_methods(["GET", "POST"])
def ask(request: HttpRequest) -> HttpResponse:
    person = getattr(request.user, "person", None)
    notice = current_document(PolicyDocument.Kind.CONFIDENTIALITY_NOTICE)
    # "Ask this peer" in the directory preselects the peer (an unknown or inactive one matches no choice)
    form = AskForMyselfForm(request.POST or None, initial={"requested_peer": request.GET.get("peer", "")})
    if person is None:
        messages.error(request, "Your account has no staff record yet; ask anonymously, or call the numbers above.")
    elif request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        support_request = services.ask_for_myself(
            user=request.user, person=person, urgency=data["urgency"], kind=data["kind"], topics=data["topics"],
            email=data["email"] or person.work_email, phone=data["phone"], preferred_times=data["preferred_times"],
            prefer_same_tier=data["prefer_same_tier"], prefer_other_unit=data["prefer_other_unit"],
            language=data["language"], requested_peer=data["requested_peer"], notice=notice,
        )  # fmt: skip
        return render(request, "support/received.html", {"support_request": support_request, "own": True})
    return render(request, "support/ask.html", {"form": form, "notice": notice})


@require_http_methods(["GET", "POST"])
def refer(request: HttpRequest) -> HttpResponse:
    form = ReferColleagueForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        support_request = services.refer_colleague(
            referrer=request.user, colleague=data["colleague_email"], reason=data["reason"], urgency=data["urgency"]
        )
        return render(request, "support/received.html", {"support_request": support_request, "own": False})
    return render(request, "support/refer.html", {"form": form})


def my_requests(request: HttpRequest) -> HttpResponse:
    mine = selectors.sent_by(request.user)
    return render(request, "support/my_requests.html", {"requests": mine, "Source": Source})


def queue(request: HttpRequest) -> HttpResponse:
    agency = getattr(request, "agency", None)
    context = {"rows": selectors.queue_rows(agency=agency), "overdue_check_ins": selectors.overdue_check_ins_count()}
    return render(request, "support/queue.html", context)


SUGGESTIONS_SHOWN = 8


@require_http_methods(["GET", "POST"])
def triage(request: HttpRequest, request_id: str) -> HttpResponse:
    support_request = policy.get_visible_or_404(request.user, SupportRequest, pk=request_id)
    form = AssignForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.assign(
                support_request=support_request, peer=form.cleaned_data["peer"], by=request.user, request=request
            )
        except services.WorkflowError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, "Offered. The peer has been told that something waits for them.")
        return redirect("support:triage", request_id=support_request.pk)
    eligible = []
    if support_request.status == SupportRequest.Status.OPEN:
        eligible = selectors.suggestion_rows(support_request, actor=request.user, request=request)
    context = {
        "support_request": support_request,
        "suggestions": eligible[:SUGGESTIONS_SHOWN],
        "assignments": support_request.assignments.select_related("peer__person"),
        "due": selectors.first_contact_due(support_request),
        "agreement": current_document(PolicyDocument.Kind.TEAM_AGREEMENT),
        # only eligible peers: listing everyone would let a refusal hint at who asked
        "other_peers": [(row["peer_id"], row["name"]) for row in eligible[SUGGESTIONS_SHOWN:]],
    }
    return render(request, "support/triage.html", context)


def my_assignments(request: HttpRequest) -> HttpResponse:
    return render(request, "support/my_assignments.html", selectors.peer_dashboard(request.user))


def assignment(request: HttpRequest, assignment_id: str) -> HttpResponse:
    item = policy.get_visible_or_404(request.user, Assignment, pk=assignment_id)
    return render(
        request, "support/assignment.html", selectors.assignment_page(item, user=request.user, request=request)
    )


@require_POST
def answer(request: HttpRequest, assignment_id: str) -> HttpResponse:
    item = policy.get_visible_or_404(request.user, Assignment, pk=assignment_id)
    form = AnswerForm(request.POST)
    if not form.is_valid():
        context = selectors.assignment_page(item, user=request.user, request=request, answer_form=form)
        return render(request, "support/assignment.html", context, status=400)
    try:
        if form.cleaned_data["answer"] == "accept":
            services.accept(assignment=item, by=request.user, request=request)
        else:
            services.decline(assignment=item, reason=form.cleaned_data["reason"], by=request.user, request=request)
            messages.success(request, "Declined. The request is back with the team leader.")
            return redirect("support:my_assignments")
    except services.WorkflowError as error:
        messages.error(request, str(error))
    return redirect("support:assignment", assignment_id=item.pk)


@require_POST
def log_contact(request: HttpRequest, assignment_id: str) -> HttpResponse:
    item = policy.get_visible_or_404(request.user, Assignment, pk=assignment_id)
    form = ContactForm(request.POST)
    if not form.is_valid():
        context = selectors.assignment_page(item, user=request.user, request=request, contact_form=form)
        return render(request, "support/assignment.html", context, status=400)
    try:
        services.log_contact(assignment=item, **form.cleaned_data)
    except services.WorkflowError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "Contact recorded (as numbers only).")
        if services.HEAVY_TOPICS & set(form.cleaned_data["topics"]):
            return redirect("support:debrief")  # a heavy conversation: offer the peer a debrief
    return redirect("support:assignment", assignment_id=item.pk)


@require_http_methods(["GET", "POST"])
def debrief(request: HttpRequest) -> HttpResponse:
    """After a contact about suicide or a critical incident: the peer may ask the clinical advisor
    for a debrief (or go back to their work)."""
    if request.method == "POST":
        person = Person.objects.filter(user=request.user).first()
        if person is None:
            messages.error(request, "Your account has no staff record; ask the clinical advisor directly.")
            return redirect("support:my_assignments")
        services.ask_for_debrief(user=request.user, person=person)
        messages.success(request, "Asked. The clinical advisor will get in touch with you.")
        return redirect("support:my_assignments")
    return render(request, "support/debrief.html")


@require_GET
def debriefs(request: HttpRequest) -> HttpResponse:
    return render(request, "support/debriefs.html", {"rows": selectors.debriefs(request.user, request=request)})


@require_POST
def debrief_done(request: HttpRequest, request_id: str) -> HttpResponse:
    item = policy.get_visible_or_404(request.user, SupportRequest, pk=request_id, source=Source.DEBRIEF)
    services.close(support_request=item, by=request.user, request=request)
    messages.success(request, "Done. The peer's details will be shredded on the retention schedule.")
    return redirect("support:debriefs")


@require_POST
def check_in_done(request: HttpRequest, check_in_id: str) -> HttpResponse:
    check_in = policy.get_visible_or_404(request.user, CheckIn, pk=check_in_id)
    services.complete_check_in(check_in=check_in)
    messages.success(request, "Check-in marked as done.")
    return redirect("support:my_assignments")


@require_POST
def close(request: HttpRequest, request_id: str) -> HttpResponse:
    support_request = policy.get_visible_or_404(request.user, SupportRequest, pk=request_id)
    if not selectors.may_close(request.user, support_request):
        raise PermissionDenied
    form = CloseForm(request.POST)
    shred_now = form.is_valid() and form.cleaned_data["shred_now"]
    services.close(support_request=support_request, by=request.user, shred_now=shred_now, request=request)
    retention = (getattr(request, "agency", None) or current_agency()).identity_retention_days
    messages.success(
        request,
        "Closed. The person's details were deleted."
        if shred_now
        else f"Closed. The person's details will be deleted in {retention} days.",
    )
    return redirect(
        "support:queue" if policy.has_role(request.user, policy.Role.TEAM_LEADER) else "support:my_assignments"
    )


__all__ = ["Urgency"]
