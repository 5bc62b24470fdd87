"""Recruitment from the announcement to the activation of a new member."""

from __future__ import annotations

import datetime
import itertools

import pytest
from django.urls import reverse
from django.utils import timezone

from sidebar import policy
from sidebar.accounts.roles import Role
from sidebar.audit.models import Action, AuditEvent
from sidebar.recruitment import selectors, services
from sidebar.recruitment.models import Application, Nomination, Round, Score
from sidebar.team.models import PeerProfile, PeerStatusChange
from tests.conftest import SignedIn
from tests.factories import Cast, UnitFactory, make_account, sign_current_agreement
from tests.recruitment.conftest import answers_for, make_round

pytestmark = pytest.mark.django_db

QUERIES_ROUND_PAGE = 10  # however many candidates and nominations
QUERIES_PANEL_PAGE = 8  # however many candidates


def _body(message) -> str:  # type: ignore[no-untyped-def]
    payload = message.get_payload(decode=True)
    return (payload.decode() if isinstance(payload, bytes) else str(message.get_payload())) + message["Subject"]


def at_interview(round_: Round, cast: Cast, *panelists) -> Application:  # type: ignore[no-untyped-def]
    """The cast's staff member applied and went to the panel of ``panelists``."""
    application = services.apply(round_=round_, user=cast.staff, answers=answers_for(round_))
    services.move_application(application=application, to="screening", by=cast.team_leader)
    services.move_application(application=application, to="interview", by=cast.team_leader)
    services.set_panel(round_=round_, users=panelists, by=cast.team_leader)
    return application


def full_marks(round_: Round) -> list[int]:
    return [int(criterion["max"]) for criterion in round_.rubric]


# --- the round and its announcement --------------------------------------------------------------


def test_announcement_goes_to_chosen_units_and_the_units_below_them(
    cast: Cast, smtp_server, django_capture_on_commit_callbacks
):
    division = UnitFactory(name="Trial Division")
    bureau = UnitFactory(name="Felony Bureau", parent=division)
    make_account("in.bureau@example.gov", unit=bureau)
    make_account("in.division@example.gov", unit=division)
    make_account("elsewhere@example.gov", unit=UnitFactory(name="Appeals"))
    round_ = make_round(cast.team_leader, announce=False, audience=Round.Audience.UNITS, units=[division])
    with django_capture_on_commit_callbacks(execute=True):
        assert services.announce_round(round_=round_, by=cast.team_leader) == 2
    received = {message["To"] for message in smtp_server.deliver(2)}
    assert received == {"in.bureau@example.gov", "in.division@example.gov"}
    assert AuditEvent.objects.filter(action=Action.ANNOUNCEMENT, object_id=str(round_.pk)).exists()


def test_round_form_with_a_bad_rubric_line_keeps_what_was_typed(cast: Cast, signed_in: SignedIn):
    data = {
        "title": "Spring round",
        "job_description": "Listen.",
        "announcement": "Join us.",
        "opens_on": "2027-03-01",
        "closes_on": "2027-03-31",
        "questions": "* Why?\nAnything else?",
        "rubric": "Listening | 5\nJudgement five",
        "audience": "all",
    }
    response = signed_in(cast.team_leader).post(reverse("recruitment:new_round"), data)
    assert response.status_code == 400
    assert "Line 2 should read like" in response.text
    assert "Judgement five" in response.text and "Spring round" in response.text
    assert not Round.objects.exists()


# --- nominations -----------------------------------------------------------------------------------


def test_nominee_email_never_names_the_nominator_or_the_reason(
    cast: Cast, open_round: Round, smtp_server, signed_in, django_capture_on_commit_callbacks
):
    nominee = cast.peer.person
    smtp_server.discard_earlier()  # e-mails of the set-up: not what this test is about
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in(cast.staff).post(
            reverse("recruitment:nominate", kwargs={"round_id": open_round.pk}),
            {"nominee": str(nominee.pk), "reason": "Everyone in the unit already trusts her with hard days."},
        )
    assert response.status_code == 302
    [message] = smtp_server.deliver(1)
    assert message["To"] == nominee.work_email
    body = _body(message)
    assert "nominated" in body and reverse("recruitment:round", kwargs={"round_id": open_round.pk}) in body
    assert cast.staff.person.full_name not in body
    assert "Staff" not in body and cast.staff.email not in body
    assert "trusts her" not in body
    assert AuditEvent.objects.filter(action=Action.RECRUITMENT, detail="nominated").exists()


