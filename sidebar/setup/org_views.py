"""The program administrator's organisation pages: agency settings, units, the roster upload
(preview, then apply) and the CSV exports. Who may open each is said in sidebar/policy.py
(URL_RULES, "setup:…"); the writes are in sidebar/org/services.py."""

from __future__ import annotations

import csv
import io
from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.files.uploadhandler import MemoryFileUploadHandler
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sidebar import policy
from sidebar.accounts.models import User
from sidebar.audit.models import Action
from sidebar.audit.services import record
from sidebar.org import services
from sidebar.org.models import Person, RankTier, Unit
from sidebar.org.roster import export_roster, spreadsheet_safe, unit_paths, unit_suggestions
from sidebar.org.selectors import current_agency, unit_tree, units_under
from sidebar.setup.org_forms import (
    MAX_ROSTER_BYTES,
    AgencySettingsForm,
    RankTierForm,
    RosterApplyForm,
    RosterUploadForm,
    read_preview,
    sign_preview,
)
from sidebar.setup.org_forms import UnitForm as UnitFormClass
from sidebar.support.leavers import OffboardError, offboard
from sidebar.team.models import PeerProfile
from sidebar.training import selectors as training

# How many people each list of the preview shows in full.
PREVIEW_LIST_MAX = 300


# --- agency settings --------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def agency(request: HttpRequest) -> HttpResponse:
    current = current_agency()
    form = AgencySettingsForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        values = {field: form.cleaned_data[field] for field in services.AGENCY_SETTINGS}
        _agency, changed = services.update_agency_settings(values=values, by=request.user, request=request)
        if changed:
            messages.success(request, f"Settings saved: {len(changed)} changed.")
        else:
            messages.info(request, "Nothing changed.")
        return redirect("setup:agency")
    status = 400 if form.errors else 200
    return render(request, "setup/org/agency.html", {"form": form}, status=status)


# --- units ------------------------------------------------------------------------------------


def _paths(exclude: Unit | None = None) -> list[tuple[Any, str]]:
    paths = unit_paths()
    if exclude is None:
        return paths
    below = set(units_under(exclude).values_list("pk", flat=True))
    return [(pk, path) for pk, path in paths if pk not in below]


def _save_unit(request: HttpRequest, form: UnitFormClass, unit: Unit | None) -> bool:
    if not form.is_valid():
        return False
    data = form.cleaned_data
    parent = Unit.objects.filter(pk=data["parent"]).first() if data["parent"] else None
    try:
        if unit is None:
            services.add_unit(name=data["name"], kind=data["kind"], parent=parent, by=request.user, request=request)
        else:
            services.change_unit(
                unit=unit, name=data["name"], kind=data["kind"], parent=parent, by=request.user, request=request
            )
    except ValidationError as exc:
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
        return False
    return True


@require_http_methods(["GET", "POST"])
def units(request: HttpRequest) -> HttpResponse:
    form = UnitFormClass(request.POST or None, paths=_paths())
    if request.method == "POST" and _save_unit(request, form, None):
        messages.success(request, f"Unit “{form.cleaned_data['name']}” added.")
        return redirect("setup:units")
    context = {"tree": unit_tree(), "form": form}
    return render(request, "setup/org/units.html", context, status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
def unit(request: HttpRequest, unit_id: Any) -> HttpResponse:
    found = policy.get_visible_or_404(request.user, Unit, pk=unit_id)
    initial = {"name": found.name, "kind": found.kind, "parent": str(found.parent_id or "")}
    form = UnitFormClass(request.POST or None, initial=initial, paths=_paths(exclude=found))
    if request.method == "POST" and _save_unit(request, form, found):
        messages.success(request, f"Unit “{found.name}” saved.")
        return redirect("setup:units")
    context = {"unit": found, "form": form}
    return render(request, "setup/org/unit.html", context, status=400 if form.errors else 200)


# --- rank tiers -----------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def rank_tiers(request: HttpRequest) -> HttpResponse:
    form = RankTierForm(request.POST if request.method == "POST" and "defaults" not in request.POST else None)
    if request.method == "POST" and "defaults" in request.POST:
        added = services.add_default_rank_tiers(by=request.user, request=request)
        if added:  # a second click finds tiers and adds nothing
            messages.success(request, f"Rank tiers added: {len(added)}.")
        return redirect("setup:rank_tiers")
    if request.method == "POST" and form.is_valid():
        try:
            services.add_rank_tier(
                name=form.cleaned_data["name"], level=form.cleaned_data["level"], by=request.user, request=request
            )
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field, errors)
        else:
            messages.success(request, f"Rank tier “{form.cleaned_data['name']}” added.")
            return redirect("setup:rank_tiers")
    context = {"tiers": RankTier.objects.order_by("level"), "form": form}
    return render(request, "setup/org/rank_tiers.html", context, status=400 if form.errors else 200)


