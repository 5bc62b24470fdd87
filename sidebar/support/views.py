from __future__ import annotations

import contextlib

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sidebar import policy
from sidebar.org.models import Person
from sidebar.org.selectors import current_agency
from sidebar.safeguards.models import PolicyDocument
from sidebar.safeguards.selectors import current_document
from sidebar.support import selectors, services
from sidebar.support.categories import Source, Urgency
from sidebar.support.forms import (
    AnswerForm,
    AskForMyselfForm,
    AssignForm,
    CloseForm,
    ContactForm,
    HandBackForm,
    OneTimeForm,
    ReferColleagueForm,
)
from sidebar.support.models import Assignment, CheckIn, SupportRequest
from sidebar.throttle import actions
from sidebar.vault import services as vault


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
        try:
            support_request = services.ask_for_myself(
                user=request.user, person=person, urgency=data["urgency"], kind=data["kind"], topics=data["topics"],
                email=data["email"] or person.work_email, phone=data["phone"], preferred_times=data["preferred_times"],
                prefer_same_tier=data["prefer_same_tier"], prefer_other_unit=data["prefer_other_unit"],
                language=data["language"], requested_peer=data["requested_peer"], notice=notice,
                submission=data["submission"], limit=True,
            )  # fmt: skip
        except services.SentBefore as first:
            return _received_again(first)
        except actions.LimitReached as reached:
            return _limit_reached(request, "support/ask.html", form, reached, notice=notice)
        return redirect("support:received", request_id=support_request.pk)
    return render(request, "support/ask.html", {"form": form, "notice": notice})


def _limit_reached(
    request: HttpRequest, template: str, form: OneTimeForm, reached: actions.LimitReached, **context: object
) -> HttpResponse:
    """The form again, with what was typed and what to do instead (issue 17 V2.4.1). Audited
    without the account. 400, not 429: the refusal is already audited, naming nobody."""
    actions.note_reached(reached.limit)
    form.add_error(None, reached.limit.message)
    return render(request, template, {"form": form, **context}, status=400)


def _received_again(first: services.SentBefore) -> HttpResponse:
    """The same form came twice: show what the first one created, create nothing."""
    if first.request_id is None:
        return redirect("support:my_requests")
    return redirect("support:received", request_id=first.request_id)


@require_GET
def received(request: HttpRequest, request_id: str) -> HttpResponse:
    """After asking or referring (redirected to, so a reload sends nothing again). Only the
    sender's own requests; a referral says "received" and nothing more."""
    support_request = policy.get_visible_or_404(
        request.user, SupportRequest, pk=request_id, data_key__holder_tag__in=vault.holder_tags(request.user.pk)
    )
    own = support_request.source != Source.REFERRAL
    return render(request, "support/received.html", {"support_request": support_request, "own": own})


@require_http_methods(["GET", "POST"])
def refer(request: HttpRequest) -> HttpResponse:
    form = ReferColleagueForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            support_request = services.refer_colleague(
                referrer=request.user,
                colleague=data["colleague_email"],
                reason=data["reason"],
                urgency=data["urgency"],
                submission=data["submission"],
                limit=True,
            )
        except services.SentBefore as first:
            return _received_again(first)
        except actions.LimitReached as reached:
            return _limit_reached(request, "support/refer.html", form, reached)
        return redirect("support:received", request_id=support_request.pk)
    return render(request, "support/refer.html", {"form": form})


def my_requests(request: HttpRequest) -> HttpResponse:
    mine = selectors.sent_by(request.user)
    context = {"requests": mine, "Source": Source, "own_sources": selectors.OWN_REQUEST_SOURCES}
    return render(request, "support/my_requests.html", context)


def _withdraw_or_delete(request: HttpRequest, request_id: str, *, delete_details: bool) -> HttpResponse:
    """GET: what will happen, with Cancel. POST: do it, then back to "My requests". A second POST
    (a double click) finds nothing linked to the person any more and says so."""
    support_request = selectors.own_request(request.user, request_id)
    if support_request is None:
        if request.method != "POST":
            raise Http404
        messages.info(request, "This request is no longer linked to your account: nothing more to do.")
        return redirect("support:my_requests")
    if support_request.status == SupportRequest.Status.CLOSED and not delete_details:
        return redirect("support:my_requests")
    if request.method == "POST":
        try:
            services.close_by_person(support_request=support_request, shred_now=delete_details)
        except services.WorkflowError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _withdrawn_message(delete_details, request))
        return redirect("support:my_requests")
    context = {
        "support_request": support_request,
        "delete_details": delete_details,
        "held": services.is_held(support_request),
        "retention_days": _retention_days(request),
    }
    return render(request, "support/withdraw.html", context)


