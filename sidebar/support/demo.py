"""A year of the Harbor County peer support program, for the demo.

``build_demo_support`` runs after ``sidebar.org.demo.build_demo_agency`` and plays the program's
last year forward, one dated event at a time: the policies are published, the founding cohort
finishes basic training and signs the team agreement, requests arrive (more in December, and a
surge after an officer-involved shooting about five months ago), the team leader offers each one
to a peer the matcher ranks, peers accept or decline, log contacts as numbers and keep their
check-ins, requests close, a second version of the team agreement is published a month ago, two
peers go on leave and one is away. What is still open today fills the queue and the demo peer's
page. Each step goes through the same services as the screens (so the vault keys, retention
schedules and audit events are real); timestamps are then moved back to when the step happened.

One ``random.Random(seed)`` drives every choice, and every list is put in a stable order (by
e-mail) before choosing from it, so the same seed and the same ``today`` give the same year.
"""

from __future__ import annotations

import datetime
import heapq
import random
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from sidebar.accounts.models import RoleMembership, User
from sidebar.accounts.roles import Role
from sidebar.lib import mail
from sidebar.lib.times import start_of_utc_day
from sidebar.org.demo import demo_accounts
from sidebar.org.models import Person
from sidebar.org.selectors import current_agency
from sidebar.safeguards import services as safeguards
from sidebar.safeguards.models import PolicyDocument, Signature
from sidebar.support import matching, services
from sidebar.support.categories import (
    ContactMode,
    DeclineReason,
    Language,
    Referral,
    ReferralReason,
    ResponseType,
    Source,
    SupportKind,
    Topic,
    Urgency,
)
from sidebar.support.models import Assignment, CheckIn, Contact, SupportRequest
from sidebar.support.selectors import team_leader_cohorts
from sidebar.team import services as team
from sidebar.team.models import PeerProfile, PeerStatusChange
from sidebar.vault import services as vault
from sidebar.vault.models import DataKey

Date = datetime.date
Moment = datetime.datetime

HISTORY_DAYS = 360  # requests from this many days ago …
QUIET_DAYS = 5  # … until this many days ago; what is open today is set up on its own
INCIDENT_DAYS_AGO = 150  # the officer-involved shooting
AGREEMENT_V2_DAYS_AGO = 30

# Requests a month (a full month; partial months get their share).
MONTHLY_RATE = {1: 19, 2: 17, 3: 18, 4: 18, 5: 18, 6: 17, 7: 15, 8: 15, 9: 18, 10: 19, 11: 20, 12: 25}
INCIDENT_EXTRA = 14
WEEKDAY_WEIGHT = (1.3, 1.0, 1.0, 1.0, 0.9, 0.25, 0.3)  # Monday … Sunday

TOPIC_WEIGHT: dict[str, float] = {
    Topic.WORK_STRESS: 30,
    Topic.SECONDARY_TRAUMA: 15,
    Topic.FAMILY: 12,
    Topic.GRIEF: 8,
    Topic.WORKPLACE_CONFLICT: 8,
    Topic.ILLNESS_INJURY: 6,
    Topic.CAREER: 6,
    Topic.OTHER: 5,
    Topic.FINANCIAL: 4,
    Topic.CRITICAL_INCIDENT: 3,
    Topic.LEGAL: 2,
    Topic.SUBSTANCE_USE: 2,
    Topic.CRIME_VICTIM: 2,
    Topic.SUICIDE_CONCERN: 1,
}
DECEMBER_BOOST = {Topic.FAMILY: 2.2, Topic.GRIEF: 2.0, Topic.FINANCIAL: 2.5, Topic.WORK_STRESS: 1.2}
REASON_TOPICS: dict[str, tuple[str, ...]] = {
    ReferralReason.CRITICAL_INCIDENT: (Topic.CRITICAL_INCIDENT, Topic.SECONDARY_TRAUMA),
    ReferralReason.ILLNESS_INJURY: (Topic.ILLNESS_INJURY,),
    ReferralReason.FAMILY_TRAGEDY: (Topic.GRIEF, Topic.FAMILY),
    ReferralReason.VISIBLE_DISTRESS: (
        Topic.WORK_STRESS,
        Topic.SECONDARY_TRAUMA,
        Topic.FAMILY,
        Topic.WORKPLACE_CONFLICT,
    ),
    ReferralReason.OTHER: (Topic.WORK_STRESS, Topic.OTHER, Topic.CAREER),
}
MODE_WEIGHT = {
    ContactMode.IN_PERSON: 38,
    ContactMode.PHONE: 34,
    ContactMode.VIDEO: 16,
    ContactMode.TEXT: 9,
    ContactMode.EMAIL: 3,
}
MINUTES = {  # (low, high) by mode, before rounding to 5
    ContactMode.IN_PERSON: (25, 75),
    ContactMode.PHONE: (15, 60),
    ContactMode.VIDEO: (20, 60),
    ContactMode.TEXT: (15, 30),
    ContactMode.EMAIL: (15, 20),
}
# Where a peer sends someone when it is more than peer support, by what came up.
TOPIC_REFERRALS: dict[str, tuple[str, ...]] = {
    Topic.SUBSTANCE_USE: (Referral.SUBSTANCE_TREATMENT, Referral.EAP),
    Topic.SUICIDE_CONCERN: (Referral.CRISIS_LINE, Referral.CLINICAL_ADVISOR),
    Topic.FINANCIAL: (Referral.FINANCIAL_LEGAL_AID,),
    Topic.LEGAL: (Referral.FINANCIAL_LEGAL_AID,),
    Topic.ILLNESS_INJURY: (Referral.MEDICAL,),
    Topic.GRIEF: (Referral.CHAPLAIN,),
}
GENERAL_REFERRALS = {Referral.EAP: 55, Referral.COUNSELLOR: 30, Referral.CLINICAL_ADVISOR: 10, Referral.OTHER: 5}
PREFERRED_TIMES = (
    "after 5 pm",
    "lunchtime",
    "mornings before court",
    "not on Tuesdays (trial days)",
    "weekday evenings",
    "any time by text first",
    "early morning",
)

# Units whose people answered the shooting (the DA's investigators roll out on every
# officer-involved shooting; advocates sit with the families; homicide deputies review it).
INCIDENT_UNITS = ("Investigations Bureau", "Victim Services", "Homicide Unit", "Felony Trials")

SKILL_LEANINGS: dict[str, tuple[str, ...]] = {
    "Investigations Bureau": (Topic.CRITICAL_INCIDENT, Topic.SECONDARY_TRAUMA, Topic.CRIME_VICTIM),
    "Victim Services": (Topic.SECONDARY_TRAUMA, Topic.GRIEF, Topic.CRIME_VICTIM),
    "Homicide Unit": (Topic.SECONDARY_TRAUMA, Topic.CRITICAL_INCIDENT, Topic.GRIEF),
    "Child Abuse Unit": (Topic.SECONDARY_TRAUMA, Topic.FAMILY),
    "Domestic Violence Unit": (Topic.SECONDARY_TRAUMA, Topic.FAMILY, Topic.CRIME_VICTIM),
    "Administration & Records": (Topic.FINANCIAL, Topic.WORKPLACE_CONFLICT, Topic.ILLNESS_INJURY),
}
COMMON_SKILLS = (
    Topic.WORK_STRESS,
    Topic.FAMILY,
    Topic.GRIEF,
    Topic.CAREER,
    Topic.WORKPLACE_CONFLICT,
    Topic.ILLNESS_INJURY,
    Topic.SUBSTANCE_USE,
    Topic.SECONDARY_TRAUMA,
)