def test_the_nominee_sees_the_nomination_but_never_who_made_it(cast: Cast, open_round: Round, signed_in):
    services.nominate(round_=open_round, nominee=cast.peer.person, by=cast.staff, reason="A steady presence.")
    page = signed_in(cast.peer).get(reverse("recruitment:join")).text
    assert "You were nominated" in page
    assert cast.staff.person.full_name not in page and "steady presence" not in page
    round_page = signed_in(cast.peer).get(reverse("recruitment:round", kwargs={"round_id": open_round.pk})).text
    assert cast.staff.person.full_name not in round_page and "No, thank you" in round_page


def test_nominee_declines_and_it_is_recorded(cast: Cast, open_round: Round, signed_in):
    nomination = services.nominate(round_=open_round, nominee=cast.peer.person, by=cast.staff, reason="Calm.")
    response = signed_in(cast.peer).post(reverse("recruitment:decline", kwargs={"round_id": open_round.pk}))
    assert response.status_code == 302
    nomination.refresh_from_db()
    assert nomination.declined_at is not None
    assert (
        "declined"
        in signed_in(cast.team_leader).get(reverse("recruitment:manage_round", kwargs={"round_id": open_round.pk})).text
    )


def test_staff_see_only_their_own_nominations_and_applications(cast: Cast, open_round: Round):
    mine = services.nominate(round_=open_round, nominee=cast.peer.person, by=cast.staff, reason="Kind.")
    other = services.nominate(round_=open_round, nominee=cast.staff.person, by=cast.leadership, reason="Wise.")
    theirs = services.apply(round_=open_round, user=cast.clinical_advisor, answers=answers_for(open_round))
    assert set(policy.visible_to(cast.outsider, Nomination)) == set()
    assert set(policy.visible_to(cast.staff, Nomination)) == {mine, other}  # made, and of them
    assert selectors.nominations_made_by(cast.staff).get() == mine
    assert set(policy.visible_to(cast.staff, Application)) == set()
    assert set(policy.visible_to(cast.clinical_advisor, Application)) == {theirs}
    assert set(policy.visible_to(cast.team_leader, Nomination)) == {mine, other}


def test_nomination_form_keeps_the_reason_when_no_colleague_is_chosen(cast: Cast, open_round: Round, signed_in):
    response = signed_in(cast.staff).post(
        reverse("recruitment:nominate", kwargs={"round_id": open_round.pk}), {"reason": "Knows when to listen."}
    )
    assert response.status_code == 400
    assert "Knows when to listen." in response.text
    assert not Nomination.objects.exists()


# --- applications ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("opens", "closes"), [(3, 10), (-10, -1)], ids=["not yet open", "closed"])
def test_applications_outside_the_window_are_refused(cast: Cast, signed_in, opens, closes):
    today = timezone.localdate()
    round_ = make_round(cast.team_leader, announce=False)
    Round.objects.filter(pk=round_.pk).update(
        announced_at=timezone.now(),
        opens_on=today + datetime.timedelta(days=opens),
        closes_on=today + datetime.timedelta(days=closes),
    )
    round_.refresh_from_db()
    with pytest.raises(services.RecruitmentError, match="only"):
        services.apply(round_=round_, user=cast.staff, answers=answers_for(round_))
    data = {f"answer_{n}": "My answer" for n, _ in enumerate(round_.questions)}
    response = signed_in(cast.staff).post(reverse("recruitment:apply", kwargs={"round_id": round_.pk}), data)
    assert response.status_code == 400
    assert "only" in response.text and "My answer" in response.text
    with pytest.raises(services.RecruitmentError):
        services.nominate(round_=round_, nominee=cast.peer.person, by=cast.staff, reason="x")
    assert not Application.objects.exists()