def _retention_days(request: HttpRequest) -> int:
    return (getattr(request, "agency", None) or current_agency()).identity_retention_days


def _withdrawn_message(delete_details: bool, request: HttpRequest) -> str:
    if delete_details:
        return (
            "Your details were deleted. The request no longer appears in your list: nothing links it to you any more."
        )
    return (
        "Withdrawn. No peer supporter will contact you about it. It stays here as closed until your details "
        f"are deleted, {_retention_days(request)} days from now."
    )


@require_http_methods(["GET", "POST"])
def withdraw(request: HttpRequest, request_id: str) -> HttpResponse:
    return _withdraw_or_delete(request, request_id, delete_details=False)


@require_http_methods(["GET", "POST"])
def delete_details(request: HttpRequest, request_id: str) -> HttpResponse:
    return _withdraw_or_delete(request, request_id, delete_details=True)


@require_GET
def urgent(request: HttpRequest) -> HttpResponse:
    """Where an urgent alert takes an on-call peer: what waits, without who asked."""
    return render(request, "support/urgent.html", selectors.urgent_for_peer(request.user))


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
        "received": selectors.received(support_request),
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
def hand_back(request: HttpRequest, assignment_id: str) -> HttpResponse:
    item = policy.get_visible_or_404(request.user, Assignment, pk=assignment_id)
    form = HandBackForm(request.POST)
    if not form.is_valid():
        context = selectors.assignment_page(item, user=request.user, request=request, hand_back_form=form)
        return render(request, "support/assignment.html", context, status=400)
    try:
        services.hand_back(assignment=item, reason=form.cleaned_data["reason"], by=request.user, request=request)
    except services.WorkflowError as error:
        messages.error(request, str(error))
        return redirect("support:assignment", assignment_id=item.pk)
    messages.success(request, "Handed back. The request waits in the team leader's queue again.")
    return redirect("support:my_assignments")


@require_POST
def log_contact(request: HttpRequest, assignment_id: str) -> HttpResponse:
    item = policy.get_visible_or_404(request.user, Assignment, pk=assignment_id)
    form = ContactForm(request.POST)
    if not form.is_valid():
        context = selectors.assignment_page(item, user=request.user, request=request, contact_form=form)
        return render(request, "support/assignment.html", context, status=400)
    try:
        services.log_contact(assignment=item, **form.cleaned_data)
    except services.SentBefore:
        messages.info(request, "This contact was already recorded; it was not recorded twice.")
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
    form = OneTimeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        person = Person.objects.filter(user=request.user).first()
        if person is None:
            messages.error(request, "Your account has no staff record; ask the clinical advisor directly.")
            return redirect("support:my_assignments")
        with contextlib.suppress(services.SentBefore):  # a double click: asked once, the same answer
            services.ask_for_debrief(user=request.user, person=person, submission=form.cleaned_data["submission"])
        messages.success(request, "Asked. The clinical advisor will get in touch with you.")
        return redirect("support:my_assignments")
    return render(request, "support/debrief.html", {"form": form})


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
    leader = policy.has_role(request.user, policy.Role.TEAM_LEADER)
    back = _close_cancelled_at(request.user, support_request, leader=leader)
    if shred_now and request.POST.get("confirmed") != "yes":
        # Deleting the details cannot be undone: a second step says so, with Cancel.
        return render(request, "support/confirm_close.html", {"support_request": support_request, "back": back})
    try:
        services.close(support_request=support_request, by=request.user, shred_now=shred_now, request=request)
    except services.WorkflowError as error:
        messages.error(request, str(error))
        return redirect(back)
    messages.success(
        request,
        "Closed. The person's details were deleted."
        if shred_now
        else f"Closed. The person's details will be deleted in {_retention_days(request)} days.",
    )
    return redirect("support:queue" if leader else "support:my_assignments")


def _close_cancelled_at(user: object, support_request: SupportRequest, *, leader: bool) -> str:
    """Where Cancel on the confirmation goes back to: the request's page for whoever closes it."""
    if leader:
        return reverse("support:triage", kwargs={"request_id": support_request.pk})
    held = support_request.assignments.filter(status=Assignment.Status.ACCEPTED, peer__person__user=user).first()
    if held is None:
        return reverse("support:my_assignments")
    return reverse("support:assignment", kwargs={"assignment_id": held.pk})


__all__ = ["Urgency"]
