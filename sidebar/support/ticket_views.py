"""The anonymous channel's pages. The person's side is public (no account); the ticket they opened
is held in their session for at most 30 minutes, never in a URL. The peer's side answers from
the assignment page (sidebar/templates/tickets/_thread.html)."""

from __future__ import annotations

import secrets
import time

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sidebar import policy
from sidebar.audit.services import client_ip
from sidebar.org.selectors import current_agency
from sidebar.safeguards.models import PolicyDocument
from sidebar.safeguards.selectors import current_document
from sidebar.support import tickets
from sidebar.support.categories import Urgency
from sidebar.support.models import AnonymousTicket, Assignment
from sidebar.support.selectors import assignment_page
from sidebar.support.services import WorkflowError
from sidebar.support.ticket_forms import AskAnonymouslyForm, CloseTicketForm, OpenTicketForm, ReplyForm

SESSION_KEY = "sidebar_anonymous_ticket"  # also dropped at sign-in (sidebar/audit/receivers.py)
SESSION_SECONDS = 30 * 60
NOT_OPENED = "This code and passphrase do not open a ticket. Check both and try again."
LIMITED = "Too many attempts. For everyone's safety, wait 15 minutes before you try again."


def _ticket_in_session(request: HttpRequest) -> AnonymousTicket | None:
    """The ticket this browser opened in the last 30 minutes, if it is still there to read. A
    signed-in session never holds one: the session row would tie the ticket to the account."""
    held = request.session.get(SESSION_KEY)
    if not held:
        return None
    expired = time.time() - float(held.get("opened_at", 0)) > SESSION_SECONDS
    ticket = None
    if not expired and not request.user.is_authenticated:
        ticket = AnonymousTicket.objects.select_related("request__data_key").filter(pk=held.get("id")).first()
    if ticket is None or ticket.request.data_key.is_shredded:
        del request.session[SESSION_KEY]
        if expired:
            messages.info(request, "For your privacy, an open ticket closes after 30 minutes. Open it again below.")
        return None
    return ticket


@login_not_required  # policy: PUBLIC — asking must not need an account
@require_http_methods(["GET", "POST"])
def new(request: HttpRequest) -> HttpResponse:
    notice = current_document(PolicyDocument.Kind.CONFIDENTIALITY_NOTICE)
    form = AskAnonymouslyForm(request.POST or None)
    address = client_ip(request)
    if request.method == "POST" and form.is_valid():
        if not tickets.take_submission(address=address):  # counts this one, atomically
            form.add_error(
                None,
                "Too many requests were sent from this connection in the last hour. If you are in danger, call the crisis line now.",
            )
            return render(request, "tickets/new.html", {"form": form, "notice": notice}, status=429)
        data = form.cleaned_data
        try:
            created = tickets.ask_anonymously(
                urgency=data["urgency"],
                kind=data["kind"],
                topics=data["topics"],
                message=data["message"],
                preferred_times=data["preferred_times"],
                notice=notice,
                submission=data["submission"],
            )
        except tickets.AlreadySent:
            return render(request, "tickets/already_sent.html")
        # Rendered, not redirected: the code and passphrase are never stored anywhere to show later.
        context = {"created": created, "urgent": data["urgency"] == Urgency.URGENT}
        return render(request, "tickets/created.html", context)
    status = 400 if form.errors else 200
    return render(request, "tickets/new.html", {"form": form, "notice": notice}, status=status)


@login_not_required  # policy: PUBLIC — the person has no account, only the code and passphrase
@require_http_methods(["GET", "POST"])
def open_ticket(request: HttpRequest) -> HttpResponse:
    form = OpenTicketForm(request.POST or None)
    context: dict[str, object] = {"form": form}
    if request.user.is_authenticated or request.method != "POST" or not form.is_valid():
        return render(request, "tickets/open.html", context, status=400 if form.errors else 200)
    address, code = client_ip(request), tickets.normalize_code(form.cleaned_data["code"])
    try:
        ticket = tickets.open_ticket(code=code, passphrase=form.cleaned_data["passphrase"], address=address)
    except tickets.Limited:
        return render(request, "tickets/open.html", {**context, "problem": LIMITED}, status=429)
    if ticket is None:
        return render(request, "tickets/open.html", {**context, "problem": NOT_OPENED}, status=400)
    request.session.cycle_key()  # a fresh session id, as at sign-in
    request.session[SESSION_KEY] = {"id": str(ticket.pk), "opened_at": time.time()}
    request.session.set_expiry(SESSION_SECONDS)  # the stored session goes too, not only the page
    return redirect("tickets:conversation")