def test_a_round_not_yet_announced_is_invisible_to_staff(cast: Cast, signed_in):
    round_ = make_round(cast.team_leader, announce=False)
    response = signed_in(cast.staff).get(reverse("recruitment:apply", kwargs={"round_id": round_.pk}))
    assert response.status_code == 404


def test_required_questions_are_enforced_and_answers_kept(cast: Cast, open_round: Round, signed_in):
    data = {f"answer_{n}": f"Typed answer {n}" for n, _ in enumerate(open_round.questions)}
    data["answer_1"] = "   "  # required
    url = reverse("recruitment:apply", kwargs={"round_id": open_round.pk})
    response = signed_in(cast.staff).post(url, data)
    assert response.status_code == 400
    assert "This question needs an answer." in response.text
    assert "Typed answer 0" in response.text and "Typed answer 3" in response.text
    assert not Application.objects.exists()
    with pytest.raises(services.RecruitmentError, match="required"):
        services.apply(round_=open_round, user=cast.staff, answers=["a", "", "c", "d", ""])

    data["answer_1"] = "Now answered"
    data["answer_4"] = ""  # optional
    assert signed_in(cast.staff).post(url, data).status_code == 302
    application = Application.objects.get()
    assert application.answers[1] == "Now answered" and application.answers[4] == ""


# --- the panel ------------------------------------------------------------------------------------


def test_a_panelist_cannot_see_other_scores_before_submitting_and_can_after(cast: Cast, open_round: Round, signed_in):
    peer, advisor = cast.peer, cast.clinical_advisor
    application = at_interview(open_round, cast, peer, advisor)
    services.submit_score(application=application, panelist=advisor, points=[4, 3, 5, 2, 4])
    url = reverse("recruitment:score", kwargs={"application_id": application.pk})

    # before: neither the scope, the selector nor the page lets the peer see the advisor's scores
    assert list(policy.visible_to(peer, Score)) == []
    assert selectors.scores_seen_by_panelist(peer, application) == (None, [])
    before = signed_in(peer).get(url)
    assert before.status_code == 200
    assert "The other panelists" not in before.text and "Clinician" not in before.text

    response = signed_in(peer).post(url, {f"criterion_{n}": "5" for n in range(5)})
    assert response.status_code == 302
    own, others = selectors.scores_seen_by_panelist(peer, application)
    assert own is not None and own.total == 25
    assert [score.panelist for score in others] == [advisor]
    after = signed_in(peer).get(url).text
    assert "Clinician" in after and '<td class="num">18</td>' in after


def test_a_team_leader_on_the_panel_also_scores_before_seeing_others(cast: Cast, open_round: Round):
    application = at_interview(open_round, cast, cast.peer, cast.team_leader)
    services.submit_score(application=application, panelist=cast.peer, points=full_marks(open_round))
    assert selectors.scores_seen_by_panelist(cast.team_leader, application) == (None, [])


def test_a_declared_conflict_scores_nothing_and_opens_nothing(cast: Cast, open_round: Round, signed_in):
    application = at_interview(open_round, cast, cast.peer, cast.clinical_advisor)
    services.submit_score(application=application, panelist=cast.clinical_advisor, points=[1, 1, 1, 1, 1])
    url = reverse("recruitment:score", kwargs={"application_id": application.pk})
    response = signed_in(cast.peer).post(url, {"conflict": "on"})
    assert response.status_code == 302
    own, others = selectors.scores_seen_by_panelist(cast.peer, application)
    assert own is not None and own.conflict and own.points == [] and others == []
    assert list(policy.visible_to(cast.peer, Score)) == [own]
    summary = selectors.score_summary(application, list(Score.objects.filter(application=application)))
    assert summary.scored == 1 and summary.conflicts == ["Peer"] and summary.mean_total == 5


def test_score_form_without_scores_or_conflict_keeps_what_was_typed(cast: Cast, open_round: Round, signed_in):
    application = at_interview(open_round, cast, cast.peer)
    url = reverse("recruitment:score", kwargs={"application_id": application.pk})
    response = signed_in(cast.peer).post(url, {"criterion_0": "4", "criterion_1": "9"})
    assert response.status_code == 400
    assert "Give a score, or declare a conflict." in response.text
    assert 'value="4"' in response.text
    assert not Score.objects.exists()


