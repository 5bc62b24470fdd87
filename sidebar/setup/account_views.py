"""The program administrator's accounts pages: the list, one account's roles, accounts for the
whole roster, bulk invitations, and deactivating a leaver. Who may open each is said in
sidebar/policy.py (every one: the program administrator); which account a page shows, by the
account scope there."""

from __future__ import annotations

import secrets
import uuid
from typing import Any

from allauth.mfa.models import Authenticator
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sidebar import policy
from sidebar.accounts import selectors, services, two_person
from sidebar.accounts.invitations import link_lifetime, send_invitations
from sidebar.accounts.models import User
from sidebar.setup.account_forms import AccountFilterForm, InvitationForm, RolesForm
from sidebar.support import leavers

PAGE_SIZE = 50
# Preview tokens of bulk invitations not sent yet (in the session): a reload or a second click
# of "Send" finds its token used and sends nothing twice.
_PENDING = "sidebar_pending_invitations"


class AdminRequest(HttpRequest):
    user: User


def _account(request: AdminRequest, user_id: uuid.UUID) -> User:
    return policy.get_visible_or_404(request.user, User, pk=user_id)


@require_GET
def account_list(request: AdminRequest) -> HttpResponse:
    form = AccountFilterForm(request.GET or None)
    filters = form.filters()
    page = Paginator(selectors.accounts(**filters), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "filtered": bool(request.GET) and any(value for key, value in filters.items() if key != "status"),
        "summary": selectors.account_summary(),
    }
    return render(request, "setup/accounts/list.html", context)


def _account_context(request: AdminRequest, account: User, **extra: Any) -> dict[str, Any]:
    person = getattr(account, "person", None)
    return {
        "account": account,
        "person": person,
        "roles": sorted(account.role_memberships.all(), key=lambda m: m.get_role_display()),
        "roles_form": extra.pop("roles_form", None)
        or RolesForm(initial={"roles": list(account.role_memberships.values_list("role", flat=True))}),
        "is_self": account.pk == request.user.pk,
        "lifetime": link_lifetime(),
        # --- task: two-person rule (issue 16 section 3; issue 17 V6.4.4) ---
        "pending": two_person.pending_for(account),
        "has_two_factor": Authenticator.objects.filter(user=account).exists(),
        # --- end task ---
        **extra,
    }


@require_GET
def account_detail(request: AdminRequest, user_id: uuid.UUID) -> HttpResponse:
    account = _account(request, user_id)
    return render(request, "setup/accounts/detail.html", _account_context(request, account))


@require_POST
def account_roles(request: AdminRequest, user_id: uuid.UUID) -> HttpResponse:
    account = _account(request, user_id)
    form = RolesForm(request.POST)
    if account.pk == request.user.pk:
        form.add_error(None, "You cannot change your own roles; another administrator must.")
    elif not account.is_active:
        form.add_error(None, "This account is deactivated. Reactivate it first, then give it roles.")
    if not form.is_valid():
        context = _account_context(request, account, roles_form=form)
        return render(request, "setup/accounts/detail.html", context, status=400)
    # --- task: two-person rule (issue 16 section 3) ---
    change = two_person.request_roles(user=account, roles=form.cleaned_data["roles"], by=request.user, request=request)
    if change.granted or change.revoked:
        messages.success(request, "Roles saved.")
    if change.waiting:
        names = ", ".join(sorted(role.label.lower() for role in change.waiting))
        messages.info(
            request,
            f"Waiting for a second person: {names}. The role takes effect once another program "
            "administrator or the clinical advisor confirms it under “Changes waiting for a second person”.",
        )
    elif not (change.granted or change.revoked):
        messages.info(request, "No change: the account already had exactly these roles.")
    # --- end task ---
    return redirect("setup:account", user_id=account.pk)


# --- task: two-person rule (issue 17 V6.4.4) ---
@require_POST
def account_two_factor_reset(request: AdminRequest, user_id: uuid.UUID) -> HttpResponse:
    """Ask for the reset of a lost authenticator; a second person confirms, then the person
    gets a fresh invitation (sidebar.accounts.two_person)."""
    account = _account(request, user_id)
    try:
        asked = two_person.request_two_factor_reset(account=account, by=request.user, request=request)
    except two_person.TwoPersonError as error:
        messages.error(request, str(error))
    else:
        messages.info(
            request,
            "The reset waits for a second person: another program administrator or the clinical advisor."
            if asked
            else "A reset of this account's two-factor sign-in is waiting already.",
        )
    return redirect("setup:account", user_id=account.pk)


# --- end task ---


@require_POST
def account_invite(request: AdminRequest, user_id: uuid.UUID) -> HttpResponse:
    account = _account(request, user_id)
    if not account.is_active:
        messages.error(request, "This account is deactivated: reactivate it before inviting.")
    else:
        send_invitations(users=[account], by=request.user, request=request)
        messages.success(request, f"Invitation sent. The link works for {link_lifetime()}.")
    return redirect("setup:account", user_id=account.pk)


