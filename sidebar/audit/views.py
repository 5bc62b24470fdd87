from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from sidebar.audit import selectors
from sidebar.audit.forms import EventFilterForm, VerifyForm
from sidebar.audit.services import run_verification


def _events_page(request: HttpRequest, *, verify_form: VerifyForm, status: int = 200) -> HttpResponse:
    # One zone for everything on the page: the agency's (activated by AgencyTimezoneMiddleware),
    # in which the times are shown and the filter's dates are days.
    zone = timezone.get_current_timezone()
    form = EventFilterForm(request.GET or None)
    context = {"form": form, "zone": zone, "verification": selectors.last_verification(), "verify_form": verify_form}
    if form.is_bound and not form.is_valid():
        # A filter that cannot be applied lists nothing, rather than every event as if unasked.
        context |= {"page": None, "events": [], "query": ""}
        return render(request, "audit/event_list.html", context, status=400)
    filters = form.cleaned_data if form.is_bound else {}
    page = Paginator(selectors.filtered_events(filters, zone=zone), 50).get_page(request.GET.get("page"))
    events = list(page.object_list)
    selectors.label_actors(events)
    query = request.GET.copy()
    query.pop("page", None)
    context |= {"page": page, "events": events, "query": query.urlencode()}
    return render(request, "audit/event_list.html", context, status=status)


@require_GET
def event_list(request: HttpRequest) -> HttpResponse:
    return _events_page(request, verify_form=VerifyForm())


@require_POST
def verify(request: HttpRequest) -> HttpResponse:
    form = VerifyForm(request.POST)
    if not form.is_valid():
        # the line stays in the box, with what is wrong with it; nothing was verified or recorded
        return _events_page(request, verify_form=form, status=400)
    report = run_verification(actor=request.user, request=request, checkpoint=form.cleaned_data["checkpoint"])
    if report.ok:
        against = f" It holds every event of {report.checkpoint.brief}." if report.checkpoint else ""
        messages.success(request, f"The audit chain is intact: {report.events_checked} events verified.{against}")
    else:
        where = f" at event #{report.first_broken_id}" if report.first_broken_id else ""
        messages.error(request, f"The audit chain is BROKEN{where}: {report.reason}.")
    return redirect("audit:events")