def test_only_panelists_reach_their_candidates(cast: Cast, open_round: Round, signed_in):
    application = at_interview(open_round, cast, cast.peer)
    url = reverse("recruitment:score", kwargs={"application_id": application.pk})
    assert signed_in(cast.clinical_advisor).get(url).status_code == 404  # not on this panel
    assert signed_in(cast.peer).get(url).status_code == 200
    screening = services.apply(round_=open_round, user=cast.leadership, answers=answers_for(open_round))
    assert (
        signed_in(cast.peer).get(reverse("recruitment:score", kwargs={"application_id": screening.pk})).status_code
        == 404
    )  # not at the interview stage


def test_team_leader_sees_the_summary(cast: Cast, open_round: Round, signed_in):
    application = at_interview(open_round, cast, cast.peer, cast.clinical_advisor, cast.team_leader)
    services.submit_score(application=application, panelist=cast.peer, points=[5, 4, 3, 2, 1])
    services.submit_score(application=application, panelist=cast.team_leader, points=[3, 4, 5, 4, 3])
    services.submit_score(application=application, panelist=cast.clinical_advisor, points=None, conflict=True)
    page = (
        signed_in(cast.team_leader)
        .get(reverse("recruitment:application", kwargs={"application_id": application.pk}))
        .text
    )
    assert "2 of 3 panelists scored; conflict declared by Clinician." in page
    assert '<th scope="row">Listening</th><td class="num">4.0</td>' in page
    assert '<th scope="row">Total</th><td class="num">17.0</td>' in page


# --- the decision and onboarding ------------------------------------------------------------------


def test_the_decision_emails_the_candidate_that_there_is_news_and_nothing_more(
    cast: Cast, open_round: Round, smtp_server, signed_in, django_capture_on_commit_callbacks
):
    application = at_interview(open_round, cast, cast.peer, cast.clinical_advisor)
    services.submit_score(application=application, panelist=cast.peer, points=[5, 4, 3, 2, 1])
    smtp_server.discard_earlier()  # e-mails of the set-up: not what this test is about
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in(cast.team_leader).post(
            reverse("recruitment:decide", kwargs={"application_id": application.pk}), {"decision": "not_now"}
        )
    assert response.status_code == 302
    [message] = smtp_server.deliver(1)
    assert message["To"] == cast.staff.person.work_email
    body = _body(message)
    assert "news" in body and reverse("recruitment:join") in body
    for secret in ("Peer", "Clinician", "15", "not now", "Not now"):
        assert secret not in body
    application.refresh_from_db()
    assert application.status == "not_now"
    assert not PeerProfile.objects.filter(person=cast.staff.person).exists()


def test_selection_puts_the_candidate_on_the_roster_with_the_peer_role(cast: Cast, open_round: Round):
    application = at_interview(open_round, cast, cast.peer)
    decided = services.decide(application=application, decision="selected", by=cast.team_leader)
    peer = PeerProfile.objects.get(person=cast.staff.person)
    assert decided.peer == peer and peer.status == "selected"
    path = [(c.from_status, c.to_status) for c in PeerStatusChange.objects.filter(peer=peer).order_by("at")]
    assert path == [("nominated", "screening"), ("screening", "interview"), ("interview", "selected")]
    assert Role.PEER in set(cast.staff.role_memberships.values_list("role", flat=True))
    assert AuditEvent.objects.filter(action=Action.ROLE_GRANTED, detail="peer").exists()


def test_someone_who_served_before_keeps_their_profile(cast: Cast, open_round: Round):
    old = PeerProfile.objects.create(person=cast.staff.person, status="stepped_down", introduction="Back again.")
    application = at_interview(open_round, cast, cast.peer)
    services.decide(application=application, decision="selected", by=cast.team_leader)
    old.refresh_from_db()
    assert old.status == "selected" and PeerProfile.objects.filter(person=cast.staff.person).count() == 1
    assert old.status_changes.get().from_status == "stepped_down"


