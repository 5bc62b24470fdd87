"""Policy documents, the team agreement, and confidentiality exceptions. Who may open each view is
said in sidebar/policy.py (URL_RULES); what each object is, by its scope."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from sidebar import policy
from sidebar.accounts.models import User
from sidebar.safeguards import selectors, services
from sidebar.safeguards.explanations import explain, explained_categories
from sidebar.safeguards.forms import AdviceForm, DecisionForm, DisclosureForm, PublishForm, RaiseForm, SignForm
from sidebar.safeguards.models import ConfidentialityException, PolicyDocument
from sidebar.support.models import SupportRequest

Status = ConfidentialityException.Status


class SignedInRequest(HttpRequest):
    """Every page here needs a signed-in user (PolicyMiddleware sends anyone else to sign in)."""

    user: User


def _posted(request: HttpRequest) -> Any:
    """The submitted data of a POST (even an empty one, which must fail validation), else None."""
    return request.POST if request.method == "POST" else None


def _template_code(request: HttpRequest) -> str:
    """The agency's statute template; the agency is the one AgencyTimezoneMiddleware read."""
    return str(request.agency.exception_template)  # type: ignore[attr-defined]


def _kind_or_404(kind: str) -> PolicyDocument.Kind:
    if kind not in PolicyDocument.Kind.values:
        raise Http404
    return PolicyDocument.Kind(kind)


# --- policy documents and the team agreement --------------------------------------------------


@require_GET
def document_list(request: SignedInRequest) -> HttpResponse:
    context = {
        "documents": selectors.current_documents(),
        "unsigned": selectors.unsigned_agreement_for(request.user),
        "can_publish": policy.can(request.user, "safeguards.publish"),
    }
    return render(request, "safeguards/document_list.html", context)


@require_GET
def document_detail(request: SignedInRequest, kind: str) -> HttpResponse:
    kind = _kind_or_404(kind)
    is_agreement = kind == PolicyDocument.Kind.TEAM_AGREEMENT
    context = {
        "kind": kind,
        "document": selectors.current_document(kind),
        "can_publish": policy.can(request.user, "safeguards.publish"),
        "unsigned": selectors.unsigned_agreement_for(request.user) if is_agreement else None,
    }
    return render(request, "safeguards/document_detail.html", context)


@require_http_methods(["GET", "POST"])
def publish(request: SignedInRequest, kind: str) -> HttpResponse:
    kind = _kind_or_404(kind)
    current = selectors.current_document(kind)
    form = PublishForm(request.POST) if request.method == "POST" else PublishForm.starting_from(current)
    if request.method == "POST" and form.is_valid():
        try:
            document = services.publish_document(kind=kind, by=request.user, request=request, **form.cleaned_data)
        except services.SafeguardError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"Version {document.version} is published.")
            if kind == PolicyDocument.Kind.TEAM_AGREEMENT:
                messages.info(request, "Every peer supporter has been asked to sign the new version.")
            return redirect("safeguards:document", kind=kind)
    return render(request, "safeguards/publish.html", {"kind": kind, "current": current, "form": form})


@require_http_methods(["GET", "POST"])
def sign(request: SignedInRequest) -> HttpResponse:
    agreement = selectors.current_document(PolicyDocument.Kind.TEAM_AGREEMENT)
    form = SignForm(_posted(request), initial={"version": agreement.version if agreement else None})
    if request.method == "POST" and form.is_valid():
        try:
            services.sign_agreement(user=request.user, version=form.cleaned_data["version"], request=request)
        except services.SafeguardError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, "Thank you: you have signed the team agreement.")
        return redirect("safeguards:sign")
    signature = selectors.signature_of(request.user, agreement) if agreement else None
    return render(request, "safeguards/sign.html", {"agreement": agreement, "signature": signature, "form": form})


# --- confidentiality exceptions ---------------------------------------------------------------


@require_GET
def exception_list(request: SignedInRequest) -> HttpResponse:
    page = Paginator(selectors.exceptions_for(request.user), 50).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "reviewer": policy.can(request.user, "safeguards.review_exceptions"),
        "categories": explained_categories(_template_code(request)),
    }
    return render(request, "safeguards/exception_list.html", context)


