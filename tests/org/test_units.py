"""Units never contain themselves: Trial Division under Homicide Unit under Trial Division is
refused by the model, the service, the Django admin form and the units page."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from sidebar.audit.models import Action, AuditEvent
from sidebar.org import services
from sidebar.org.models import Unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def chart(db):
    trial = Unit.objects.create(name="Trial Division", kind=Unit.Kind.DIVISION)
    felony = Unit.objects.create(name="Felony Bureau", kind=Unit.Kind.BUREAU, parent=trial)
    homicide = Unit.objects.create(name="Homicide Unit", parent=felony)
    return trial, felony, homicide


def test_unit_clean_refuses_a_unit_below_its_own_descendant(chart):
    trial, _felony, homicide = chart
    trial.parent = homicide
    with pytest.raises(ValidationError) as caught:
        trial.full_clean()
    assert "cannot sit inside itself" in str(caught.value)


def test_unit_clean_refuses_its_own_parent_and_the_database_too(chart):
    trial, _felony, _homicide = chart
    trial.parent = trial
    with pytest.raises(ValidationError):
        trial.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        Unit.objects.filter(pk=trial.pk).update(parent=trial)


def test_the_service_refuses_the_move_and_writes_nothing(chart, cast):
    trial, _felony, homicide = chart
    with pytest.raises(ValidationError):
        services.change_unit(
            unit=trial, name=trial.name, kind=trial.kind, parent=homicide, by=cast.program_admin, request=None
        )
    trial.refresh_from_db()
    assert trial.parent is None
    assert not AuditEvent.objects.filter(action=Action.UNIT_CHANGED).exists()


def test_the_admin_form_refuses_the_loop(chart, cast, signed_in):
    trial, _felony, homicide = chart
    client = signed_in(cast.program_admin)
    url = reverse("admin:org_unit_change", args=[trial.pk])
    response = client.post(url, {"name": trial.name, "kind": trial.kind, "parent": str(homicide.pk)})
    assert response.status_code == 200  # the form again, with the message
    assert "cannot sit inside itself" in response.content.decode()
    trial.refresh_from_db()
    assert trial.parent is None


def test_units_page_lists_the_tree_and_adds_renames_and_moves(chart, cast, signed_in):
    trial, felony, homicide = chart
    client = signed_in(cast.program_admin)
    page = client.get(reverse("setup:units")).content.decode()
    assert page.index("Trial Division") < page.index("Felony Bureau") < page.index("Homicide Unit")

    response = client.post(reverse("setup:units"), {"name": "Cold Case Unit", "kind": "unit", "parent": str(felony.pk)})
    assert response.status_code == 302
    cold = Unit.objects.get(name="Cold Case Unit")
    assert cold.parent == felony

    url = reverse("setup:unit", kwargs={"unit_id": homicide.pk})
    response = client.post(url, {"name": "Homicide & Cold Case Unit", "kind": "unit", "parent": str(trial.pk)})
    assert response.status_code == 302
    homicide.refresh_from_db()
    assert (homicide.name, homicide.parent) == ("Homicide & Cold Case Unit", trial)
    details = sorted(AuditEvent.objects.filter(action=Action.UNIT_CHANGED).values_list("detail", flat=True))
    assert details == ["added", "moved", "renamed"]


def test_units_page_does_not_offer_a_units_own_descendants_and_refuses_them(chart, cast, signed_in):
    trial, _felony, homicide = chart
    client = signed_in(cast.program_admin)
    url = reverse("setup:unit", kwargs={"unit_id": trial.pk})
    page = client.get(url).content.decode()
    assert f'value="{homicide.pk}"' not in page
    response = client.post(url, {"name": "Trial Division", "kind": "division", "parent": str(homicide.pk)})
    assert response.status_code == 400
    assert "Homicide Unit" not in response.content.decode().split("<select")[-1]  # not offered
    trial.refresh_from_db()
    assert trial.parent is None


def test_a_sibling_with_the_same_name_is_refused_with_the_name_kept(chart, cast, signed_in):
    trial, _felony, _homicide = chart
    response = signed_in(cast.program_admin).post(
        reverse("setup:units"), {"name": "felony bureau", "kind": "bureau", "parent": str(trial.pk)}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "already a unit with this name in Trial Division" in page
    assert 'value="felony bureau"' in page


def test_other_roles_cannot_open_a_unit(chart, cast, signed_in):
    trial, _felony, _homicide = chart
    url = reverse("setup:unit", kwargs={"unit_id": trial.pk})
    assert signed_in(cast.team_leader).get(url).status_code == 403
