"""The roles of ../shared/DESIGN.md. A person may hold several; every account is staff."""

from __future__ import annotations

from django.db import models


class Role(models.TextChoices):
    STAFF = "staff", "Staff member"
    PEER = "peer", "Peer supporter"
    TEAM_LEADER = "team_leader", "Team leader"
    CLINICAL_ADVISOR = "clinical_advisor", "Clinical advisor"
    PROGRAM_ADMIN = "program_admin", "Program administrator"
    LEADERSHIP = "leadership", "Leadership"


# Everyone but plain staff sees more than their own records, so must sign in with TOTP.
PRIVILEGED_ROLES: frozenset[Role] = frozenset(set(Role) - {Role.STAFF})

# Roles stored as memberships; staff is implied by having an active account.
GRANTABLE_ROLES: tuple[Role, ...] = tuple(role for role in Role if role is not Role.STAFF)

# --- task: two-person rule (issue 16 section 3) ---
# Roles that read requests, identities or exceptions — or confirm grants of such roles, so that
# one administrator cannot make a second administrator and confirm with it. A grant takes effect
# only when a second person confirms (sidebar.accounts.two_person). Leadership reads statistics
# only; its grant is immediate.
TWO_PERSON_ROLES: frozenset[Role] = frozenset({Role.PEER, Role.TEAM_LEADER, Role.CLINICAL_ADVISOR, Role.PROGRAM_ADMIN})
# Who may be the second person: another program administrator, or the clinical advisor.
CONFIRMING_ROLES: frozenset[Role] = frozenset({Role.PROGRAM_ADMIN, Role.CLINICAL_ADVISOR})
# --- end task ---


# What each role does and never sees, in the words of ../shared/DESIGN.md. The privacy page
# shows exactly this, so the page and the code cannot drift apart. Each "never" is what the
# scopes of sidebar/policy.py enforce (issue 16, section 1: no sentence here promises more).
ROLE_SCOPE: dict[Role, tuple[str, str]] = {
    Role.STAFF: (
        "ask for support for themselves (named or anonymously), refer a colleague, find a peer supporter; "
        "under My requests, withdraw their own request or have their details deleted at once",
        "anything about anyone else's requests",
    ),
    Role.PEER: (
        "accept or decline the requests offered to them, record contacts as numbers only, plan check-ins, "
        "raise a confidentiality exception",
        "requests that are not offered or assigned to them, and who asked until they accept; "
        "access ends when they leave the team",
    ),
    Role.TEAM_LEADER: (
        "triage requests and offer them to peer supporters, decide on confidentiality exceptions, "
        "run the team, its training and events",
        "what was said (nothing is stored); an exception once it is decided, and its disclosure, "
        "unless they raised or decided it",
    ),
    Role.CLINICAL_ADVISOR: (
        "advise on confidentiality exceptions before the team leader decides, see which peers ask them "
        "for a debrief, confirm role grants as the second person, review the audit log "
        "(privileged accounts by name, everything else by id)",
        "who asked for support, except a peer who asks them for a debrief; an exception another advisor advised on",
    ),
    Role.PROGRAM_ADMIN: (
        "set up the agency, units, staff records and accounts; ask for roles to be granted, which a second "
        "person confirms for every role that reads requests; review the audit log",
        "who asked for support, the contact details of anyone supported, any exception",
    ),
    Role.LEADERSHIP: (
        "program statistics, by month or longer, with small numbers hidden",
        "any individual, and any count below the suppression threshold",
    ),
}