@require_http_methods(["GET", "POST"])
def raise_exception(request: SignedInRequest, request_id: uuid.UUID) -> HttpResponse:
    support_request = policy.get_visible_or_404(request.user, SupportRequest, pk=request_id)
    if not selectors.may_raise_exception(request.user, support_request):
        raise Http404  # an offer not yet accepted: to this peer the request is not theirs to act on
    form = RaiseForm(_posted(request), template_code=_template_code(request))
    if request.method == "POST" and form.is_valid():
        try:
            exception = services.raise_exception(
                support_request=support_request,
                category=form.cleaned_data["category"],
                by=request.user,
                request=request,
            )
        except services.SafeguardError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request, "The exception is raised. The clinical advisor and the team leader have been told."
            )
            return redirect("safeguards:exception", pk=exception.pk)
    return render(request, "safeguards/raise.html", {"form": form, "support_request": support_request})


def _review_page(request: SignedInRequest, exception: ConfidentialityException, **extra: Any) -> HttpResponse:
    """The detail page: the clinical advisor and the team leader see the whole consultation and
    the step that is theirs; the peer who raised it sees its status only."""
    if not policy.can(request.user, "safeguards.review_exceptions"):
        return render(request, "safeguards/exception_status.html", {"exception": exception})
    disclosure = selectors.disclosure_of(exception)
    context = {
        "exception": exception,
        "disclosure": disclosure,
        "has_note": disclosure is not None and selectors.has_sealed_note(exception),
        "explanation": explain(exception.category, _template_code(request)),
        "may_advise": exception.status == Status.OPEN and policy.can(request.user, "safeguards.advise"),
        "may_decide": exception.status == Status.ADVISED and policy.can(request.user, "safeguards.decide"),
        "advice_form": AdviceForm(),
        "decision_form": DecisionForm(advice=exception.advice),
        **extra,  # a refused step's bound form, or the opened note
    }
    context["may_disclose"] = (
        disclosure is None
        and exception.decision == ConfidentialityException.Decision.DISCLOSE
        and policy.can(request.user, "safeguards.decide")
    )
    return render(request, "safeguards/exception_detail.html", context)


@require_GET
def exception_detail(request: SignedInRequest, pk: uuid.UUID) -> HttpResponse:
    return _review_page(request, selectors.exception_for(request.user, pk))


@require_GET
def note(request: SignedInRequest, pk: uuid.UUID) -> HttpResponse:
    """The detail page with the sealed note opened: a deliberate, audited read."""
    exception = selectors.exception_for(request.user, pk)
    if not selectors.has_sealed_note(exception):
        return redirect("safeguards:exception", pk=pk)
    revealed = selectors.reveal_note(exception, actor=request.user, request=request)
    return _review_page(request, exception, note=revealed, note_opened=True)


def _take_step(
    request: SignedInRequest, pk: uuid.UUID, form_for: Any, step: Any, form_name: str, done: str
) -> HttpResponse:
    """Advice and decision: a small form on the detail page that posts here. A GET (or a
    finished step) goes back to the page; a refused step shows there, with what was chosen."""
    exception = selectors.exception_for(request.user, pk)
    if request.method != "POST":
        return redirect("safeguards:exception", pk=pk)
    form = form_for(request.POST, exception)
    if form.is_valid():
        try:
            step(exception=exception, by=request.user, request=request, **form.cleaned_data)
        except services.SafeguardError as exc:
            messages.error(request, str(exc))  # the step is not open now: its form may not be shown
        else:
            messages.success(request, done)
            return redirect("safeguards:exception", pk=pk)
    return _review_page(request, exception, **{form_name: form})


@require_http_methods(["GET", "POST"])
def advise(request: SignedInRequest, pk: uuid.UUID) -> HttpResponse:
    return _take_step(
        request,
        pk,
        lambda data, _exception: AdviceForm(data),
        services.advise,
        "advice_form",
        "Your advice is recorded.",
    )


@require_http_methods(["GET", "POST"])
def decide(request: SignedInRequest, pk: uuid.UUID) -> HttpResponse:
    def form_for(data: Any, exception: ConfidentialityException) -> DecisionForm:
        return DecisionForm(data, advice=exception.advice)

    return _take_step(request, pk, form_for, services.decide, "decision_form", "The decision is recorded.")


@require_http_methods(["GET", "POST"])
def disclose(request: SignedInRequest, pk: uuid.UUID) -> HttpResponse:
    exception = selectors.exception_for(request.user, pk)
    if exception.decision != ConfidentialityException.Decision.DISCLOSE or selectors.disclosure_of(exception):
        return redirect("safeguards:exception", pk=pk)
    form = DisclosureForm(_posted(request), exception=exception)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_disclosure(exception=exception, by=request.user, request=request, **form.cleaned_data)
        except services.SafeguardError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "The disclosure is recorded.")
            return redirect("safeguards:exception", pk=pk)
    return render(request, "safeguards/disclose.html", {"exception": exception, "form": form})
