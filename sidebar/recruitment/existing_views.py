"""The team leader brings in the members who already serve (see existing.py)."""

from __future__ import annotations

import datetime

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from sidebar.org.models import Person
from sidebar.recruitment.existing import add_existing_member
from sidebar.recruitment.services import RecruitmentError
from sidebar.recruitment.views import SignedInRequest


class ExistingMemberForm(forms.Form):
    work_email = forms.EmailField(
        label="Their work e-mail",
        help_text="As on the staff roster. They need an account (the administrator creates it).",
    )
    trained_on = forms.DateField(
        label="Basic peer support training completed on",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="The date of the certificate; the training itself was before Sidebar.",
    )

    def clean_work_email(self) -> Person:
        address = self.cleaned_data["work_email"].strip().lower()
        person = Person.objects.select_related("unit").filter(work_email__iexact=address, is_active=True).first()
        if person is None:
            raise forms.ValidationError("Nobody active on the staff roster has this work e-mail.")
        return person

    def clean_trained_on(self) -> datetime.date:
        trained_on: datetime.date = self.cleaned_data["trained_on"]
        if trained_on < datetime.date(1970, 1, 1):
            raise forms.ValidationError("Give the date the basic training was completed.")
        return trained_on


@require_http_methods(["GET", "POST"])
def add_existing(request: SignedInRequest) -> HttpResponse:
    form = ExistingMemberForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        person: Person = form.cleaned_data["work_email"]
        try:
            add_existing_member(
                person=person, trained_on=form.cleaned_data["trained_on"], by=request.user, request=request
            )
        except RecruitmentError as error:
            form.add_error("work_email", str(error))
        else:
            messages.success(
                request,
                f"{person.full_name} joined the team as a selected member. Once they sign the team agreement "
                "and write their profile, activate them here.",
            )
            return redirect("recruitment:onboarding")
    return render(request, "recruitment/add_existing.html", {"form": form})