# fmt: off
# Written by the peers for the directory. "{title}" is the peer's own job title.
INTRODUCTIONS: dict[str, tuple[str, ...]] = {
    "attorney": (
        "Former trial deputy; I've been where you are after a long homicide trial.",
        "Eleven years in felony trials. I know what a verdict you didn't expect does to your weekend.",
        "I started in misdemeanors with 120 files and no idea how to say no. Happy to talk workload, or anything else.",
        "I listen more than I talk, and I won't tell you what to do. Deputy DA, nine years in.",
        "I've read more trial transcripts than I can count, photos included. I know what stays with you.",
        "Deputy DA and my daughter's soccer coach. Ask me how I keep the two apart.",
        "I've had the 2 am calls and the victims who recant. I know how it wears on you.",
        "Four years in, still learning to leave the calendar at the office. If it's crushing you, I've been under it too.",
    ),
    "supervisor": (
        "{title}. For supervisors especially: the job comes with nobody to vent to. I'm that somebody.",
        "Twenty years in this office. I joined the team after we lost a colleague; I'd rather we talk early.",
        "I supervise people who carry hard things home. Rank doesn't matter in this room, and I never take anyone in my own line.",
        "{title}. I know the weight of getting a team through bad weeks, and of having bad weeks yourself.",
        "Managing a team taught me to listen first. That's what I'm here for.",
        "{title}, and a supervisor-to-supervisor peer: if you lead people, talk to someone who does too.",
    ),
    "manager": (
        "{title}. I still remember my first bad week here. Managers need someone to talk to as well.",
    ),
    "investigations": (
        "{title}. Scenes, critical incidents, the long nights after: I've seen my share.",
        "{title} for fourteen years. Coffee, a walk around the block, and no notes.",
        "I look at the evidence nobody else wants to see; let's talk about what that costs.",
        "Numbers and files all day, and none of them will be about you.",
    ),
    "advocate": (
        "{title}. I sit with families on the worst day of their lives, and I know it follows you home.",
        "Fifteen years in victim services. Secondary trauma is real, and it is not a weakness.",
        "I'll meet you wherever you're comfortable: a bench outside works too.",
    ),
    "support": (
        "{title}. I've typed and filed the worst of it, and I know how it sits with you.",
        "Parent of three, night-school survivor. Good at listening, bad at judging.",
        "{title} here for 22 years. Ask me anything about surviving this building.",
        "Hard stories cross my desk every day; listening to yours would be an honour.",
    ),
    "admin": (
        "{title}. I know how rough the public, and the workload, can be on support staff.",
        "{title}. I fix things, and sometimes I just listen. Neither gets written down.",
        "{title} by day, but on this team I'm a peer: nothing you tell me goes to personnel, or anywhere else.",
        "Money worries are more common than you think; I know where to find help.",
        "I've been through a divorce and a cancer scare; I get it.",
    ),
    "anyone": (
        "I've worked here long enough to know the hard days pile up. I listen, and I keep things to myself.",
        "Ask me about anything, or nothing in particular. A walk and a coffee count as peer support.",
        "I joined the team because someone listened to me once when I needed it.",
        "I'm not here to fix anything: I listen, and I help you find what you need.",
        "Parent, runner, bad cook. I listen without judging, and what you say stays with me.",
        "New to the team, not new to the office. I know the stress of this place first-hand.",
    ),
}
# fmt: on
LANGUAGE_LINES = {
    Language.SPANISH: " Hablo español.",
    Language.VIETNAMESE: " Tôi nói tiếng Việt.",
    Language.TAGALOG: " Marunong akong mag-Tagalog.",
}


def _family(title: str, level: int, unit: str) -> str:
    lowered = title.lower()
    if level >= 2:
        return "manager"
    if level == 1:
        return "supervisor"
    if "deputy district attorney" in lowered:
        return "attorney"
    if unit == "Investigations Bureau":
        return "investigations"
    if unit == "Victim Services":
        return "advocate"
    if any(word in lowered for word in ("paralegal", "legal secretary", "legal office", "forensic interview")):
        return "support"
    return "admin"


# --- the program's documents -------------------------------------------------------------------

PEER_SUPPORT_POLICY = (
    "Harbor County District Attorney's Office: Peer Support Program policy",
    """
Purpose. Our work brings us close to violence, loss and people on the worst day of their lives. Over time that can affect our health, our safety, our work and the people we go home to. The Peer Support Program gives every employee an internal, voluntary and confidential place to process critical incidents, to decompress from cumulative stress, and to find education, resources and referrals.

Who it serves. Every employee of the office: attorneys, investigators, victim advocates, paralegals, secretaries, clerks, support staff, supervisors and managers. After a critical incident, their families too.

What peer support is. Trained volunteer colleagues who listen, help you sort out what you need, and connect you with professional help such as the employee assistance program (EAP), a contract counsellor or treatment. A peer supporter is not a counsellor, an investigator or your supervisor, and does not take over your problems.

How it starts. Anyone may alert the team leader: you, a colleague, your supervisor or manager, the chief deputy. You can also ask in Sidebar, for yourself, for a colleague, or anonymously without signing in. The team leader asks a team member to make contact. Urgent requests reach the on-call team members at once.

What a team member provides. Pre-crisis preparation (education on stress, wellness and resiliency) or a post-crisis response (stabilisation after something happened), follow-up check-ins, and referrals to contract services or other resources. After a critical incident the team can also offer defusing and group debriefings.

Two levels. Supervisors support supervisors. Nobody supports a person in their own chain of command, above or below them.

The team. Members are nominated by colleagues or apply, are screened and interviewed, complete basic peer support training given by a licensed mental-health professional, keep up continuing education, and sign the team confidentiality agreement. Membership is voluntary. A member may step down at any time, and the office may remove a member.

Records. The program keeps statistics only: how many contacts, the areas of need, the time spent. It does not record who was helped or what was said. The chief deputy receives monthly totals in which small numbers are hidden.

Clinical advisor. The program's clinical psychologist sets its guidelines, trains the team and is consulted on grey areas and on every possible exception to confidentiality.
""",
)

CONFIDENTIALITY_POLICY = (
    "Confidentiality and its exceptions",
    """
What is said stays there. What you say to a peer supporter is not reported to your chain of command, is not discussed in specifics even inside the team, and is not written down: team members take no notes. The most a peer supporter does is follow up: "I talked to you last week; is everything okay?"

What is recorded. For each contact: the date, the minutes, how you talked (in person, phone, video, text, e-mail), topic categories from a fixed list, the kind of help, and any referral made. There is no place for what was said, on purpose.

Your name and how to reach you. They are kept only so that a peer can reach you, encrypted under a key that belongs to your request alone, and destroyed 30 days after the request closes, or at once if you ask. After that nobody can bring them back, not even from a backup.

The exceptions. Confidentiality does not apply when:
- there is a danger to yourself;
- there is a danger to others;
- a child, an elder or a vulnerable adult is being abused;
- you describe criminal conduct;
- a statute or a court order requires disclosure;
- there is a serious violation of office policy;
- you ask for, or agree to, disclosure.

What happens then. The peer supporter raises the exception with the team leader, naming only its category. The clinical advisor is consulted before anything is shared. If disclosure is needed, only what is needed is shared, only with whoever needs it, and the record says to whom, when and on which basis, never what you said. Where it is safe, you are told first.

Grey areas. A team member who is unsure talks to the team leader and the clinical advisor, in general terms, and to nobody else.

Breach. A team member who breaches confidentiality outside these exceptions is removed from the team and may be disciplined, up to termination.

The law. Some states protect peer support communications by statute, and records can still be demanded in the exceptions. The safest record is no record, which is why none is kept.
""",
)

CONFIDENTIALITY_NOTICE = (
    "Before you ask: what stays private",
    """
A peer supporter is a trained colleague who listens. Not a counsellor, not an investigator, and never someone in your chain of command.

What you say stays between you and the peer supporter. It is not reported to your supervisor or to anyone above you, and it is not written down anywhere.

We keep your name and how to reach you only while we need them, encrypted, and delete them 30 days after your request closes (at once, if you ask). The program keeps only numbers: that a contact happened, how long it took, what kind of help it was.

The exceptions. A peer supporter has to share information, as little as possible and only after consulting the program's clinical advisor, if:
- you are in danger of harming yourself or someone else;
- a child, an elder or a vulnerable adult is being abused;
- you describe a crime;
- the law or a court order requires it;
- there is a serious violation of office policy;
- you ask us to.

You can ask for someone at your own level, someone outside your unit, someone who speaks your language, or a particular peer from the directory.

In an emergency, call 988 or 911. Do not wait for a peer supporter.
""",
)

