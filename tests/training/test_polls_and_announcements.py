"""Training-needs polls: each peer answers once, and what they chose cannot be tied back to them.
Announcements: e-mailed to the active and in-training team, listed in Sidebar, and the newest on
peers' home page."""

from __future__ import annotations

import pytest
from django.db import models
from django.urls import reverse

from sidebar.audit.models import Action, AuditEvent
from sidebar.training import services
from sidebar.training.models import Course, NeedsPoll, PollChoice, PollRespondent
from tests.conftest import SignedIn
from tests.factories import make_peer
from tests.training.conftest import member

pytestmark = pytest.mark.django_db


def open_poll(by) -> NeedsPoll:  # type: ignore[no-untyped-def]
    return services.open_poll(
        question="What training would help you?", labels=["Grief and loss", "Secondary trauma", "Sleep"], by=by
    )


def test_a_peer_answers_a_poll_once_and_the_second_answer_is_refused(cast, signed_in: SignedIn):
    make_peer(cast.peer)
    poll = open_poll(cast.team_leader)
    grief, trauma, sleep = poll.choices.order_by("position")
    client = signed_in(cast.peer)
    url = reverse("training:poll_answer", args=[poll.pk])

    response = client.post(url, {"choices": [grief.pk, sleep.pk]})
    assert response.status_code == 302

    again = client.post(url, {"choices": [trauma.pk]})
    assert "You have answered this poll" in again.content.decode()
    with pytest.raises(services.TrainingError, match="already answered"):
        services.answer_poll(poll=poll, user=cast.peer, choice_ids=[trauma.pk])

    assert dict(poll.choices.values_list("label", "count")) == {"Grief and loss": 1, "Secondary trauma": 0, "Sleep": 1}
    assert PollRespondent.objects.filter(poll=poll).count() == 1


def test_poll_results_hold_no_link_to_who_answered(cast, signed_in: SignedIn):
    poll = open_poll(cast.team_leader)
    grief = poll.choices.get(label="Grief and loss")
    for name in ("Ana Ortiz", "Ben Tran"):
        services.answer_poll(poll=poll, user=member(name).person.user, choice_ids=[grief.pk])

    # What was chosen is a tally on the choice: no user, no time, no row per answer to line up.
    tally_fields = {field.name for field in PollChoice._meta.get_fields() if not field.auto_created}
    assert tally_fields == {"poll", "label", "position", "count"}
    # Who answered holds no choice and no time.
    respondent_fields = {field.name for field in PollRespondent._meta.get_fields() if not field.auto_created}
    assert respondent_fields == {"poll", "user"}
    for model in (PollChoice, PollRespondent):
        assert not any(isinstance(field, models.DateTimeField | models.DateField) for field in model._meta.get_fields())
    assert not AuditEvent.objects.filter(object_type="training.needspoll", detail__contains="answer").exists()

    response = signed_in(cast.team_leader).get(reverse("training:poll_results", args=[poll.pk]))
    html = response.content.decode()
    assert "2 members answered" in html
    assert '<th scope="row">Grief and loss</th><td>2</td>' in html
    assert "Ana Ortiz" not in html and "Ben Tran" not in html


def test_a_closed_poll_takes_no_more_answers(cast):
    poll = open_poll(cast.team_leader)
    services.close_poll(poll=poll, by=cast.team_leader)
    with pytest.raises(services.TrainingError, match="closed"):
        services.answer_poll(poll=poll, user=cast.peer, choice_ids=[poll.choices.first().pk])
    assert AuditEvent.objects.filter(action=Action.TRAINING, detail="poll_closed").count() == 1


def test_the_team_leader_opens_a_poll_from_the_courses_and_topics(cast, signed_in: SignedIn):
    client = signed_in(cast.team_leader)
    for name in ("Basic peer support", "Grief and loss"):
        Course.objects.get_or_create(name=name)
    form = client.get(reverse("training:poll_new")).context["form"]
    assert "Basic peer support" in form.initial["courses"]  # the course list is offered, ticked

    too_few = client.post(reverse("training:poll_new"), {"question": "What would help?", "courses": ["Grief and loss"]})
    assert too_few.status_code == 400 and "Offer at least two choices." in too_few.content.decode()

    response = client.post(
        reverse("training:poll_new"),
        {
            "question": "What would help?",
            "courses": ["Grief and loss"],
            "topics": ["Stress, sleep and resilience"],
            "more_topics": "Court testimony\n",
        },
    )
    assert response.status_code == 302
    poll = NeedsPoll.objects.get()
    assert list(poll.choices.values_list("label", flat=True)) == [
        "Grief and loss",
        "Stress, sleep and resilience",
        "Court testimony",
    ]


def test_an_announcement_is_e_mailed_to_active_and_in_training_peers_and_shown_on_their_home_page(
    cast, signed_in: SignedIn, smtp_server, django_capture_on_commit_callbacks
):
    make_peer(cast.peer)
    member("Trainee Tia", status="in_training", basic_training_completed_on=None)
    member("Leave Lee", status="inactive")
    member("Gone Gil", status="removed")

    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in(cast.team_leader).post(
            reverse("training:announcement_new"),
            {"title": "Webinar on secondary trauma, 12 March", "body": "Two hours, online. It counts."},
        )

    assert response.status_code == 302
    messages = smtp_server.deliver(2)
    assert sorted(message["To"] for message in messages) == ["peer@example.gov", "trainee.tia@example.gov"]
    assert all(message["Subject"] == "Peer support team: Webinar on secondary trauma, 12 March" for message in messages)
    assert "/training/announcements/" in messages[0].get_payload()
    assert AuditEvent.objects.filter(action=Action.ANNOUNCEMENT, detail="sent").count() == 1
    home = signed_in(cast.peer).get(reverse("home")).content.decode()
    assert "Webinar on secondary trauma, 12 March" in home
    assert "Webinar on secondary trauma" not in signed_in(cast.staff).get(reverse("home")).content.decode()
