"""How many sign-in attempts Sidebar takes, and from whom (issue 13, section 2).

Every office reaches Sidebar from one address (its NAT or proxy): at 8 a.m. hundreds of people
sign in from it within minutes, so a limit per address alone either turns the office away or is
too loose to stop guessing. Guessing is stopped where it aims, at an account:

- wrong passwords for one account from one address: ``PER_ACCOUNT_AT_ADDRESS`` per window;
- wrong passwords for one account from all addresses together: ``PER_ACCOUNT`` per hour, so that
  guessing spread over many addresses is stopped too;
- and only against floods far above any office's rush, per address: ``PER_ADDRESS_FAILED`` wrong
  passwords (any account) and ``settings.SIDEBAR_SIGN_IN_PER_ADDRESS`` attempts of any kind.

A wrong password takes a unit of the account's limits before the password is checked, so of
any number of simultaneous guesses exactly the limit are checked; the right password gives its
units back. Counters live in the database every worker and host shares (sidebar/throttle).
An unknown address is counted like an account, so the answers say nothing about who has one.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from allauth.core.internal.ratelimit import get_ip  # pinned allauth: trusted proxies, IPv6 /64
from django.conf import settings
from django.http import HttpRequest

from sidebar.throttle import counters


@dataclass(frozen=True)
class Limit:
    purpose: str
    amount: int
    window: datetime.timedelta
    given_back_on_success: bool


WINDOW = datetime.timedelta(minutes=15)
PER_ACCOUNT_AT_ADDRESS = Limit("sign-in.account-address", 10, WINDOW, given_back_on_success=True)
PER_ACCOUNT = Limit("sign-in.account", 30, datetime.timedelta(hours=1), given_back_on_success=True)
PER_ADDRESS_FAILED = Limit("sign-in.address-failed", 300, datetime.timedelta(minutes=10), given_back_on_success=True)


def per_address() -> Limit:
    return Limit("sign-in.address", settings.SIDEBAR_SIGN_IN_PER_ADDRESS, datetime.timedelta(minutes=10), False)


@dataclass
class Attempt:
    """The units one sign-in attempt took; ``succeeded`` gives back those a right password
    does not use up."""

    taken: list[tuple[Limit, bytes]]

    def succeeded(self) -> None:
        for limit, key in self.taken:
            if limit.given_back_on_success:
                counters.give_back(key)


def begin(request: HttpRequest, *, login: str) -> Attempt | None:
    """Take a unit of every limit for this attempt, or None (nothing kept) if one is used up."""
    address = get_ip(request)
    account = login.strip().lower()
    wanted = [
        (per_address(), address),
        (PER_ACCOUNT_AT_ADDRESS, f"{account}\n{address}"),
        (PER_ACCOUNT, account),
        (PER_ADDRESS_FAILED, address),
    ]
    taken: list[tuple[Limit, bytes]] = []
    for limit, value in wanted:
        key = counters.counter_key(limit.purpose, value)
        if not counters.take(key, limit=limit.amount, window=limit.window):
            # the flood ceiling keeps the refused attempt; the account limits give theirs back,
            # so refusals do not push an account's lock further out
            for earlier, earlier_key in taken:
                if earlier.given_back_on_success:
                    counters.give_back(earlier_key)
            return None
        taken.append((limit, key))
    return Attempt(taken)
