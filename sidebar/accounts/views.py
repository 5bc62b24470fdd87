"""The person's own account pages beyond allauth's (issue 17)."""

from __future__ import annotations

from allauth.account.decorators import reauthentication_required
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from sidebar.accounts import services
from sidebar.accounts.models import User


class SignedInRequest(HttpRequest):
    user: User


@require_POST
@reauthentication_required
def sign_out_elsewhere(request: SignedInRequest) -> HttpResponse:
    """Every other session of the person ends; this one goes on (ASVS V7.4.5, V7.5.2). Asks for
    the password (or the second factor) again unless the person signed in moments ago."""
    services.end_all_sessions(user=request.user, by=request.user, request=request)
    messages.success(request, "Every other session has ended. This browser stays signed in.")
    return redirect("mfa_index")
