"""Limits on signed-in actions (ASVS V2.4.1, issue 17): nine urgent referrals in under a minute
were all accepted, each e-mailing the team. Each account now has a limit per hour on asking,
referring and nominating; past it the form comes back with what was typed and a message, the
refusal is audited naming nobody, and the team leader's home page counts refusals, never who."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from sidebar.audit.models import Action, AuditEvent
from sidebar.support.models import SupportRequest
from sidebar.throttle import actions
from sidebar.throttle.models import Counter
from tests.factories import make_account
from tests.recruitment.conftest import make_round

pytestmark = pytest.mark.django_db

ASK = {"urgency": "urgent", "kind": "post_crisis", "topics": ["grief"], "phone": "555-0199", "understood": "on"}


def token_from(page) -> str:  # type: ignore[no-untyped-def]
    found = re.search(r'name="submission" value="([^"]+)"', page.content.decode())
    assert found, "the form carries no one-time token"
    return found.group(1)


def limit_events() -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=Action.RATE_LIMITED, detail__startswith="limit:"))


def test_nine_urgent_referrals_in_a_minute_stop_at_the_limit_with_a_message_that_keeps_the_form(
    cast, signed_in, deliver_outbox
):
    colleagues = [make_account(f"colleague{n}@example.gov") for n in range(9)]
    client = signed_in(cast.outsider)
    answers = []
    for colleague in colleagues:  # each a fresh form, as someone clicking "Refer" again would send
        data = {
            "colleague_email": colleague.email,
            "reason": "visible_distress",
            "urgency": "urgent",
            "submission": token_from(client.get(reverse("support:refer"))),
        }
        answers.append(client.post(reverse("support:refer"), data))

    assert [answer.status_code for answer in answers] == [302] * actions.REFER.amount + [400] * 4
    assert SupportRequest.objects.count() == actions.REFER.amount
    assert len(deliver_outbox()) == actions.REFER.amount  # one alert to the team leader per accepted referral
    refused = answers[-1].content.decode()
    assert "You have referred five colleagues in the last hour" in refused
    assert colleagues[-1].email in refused  # what was typed is still in the form
    assert 'value="urgent"' in refused and "checked" in refused
    events = limit_events()
    assert [(event.detail, event.actor_id, event.ip) for event in events] == [("limit:refer", None, None)] * 4


def test_a_reload_of_an_accepted_referral_costs_no_unit(cast, signed_in):
    """The one-time token is checked first: a double click or reload at the limit still shows
    what the first submission made, and uses nothing up."""
    client = signed_in(cast.outsider)
    data = {
        "colleague_email": cast.staff.email,
        "reason": "visible_distress",
        "urgency": "routine",
        "submission": token_from(client.get(reverse("support:refer"))),
    }
    first = client.post(reverse("support:refer"), data)
    for _ in range(actions.REFER.amount + 2):
        assert client.post(reverse("support:refer"), data)["Location"] == first["Location"]
    assert SupportRequest.objects.count() == 1
    assert Counter.objects.get().count == 1


def test_asking_for_oneself_is_limited_without_a_counter_and_the_refusal_names_nobody(cast, signed_in):
    """A team leader (a privileged account, which other refusals name) asks for themselves: the
    refusal is counted, but neither the audit log nor any counter row says whose it was."""
    asker = cast.team_leader
    client = signed_in(asker)
    answers = [
        client.post(reverse("support:ask"), {**ASK, "submission": token_from(client.get(reverse("support:ask")))})
        for _ in range(actions.ASK.amount + 1)
    ]

    assert [answer.status_code for answer in answers] == [302] * actions.ASK.amount + [400]
    assert SupportRequest.objects.count() == actions.ASK.amount
    refused = answers[-1].content.decode()
    assert "You have asked for support three times in the last hour" in refused
    assert "555-0199" in refused  # the phone number typed is kept
    assert Counter.objects.count() == 0  # no row keyed by the account, with the moment it asked
    [event] = limit_events()
    assert (event.detail, event.actor_id, event.ip, event.object_id) == ("limit:ask", None, None, "")
    assert not AuditEvent.objects.filter(action=Action.RATE_LIMITED, actor_id=asker.pk).exists()


def test_another_accounts_asks_do_not_count_against_mine(cast, signed_in):
    from tests.factories import ask_as

    for _ in range(actions.ASK.amount):
        ask_as(cast.peer, urgency="routine")
    client = signed_in(cast.staff)
    answer = client.post(reverse("support:ask"), {**ASK, "submission": token_from(client.get(reverse("support:ask")))})
    assert answer.status_code == 302


def test_nominating_is_limited_per_account(cast, signed_in):
    round_ = make_round(cast.team_leader)
    for _ in range(actions.NOMINATE.amount):  # ten nominations this hour, through the same counter
        actions.take(actions.NOMINATE, account_id=cast.staff.pk)
    url = reverse("recruitment:nominate", kwargs={"round_id": round_.pk})

    answer = signed_in(cast.staff).post(url, {"nominee": str(cast.outsider.person.pk), "reason": "Calm under fire."})

    assert answer.status_code == 400
    page = answer.content.decode()
    assert "You have nominated ten colleagues in the last hour" in page and "Calm under fire." in page
    assert [event.detail for event in limit_events()] == ["limit:nominate"]
    assert (
        signed_in(cast.peer).post(url, {"nominee": str(cast.outsider.person.pk), "reason": "Kind."}).status_code == 302
    )


def test_the_team_leader_sees_how_often_each_limit_was_reached_and_nobody_else_does(cast, signed_in):
    actions.note_reached(actions.ASK)
    actions.note_reached(actions.REFER)
    actions.note_reached(actions.REFER)

    page = signed_in(cast.team_leader).get(reverse("home")).content.decode()

    assert "Limits reached this week" in page
    assert re.search(r"<dt>Asking for support</dt><dd>1 time</dd>", page)
    assert re.search(r"<dt>Referring a colleague</dt><dd>2 times</dd>", page)
    for other in (cast.staff, cast.peer, cast.program_admin, cast.leadership):
        assert "Limits reached" not in signed_in(other).get(reverse("home")).content.decode()