# --- the roster upload ------------------------------------------------------------------------


def _upload_page(
    request: HttpRequest, form: RosterUploadForm, errors: Any = (), *, problem: str = "", status: int = 200
) -> HttpResponse:
    people = Person.objects.filter(is_active=True).count()
    context = {"form": form, "errors": errors, "problem": problem, "people": people}
    return render(request, "setup/org/roster.html", context, status=status)


def _preview_page(
    request: HttpRequest,
    *,
    text: str,
    full: bool,
    form_data: Any = None,
    problem: str = "",
    status: int = 200,
) -> HttpResponse:
    """The preview: who is created, updated and deactivated, and a choice for each new unit."""
    plan = services.plan_roster(text, full=full)
    if plan.errors:
        return _upload_page(request, RosterUploadForm(initial={"full": full}), plan.errors, status=400)
    paths = unit_paths()
    token = sign_preview(text=text, full=full, leavers=plan.leavers_digest(), user_id=request.user.pk)
    data = None
    if form_data is not None:
        data = form_data.copy()
        data["preview"] = token
    form = RosterApplyForm(
        data,
        initial={"preview": token},
        new_units=plan.result.new_units,
        suggestions=unit_suggestions(plan.result.new_units),
        paths=paths,
        missing=len(plan.missing),
    )
    if data is not None:
        form.is_valid()
    path_of = {pk: path for pk, path in paths}
    path_of.update(
        {
            unit.id: f"{unit.parent_path}/{unit.name}" if unit.parent_path else unit.name
            for unit in plan.result.new_units
        }
    )
    leaving_ids = plan.to_deactivate[:PREVIEW_LIST_MAX]
    leaving = list(Person.objects.filter(pk__in=leaving_ids).select_related("unit").order_by("full_name"))
    missing = set(plan.missing)
    context = {
        "plan": plan,
        "form": form,
        "problem": problem,
        "full": full,
        "create": [(row, path_of.get(row.unit_id, "")) for row in plan.to_create[:PREVIEW_LIST_MAX]],
        "update": [(row, path_of.get(row.unit_id, "")) for row in plan.to_update[:PREVIEW_LIST_MAX]],
        "leaving": [(person, person.pk in missing) for person in leaving],
        "list_max": PREVIEW_LIST_MAX,
    }
    return render(request, "setup/org/roster_preview.html", context, status=status)


@csrf_exempt  # the check runs in upload_roster, once the file can only go to memory
@require_http_methods(["GET", "POST"])
def roster(request: HttpRequest) -> HttpResponse:
    # The file holds names: keep it in memory only, never in a temporary file on disk.
    request.upload_handlers = [_InMemory(request)]
    return _roster(request)


class _InMemory(MemoryFileUploadHandler):
    """Django's in-memory handler, for any file up to the roster's limit (larger uploads are
    refused before they are read)."""

    def handle_raw_input(
        self, input_data: Any, META: Any, content_length: Any, boundary: Any, encoding: Any = None
    ) -> None:
        self.activated = content_length is not None and content_length <= MAX_ROSTER_BYTES + 64 * 1024


