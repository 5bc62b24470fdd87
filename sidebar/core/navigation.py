"""The navigation bar: each role sees exactly the links policy lets it open.

On a phone seventeen links filled the first screen. The bar now shows a handful first: the
entries each of the person's roles uses most, taken in turns in role order (a team leader's
queue first, then a peer's assignments, ...), and "Ask for support" for everyone. The rest sit
behind a "More" disclosure (a ``<details>`` element: no JavaScript needed).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import reverse

from sidebar import policy
from sidebar.accounts.roles import Role


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str

    @property
    def url(self) -> str:
        return reverse(self.url_name)


NAV_ITEMS: tuple[NavItem, ...] = (
    NavItem("Home", "home"),
    NavItem("Ask for support", "support:ask"),
    NavItem("My requests", "support:my_requests"),
    NavItem("Find a peer supporter", "team:directory"),
    NavItem("Join the team", "recruitment:join"),
    NavItem("My assignments", "support:my_assignments"),
    NavItem("My peer profile", "team:me"),
    NavItem("Request queue", "support:queue"),
    NavItem("Program statistics", "reports:dashboard"),
    NavItem("Team statistics", "reports:team"),
    NavItem("Team roster", "team:roster"),
    NavItem("Recruitment", "recruitment:manage"),
    NavItem("Interview panel", "recruitment:panel"),
    NavItem("Training", "training:index"),
    NavItem("Critical incidents", "incidents:list"),
    NavItem("Accounts", "setup:accounts"),
    NavItem("Staff roster", "setup:roster"),
    NavItem("Invitations", "setup:invitations"),
    NavItem("Pending changes", "setup:pending_changes"),  # issue 16 section 3: the two-person rule
    NavItem("Agency settings", "setup:agency"),
    NavItem("Units", "setup:units"),
    NavItem("Agency set-up", "admin:index"),
    NavItem("Audit log", "audit:events"),
    NavItem("Debriefs", "support:debriefs"),
    NavItem("Exceptions", "safeguards:exceptions"),
    NavItem("Policies", "safeguards:documents"),
    NavItem("Account security", "mfa_index"),
)

# The entries each role uses most, most used first. Roles are listed in the order their
# entries come: the work of the more responsible role first, the staff member's own last.
FIRST_FOR_ROLE: dict[Role, tuple[str, ...]] = {
    Role.TEAM_LEADER: ("support:queue", "team:roster", "incidents:list", "training:index", "recruitment:manage"),
    Role.CLINICAL_ADVISOR: ("safeguards:exceptions", "support:debriefs", "audit:events"),
    Role.PROGRAM_ADMIN: ("setup:accounts", "setup:roster", "setup:agency", "setup:invitations", "audit:events"),
    Role.LEADERSHIP: ("reports:dashboard",),
    Role.PEER: ("support:my_assignments", "training:index", "team:me", "recruitment:panel"),
    Role.STAFF: ("support:ask", "team:directory", "support:my_requests", "recruitment:join"),
}
HOME = "home"
ALWAYS_FIRST = "support:ask"  # the reason Sidebar exists: one tap away for everyone
HANDFUL = 5  # entries shown besides Home


@dataclass(frozen=True)
class Navigation:
    """What the bar shows: ``first`` always, ``more`` behind the disclosure."""

    first: tuple[NavItem, ...]
    more: tuple[NavItem, ...]

    def __iter__(self) -> Iterator[NavItem]:
        yield from self.first
        yield from self.more

    def __len__(self) -> int:
        return len(self.first) + len(self.more)


def _allowed(request: HttpRequest) -> list[NavItem]:
    items = []
    for item in NAV_ITEMS:
        rule = policy.rule_for(item.url_name)
        if rule is not None and not rule.public and rule.allows(request.user):
            items.append(item)
    return items


def _first_names(roles: frozenset[Role], allowed: set[str]) -> list[str]:
    """Up to HANDFUL names: each role's favourites in turn, in role order, and always the ask.

    A plain staff member's favourites lead with the ask; someone who also holds a role gets
    that role's work first and the ask after it (the rest of a staff member's links under
    "More")."""
    ranked = [role for role in FIRST_FOR_ROLE if role in roles and role is not Role.STAFF] or [Role.STAFF]
    queues = [[name for name in FIRST_FOR_ROLE[role] if name in allowed] for role in ranked]
    slots = HANDFUL - (ALWAYS_FIRST in allowed)
    chosen: list[str] = []
    while len(chosen) < slots and any(queues):
        for queue in queues:
            while queue and queue[0] in chosen:
                queue.pop(0)
            if queue and len(chosen) < slots:
                chosen.append(queue.pop(0))
    if ALWAYS_FIRST in allowed and ALWAYS_FIRST not in chosen:
        chosen.append(ALWAYS_FIRST)
    return chosen


def nav_for(request: HttpRequest) -> Navigation:
    allowed = _allowed(request)
    by_name = {item.url_name: item for item in allowed}
    first_names = _first_names(policy.roles_of(request.user), set(by_name))
    first = [by_name[HOME]] if HOME in by_name else []
    first += [by_name[name] for name in first_names]
    more = [item for item in allowed if item not in first]
    if len(more) == 1:  # a disclosure hiding one link costs a tap and saves nothing
        first, more = first + more, []
    return Navigation(first=tuple(first), more=tuple(more))