@require_http_methods(["GET", "POST"])
def account_deactivate(request: AdminRequest, user_id: uuid.UUID) -> HttpResponse:
    """A confirmation page first (what will happen, and to how many open requests), then the
    leaver's offboarding (sidebar.support.leavers)."""
    account = _account(request, user_id)
    person = getattr(account, "person", None)
    if not account.is_active:
        messages.info(request, "This account is already deactivated.")
        return redirect("setup:account", user_id=account.pk)
    if request.method == "POST":
        try:
            done = leavers.offboard(
                people=[person] if person else [],
                accounts_without_person=[] if person else [account],
                by=request.user,
                request=request,
            )
        except leavers.OffboardError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _offboarded_message(done))
        return redirect("setup:account", user_id=account.pk)
    peer = getattr(person, "peer_profile", None) if person else None
    context = {
        "account": account,
        "person": person,
        "is_self": account.pk == request.user.pk,
        "peer": peer,
        "open_assignments": leavers.open_assignments(person) if person else 0,
    }
    return render(request, "setup/accounts/deactivate.html", context)


def _offboarded_message(done: leavers.Offboarded) -> str:
    parts = ["The account is deactivated: no roles, no password, signed out everywhere."]
    if done.peers_on_leave:
        parts.append("Their peer supporter profile is on leave and off the on-call rota.")
    if done.assignments_returned:
        count = done.assignments_returned
        parts.append(f"{count} open request{'s' if count != 1 else ''} went back to the queue.")
    return " ".join(parts)


@require_POST
def account_reactivate(request: AdminRequest, user_id: uuid.UUID) -> HttpResponse:
    account = _account(request, user_id)
    if services.reactivate(user=account, by=request.user, request=request):
        messages.success(request, "The account works again, as staff with no password: send an invitation.")
    return redirect("setup:account", user_id=account.pk)


@require_POST
def account_end_sessions(request: AdminRequest, user_id: uuid.UUID) -> HttpResponse:
    """Sign the person out everywhere (ASVS V7.4.2); the administrator's own session goes on."""
    account = _account(request, user_id)
    if account.pk == request.user.pk:
        messages.error(request, "To end your own other sessions, use “Where you are signed in” on your security page.")
    else:
        services.end_all_sessions(user=account, by=request.user, request=request)
        messages.success(request, "Signed out everywhere: every open session of this account has ended.")
    return redirect("setup:account", user_id=account.pk)


@require_http_methods(["GET", "POST"])
def accounts_from_roster(request: AdminRequest) -> HttpResponse:
    """Preview how many people on the roster have no account, then create them all."""
    if request.method == "POST":
        created = services.create_accounts_for_roster(by=request.user, request=request)
        if created:
            messages.success(
                request,
                f"{created} account{'s' if created != 1 else ''} created. Nobody has been told yet: send the invitations next.",
            )
            return redirect(f"{reverse('setup:invitations')}?not_signed_in=on")
        messages.info(request, "Everyone active on the roster already has an account.")
        return redirect("setup:accounts")
    waiting = selectors.roster_without_accounts()
    return render(
        request,
        "setup/accounts/from_roster.html",
        {"count": waiting.count(), "by_unit": _count_by_unit(waiting)},
    )


def _count_by_unit(people: Any) -> list[tuple[str, int]]:
    from django.db.models import Count

    rows = people.values("unit__name").annotate(n=Count("pk")).order_by("unit__name")
    return [(row["unit__name"] or "No unit", row["n"]) for row in rows]


@require_http_methods(["GET", "POST"])
def invitations(request: AdminRequest) -> HttpResponse:
    """Choose who (GET: the form, then a preview with the count), then send (POST)."""
    if request.method == "POST":
        return _send_invitations(request)
    form = InvitationForm(request.GET or None)
    context: dict[str, Any] = {"form": form, "lifetime": link_lifetime()}
    if form.is_bound and form.is_valid():
        audience = selectors.invitation_audience(**form.cleaned_data)
        token = secrets.token_urlsafe(16)
        pending = request.session.get(_PENDING, [])
        request.session[_PENDING] = [*pending[-9:], token]
        context.update(
            preview=True,
            count=audience.count(),
            already_signed_in=audience.filter(last_login__isnull=False).count(),
            token=token,
            unit=form.cleaned_data["unit"],
            not_signed_in=form.cleaned_data["not_signed_in"],
        )
    return render(
        request, "setup/accounts/invitations.html", context, status=200 if form.is_valid() or not form.is_bound else 400
    )


def _send_invitations(request: AdminRequest) -> HttpResponse:
    form = InvitationForm(request.POST)
    if not form.is_valid():
        return render(
            request, "setup/accounts/invitations.html", {"form": form, "lifetime": link_lifetime()}, status=400
        )
    pending = request.session.get(_PENDING, [])
    token = request.POST.get("token", "")
    if token not in pending:
        messages.info(
            request, "These invitations were already sent (or the preview is too old): nothing was sent again."
        )
        return redirect("setup:accounts")
    request.session[_PENDING] = [other for other in pending if other != token]
    sent = send_invitations(users=selectors.invitation_audience(**form.cleaned_data), by=request.user, request=request)
    messages.success(
        request, f"{sent} invitation{'s' if sent != 1 else ''} sent. Each link works for {link_lifetime()}."
    )
    return redirect("setup:accounts")