_AGREEMENT_RULES_V1 = [
    "I keep what people tell me in confidence. I do not discuss it with their chain of command, with my own supervisor, or in specifics with other team members.",
    "I take no notes, on paper or on my phone. In Sidebar I record only the date, the minutes, how we talked, topic categories, the kind of help and any referral.",
    "I follow up when I said I would, and I do not chase someone who has said they are fine.",
    "I know the exceptions: danger to self or others; abuse of a child, an elder or a vulnerable adult; criminal conduct; disclosure required by law or court order; a serious violation of policy; the person's own request. When one may apply I raise it in Sidebar and consult the team leader and the clinical advisor before anything is shared.",
    "I decline a request when I supervise or report to the person, or know them too well to help.",
    "I refer to the employee assistance program, a counsellor, the clinical advisor or a crisis line when the need is beyond peer support. I do not try to be anyone's therapist.",
    "I look after myself, and I ask for support when I need it.",
    "I understand that breaching confidentiality can cost me my place on the team and my job.",
]
_AGREEMENT_RULES_V2 = [
    *_AGREEMENT_RULES_V1[:5],
    "I do not serve anyone when I witnessed, or was part of, the same incident. After a critical incident I tell the team leader at once if I was involved, so that I am recused.",
    "Messages I send to the person say only when and where to talk, never why.",
    *_AGREEMENT_RULES_V1[5:7],
    "I complete at least eight hours of continuing education a year.",
    _AGREEMENT_RULES_V1[7],
]


def _agreement(rules: list[str], preamble: str) -> tuple[str, str]:
    body = preamble + "\n\n" + "\n".join(f"{n}. {rule}" for n, rule in enumerate(rules, start=1))
    return "Peer Support Team confidentiality agreement", body


TEAM_AGREEMENT_V1 = _agreement(_AGREEMENT_RULES_V1, "As a member of the Peer Support Team, I agree:")
TEAM_AGREEMENT_V2 = _agreement(
    _AGREEMENT_RULES_V2,
    "What changed in version 2, after the review of our response to the officer-involved shooting: "
    "rules 6 (recusal after a shared incident), 7 (what messages may say) and 10 (continuing education) are new. "
    "Every member signs again.\n\nAs a member of the Peer Support Team, I agree:",
)


# --- the summary load_demo prints ------------------------------------------------------------


@dataclass(frozen=True)
class DemoSupportSummary:
    peers: int
    documents: int
    signatures: int
    requests: int
    open_requests: int
    contacts: int
    contact_hours: int
    check_ins: int
    shredded: int

    def line(self) -> str:
        return (
            f"Demo peer support: {self.peers} peer profiles, {self.documents} policy documents "
            f"({self.signatures} signatures), {self.requests} requests ({self.open_requests} open), "
            f"{self.contacts} contacts ({self.contact_hours} hours), {self.check_ins} check-ins, "
            f"{self.shredded} identities shredded."
        )


def support_summary() -> DemoSupportSummary | None:
    """Counts of what is in the database (None when there are no requests at all)."""
    requests = SupportRequest.objects.count()
    if not requests:
        return None
    minutes = Contact.objects.aggregate(total=Sum("minutes"))["total"] or 0
    return DemoSupportSummary(
        peers=PeerProfile.objects.count(),
        documents=PolicyDocument.objects.count(),
        signatures=Signature.objects.count(),
        requests=requests,
        open_requests=SupportRequest.objects.exclude(status=SupportRequest.Status.CLOSED).count(),
        contacts=Contact.objects.count(),
        contact_hours=round(minutes / 60),
        check_ins=CheckIn.objects.count(),
        shredded=DataKey.objects.filter(support_request__isnull=False, wrapped__isnull=True).count(),
    )


# --- plans ----------------------------------------------------------------------------------


@dataclass
class _PeerPlan:
    profile: PeerProfile
    user: User
    cohort: str  # founding / second / third / training
    trained_on: Date | None = None
    leave_on: Date | None = None  # goes inactive (leave) on this day
    away: tuple[Date, Date] | None = None  # marked unavailable from … until
    signs_v2: bool = True
    # what matching needs, kept in step with the database as the year plays out
    open_cases: int = 0
    signed_current: bool = False

    @property
    def email(self) -> str:
        return self.user.email

    def candidate(self, today: Date) -> matching.Candidate:
        profile = self.profile
        return matching.Candidate(
            peer_id=profile.pk,
            person_id=profile.person_id,
            rank_level=profile.person.rank_tier.level,
            unit_id=profile.person.unit_id,
            skills=frozenset(profile.skills),
            languages=frozenset(profile.languages),
            open_cases=self.open_cases,
            capacity=profile.capacity,
            active=profile.status == PeerProfile.Status.ACTIVE,
            trained=profile.basic_training_completed_on is not None,
            agreement_current=self.signed_current,
            away=profile.is_away(today),
            on_call=profile.on_call,
        )

    def blocked_from(self) -> Date | None:
        """From this day on the peer must hold no case (leave, or away)."""
        days = [day for day in (self.leave_on, self.away[0] if self.away else None) if day is not None]
        return min(days) if days else None


@dataclass
class _ContactPlan:
    day: Date  # the calendar day it is recorded under
    at: Moment  # when it happened (for the request's first-contact time)
    minutes: int
    mode: str
    response_type: str
    topics: list[str]
    referrals: list[str] = field(default_factory=list)
    next_check_in: Date | None = None
    check_in_done_at: Moment | None = None  # None: still planned (or cancelled at closing)


@dataclass
class _Plan:
    created_at: Moment
    person: Person
    source: str
    urgency: str
    kind: str = SupportKind.POST_CRISIS
    topics: list[str] = field(default_factory=list)
    referral_reason: str = ""
    referrer: User | None = None
    language: str = ""
    prefer_same_tier: bool = True
    prefer_other_unit: bool = False
    requested_peer: PeerProfile | None = None
    phone: str = ""
    preferred_times: str = ""
    incident: bool = False
    # the workflow
    offered_at: Moment | None = None
    answered_at: Moment | None = None
    declined: tuple[str, Moment, Moment] | None = None  # reason, offered, answered
    contacts: list[_ContactPlan] = field(default_factory=list)
    close_at: Moment | None = None
    closed_by_leader: bool = False


class _Events:
    """A time-ordered queue of steps; ties keep the order they were added in."""

    def __init__(self) -> None:
        self._heap: list[tuple[Moment, int, Callable[[], None]]] = []
        self._seq = 0

    def add(self, at: Moment, step: Callable[[], None]) -> None:
        heapq.heappush(self._heap, (at, self._seq, step))
        self._seq += 1

    def run(self) -> None:
        while self._heap:
            _at, _seq, step = heapq.heappop(self._heap)
            step()


# --- the builder ----------------------------------------------------------------------------


