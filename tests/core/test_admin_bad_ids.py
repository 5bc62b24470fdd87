"""Edges found by fuzzing (issue 12, section 7): the admin's add forms answered 500 to a
parent, unit, supervisor or user that is not a valid id, and the traceback logged the value.
Now the value is refused with a clear message, the form keeps the rest, and nothing about
it reaches the log."""

from __future__ import annotations

import logging

import pytest

from sidebar.org.models import Person, RankTier
from tests.conftest import SignedIn
from tests.factories import Cast

pytestmark = pytest.mark.django_db

BAD = "not-a-uuid-7f3e"


@pytest.mark.parametrize(
    "url",
    [
        f"/admin/org/person/add/?unit={BAD}",
        f"/admin/org/person/add/?supervisor={BAD}&user={BAD}",
        f"/admin/org/unit/add/?parent={BAD}",
    ],
)
def test_an_invalid_id_in_the_query_string_is_ignored(cast: Cast, signed_in: SignedIn, url: str, caplog) -> None:  # type: ignore[no-untyped-def]
    with caplog.at_level(logging.WARNING):
        response = signed_in(cast.program_admin).get(url)
    assert response.status_code == 200
    assert BAD not in caplog.text


def test_an_invalid_id_posted_is_a_clear_error_that_keeps_the_rest(cast: Cast, signed_in: SignedIn, caplog) -> None:  # type: ignore[no-untyped-def]
    tier = RankTier.objects.first()
    assert tier is not None
    data = {"full_name": "Ada Quill", "work_email": "ada.quill@example.gov", "rank_tier": str(tier.pk)}
    data.update(unit=BAD, supervisor=BAD, user=BAD, is_active="on")
    with caplog.at_level(logging.WARNING):
        response = signed_in(cast.program_admin).post("/admin/org/person/add/", data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "is not a valid UUID" in page
    assert 'value="Ada Quill"' in page
    assert not Person.objects.filter(work_email="ada.quill@example.gov").exists()
    assert BAD not in caplog.text
