"""A recruitment round in progress, for the demo.

Runs after ``sidebar.support.demo.build_demo_support``: the team leader announced a round ten days
ago; colleagues nominated four people (one declined, and the demo staff account is among the
nominees, so its home page shows the invitation); four candidates applied, two of them now at the
interview stage; the panel is the team leader, the clinical advisor and the demo peer, and two
panelists have scored (the clinical advisor declared a conflict with one candidate). The demo peer
has not scored yet, so signing in as them shows a panelist's view before submitting.

Every step goes through the services (so audit events are real) with the e-mails switched off.
"""

from __future__ import annotations

import datetime
import random

from django.db import transaction
from django.utils import timezone

from sidebar.accounts.models import User
from sidebar.lib import mail
from sidebar.org.demo import demo_accounts
from sidebar.org.models import Person
from sidebar.recruitment import services
from sidebar.recruitment.models import DEFAULT_QUESTIONS, DEFAULT_RUBRIC, Round
from sidebar.team.models import PeerProfile

JOB_DESCRIPTION = """Peer supporters are colleagues who listen, in confidence, when a co-worker is struggling: after a hard trial, a critical incident, a loss at home. They do not counsel or fix; they listen, and they know where professional help is.

What it takes: about two hours a month, 30 hours of basic training with our clinical consultant, continuing education each year, and a signed confidentiality agreement. Attorneys, advocates, investigators, clerks, support staff and supervisors: a team from every part of the office works best.

Membership is voluntary. Supervisors support supervisors; nobody supports someone in their own chain of command."""

ANNOUNCEMENT = """Our peer support team is growing. If a colleague comes to mind as the person people already talk to, nominate them; if that is you, apply. Applications close at the end of the window below."""

ANSWERS = (
    "I have been the one people find in the break room after a long week, and I would like to do it well.",
    "A colleague's verdict went badly and she did not want advice. I sat with her and listened.",
    "I can keep things to myself. I understand the exceptions and would go to the team leader with a grey area.",
    "Two or three hours a month, mostly over lunch; some evenings by phone.",
    "",
)


@transaction.atomic
def build_demo_recruitment(*, seed: int = 2026) -> Round | None:
    accounts = demo_accounts()
    if accounts is None:
        return None
    rng = random.Random(seed)  # noqa: S311 (demo data, not security)
    users = {user.email: user for user in User.objects.filter(email__in=list(accounts.by_role().values()))}
    leader, advisor, peer = users[accounts.team_leader], users[accounts.clinical_advisor], users[accounts.peer]
    today = timezone.localdate()
    # plain staff with an account, not on the team: the candidates and the nominators
    plain = list(
        Person.objects.filter(is_active=True, user__isnull=False, user__role_memberships__isnull=True)
        .exclude(pk__in=PeerProfile.objects.values("person_id"))
        .exclude(user__email=accounts.staff)
        .select_related("user")
        .order_by("work_email")
    )
    chosen = rng.sample(plain, 10)
    candidates, nominators = chosen[:5], [person.user for person in chosen[5:]]
    demo_staff = Person.objects.select_related("user").get(user__email=accounts.staff)

    with mail.quiet():  # the demo's past must not e-mail anyone
        round_ = services.save_round(
            by=leader,
            title=f"Peer support team: call for members {today.year}",
            job_description=JOB_DESCRIPTION,
            announcement=ANNOUNCEMENT,
            opens_on=today - datetime.timedelta(days=10),
            closes_on=today + datetime.timedelta(days=18),
            questions=DEFAULT_QUESTIONS,
            rubric=DEFAULT_RUBRIC,
            audience=Round.Audience.ALL,
        )
        services.announce_round(round_=round_, by=leader)
        # announced the day the window opened (the service stamps "now")
        opened = timezone.make_aware(datetime.datetime.combine(round_.opens_on, datetime.time(17)))
        Round.objects.filter(pk=round_.pk).update(announced_at=opened)
        round_.refresh_from_db()
        # nominations: two candidates who then applied, one who declined, and the demo staff account
        for nominee, nominator, reason in (
            (candidates[0], nominators[0], "Steady in a crisis; people already come to her."),
            (candidates[1], nominators[1], "Listens more than he talks, and keeps confidences."),
            (candidates[4], nominators[2], "Everyone on the floor trusts him."),
            (demo_staff, nominators[3], "Calm, kind, and knows the EAP inside out."),
        ):
            services.nominate(round_=round_, nominee=nominee, by=nominator, reason=reason)
        services.decline_nomination(round_=round_, user=candidates[4].user)
        applications = [
            services.apply(round_=round_, user=person.user, answers=list(ANSWERS)) for person in candidates[:4]
        ]
        for application in applications[:3]:
            services.move_application(application=application, to="screening", by=leader)
        for application in applications[:2]:
            services.move_application(application=application, to="interview", by=leader)
        services.set_panel(round_=round_, users=[leader, advisor, peer], by=leader)
        first, second = applications[:2]
        services.submit_score(application=first, panelist=leader, points=[5, 4, 4, 3, 4])
        services.submit_score(application=first, panelist=advisor, points=[4, 5, 4, 3, 5])
        services.submit_score(application=second, panelist=leader, points=[3, 4, 5, 4, 3])
        services.submit_score(application=second, panelist=advisor, points=None, conflict=True)
    return round_
