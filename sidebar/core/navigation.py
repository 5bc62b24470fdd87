"""The navigation bar: each role sees exactly the links policy lets it open."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import reverse

from sidebar import policy


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
    NavItem("Agency set-up", "admin:index"),
    NavItem("Audit log", "audit:events"),
    NavItem("Debriefs", "support:debriefs"),
    NavItem("Exceptions", "safeguards:exceptions"),
    NavItem("Policies", "safeguards:documents"),
    NavItem("Account security", "mfa_index"),
)


def nav_for(request: HttpRequest) -> list[NavItem]:
    items = []
    for item in NAV_ITEMS:
        rule = policy.rule_for(item.url_name)
        if rule is not None and not rule.public and rule.allows(request.user):
            items.append(item)
    return items