@csrf_protect
def _roster(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        if int(request.META.get("CONTENT_LENGTH") or 0) > MAX_ROSTER_BYTES + 64 * 1024:
            problem = "The file is larger than 10 MB; split it or remove unused columns."
            return _upload_page(request, RosterUploadForm(), problem=problem, status=400)
        form = RosterUploadForm(request.POST, request.FILES)
        if not form.is_valid():
            return _upload_page(request, form, status=400)
        data: bytes = form.cleaned_data["file"]
        plan = services.plan_roster(data, full=form.cleaned_data["full"])
        if plan.errors:
            return _upload_page(request, form, plan.errors, status=400)
        # A reload posts the file again and shows the same preview: nothing is written here.
        return _preview_page(request, text=data.decode("utf-8-sig"), full=form.cleaned_data["full"])
    return _upload_page(request, RosterUploadForm())


@require_POST
def roster_apply(request: HttpRequest) -> HttpResponse:
    preview = read_preview(request.POST.get("preview", ""), user_id=request.user.pk)
    if preview is None:
        problem = "The preview is more than an hour old or was not made by you. Upload the file again."
        return _upload_page(request, RosterUploadForm(), problem=problem, status=400)
    text, full = str(preview["csv"]), bool(preview["full"])
    base = services.plan_roster(text, full=full)
    form = RosterApplyForm(
        request.POST,
        new_units=base.result.new_units,
        suggestions={},
        paths=unit_paths(),
        missing=len(base.missing),
    )
    if base.errors or not form.is_valid():
        return _preview_page(request, text=text, full=full, form_data=request.POST, status=400)
    try:
        with transaction.atomic():
            outcome = services.apply_roster(
                data=text,
                full=full,
                unit_map=form.unit_map(),
                units_to_create=form.units_to_create(),
                leavers_digest=str(preview["leavers"]),
                by=request.user,
                request=request,
            )
            if outcome.leaving:
                offboard(people=outcome.leaving, by=cast(User, request.user), request=request)
    except services.RosterChanged as changed:
        return _preview_page(request, text=text, full=full, form_data=request.POST, problem=str(changed), status=409)
    except OffboardError as refused:  # e.g. the file marks the administrator's own record inactive
        return _preview_page(request, text=text, full=full, form_data=request.POST, problem=str(refused), status=409)
    summary = outcome.summary
    messages.success(
        request,
        f"Roster imported: created {summary.created}, updated {summary.updated}, unchanged {summary.unchanged}, "
        f"deactivated {len(outcome.deactivated)}, units created {summary.units_created}.",
    )
    return redirect("setup:roster")


# --- exports ----------------------------------------------------------------------------------


def _csv_response(content: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store, private"
    return response


@require_GET
def roster_export(request: HttpRequest) -> HttpResponse:
    record(action=Action.EXPORT, actor=request.user, object_type="org.person", detail="staff_roster", request=request)
    today = timezone.localdate().isoformat()
    return _csv_response(export_roster(), f"roster-{today}.csv")


@require_GET
def compliance_export(request: HttpRequest) -> HttpResponse:
    """The training compliance list as the team leader sees it, as CSV."""
    agency = current_agency()
    today = training.agency_today(agency)
    rows = training.compliance(policy.visible_to(request.user, PeerProfile), agency=agency, today=today)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(
        [
            "name",
            "unit",
            "status",
            f"hours_{today.year}",
            "hours_required",
            "below",
            "hours_missing",
            "basic_training_on",
        ]
    )
    for peer in rows:
        row = [
            peer.person.full_name,
            peer.person.unit.name if peer.person.unit else "",
            peer.get_status_display(),
            f"{peer.training_hours_this_year:g}",
            agency.yearly_training_hours,
            "yes" if peer.below else "no",
            f"{peer.hours_missing:g}",
            peer.basic_training_completed_on.isoformat() if peer.basic_training_completed_on else "",
        ]
        writer.writerow([spreadsheet_safe(str(cell)) for cell in row])
    record(
        action=Action.EXPORT,
        actor=request.user,
        object_type="team.peerprofile",
        detail="training_compliance",
        request=request,
    )
    return _csv_response(out.getvalue(), f"training-compliance-{today.isoformat()}.csv")