def test_activation_is_refused_until_the_checklist_is_complete(cast: Cast, open_round: Round, signed_in):
    application = at_interview(open_round, cast, cast.peer)
    services.decide(application=application, decision="selected", by=cast.team_leader)
    peer = PeerProfile.objects.get(person=cast.staff.person)
    url = reverse("recruitment:activate", kwargs={"peer_id": peer.pk})

    response = signed_in(cast.team_leader).post(url, follow=True)
    assert "the onboarding checklist is incomplete (basic training complete; current team agreement signed; " in (
        response.text
    )
    peer.basic_training_completed_on = timezone.localdate()
    peer.save(update_fields=["basic_training_completed_on"])
    sign_current_agreement(cast.staff)
    with pytest.raises(services.RecruitmentError, match=r"incomplete \(profile filled in\)"):
        services.activate(peer=peer, by=cast.team_leader)
    peer.refresh_from_db()
    assert peer.status == "selected"

    peer.introduction = "Ten years in misdemeanors; I listen."
    peer.save(update_fields=["introduction"])
    response = signed_in(cast.team_leader).post(url, follow=True)
    assert "is now an active peer supporter" in response.text
    peer.refresh_from_db()
    assert peer.status == "active"
    assert peer.status_changes.order_by("-at").first().to_status == "active"
    assert AuditEvent.objects.filter(action=Action.ROSTER_CHANGED, detail="status:selected:active").exists()


def test_the_new_member_sees_their_own_checklist(cast: Cast, open_round: Round, signed_in):
    application = at_interview(open_round, cast, cast.peer)
    services.decide(application=application, decision="selected", by=cast.team_leader)
    page = signed_in(cast.staff).get(reverse("recruitment:join")).text
    assert "your onboarding checklist" in page and "To do:</strong> Basic training complete" in page
    home = signed_in(cast.staff).get(reverse("home")).text
    assert "Open my onboarding checklist" in home


def test_only_an_interviewed_candidate_can_be_selected(cast: Cast, open_round: Round):
    application = services.apply(round_=open_round, user=cast.staff, answers=answers_for(open_round))
    with pytest.raises(services.RecruitmentError, match="interview panel"):
        services.decide(application=application, decision="selected", by=cast.team_leader)


def test_the_home_page_tells_a_nominee_and_links_to_the_round(cast: Cast, open_round: Round, signed_in):
    services.nominate(round_=open_round, nominee=cast.peer.person, by=cast.staff, reason="Calm.")
    home = signed_in(cast.peer).get(reverse("home")).text
    assert "You were nominated for the peer support team" in home
    assert reverse("recruitment:round", kwargs={"round_id": open_round.pk}) in home
    assert "Staff" not in home.split("You were nominated")[1].split("</section>")[0]
    services.apply(round_=open_round, user=cast.peer, answers=answers_for(open_round))
    assert "You were nominated" not in signed_in(cast.peer).get(reverse("home")).text


_numbers = itertools.count()


def _applicants(round_: Round, count: int) -> None:
    """``count`` nominated candidates at the interview stage."""
    for _ in range(count):
        n = next(_numbers)
        user = make_account(f"applicant{n}@example.gov")
        application = services.apply(round_=round_, user=user, answers=answers_for(round_))
        services.nominate(round_=round_, nominee=user.person, by=make_account(f"nominator{n}@example.gov"), reason="r")
        services.move_application(application=application, to="screening", by=round_.created_by)
        services.move_application(application=application, to="interview", by=round_.created_by)


@pytest.mark.parametrize("page", ["recruitment:manage_round", "recruitment:panel"])
def test_round_and_panel_query_counts_do_not_grow_with_the_candidates(
    cast: Cast, open_round: Round, signed_in, django_assert_num_queries, page
):
    services.set_panel(round_=open_round, users=[cast.team_leader], by=cast.team_leader)
    client = signed_in(cast.team_leader)
    url = reverse(page, kwargs={"round_id": open_round.pk} if page == "recruitment:manage_round" else None)
    _applicants(open_round, 2)
    client.get(url)  # the first request stamps the session's idle clock
    expected = {"recruitment:manage_round": QUERIES_ROUND_PAGE, "recruitment:panel": QUERIES_PANEL_PAGE}[page]
    with django_assert_num_queries(expected):
        client.get(url)
    _applicants(open_round, 4)
    with django_assert_num_queries(expected):
        client.get(url)