@login_not_required  # policy: PUBLIC — the session, not an account, says which ticket
@require_http_methods(["GET", "POST"])
def conversation(request: HttpRequest) -> HttpResponse:
    ticket = _ticket_in_session(request)
    if ticket is None:
        return redirect("tickets:open")
    form = ReplyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            tickets.post_requester_reply(ticket=ticket, body=form.cleaned_data["body"])
        except WorkflowError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Your reply was sent.")
            return redirect("tickets:conversation")
    context = {
        "support_request": ticket.request,
        "thread": tickets.thread_for(ticket=ticket, actor=None),
        "form": form,
        "close_form": CloseTicketForm(),
    }
    return render(request, "tickets/conversation.html", context, status=400 if form.errors else 200)


@login_not_required  # policy: PUBLIC
@require_POST
def close(request: HttpRequest) -> HttpResponse:
    ticket = _ticket_in_session(request)
    if ticket is None:
        return redirect("tickets:open")
    form = CloseTicketForm(request.POST)
    shred_now = form.is_valid() and form.cleaned_data["shred_now"]
    if shred_now and request.POST.get("confirmed") != "yes":
        # Deleting every message cannot be undone: a second step says so, with Cancel.
        return render(request, "tickets/confirm_delete.html", {"support_request": ticket.request})
    try:
        tickets.close_ticket(ticket=ticket, shred_now=shred_now)
    except WorkflowError as error:
        messages.error(request, str(error))
        return redirect("tickets:conversation")
    request.session.flush()  # nothing of the ticket stays in this browser's session
    if shred_now:
        messages.success(request, "Your ticket is closed and every message was deleted.")
    else:
        days = current_agency().identity_retention_days
        messages.success(request, f"Your ticket is closed. Its messages will be deleted in {days} days.")
    return redirect("tickets:closed")


@login_not_required  # policy: PUBLIC
@require_POST
def leave(request: HttpRequest) -> HttpResponse:
    """Forget the ticket in this browser (a shared computer) without closing it."""
    if request.user.is_authenticated:
        request.session.pop(SESSION_KEY, None)
    else:
        request.session.flush()
    messages.info(request, "This browser no longer holds your ticket. Open it again with your code and passphrase.")
    return redirect("tickets:open")


@login_not_required  # policy: PUBLIC
@require_GET
def closed(request: HttpRequest) -> HttpResponse:
    return render(request, "tickets/closed.html")


@require_POST
def peer_reply(request: HttpRequest, assignment_id: str) -> HttpResponse:
    """The assigned peer answers, from the assignment page (whole page, or the thread in place with htmx)."""
    assignment = policy.get_visible_or_404(request.user, Assignment, pk=assignment_id, status="accepted")
    ticket = (
        AnonymousTicket.objects.select_related("request__data_key").filter(request_id=assignment.request_id).first()
    )
    if ticket is None:
        raise Http404
    form = ReplyForm(request.POST)
    sent = False
    if form.is_valid():
        try:
            tickets.post_peer_reply(ticket=ticket, peer_user=request.user, body=form.cleaned_data["body"])
        except WorkflowError as error:
            form.add_error(None, str(error))
        else:
            sent = True
    if request.htmx:  # type: ignore[attr-defined]
        thread = tickets.thread_for(ticket=ticket, actor=request.user, request=request)
        context = {
            "assignment": assignment,
            "thread": thread,
            "reply_form": None if sent else form,
            "sent": sent,
            "suffix": secrets.token_hex(4),  # see the partial: no id may survive the swap
        }
        return render(request, "tickets/_thread.html", context)  # 200: htmx swaps only successful answers
    if sent:
        messages.success(request, "Your reply was sent. The person reads it with their ticket code.")
        return redirect("support:assignment", assignment_id=assignment.pk)
    context = {**assignment_page(assignment, user=request.user, request=request), "reply_form": form}
    return render(request, "support/assignment.html", context, status=400)
