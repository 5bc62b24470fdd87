"""Signing in through the agency's provider leaves the day only (issue 12, section 5): allauth's
row for the link between the provider's identity and the account, read as a database
administrator reads it, holds no sign-in time finer than the UTC day, and the audit event of a
plain staff member's sign-in names no account."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.utils.dateparse import parse_datetime

from sidebar.audit.models import Action
from tests.factories import Cast
from tests.sso.provider import Provider
from tests.sso.test_sso import sso_sign_in

pytestmark = pytest.mark.django_db


def whole_day(value: object) -> bool:
    moment = parse_datetime(value) if isinstance(value, str) else value
    assert isinstance(moment, datetime.datetime), value
    moment = moment.replace(tzinfo=datetime.UTC) if moment.tzinfo is None else moment.astimezone(datetime.UTC)
    return (moment.hour, moment.minute, moment.second, moment.microsecond) == (0, 0, 0, 0)


def test_the_provider_link_keeps_the_day_of_each_sign_in_only(cast: Cast, sso: Provider) -> None:
    for _ in range(2):  # the first sign-in links the identity; the second updates the link
        assert sso_sign_in(Client(), sso, "staff@example.gov").status_code == 302
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT s.last_login, s.date_joined FROM socialaccount_socialaccount s "
            "JOIN accounts_user u ON u.id = s.user_id WHERE u.email = %s",
            ["staff@example.gov"],
        )
        [(last_login, date_joined)] = cursor.fetchall()
        cursor.execute("SELECT actor_id, object_id, detail FROM audit_auditevent WHERE action = %s", [Action.SIGN_IN])
        events = cursor.fetchall()
    assert whole_day(last_login) and whole_day(date_joined)
    assert events == [(None, "", "staff_account")] * 2
