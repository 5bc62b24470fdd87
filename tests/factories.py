"""Factories for bulk data, and the fixed cast every view test uses."""

from __future__ import annotations

import time
from dataclasses import dataclass

import factory
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value

from sidebar.accounts.models import User
from sidebar.accounts.roles import Role
from sidebar.accounts.services import set_roles
from sidebar.org.models import Agency, Person, RankTier, Unit

CAST_PASSWORD = "correct horse battery staple 42"


class RankTierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RankTier
        django_get_or_create = ("level",)

    name = factory.LazyAttribute(lambda o: ["Line staff", "Supervisor", "Manager", "Executive"][o.level])
    level = 0


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    name = factory.Sequence(lambda n: f"Unit {n}")
    kind = Unit.Kind.UNIT


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    full_name = factory.Sequence(lambda n: f"Person {n}")
    work_email = factory.Sequence(lambda n: f"person{n}@example.gov")
    title = "Deputy District Attorney"
    unit = factory.SubFactory(UnitFactory)
    rank_tier = factory.SubFactory(RankTierFactory)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.gov")

    @factory.post_generation
    def password(self, create: bool, extracted: str | None, **kwargs: object) -> None:
        if extracted:
            self.set_password(extracted)
        else:
            self.set_unusable_password()
        if create:
            self.save(update_fields=["password"])


def make_account(email: str, *roles: Role, password: str | None = None, unit: Unit | None = None) -> User:
    user = UserFactory(email=email, password=password)
    PersonFactory(full_name=email.split("@")[0].replace(".", " ").title(), work_email=email, user=user, unit=unit)
    set_roles(user=user, roles=roles, by=None)
    return user


def activate_totp(user: User) -> str:
    """Give ``user`` an authenticator app and recovery codes, as activating it on the page does;
    returns the secret so a test can compute codes."""
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    RecoveryCodes.activate(user)
    return secret


def totp_code(secret: str, *, offset: int = 0) -> str:
    """The code an authenticator app would show now (``offset`` periods away)."""
    counter = int(time.time()) // mfa_settings.TOTP_PERIOD
    return format_hotp_value(hotp_value(secret, counter + offset))


@dataclass
class Cast:
    staff: User
    peer: User
    team_leader: User
    clinical_advisor: User
    program_admin: User
    leadership: User
    outsider: User

    def by_role(self) -> dict[str, User]:
        return {
            "staff": self.staff,
            "peer": self.peer,
            "team_leader": self.team_leader,
            "clinical_advisor": self.clinical_advisor,
            "program_admin": self.program_admin,
            "leadership": self.leadership,
        }


def make_cast(*, password: str | None = None) -> Cast:
    Agency.objects.get_or_create(
        name="Test County District Attorney", defaults={"crisis_line": "988", "eap_phone": "555-0100"}
    )
    unit = UnitFactory(name="Cast unit")
    return Cast(
        staff=make_account("staff@example.gov", password=password, unit=unit),
        peer=make_account("peer@example.gov", Role.PEER, password=password, unit=unit),
        team_leader=make_account("leader@example.gov", Role.TEAM_LEADER, password=password, unit=unit),
        clinical_advisor=make_account("clinician@example.gov", Role.CLINICAL_ADVISOR, password=password, unit=unit),
        program_admin=make_account("admin@example.gov", Role.PROGRAM_ADMIN, password=password, unit=unit),
        leadership=make_account("chief@example.gov", Role.LEADERSHIP, password=password, unit=unit),
        outsider=make_account("outsider@example.gov", password=password),
    )


# --- the team and the support workflow ---------------------------------------------------------


def publish_agreement(by: User | None = None, version: int | None = None):  # type: ignore[no-untyped-def]
    """Publish (a new version of) the team confidentiality agreement."""
    from sidebar.safeguards.models import PolicyDocument

    latest = PolicyDocument.objects.filter(kind=PolicyDocument.Kind.TEAM_AGREEMENT).order_by("-version").first()
    return PolicyDocument.objects.create(
        kind=PolicyDocument.Kind.TEAM_AGREEMENT,
        version=version or (latest.version + 1 if latest else 1),
        title="Team confidentiality agreement",
        body="I keep what I hear in confidence, except as the policy says.",
        published_by=by,
    )


def sign_current_agreement(user: User) -> None:
    from sidebar.safeguards.models import Signature
    from sidebar.safeguards.selectors import current_document

    document = current_document("team_agreement") or publish_agreement()
    Signature.objects.get_or_create(document=document, user=user)


def make_peer(user: User, **fields: object):  # type: ignore[no-untyped-def]
    """An active, trained peer who signed the current agreement (override any of that)."""
    import datetime

    from sidebar.team.models import PeerProfile

    signed = fields.pop("signed", True)
    defaults = {
        "status": PeerProfile.Status.ACTIVE,
        "basic_training_completed_on": datetime.date(2026, 1, 15),
        "level": PeerProfile.Level.PEER,
    }
    defaults.update(fields)
    profile, _ = PeerProfile.objects.update_or_create(person=user.person, defaults=defaults)
    if signed:
        sign_current_agreement(user)
    return profile


def ask_as(user: User, **fields: object):  # type: ignore[no-untyped-def]
    """A request submitted by ``user`` for themself."""
    from sidebar.support import services

    values = {"urgency": "routine", "kind": "post_crisis", "topics": ["work_stress"], "phone": "555-0123"}
    values.update(fields)
    return services.ask_for_myself(user=user, person=user.person, **values)