class _Year:
    def __init__(self, *, seed: int, today: Date) -> None:
        self.rng = random.Random(seed)  # noqa: S311 - a seeded generator for fictional data
        self.today = today
        agency = current_agency()
        self.tz = ZoneInfo(agency.timezone)
        self.retention = datetime.timedelta(days=agency.identity_retention_days)
        real_today = timezone.localdate()
        self.now = timezone.now() if today == real_today else self.at(today, 17)
        self.events = _Events()
        self.closed: list[tuple[SupportRequest, Moment]] = []

        accounts = demo_accounts()
        if accounts is None:
            raise RuntimeError("build_demo_support needs the demo agency: run build_demo_agency first")
        self.accounts = accounts
        people = Person.objects.select_related("rank_tier", "unit", "user").order_by("work_email")
        self.people: list[Person] = list(people)
        self.by_id = {person.pk: person for person in self.people}
        self.children: dict[Any, list[Person]] = defaultdict(list)
        for person in self.people:
            if person.supervisor_id is not None:
                self.children[person.supervisor_id].append(person)
        self._chains: dict[Any, frozenset[Any]] = {}
        self._cohorts: dict[Any, matching.Cohort] | None = None
        held: dict[str, set[str]] = defaultdict(set)
        for email, role in RoleMembership.objects.values_list("user__email", "role"):
            held[email].add(role)
        self.roles = held
        self.user_of = {person.user.email: person.user for person in self.people if person.user is not None}
        self.leader = self.user_of[accounts.team_leader]
        self.admin = self.user_of[accounts.program_admin]
        self.demo_peer_email = accounts.peer
        self.busy_until: dict[Any, Date] = {}  # a person asks again only once their last request closed

    # -- time --------------------------------------------------------------------------------

    def at(self, day: Date, hour: float) -> Moment:
        """``hour`` o'clock on ``day`` in the agency's time zone, as UTC (so that adding hours
        and days is real time, also across a daylight-saving change)."""
        whole = int(hour)
        minute = round((hour - whole) * 60)
        if minute == 60:
            whole, minute = whole + 1, 0
        local = datetime.datetime.combine(day, datetime.time(min(whole, 23), minute), tzinfo=self.tz)
        return local.astimezone(datetime.UTC)

    def day_of(self, moment: Moment) -> Date:
        """The agency's calendar day of ``moment``."""
        return moment.astimezone(self.tz).date()

    def last_day(self, plan: _Plan) -> Date:
        """The last day a peer is busy with a request (for leave and away planning)."""
        return Date.max if plan.close_at is None else self.day_of(plan.close_at)

    def ago(self, hours: float) -> Moment:
        return self.now - datetime.timedelta(hours=hours)

    def days_ago(self, days: int) -> Date:
        return self.today - datetime.timedelta(days=days)

    # -- people ------------------------------------------------------------------------------

    def chain(self, person: Person) -> frozenset[Any]:
        """Everyone above or below ``person`` (in memory; matching re-checks it in SQL)."""
        if person.pk not in self._chains:
            found: set[Any] = set()
            boss = person.supervisor_id
            while boss is not None and boss not in found:
                found.add(boss)
                boss = self.by_id[boss].supervisor_id
            stack = [person.pk]
            while stack:
                for child in self.children[stack.pop()]:
                    if child.pk not in found:
                        found.add(child.pk)
                        stack.append(child.pk)
            self._chains[person.pk] = frozenset(found)
        return self._chains[person.pk]

    def requesters(self, units: tuple[str, ...] | None = None) -> tuple[list[Person], list[float]]:
        """Who may ask in the demo: nobody with a program role, not the printed staff account
        (its requests are set up on purpose), no executive. Managers ask less often."""
        pool = [
            person
            for person in self.people
            if person.rank_tier.level < 3
            and not (person.user and self.roles.get(person.user.email))
            and not (person.user and person.user.email == self.accounts.staff)
            and (units is None or (person.unit is not None and person.unit.name in units))
        ]
        weights = [0.5 if person.rank_tier.level == 2 else 1.0 for person in pool]
        return pool, weights

    def referrers_for(self, person: Person) -> list[User]:
        """Account holders who would notice: someone above the person, or a co-worker in the unit."""
        above = set(self.chain(person)) - {child.pk for child in self.children[person.pk]}
        found = []
        for other in self.people:
            if other.user is None or other.pk == person.pk or other.user.email == self.accounts.staff:
                continue
            if other.pk in above or (other.unit_id is not None and other.unit_id == person.unit_id):
                found.append(other.user)
        return found

    # -- the team ----------------------------------------------------------------------------

    def build_team(self) -> None:
        rng = self.rng
        peer_people = [p for p in self.people if p.user is not None and Role.PEER in self.roles.get(p.user.email, ())]
        leader_email = self.accounts.team_leader
        fixed = {self.demo_peer_email, leader_email}
        line = [p for p in peer_people if p.rank_tier.level == 0 and p.user.email not in fixed]
        rng.shuffle(line)
        in_training, third, second = line[0], line[1:3], line[3:8]
        # people who stop being assignable: two on leave, one away, two who did not sign version 2
        leave, away, unsigned = [line[3], line[8]], line[9], line[10:12]
        cohort = {p.pk: "founding" for p in peer_people}
        cohort[in_training.pk] = "training"
        cohort.update({p.pk: "third" for p in third})
        cohort.update({p.pk: "second" for p in second})
        founding_day = self.days_ago(HISTORY_DAYS + 2)
        trained = {
            "founding": founding_day,
            "second": self.days_ago(205),
            "third": self.days_ago(75),
            "training": None,
        }

        language_holders = iter(rng.sample([p for p in peer_people if p.pk != in_training.pk], 5))
        languages: dict[Any, list[str]] = {}
        for code in (Language.SPANISH, Language.SPANISH, Language.SPANISH, Language.VIETNAMESE, Language.TAGALOG):
            languages[next(language_holders).pk] = [code]

        unused = {family: list(lines) for family, lines in INTRODUCTIONS.items()}
        for lines in unused.values():
            rng.shuffle(lines)
        profiles = []
        for person in peer_people:
            family = _family(person.title, person.rank_tier.level, person.unit.name if person.unit else "")
            pool = unused[family] or unused["anyone"]
            introduction = pool.pop().format(title=person.title)
            introduction += "".join(LANGUAGE_LINES[code] for code in languages.get(person.pk, []))
            leaning = SKILL_LEANINGS.get(person.unit.name if person.unit else "", ())
            skills = set(rng.sample(leaning, min(len(leaning), rng.randint(1, 2)))) if leaning else set()
            if person.rank_tier.level >= 1:
                skills.add(Topic.WORKPLACE_CONFLICT if rng.random() < 0.5 else Topic.CAREER)
            target = rng.randint(2, 4)
            while len(skills) < target:
                skills.add(rng.choice(COMMON_SKILLS))
            profiles.append(
                PeerProfile(
                    person=person,
                    level=PeerProfile.Level.SUPERVISORY if person.rank_tier.level >= 1 else PeerProfile.Level.PEER,
                    status=PeerProfile.Status.IN_TRAINING,  # each becomes active on their training day
                    skills=sorted(skills),
                    languages=languages.get(person.pk, []),
                    introduction=introduction[:400],
                    capacity=3 if person.user.email == leader_email else rng.choice((3, 4, 4, 5)),
                )
            )
        PeerProfile.objects.bulk_create(profiles)

        self.peers: dict[Any, _PeerPlan] = {}
        for profile in profiles:
            person = profile.person
            plan = _PeerPlan(profile=profile, user=person.user, cohort=cohort[person.pk])
            plan.trained_on = trained[plan.cohort]
            plan.signs_v2 = plan.cohort != "training" and person not in unsigned
            self.peers[profile.pk] = plan
        by_person = {plan.profile.person_id: plan for plan in self.peers.values()}
        by_person[leave[0].pk].leave_on = self.days_ago(19)
        by_person[leave[1].pk].leave_on = self.days_ago(11)
        by_person[away.pk].away = (self.days_ago(8), self.today + datetime.timedelta(days=rng.randint(6, 12)))
        # three or four on call, among those who can be assigned today
        ready = sorted(
            (p for p in self.peers.values() if p.cohort != "training" and p.signs_v2 and not p.blocked_from()),
            key=lambda p: p.email,
        )
        for plan in rng.sample(ready, rng.choice((3, 4))):
            plan.profile.on_call = True
        PeerProfile.objects.bulk_update(profiles, ["on_call"])

        for plan in sorted(self.peers.values(), key=lambda p: p.email):
            if plan.trained_on is not None:
                self.events.add(
                    self.at(plan.trained_on, 16 + rng.random()), lambda plan=plan: self.complete_training(plan)
                )
            if plan.leave_on is not None:
                self.events.add(self.at(plan.leave_on, 7), lambda plan=plan: self.go_on_leave(plan))
            if plan.away is not None:
                self.events.add(self.at(plan.away[0], 7), lambda plan=plan: self.mark_away(plan))

    def complete_training(self, plan: _PeerPlan) -> None:
        profile = plan.profile
        profile.status, profile.basic_training_completed_on = PeerProfile.Status.ACTIVE, plan.trained_on
        profile.save(update_fields=["status", "basic_training_completed_on"])
        trained_at = self.at(plan.trained_on, 16)  # type: ignore[arg-type]
        PeerStatusChange.objects.create(
            peer=profile,
            from_status=PeerProfile.Status.IN_TRAINING,
            to_status=profile.status,
            at=trained_at,
            by=self.leader,
        )
        signed_at = self.at(plan.trained_on, 17)  # type: ignore[arg-type]
        self.sign(plan, version=1, at=signed_at)

    def sign(self, plan: _PeerPlan, *, version: int, at: Moment) -> None:
        signature = safeguards.sign_agreement(user=plan.user, version=version)
        Signature.objects.filter(pk=signature.pk).update(signed_at=at)
        plan.signed_current = True

    def go_on_leave(self, plan: _PeerPlan) -> None:
        change = team.change_status(peer=plan.profile, to=PeerProfile.Status.INACTIVE, by=self.leader)
        PeerStatusChange.objects.filter(pk=change.pk).update(at=self.at(plan.leave_on, 7))  # type: ignore[arg-type]
        plan.profile.status = PeerProfile.Status.INACTIVE
        plan.profile.on_call = False

    def mark_away(self, plan: _PeerPlan) -> None:
        assert plan.away is not None
        plan.profile.unavailable_until = plan.away[1]
        plan.profile.save(update_fields=["unavailable_until"])

    # -- documents ---------------------------------------------------------------------------

    def publish(self, kind: str, text: tuple[str, str], *, by: User, at: Moment) -> PolicyDocument:
        title, body = text
        document = safeguards.publish_document(kind=kind, title=title, body=body, by=by)
        PolicyDocument.objects.filter(pk=document.pk).update(published_at=at)
        return document

    def build_documents(self) -> None:
        adopted = self.at(self.days_ago(HISTORY_DAYS + 40), 10)
        self.publish(PolicyDocument.Kind.PEER_SUPPORT_POLICY, PEER_SUPPORT_POLICY, by=self.admin, at=adopted)
        self.publish(PolicyDocument.Kind.CONFIDENTIALITY_POLICY, CONFIDENTIALITY_POLICY, by=self.admin, at=adopted)
        self.notice = self.publish(
            PolicyDocument.Kind.CONFIDENTIALITY_NOTICE, CONFIDENTIALITY_NOTICE, by=self.admin, at=adopted
        )
        self.publish(PolicyDocument.Kind.TEAM_AGREEMENT, TEAM_AGREEMENT_V1, by=self.leader, at=adopted)
        published = self.at(self.days_ago(AGREEMENT_V2_DAYS_AGO), 9.5)
        self.events.add(published, self.publish_agreement_v2)

    def publish_agreement_v2(self) -> None:
        published = self.at(self.days_ago(AGREEMENT_V2_DAYS_AGO), 9.5)
        self.publish(PolicyDocument.Kind.TEAM_AGREEMENT, TEAM_AGREEMENT_V2, by=self.leader, at=published)
        for plan in self.peers.values():
            plan.signed_current = False  # everyone signs again
        for plan in sorted(self.peers.values(), key=lambda p: p.email):
            if plan.signs_v2:
                # the team leader signs at once; the others over the next days
                lag = 0 if plan.user == self.leader else self.rng.randint(0, 9)
                moment = self.at(self.days_ago(AGREEMENT_V2_DAYS_AGO - lag), 11 + 6 * self.rng.random())
                self.events.add(max(moment, published), lambda plan=plan, m=moment: self.sign(plan, version=2, at=m))

    # -- matching ----------------------------------------------------------------------------

    def need(self, plan: _Plan) -> matching.Need:
        """As the team leader's view ranks it: for the person's cohort (the same cohorts as
        sidebar.support.selectors.need_for, computed once: the chart and the peers stay put)."""
        if self._cohorts is None:
            self._cohorts = team_leader_cohorts()
        person = plan.person
        cohort = self._cohorts[person.pk]
        return matching.Need(
            person_id=person.pk,
            chain_ids=cohort.excluded,
            rank_level=cohort.rank_level,
            unit_ids=cohort.unit_ids,
            topics=frozenset(plan.topics),
            language=plan.language,
            prefer_same_tier=plan.prefer_same_tier,
            prefer_other_unit=plan.prefer_other_unit,
            requested_peer_id=plan.requested_peer.pk if plan.requested_peer else None,
            urgent=plan.urgency == Urgency.URGENT,
        )

    def ranked(self, plan: _Plan) -> list[_PeerPlan]:
        """Eligible peers, best first, as the team leader's suggestion list ranks them (the matcher
        on this moment's roster, kept in memory: services.assign checks it again in the database),
        minus those who could not see the request through."""
        today = timezone.localdate()  # what "away" means to the matcher
        roster = [peer.candidate(today) for peer in self.peers.values()]
        ranked = matching.rank(self.need(plan), roster)
        requested = plan.requested_peer.pk if plan.requested_peer else None
        # Equal scores: the team leader's own judgement, not the alphabet (the matcher's tie-break
        # is the peer's random id, which would make the demo differ from run to run).
        judgement = {peer.profile.pk: self.rng.random() for peer in sorted(self.peers.values(), key=lambda p: p.email)}
        ranked.sort(
            key=lambda s: (
                s.candidate.peer_id != requested,
                -s.score,
                s.candidate.open_cases,
                judgement[s.candidate.peer_id],
            )
        )
        referrer = plan.referrer.pk if plan.referrer else None
        found = []
        for suggestion in ranked:
            peer = self.peers[suggestion.candidate.peer_id]
            blocked = peer.blocked_from()
            if referrer is not None and peer.user.pk == referrer:
                continue
            if peer.profile.person_id == plan.person.pk:  # they would decline their own request
                continue
            if blocked is not None and blocked <= self.last_day(plan):
                continue
            found.append(peer)
        return found

    def pick(self, ranked: list[_PeerPlan]) -> _PeerPlan:
        """The team leader mostly takes the first suggestion, sometimes the second or third."""
        top = ranked[:3]
        return self.rng.choices(top, weights=(0.7, 0.2, 0.1)[: len(top)])[0]

    # -- planning one request ----------------------------------------------------------------

    def topics_for(self, day: Date, incident: bool) -> list[str]:
        rng = self.rng
        if incident:
            chosen = {Topic.CRITICAL_INCIDENT}
            if rng.random() < 0.6:
                chosen.add(Topic.SECONDARY_TRAUMA)
            return sorted(chosen)
        if rng.random() < 0.15:
            return []  # topics are optional
        weights = dict(TOPIC_WEIGHT)
        if day.month == 12:
            for topic, boost in DECEMBER_BOOST.items():
                weights[topic] *= boost
        codes = sorted(weights)
        count = 1 if rng.random() < 0.6 else 2
        chosen = set()
        while len(chosen) < count:
            chosen.add(rng.choices(codes, weights=[weights[c] for c in codes])[0])
        return sorted(chosen)

    def new_plan(self, created_at: Moment, *, incident: bool = False) -> _Plan | None:
        """Who asks (or is referred), how urgently and about what. None when nobody fits."""
        rng = self.rng
        day = self.day_of(created_at)
        pool, weights = self.requesters(INCIDENT_UNITS if incident else None)
        for _attempt in range(20):
            person = rng.choices(pool, weights=weights)[0]
            if self.busy_until.get(person.pk, Date.min) >= day:
                continue
            referral = rng.random() < (0.55 if incident else 0.28)
            referrers = self.referrers_for(person) if referral else []
            if referral and not referrers:
                continue
            if incident:
                urgency = rng.choices(list(Urgency), weights=(20, 45, 35))[0]
            else:
                urgency = rng.choices(list(Urgency), weights=(70, 22, 8))[0]
            plan = _Plan(created_at=created_at, person=person, source=Source.SELF, urgency=urgency, incident=incident)
            if referral:
                plan.source = Source.REFERRAL
                plan.referrer = rng.choice(referrers)
                if incident:
                    plan.referral_reason = ReferralReason.CRITICAL_INCIDENT
                else:
                    plan.referral_reason = rng.choices(list(ReferralReason), weights=(5, 20, 20, 45, 10))[0]
            else:
                plan.topics = self.topics_for(day, incident)
                plan.kind = SupportKind.PRE_CRISIS if not incident and rng.random() < 0.12 else SupportKind.POST_CRISIS
                plan.prefer_same_tier = rng.random() < 0.9
                plan.prefer_other_unit = rng.random() < 0.3
                plan.language = rng.choices(
                    ["", Language.SPANISH, Language.VIETNAMESE, Language.TAGALOG], (90, 6, 2, 2)
                )[0]
                plan.phone = f"555-01{rng.randint(0, 99):02d}" if rng.random() < 0.4 else ""
                plan.preferred_times = rng.choice(PREFERRED_TIMES) if rng.random() < 0.55 else ""
                if rng.random() < 0.08:
                    named = sorted(
                        (p for p in self.peers.values() if p.profile.status == PeerProfile.Status.ACTIVE),
                        key=lambda p: p.email,
                    )
                    plan.requested_peer = rng.choice(named).profile if named else None
            return plan
        return None

    def mode_and_minutes(self, response_type: str) -> tuple[str, int]:
        rng = self.rng
        if response_type == ResponseType.GROUP_CRISIS:
            return ContactMode.IN_PERSON, rng.randrange(60, 95, 5)
        if response_type == ResponseType.DEFUSING:
            return ContactMode.IN_PERSON, rng.randrange(20, 50, 5)
        modes = list(MODE_WEIGHT)
        mode = rng.choices(modes, weights=[MODE_WEIGHT[m] for m in modes])[0]
        low, high = MINUTES[mode]
        return mode, 5 * round(rng.randint(low, high) / 5)

    def contact_topics(self, plan: _Plan) -> list[str]:
        if plan.topics:
            topics = set(plan.topics)
        elif plan.referral_reason:
            topics = {self.rng.choice(REASON_TOPICS[plan.referral_reason])}
        else:
            topics = set(self.topics_for(self.day_of(plan.created_at), plan.incident) or [Topic.OTHER])
        if self.rng.random() < 0.15:
            topics.add(self.rng.choice(COMMON_SKILLS))  # something else came up
        return sorted(topics)

    def referrals_for(self, topics: list[str]) -> list[str]:
        rng = self.rng
        specific = [code for topic in topics for code in TOPIC_REFERRALS.get(topic, ())]
        if specific and rng.random() < 0.35:
            return sorted(set(rng.sample(specific, min(len(specific), 2))))
        codes = list(GENERAL_REFERRALS)
        return [rng.choices(codes, weights=[GENERAL_REFERRALS[c] for c in codes])[0]]

    def plan_workflow(self, plan: _Plan, *, last_day: Date) -> None:
        """Offer, answer, contacts, check-ins and closing, all before ``last_day`` ends."""
        rng = self.rng
        minutes = datetime.timedelta(minutes=1)
        created = plan.created_at
        offer_delay = {Urgency.URGENT: (5, 30), Urgency.SOON: (30, 360), Urgency.ROUTINE: (60, 1440)}[plan.urgency]
        answer_delay = {Urgency.URGENT: (3, 20), Urgency.SOON: (10, 240), Urgency.ROUTINE: (15, 600)}[plan.urgency]
        contact_delay = {Urgency.URGENT: (20, 150), Urgency.SOON: (120, 1800), Urgency.ROUTINE: (300, 4800)}[
            plan.urgency
        ]
        offered = created + rng.randint(*offer_delay) * minutes
        decline_chance = 0.3 if plan.incident else 0.09
        if rng.random() < decline_chance:
            answered = offered + rng.randint(*answer_delay) * minutes
            reasons = list(DeclineReason)
            weights = (85, 5, 8, 2) if plan.incident else (55, 20, 20, 5)
            plan.declined = (rng.choices(reasons, weights=weights)[0], offered, answered)
            offered = answered + rng.randint(10, 60) * minutes
        plan.offered_at = offered
        plan.answered_at = offered + rng.randint(*answer_delay) * minutes
        first = max(plan.answered_at + rng.randint(5, 60) * minutes, created + rng.randint(*contact_delay) * minutes)
        # first contacts happen in waking hours, unless it is urgent
        local = first.astimezone(self.tz)
        if plan.urgency != Urgency.URGENT and not 7 <= local.hour < 20:
            next_day = local.date() + datetime.timedelta(days=1 if local.hour >= 20 else 0)
            first = self.at(next_day, 8 + 2 * rng.random())

        count = rng.choices((1, 2, 3, 4), weights=(45, 30, 15, 10))[0]
        if plan.kind == SupportKind.PRE_CRISIS:
            count = rng.choices((1, 2), weights=(80, 20))[0]
        moments = [first]
        for _ in range(count - 1):
            gap = rng.randint(2, 10) if plan.incident else rng.randint(3, 16)
            moments.append(self.at(self.day_of(moments[-1]) + datetime.timedelta(days=gap), 8 + 9 * rng.random()))
        moments = [m for m in moments if self.day_of(m) <= last_day] or [first]

        refer_at = len(moments) - 1 if rng.random() < 0.6 else None
        for index, moment in enumerate(moments):
            if index == 0:
                if plan.kind == SupportKind.PRE_CRISIS:
                    response = ResponseType.PRE_CRISIS
                elif plan.incident and moment - created < datetime.timedelta(hours=12):
                    response = ResponseType.DEFUSING
                elif plan.incident and rng.random() < 0.35:
                    response = ResponseType.GROUP_CRISIS
                else:
                    response = ResponseType.POST_CRISIS
            else:
                response = rng.choices(
                    (ResponseType.ONGOING, ResponseType.FAMILY_SUPPORT, ResponseType.POST_CRISIS), weights=(80, 8, 12)
                )[0]
            mode, length = self.mode_and_minutes(response)
            topics = self.contact_topics(plan)
            contact = _ContactPlan(
                day=self.day_of(moment), at=moment, minutes=length, mode=mode, response_type=response, topics=topics
            )
            if index == refer_at:
                contact.referrals = self.referrals_for(topics)
            plan.contacts.append(contact)
        # check-ins: before each next contact ("is everything okay?"), often once more at the end
        for contact, following in zip(plan.contacts, plan.contacts[1:], strict=False):
            contact.next_check_in = following.day
            contact.check_in_done_at = following.at - rng.randint(0, 120) * minutes
        last = plan.contacts[-1]
        end = last.at + datetime.timedelta(hours=1)
        if rng.random() < 0.55:
            due = last.day + datetime.timedelta(days=rng.randint(5, 14))
            if due <= last_day:
                last.next_check_in = due
                if rng.random() < 0.85:
                    last.check_in_done_at = self.at(due, 9 + 8 * rng.random())
                    end = max(end, last.check_in_done_at)
                else:
                    end = max(end, self.at(due, 12))
        close_day = self.day_of(end) + datetime.timedelta(days=rng.choice((0, 0, 1, 1, 2, 3, 5)))
        close_day = min(close_day, last_day)
        plan.close_at = max(self.at(close_day, 16 + 2.5 * rng.random()), end + 30 * minutes)
        plan.closed_by_leader = rng.random() < 0.25

    # -- carrying a plan out -----------------------------------------------------------------

    def submit(self, plan: _Plan) -> SupportRequest:
        person = plan.person
        if plan.source == Source.REFERRAL:
            assert plan.referrer is not None
            support_request = services.refer_colleague(
                referrer=plan.referrer, colleague=person, reason=plan.referral_reason, urgency=plan.urgency
            )
        else:
            # Only a few dozen of the 400 demo staff have a sign-in; the others' requests are
            # statistically the same, they just cannot be found again under "My requests".
            support_request = services.ask_for_myself(
                user=person.user,  # type: ignore[arg-type]
                person=person,
                urgency=plan.urgency,
                kind=plan.kind,
                topics=plan.topics,
                email=person.work_email,
                phone=plan.phone,
                preferred_times=plan.preferred_times,
                prefer_same_tier=plan.prefer_same_tier,
                prefer_other_unit=plan.prefer_other_unit,
                language=plan.language,
                requested_peer=plan.requested_peer,
                notice=self.notice,
            )
        SupportRequest.objects.filter(pk=support_request.pk).update(created_at=plan.created_at)
        DataKey.objects.filter(pk=support_request.data_key_id).update(created_at=start_of_utc_day(plan.created_at))
        self.busy_until[person.pk] = self.last_day(plan)
        return support_request

    def offer(self, support_request: SupportRequest, peer: _PeerPlan, at: Moment) -> Assignment:
        assignment = services.assign(support_request=support_request, peer=peer.profile, by=self.leader)
        Assignment.objects.filter(pk=assignment.pk).update(offered_at=at)
        peer.open_cases += 1
        return assignment

    def answer(self, assignment: Assignment, peer: _PeerPlan, at: Moment, *, decline: str = "") -> None:
        if decline:
            services.decline(assignment=assignment, reason=decline, by=peer.user)
            peer.open_cases -= 1
        else:
            services.accept(assignment=assignment, by=peer.user)
        Assignment.objects.filter(pk=assignment.pk).update(answered_at=at)

    def carry_out(
        self,
        plan: _Plan,
        *,
        stop: str = "closed",
        want: _PeerPlan | None = None,
        ranked: list[_PeerPlan] | None = None,
    ) -> tuple[SupportRequest, _PeerPlan | None]:
        """Submit, offer (after a decline, if planned), accept, record the contacts and check-ins,
        and schedule the closing. ``stop`` ends it early: "open" (only a declined offer, if any),
        "offered" (waiting for the peer's answer) or "active" (no closing)."""
        ranked = self.ranked(plan) if ranked is None else ranked
        if plan.declined is not None and stop != "open" and len(ranked) < 2 and want is None:
            plan.declined = None  # nobody left to take it after a decline: the first peer accepts
        declined_by = None
        if plan.declined is not None:
            declined_by = ranked[0] if want is None or ranked[0] is not want else (ranked[1:2] or [None])[0]
        if declined_by is not None:
            ranked = [peer for peer in ranked if peer is not declined_by]
        peer = want if want is not None else (self.pick(ranked) if ranked else None)
        support_request = self.submit(plan)
        if declined_by is not None:
            assert plan.declined is not None
            reason, offered_at, answered_at = plan.declined
            assignment = self.offer(support_request, declined_by, offered_at)
            self.answer(assignment, declined_by, answered_at, decline=reason)
        if stop == "open" or peer is None:
            return support_request, None
        assert plan.offered_at is not None
        assignment = self.offer(support_request, peer, plan.offered_at)
        if stop == "offered":
            return support_request, peer
        assert plan.answered_at is not None
        self.answer(assignment, peer, plan.answered_at)
        self.record_contacts(support_request, assignment, plan)
        if stop == "closed":
            assert plan.close_at is not None
            self.events.add(plan.close_at, lambda: self.close(support_request, plan, peer))
        return support_request, peer

    def record_contacts(self, support_request: SupportRequest, assignment: Assignment, plan: _Plan) -> None:
        for item in plan.contacts:
            contact = services.log_contact(
                assignment=assignment,
                date=item.day,
                minutes=item.minutes,
                mode=item.mode,
                response_type=item.response_type,
                topics=item.topics,
                referrals=item.referrals,
                next_check_in=item.next_check_in,
            )
            Contact.objects.filter(pk=contact.pk).update(created_at=item.at + datetime.timedelta(minutes=item.minutes))
            if item.next_check_in is not None:
                reminded = self.at(item.next_check_in, 7) if item.next_check_in < self.today else None
                CheckIn.objects.filter(request=support_request, due_on=item.next_check_in, done_at__isnull=True).update(
                    done_at=item.check_in_done_at, reminded_at=reminded
                )
        if plan.contacts:
            SupportRequest.objects.filter(pk=support_request.pk).update(first_contact_at=plan.contacts[0].at)

    def close(self, support_request: SupportRequest, plan: _Plan, peer: _PeerPlan) -> None:
        closed_at = plan.close_at
        assert closed_at is not None
        services.close(support_request=support_request, by=self.leader if plan.closed_by_leader else peer.user)
        peer.open_cases -= 1
        SupportRequest.objects.filter(pk=support_request.pk).update(closed_at=closed_at)
        Assignment.objects.filter(request=support_request, status=Assignment.Status.ENDED).update(ended_at=closed_at)
        CheckIn.objects.filter(request=support_request, cancelled_at__isnull=False).update(cancelled_at=closed_at)
        DataKey.objects.filter(pk=support_request.data_key_id).update(shred_after=closed_at + self.retention)
        self.closed.append((support_request, closed_at))

    # -- the year ----------------------------------------------------------------------------

    def arrival_times(self) -> list[tuple[Moment, bool]]:
        """When requests arrive: a monthly rate shared out over weekdays, plus the surge after the
        shooting (half of it in the first three days)."""
        rng = self.rng
        start, end = self.days_ago(HISTORY_DAYS), self.days_ago(QUIET_DAYS)
        days_by_month: dict[tuple[int, int], list[Date]] = defaultdict(list)
        day = start
        while day <= end:
            days_by_month[(day.year, day.month)].append(day)
            day += datetime.timedelta(days=1)
        arrivals: list[tuple[Moment, bool]] = []
        for (year, month), days in sorted(days_by_month.items()):
            next_month = Date(year + month // 12, month % 12 + 1, 1)
            length = (next_month - Date(year, month, 1)).days
            share = MONTHLY_RATE[month] * len(days) / length
            count = max(0, round(share * rng.uniform(0.85, 1.15)))
            weights = [WEEKDAY_WEIGHT[d.weekday()] for d in days]
            for chosen in rng.choices(days, weights=weights, k=count):
                arrivals.append((self.at(chosen, self.office_hour(chosen)), False))
        incident = self.days_ago(INCIDENT_DAYS_AGO)
        for n in range(INCIDENT_EXTRA):
            offset = rng.randint(0, 2) if n < INCIDENT_EXTRA // 2 else rng.randint(3, 20)
            chosen = incident + datetime.timedelta(days=offset)
            arrivals.append((self.at(chosen, 7 + 12 * rng.random()), True))
        return sorted(arrivals)

    def office_hour(self, day: Date) -> float:
        if self.rng.random() < 0.12:
            return 19 + 3.5 * self.rng.random()  # the evening, when it finally sinks in
        return 7.5 + 10 * self.rng.random()

    def build_history(self) -> None:
        last_day = self.days_ago(2)
        for created_at, incident in self.arrival_times():
            self.events.add(created_at, lambda c=created_at, i=incident: self.arrive(c, i, last_day))

    def arrive(self, created_at: Moment, incident: bool, last_day: Date) -> None:
        for _attempt in range(5):
            plan = self.new_plan(created_at, incident=incident)
            if plan is None:
                return
            self.plan_workflow(plan, last_day=last_day)
            ranked = self.ranked(plan)
            if ranked:
                self.carry_out(plan, ranked=ranked)
                return

    def shred_expired(self) -> None:
        """What the retention job would have done by now: identities 30 days after closing."""
        for support_request, closed_at in self.closed:
            due = closed_at + self.retention
            if due <= self.now:
                key = DataKey.objects.get(pk=support_request.data_key_id)
                vault.shred(key=key, reason="retention")
                # as the job would have recorded it: the month only (issue 16, section 1)
                month = due.astimezone(datetime.UTC).replace(day=1, hour=0, minute=0, second=0, microsecond=0)
                DataKey.objects.filter(pk=key.pk).update(shredded_at=month)

    # -- today: what is open ----------------------------------------------------------------

    def live_plan(self, hours_ago: float, **fields: Any) -> _Plan:
        """A request made ``hours_ago`` by a person who fits (not busy, a referrer if needed)."""
        want: _PeerPlan | None = fields.pop("want", None)
        unit: str | None = fields.pop("unit", None)
        referrer: User | None = fields.pop("referrer", None)
        created = self.ago(hours_ago)
        pool, weights = self.requesters()
        if unit is not None:
            pool = [p for p in pool if p.unit is not None and p.unit.name == unit]
            weights = [1.0] * len(pool)
        for _attempt in range(200):
            person = self.rng.choices(pool, weights=weights)[0]
            if self.busy_until.get(person.pk, Date.min) >= self.today - datetime.timedelta(days=1):
                continue
            plan = _Plan(created_at=created, person=person, **fields)
            if plan.source == Source.REFERRAL:
                plan.referrer = referrer or self.rng.choice(self.referrers_for(person) or [self.leader])
            ranked = self.ranked(plan)
            if want is not None and want not in ranked:
                continue
            if want is None and not ranked:
                continue
            return plan
        raise RuntimeError("no requester fits this demo scenario")

    def live_contacts(self, plan: _Plan, specs: list[tuple[int, float, str, int]]) -> None:
        """Contacts ``(days ago, hour, response type, minutes)``, in order, after the peer accepted
        and before now, whatever the hour this runs at."""
        assert plan.answered_at is not None
        for days, hour, response, length in specs:
            mode, _ = self.mode_and_minutes(response)
            day = self.days_ago(days)
            earliest = (plan.contacts[-1].at if plan.contacts else plan.answered_at) + datetime.timedelta(minutes=15)
            plan.contacts.append(
                _ContactPlan(
                    day=day,
                    at=min(max(self.at(day, hour), earliest), self.ago(0.5)),
                    minutes=length,
                    mode=mode,
                    response_type=response,
                    topics=self.contact_topics(plan),
                )
            )

    def build_today(self) -> None:
        """About eight open requests, so that every screen has something on first run."""
        rng = self.rng
        demo_peer = next(p for p in self.peers.values() if p.email == self.demo_peer_email)
        others = sorted(
            (p for p in self.peers.values() if p is not demo_peer and p.user != self.leader), key=lambda p: p.email
        )
        hour = datetime.timedelta(hours=1)

        # 1. Waiting, overdue: "soon" asked 30 hours ago; the first peer declined (conflict).
        plan = self.live_plan(
            30, source=Source.SELF, urgency=Urgency.SOON, topics=[Topic.SECONDARY_TRAUMA, Topic.WORK_STRESS]
        )
        plan.declined = (DeclineReason.CONFLICT_OF_INTEREST, self.ago(28), self.ago(26.5))
        self.carry_out(plan, stop="open")

        # 2. Waiting: the printed staff account told the team about a colleague this morning.
        staff = self.user_of[self.accounts.staff]
        staff_unit = staff.person.unit.name if staff.person.unit else None
        plan = self.live_plan(
            4,
            source=Source.REFERRAL,
            urgency=Urgency.ROUTINE,
            referral_reason=ReferralReason.VISIBLE_DISTRESS,
            referrer=staff,
            unit=staff_unit,
        )
        self.carry_out(plan, stop="open")

        # 3. Offered to the demo peer, waiting for their answer.
        plan = self.live_plan(22, source=Source.SELF, urgency=Urgency.ROUTINE, topics=[Topic.FAMILY], want=demo_peer)
        plan.preferred_times = "after 5 pm"
        plan.offered_at = self.ago(3)
        self.carry_out(plan, stop="offered", want=demo_peer)

        # 4. Offered to another peer: a supervisor told the team about an injured colleague.
        plan = self.live_plan(
            7, source=Source.REFERRAL, urgency=Urgency.SOON, referral_reason=ReferralReason.ILLNESS_INJURY
        )
        plan.offered_at = self.ago(5)
        self.carry_out(plan, stop="offered", want=self.pick([p for p in self.ranked(plan) if p in others]))

        # 5. The demo peer's active request: one talk eight days ago, a check-in due today.
        plan = self.live_plan(24 * 9, source=Source.SELF, urgency=Urgency.ROUTINE, topics=[Topic.GRIEF], want=demo_peer)
        plan.phone = "555-0142"
        plan.offered_at, plan.answered_at = plan.created_at + 3 * hour, plan.created_at + 5 * hour
        self.live_contacts(plan, [(8, 12.5, ResponseType.POST_CRISIS, 45)])
        plan.contacts[-1].next_check_in = self.today
        self.carry_out(plan, stop="active", want=demo_peer)

        # 6. Active, talked again today, next check-in in a few days.
        plan = self.live_plan(
            24 * 3, source=Source.SELF, urgency=Urgency.SOON, topics=[Topic.WORK_STRESS, Topic.CAREER]
        )
        plan.offered_at, plan.answered_at = plan.created_at + hour, plan.created_at + 2 * hour
        self.live_contacts(plan, [(3, 15, ResponseType.POST_CRISIS, 30), (0, 0.25, ResponseType.ONGOING, 40)])
        plan.contacts[0].next_check_in, plan.contacts[0].check_in_done_at = self.today, plan.contacts[1].at
        plan.contacts[-1].next_check_in = self.today + datetime.timedelta(days=4)
        self.carry_out(plan, stop="active", want=self.pick([p for p in self.ranked(plan) if p in others]))

        # 7. Active with an overdue check-in (the team leader's queue counts it, without names).
        plan = self.live_plan(
            24 * 16, source=Source.REFERRAL, urgency=Urgency.ROUTINE, referral_reason=ReferralReason.FAMILY_TRAGEDY
        )
        plan.offered_at, plan.answered_at = plan.created_at + 2 * hour, plan.created_at + 20 * hour
        self.live_contacts(plan, [(15, 11, ResponseType.POST_CRISIS, 55), (9, 16.5, ResponseType.FAMILY_SUPPORT, 35)])
        plan.contacts[0].next_check_in, plan.contacts[0].check_in_done_at = self.days_ago(9), plan.contacts[1].at
        plan.contacts[-1].next_check_in = self.days_ago(2)
        plan.contacts[-1].referrals = [Referral.EAP]
        self.carry_out(plan, stop="active", want=self.pick([p for p in self.ranked(plan) if p in others]))

        # 8. Urgent two days ago, answered by an on-call peer within the hour.
        plan = self.live_plan(
            48 + rng.randint(2, 6), source=Source.SELF, urgency=Urgency.URGENT, topics=[Topic.FAMILY, Topic.GRIEF]
        )
        plan.phone = "555-0187"
        plan.offered_at = plan.created_at + datetime.timedelta(minutes=9)
        plan.answered_at = plan.created_at + datetime.timedelta(minutes=16)
        first = plan.created_at + datetime.timedelta(minutes=40)
        again = min(first + 20 * hour, self.ago(1))
        plan.contacts = [
            _ContactPlan(
                day=self.day_of(first),
                at=first,
                minutes=55,
                mode=ContactMode.PHONE,
                response_type=ResponseType.POST_CRISIS,
                topics=plan.topics,
                referrals=[Referral.EAP],
                next_check_in=self.day_of(again),
                check_in_done_at=again,
            ),
            _ContactPlan(
                day=self.day_of(again),
                at=again,
                minutes=60,
                mode=ContactMode.IN_PERSON,
                response_type=ResponseType.ONGOING,
                topics=plan.topics,
                next_check_in=self.today + datetime.timedelta(days=2),
            ),
        ]
        ranked = [p for p in self.ranked(plan) if p in others]
        on_call = [p for p in ranked if p.profile.on_call]
        self.carry_out(plan, stop="active", want=(on_call or ranked)[0])

    def build_staff_history(self) -> None:
        """The printed staff account's own request (closed two weeks ago: not yet shredded, so it
        is still under "My requests") is part of the history, as an event of its own."""
        created = self.at(self.days_ago(38), 12.5)

        def ask() -> None:
            staff = self.user_of[self.accounts.staff]
            plan = _Plan(
                created_at=created,
                person=staff.person,
                source=Source.SELF,
                urgency=Urgency.ROUTINE,
                topics=[Topic.WORK_STRESS],
                preferred_times="lunchtime",
            )
            self.plan_workflow(plan, last_day=self.days_ago(15))
            assert plan.close_at is not None
            plan.close_at = max(plan.close_at, self.at(self.days_ago(20), 16))  # within retention
            self.carry_out(plan)

        self.events.add(created, ask)

    def run(self) -> None:
        self.build_documents()
        self.build_team()
        self.build_history()
        self.build_staff_history()
        self.events.run()
        self.shred_expired()
        self.build_today()


@transaction.atomic
def build_demo_support(*, seed: int = 2026, today: Date | None = None) -> DemoSupportSummary:
    """Fill the demo agency (``build_demo_agency`` first) with a year of its peer support program."""
    year = _Year(seed=seed, today=today or timezone.localdate())
    with mail.quiet():  # the demo's past must not e-mail anyone
        year.run()
    summary = support_summary()
    assert summary is not None
    return summary
