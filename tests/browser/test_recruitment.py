"""Recruitment in real browsers, five people in their own sessions: a staff member nominates a
colleague, the colleague applies, two panelists score (each sees the other's scores only after
submitting), the team leader selects, records the basic course attendance on the training pages,
the new member signs the agreement and writes their profile, the team leader activates them —
and they appear in the peer directory and in the suggestions for an open request. Then the team
leader removes them on the roster: gone from both at once, and no access to the request they
had been offered.

Every page each person lands on is scanned with axe-core and photographed (see harness.py).
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

import pytest
from django.core.cache import cache
from django.utils import timezone
from playwright.sync_api import expect
from pytest_django import Settings

from sidebar.accounts.models import User
from sidebar.recruitment.models import Application, Round
from sidebar.support.models import Assignment, SupportRequest
from sidebar.training.models import Course, TrainingSession
from tests.browser.harness import Journey
from tests.browser.test_sign_in import sign_in
from tests.browser.test_support_journey import (
    PHONE_WIDTH,
    body_of,
    fits_phone,
    follow_nav,
    heading,
    other_journey,  # noqa: F401 (a fixture)
    sign_in_with_code,
    status_message,
)
from tests.browser.test_team import entry_names
from tests.conftest import Mailbox
from tests.factories import (
    CAST_PASSWORD,
    UnitFactory,
    activate_totp,
    ask_as,
    make_account,
    make_cast,
    publish_agreement,
)
from tests.recruitment.conftest import make_round

CANDIDATE = "Morgan Reyes"
NOMINATOR = "Dana Whitfield"  # distinctive, so that "not in the e-mail" means something
REASON = "Everyone in misdemeanors already brings her the hard days."


@dataclass
class People:
    staff: User
    candidate: User
    round: Round
    request: SupportRequest
    session: TrainingSession
    secrets: dict[str, str]  # e-mail → TOTP secret


@pytest.fixture
def people(db: None, settings: Settings) -> People:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    cache.clear()  # rate limits and used TOTP codes outlive each test's flush
    cast = make_cast(password=CAST_PASSWORD)
    cast.staff.person.full_name = NOMINATOR
    cast.staff.person.save(update_fields=["full_name"])
    candidate = make_account("morgan.reyes@example.gov", password=CAST_PASSWORD, unit=UnitFactory(name="Misdemeanors"))
    publish_agreement(by=cast.team_leader)
    round_ = make_round(cast.team_leader)
    # an open request from someone outside the candidate's reporting line, waiting in the queue
    request = ask_as(make_account("pat.quinn@example.gov", unit=UnitFactory(name="Appeals")))
    # the basic course's session happened yesterday (the courses come from a data migration,
    # which a browser test's flushed database does not keep)
    course, _ = Course.objects.get_or_create(name="Basic peer support", defaults={"is_basic": True})
    session = TrainingSession.objects.create(
        course=course, date=timezone.localdate() - datetime.timedelta(days=1), hours=30, trainer="Dr. Solis"
    )
    secrets = {
        user.email: activate_totp(user) for user in (cast.team_leader, cast.peer, cast.clinical_advisor, candidate)
    }
    return People(
        staff=cast.staff, candidate=candidate, round=round_, request=request, session=session, secrets=secrets
    )


def test_from_nomination_to_an_active_peer_and_back_off_the_team(
    journey: Journey,
    other_journey,  # noqa: F811 (the fixture imported above)
    people: People,
    smtp_server: Mailbox,
) -> None:
    staff = journey
    round_title = people.round.title
    smtp_server.discard_earlier()  # e-mails queued while the cast was set up: not this journey's

    # A staff member nominates a colleague. The e-mail to the colleague never names them.
    staff_page = staff.page
    sign_in(staff, "staff@example.gov")
    follow_nav(staff, "Join the team")
    expect(heading(staff_page)).to_have_text("Join the peer support team")
    staff_page.get_by_role("link", name=round_title).click()
    staff.scan()
    staff_page.get_by_role("link", name="Nominate a colleague").click()
    staff.scan()
    staff_page.get_by_label("Colleague").select_option(label=f"{CANDIDATE}, Misdemeanors")
    staff_page.get_by_label("Why would they make a good peer supporter?").fill(REASON)
    staff_page.get_by_role("button", name="Nominate").click()
    staff.scan()
    expect(status_message(staff_page)).to_contain_text("not who")
    expect(staff_page.get_by_role("region", name="Colleagues I nominated")).to_contain_text(CANDIDATE)
    [invitation] = smtp_server.deliver(1)
    assert invitation["To"] == "morgan.reyes@example.gov"
    text = body_of(invitation) + invitation["Subject"]
    assert "nominated" in text and f"/recruitment/rounds/{people.round.pk}/" in text
    for secret in (NOMINATOR, "Dana", "staff@example.gov", "misdemeanors already"):
        assert secret not in text

    # The colleague finds the nomination on the home page and applies.
    candidate = other_journey("candidate")
    sign_in_with_code(candidate, "morgan.reyes@example.gov", people.secrets["morgan.reyes@example.gov"])
    page = candidate.page
    nominated = page.get_by_role("region", name="You were nominated for the peer support team")
    expect(nominated).not_to_contain_text(NOMINATOR)
    nominated.get_by_role("link", name="Read about it, then apply or decline").click()
    candidate.scan()
    expect(heading(page)).to_have_text(round_title)
    page.get_by_role("link", name="Apply", exact=True).click()
    candidate.scan()
    for n, question in enumerate(people.round.questions):
        if question["required"]:
            page.get_by_label(str(question["text"])).fill(f"My answer to question {n + 1}.")
    page.get_by_role("button", name="Send my application").click()
    candidate.scan()
    expect(status_message(page)).to_contain_text("Your application is in.")
    expect(page.get_by_role("region", name="My applications")).to_contain_text("submitted")

    # The team leader screens the application, invites to interview and forms a panel of two.
    leader = other_journey("leader")
    sign_in_with_code(leader, "leader@example.gov", people.secrets["leader@example.gov"])
    lpage = leader.page
    follow_nav(leader, "Recruitment")
    lpage.get_by_role("link", name=round_title).click()
    leader.scan()
    applications = lpage.get_by_role("table").filter(has=lpage.get_by_text("Applications (1)"))
    expect(applications.get_by_role("row", name=re.compile(f"^{CANDIDATE}"))).to_contain_text("yes")  # nominated
    nominations = lpage.get_by_role("table").filter(has=lpage.get_by_text(re.compile(r"^Nominations \(1\)")))
    expect(nominations).to_contain_text(NOMINATOR)  # only the team leader sees who nominated
    lpage.get_by_role("link", name=CANDIDATE).click()
    leader.scan()
    application_url = lpage.url
    expect(lpage.get_by_role("region", name="Screening questionnaire")).to_contain_text("My answer to question 1.")
    lpage.get_by_role("button", name="Move to screening").click()
    leader.scan()
    lpage.get_by_role("button", name="Invite to interview").click()
    leader.scan()
    expect(status_message(lpage)).to_contain_text(f"{CANDIDATE}: interview.")
    lpage.get_by_role("link", name="Back to the round").click()
    leader.scan()
    panel = lpage.get_by_role("region", name="Interview panel")
    panel.get_by_label("Peer, Cast unit", exact=True).check()  # named with the unit
    panel.get_by_label("Clinician, Cast unit", exact=True).check()
    panel.get_by_role("button", name="Save the panel").click()
    leader.scan()
    expect(lpage.get_by_role("region", name="Interview panel")).to_contain_text(
        "On the panel: Clinician, Cast unit; Peer, Cast unit."
    )

    # The first panelist scores and sees nobody else's scores yet.
    first = other_journey("peer")
    sign_in_with_code(first, "peer@example.gov", people.secrets["peer@example.gov"])
    follow_nav(first, "Interview panel")
    first.page.get_by_role("link", name=CANDIDATE).click()
    first.scan()
    for label, value in zip(
        ("Listening", "Judgement", "Credibility", "Availability", "Self-care"), "54345", strict=True
    ):
        first.page.get_by_label(re.compile(f"^{label}")).fill(value)
    first.page.get_by_role("button", name="Submit").click()
    first.scan()
    expect(first.page.get_by_role("region", name="Your scores")).to_contain_text("Total 21")
    expect(first.page.get_by_role("region", name="The other panelists' scores")).to_contain_text(
        "No other panelist has submitted yet."
    )

    # The second panelist sees the candidate but not the first panelist's scores until submitting.
    second = other_journey("advisor")
    sign_in_with_code(second, "clinician@example.gov", people.secrets["clinician@example.gov"])
    follow_nav(second, "Interview panel")
    second.page.get_by_role("link", name=CANDIDATE).click()
    second.scan()
    expect(second.page.get_by_role("region", name="The other panelists' scores")).to_have_count(0)
    expect(second.page.get_by_text("Total 21")).to_have_count(0)
    for label, value in zip(
        ("Listening", "Judgement", "Credibility", "Availability", "Self-care"), "45444", strict=True
    ):
        second.page.get_by_label(re.compile(f"^{label}")).fill(value)
    second.page.get_by_role("button", name="Submit").click()
    second.scan()
    others = second.page.get_by_role("region", name="The other panelists' scores")
    expect(others.get_by_role("row", name=re.compile(r"^Peer"))).to_contain_text("21")

    # The team leader reads the summary and selects; the candidate is told there is news.
    leader.goto(application_url)
    summary = lpage.get_by_role("region", name="Panel summary")
    expect(summary).to_contain_text("2 of 2 panelists scored.")
    expect(summary.get_by_role("row", name=re.compile(r"^Total"))).to_contain_text("21.0")
    lpage.get_by_label("Selected: joins the team and starts onboarding").check()
    lpage.get_by_role("button", name="Record the decision").click()
    leader.scan()
    expect(status_message(lpage)).to_contain_text("Recorded: selected.")
    news = smtp_server.deliver(2)[-1]
    assert news["To"] == "morgan.reyes@example.gov"
    text = body_of(news) + news["Subject"]
    assert "news" in text
    for secret in ("Peer", "Clinician", "21", "selected", "Selected"):
        assert secret not in text

    # Training: the team leader records the basic course attendance on the training pages.
    leader.goto(f"/training/sessions/{people.session.pk}/")
    lpage.get_by_label(f"{CANDIDATE}, Misdemeanors (selected)").check()
    lpage.get_by_role("button", name="Save attendance").click()
    leader.scan()
    expect(status_message(lpage)).to_contain_text("Attendance saved: 1 added")

    # The new member: the checklist, then the agreement and the profile.
    candidate.goto("/")
    page.get_by_role("link", name="Open my onboarding checklist").click()
    candidate.scan()
    checklist = page.get_by_role("region", name="Welcome to the team: your onboarding checklist")
    expect(checklist).to_contain_text("Done: Basic training complete")
    expect(checklist).to_contain_text("To do: Current team agreement signed")
    candidate.goto("/safeguards/agreement/sign/")
    page.get_by_role("button", name="I have read and sign this agreement").click()
    candidate.scan()
    follow_nav(candidate, "My peer profile")
    page.get_by_label("A few words about you").fill("Eight years in misdemeanors; I know a hard docket day.")
    page.get_by_role("button", name="Save my profile").click()
    candidate.scan()
    expect(status_message(page)).to_contain_text("Your profile is saved.")

    # The team leader activates; the new peer is in the directory and in the suggestions.
    leader.goto("/recruitment/onboarding/")
    lpage.get_by_role("button", name=f"Activate {CANDIDATE}").click()
    leader.scan()
    expect(status_message(lpage)).to_contain_text(f"{CANDIDATE} is now an active peer supporter.")
    follow_nav(leader, "Find a peer supporter")
    assert CANDIDATE in entry_names(lpage)
    triage = f"/support/requests/{people.request.pk}/"
    leader.goto(triage)
    lpage.get_by_role("button", name=f"Offer to {CANDIDATE}").click()
    leader.scan()
    assignment = Assignment.objects.get(request=people.request, peer__person__user=people.candidate)
    assert candidate.goto(f"/support/assignments/{assignment.pk}/").status == 200

    # Removal on the roster: gone from the directory and the suggestions at once, and no access
    # to the request they had been offered.
    follow_nav(leader, "Team roster")
    lpage.get_by_role("table").get_by_role("link", name=CANDIDATE).click()
    leader.scan()
    lpage.get_by_label("New status").select_option(label="Removed")
    lpage.get_by_label("Reason for a removal").select_option(label="Change of job or role")
    lpage.get_by_role("button", name="Change the status").click()
    leader.scan()
    expect(status_message(lpage)).to_contain_text("Status changed to removed.")
    follow_nav(leader, "Find a peer supporter")
    assert CANDIDATE not in entry_names(lpage)
    leader.goto(triage)
    expect(lpage.get_by_role("region", name="Suggested peer supporters")).not_to_contain_text(CANDIDATE)
    assert candidate.goto(f"/support/assignments/{assignment.pk}/").status == 404
    expect(heading(page)).to_have_text("Page not found")
    assert Application.objects.get().status == "selected"


def test_team_leader_writes_a_round_fixes_a_rubric_line_and_announces_it_to_a_division(
    journey: Journey, people: People, smtp_server: Mailbox
) -> None:
    """The round form on a phone: a bad rubric line keeps everything typed; the announcement goes
    to the chosen division and the units below it only."""
    page = journey.page
    page.set_viewport_size({"width": PHONE_WIDTH, "height": 740})
    division = UnitFactory(name="Trial Division")
    make_account("in.bureau@example.gov", unit=UnitFactory(name="Felony Bureau", parent=division))
    smtp_server.discard_earlier()  # e-mails queued while the cast was set up: not this journey's
    sign_in_with_code(journey, "leader@example.gov", people.secrets["leader@example.gov"])
    follow_nav(journey, "Recruitment")
    page.get_by_role("link", name="Start a new round").click()
    journey.scan()
    expect(page.get_by_label("Screening questionnaire")).to_contain_text("* Why would you like to join")
    page.get_by_label("Title").fill("Trial Division round")
    page.get_by_label("Job description").fill("Listen to colleagues after hard trials.")
    page.get_by_label("Announcement e-mail").fill("The trial division needs peer supporters.")
    today = timezone.localdate()
    page.get_by_label("Applications open on").fill(today.isoformat())
    page.get_by_label("Applications close on").fill((today + datetime.timedelta(days=14)).isoformat())
    page.get_by_label("Interview rubric").fill("Listening | 5\nJudgement five")
    page.get_by_label("Chosen units (and the units below them)").check()
    page.get_by_label("Trial Division").check()
    page.get_by_role("button", name="Save the round").click()
    journey.scan()
    expect(page.get_by_role("alert")).to_contain_text("Line 2 should read like")
    expect(page.get_by_label("Title")).to_have_value("Trial Division round")
    expect(page.get_by_label("Trial Division")).to_be_checked()
    fits_phone(page)

    page.get_by_label("Interview rubric").fill("Listening | 5\nJudgement | 5")
    page.get_by_role("button", name="Save the round").click()
    journey.scan()
    expect(status_message(page)).to_contain_text("The round is saved.")
    expect(page.get_by_role("region", name="Announcement")).to_contain_text("to 1 staff member")
    page.get_by_role("button", name="Announce the round").click()
    journey.scan()
    expect(status_message(page)).to_contain_text("the e-mail goes to 1 staff member.")
    [message] = smtp_server.deliver(1)
    assert message["To"] == "in.bureau@example.gov"
    assert "The trial division needs peer supporters." in body_of(message)
    fits_phone(page)
