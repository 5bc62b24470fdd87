"""Deny by default, proved: every URL pattern × every role (and anonymous) has an expected
outcome here. A new URL without an entry, or without sample arguments, fails this test."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from sidebar.accounts.roles import Role
from tests.factories import CAST_PASSWORD, activate_totp, make_account, make_cast

pytestmark = pytest.mark.django_db

OK, LOGIN, MFA, FORBIDDEN, NOT_FOUND = "ok", "login", "mfa", "403", "404"
ROLES = ("anonymous", "staff", "peer", "team_leader", "clinical_advisor", "program_admin", "leadership")
# A privileged account that has not set up two-factor sign-in yet.
NO_MFA = "leader_without_mfa"
COLUMNS = (*ROLES, NO_MFA)


def everyone(outcome: str = OK) -> dict[str, str]:
    return dict.fromkeys(COLUMNS, outcome)


def signed_in(*, before_mfa: bool = False) -> dict[str, str]:
    return {**everyone(), "anonymous": LOGIN, NO_MFA: OK if before_mfa else MFA}


def admin_only(signed_in_outcome: str = OK) -> dict[str, str]:
    return {
        **everyone(FORBIDDEN),
        "anonymous": LOGIN,
        NO_MFA: MFA,
        "program_admin": signed_in_outcome,
    }


def only(*roles: str, outcome: str = OK) -> dict[str, str]:
    return {**everyone(FORBIDDEN), "anonymous": LOGIN, NO_MFA: MFA, **dict.fromkeys(roles, outcome)}


CLOSED = everyone(NOT_FOUND)

EXPECTED: dict[str, dict[str, str]] = {
    "home": signed_in(),
    "need_to_talk": everyone(),
    "health": everyone(),
    "privacy": everyone(),
    "audit:events": only("program_admin", "clinical_advisor"),
    "audit:verify": only("program_admin", "clinical_advisor", outcome=OK),  # GET: 405 Method Not Allowed
    "account_login": everyone(),
    "account_logout": signed_in(before_mfa=True),
    "account_inactive": everyone(),
    "account_reset_password": everyone(),
    "account_reset_password_done": everyone(),
    "account_reset_password_from_key": everyone(),
    "account_reset_password_from_key_done": everyone(),
    "account_change_password": signed_in(),
    "account_reauthenticate": signed_in(before_mfa=True),
    # the second step of signing in: without a pending sign-in allauth sends people to the first
    "mfa_authenticate": {**everyone(), "anonymous": LOGIN},
    "mfa_reauthenticate": signed_in(before_mfa=True),
    "mfa_index": signed_in(before_mfa=True),
    "mfa_activate_totp": signed_in(before_mfa=True),
    # allauth answers 404 to someone who has no recovery codes (no two-factor set up yet)
    "mfa_view_recovery_codes": {**signed_in(before_mfa=True), "staff": NOT_FOUND, NO_MFA: NOT_FOUND},
    "mfa_generate_recovery_codes": signed_in(before_mfa=True),
    "mfa_download_recovery_codes": {**signed_in(before_mfa=True), "staff": NOT_FOUND, NO_MFA: NOT_FOUND},
    # --- support requests (sidebar/support/urls.py) ---
    "support:ask": signed_in(),
    "support:refer": signed_in(),
    "support:my_requests": signed_in(),
    "support:queue": only("team_leader"),
    # object pages with an id nobody can see: 404 for the roles that may open such pages
    "support:triage": only("team_leader", outcome=NOT_FOUND),
    "support:close": only("peer", "team_leader", outcome=OK),  # GET: 405
    "support:my_assignments": only("peer"),
    "support:assignment": only("peer", outcome=NOT_FOUND),
    "support:answer": only("peer", outcome=OK),  # GET: 405
    "support:log_contact": only("peer", outcome=OK),  # GET: 405
    "support:check_in_done": only("peer", outcome=OK),  # GET: 405
    # --- the team (sidebar/team/urls.py) ---
    "team:directory": signed_in(),
    "team:me": only("peer"),  # the cast's peer has no profile yet: a page that says so
    "team:roster": only("team_leader"),
    "team:peer": only("team_leader", outcome=NOT_FOUND),
    "team:set_on_call": only("team_leader", outcome=OK),  # GET: 405
    "team:change_status": only("team_leader", outcome=OK),  # GET: 405
    "team:clear_flag": only("team_leader", outcome=OK),  # GET: 405
    # --- recruitment (sidebar/recruitment/urls.py) ---
    # --- training (sidebar/training/urls.py) ---
    # --- critical incidents (sidebar/incidents/urls.py) ---
    # --- anonymous tickets (sidebar/support/ticket_urls.py) ---
    # public: the person has no account (signed-in visitors see the pages, but cannot open a ticket)
    "tickets:new": everyone(),
    "tickets:open": everyone(),
    "tickets:conversation": everyone(),  # no ticket in the session: a redirect to tickets:open
    "tickets:close": everyone(),  # GET: 405
    "tickets:leave": everyone(),  # GET: 405
    "tickets:closed": everyone(),
    "tickets:peer_reply": only("peer", outcome=OK),  # GET: 405; a POST for another's assignment: 404
    # --- program statistics (sidebar/reports/urls.py) ---
    "reports:dashboard": only("leadership"),
    "reports:print": only("leadership"),
    "reports:export_csv": only("leadership"),
    "reports:export_pdf": only("leadership"),
    "reports:team": only("team_leader"),
    # --- policy documents and confidentiality exceptions (sidebar/safeguards/urls.py) ---
    "safeguards:documents": signed_in(),
    "safeguards:document": signed_in(),
    "safeguards:publish": only("team_leader", "program_admin"),
    "safeguards:sign": only("peer"),
    # never the program administrator or leadership; object pages answer 404 for an unknown id
    "safeguards:exceptions": only("peer", "team_leader", "clinical_advisor"),
    "safeguards:raise": only("peer", "team_leader", outcome=NOT_FOUND),
    "safeguards:exception": only("peer", "team_leader", "clinical_advisor", outcome=NOT_FOUND),
    "safeguards:advise": only("clinical_advisor", outcome=NOT_FOUND),
    "safeguards:decide": only("team_leader", outcome=NOT_FOUND),
    "safeguards:disclose": only("team_leader", outcome=NOT_FOUND),
    "safeguards:note": only("team_leader", "clinical_advisor", outcome=NOT_FOUND),
    # closed: no self sign-up, no e-mail changes, no switching two-factor off
    "account_signup": CLOSED,
    "account_email": CLOSED,
    "account_email_verification_sent": CLOSED,
    "account_confirm_email": CLOSED,
    "account_set_password": CLOSED,
    "account_confirm_login_code": CLOSED,
    "mfa_deactivate_totp": CLOSED,
    # Django admin: the program administrator's screens
    "admin:index": admin_only(),
    "admin:login": admin_only(),
    "admin:logout": admin_only(),
    "admin:password_change": admin_only(),
    "admin:password_change_done": admin_only(),
    "admin:autocomplete": admin_only(signed_in_outcome=FORBIDDEN),  # needs valid query parameters
    "admin:jsi18n": admin_only(),
    "admin:view_on_site": CLOSED,
    "admin:app_list": admin_only(),
    "admin/(?P<url>.*)$": admin_only(signed_in_outcome=NOT_FOUND),  # admin's catch-all
}
ADMIN_MODELS = ("accounts_user", "org_agency", "org_ranktier", "org_unit", "org_person", "mfa_authenticator")
for _model in ADMIN_MODELS:
    _app, _, _name = _model.partition("_")
    for _suffix in ("changelist", "add", "history", "delete", "change"):
        EXPECTED[f"admin:{_model}_{_suffix}"] = admin_only()
    EXPECTED[f"admin/{_app}/{_name}/<path:object_id>/"] = admin_only()  # legacy redirect to change
# one agency, never deleted; an authenticator is set up by its owner, never by the administrator
for _name in ("admin:org_agency_add", "admin:org_agency_delete", "admin:mfa_authenticator_add"):
    EXPECTED[_name] = admin_only(signed_in_outcome=FORBIDDEN)

# Arguments to reverse a named pattern with, or a literal path for an unnamed one.
SAMPLE_OBJECT = str(uuid.uuid4())
SAMPLES: dict[str, dict[str, str] | str] = {
    "account_confirm_email": {"key": "abc"},
    "account_reset_password_from_key": {"uidb36": "1", "key": "set-password"},
    "admin:view_on_site": {"content_type_id": "1", "object_id": "1"},
    "admin:app_list": {"app_label": "org"},
    "admin/(?P<url>.*)$": "/admin/no-such-page/",
    "tickets:peer_reply": {"assignment_id": SAMPLE_OBJECT},
    "support:triage": {"request_id": SAMPLE_OBJECT},
    "support:close": {"request_id": SAMPLE_OBJECT},
    "support:assignment": {"assignment_id": SAMPLE_OBJECT},
    "support:answer": {"assignment_id": SAMPLE_OBJECT},
    "support:log_contact": {"assignment_id": SAMPLE_OBJECT},
    "support:check_in_done": {"check_in_id": SAMPLE_OBJECT},
    "team:peer": {"peer_id": SAMPLE_OBJECT},
    "team:set_on_call": {"peer_id": SAMPLE_OBJECT},
    "team:change_status": {"peer_id": SAMPLE_OBJECT},
    "team:clear_flag": {"peer_id": SAMPLE_OBJECT},
    # --- recruitment samples ---
    # --- training samples ---
    # --- critical incident samples ---
    "safeguards:document": {"kind": "team_agreement"},
    "safeguards:publish": {"kind": "team_agreement"},
    "safeguards:raise": {"request_id": SAMPLE_OBJECT},
    "safeguards:exception": {"pk": SAMPLE_OBJECT},
    "safeguards:advise": {"pk": SAMPLE_OBJECT},
    "safeguards:decide": {"pk": SAMPLE_OBJECT},
    "safeguards:disclose": {"pk": SAMPLE_OBJECT},
    "safeguards:note": {"pk": SAMPLE_OBJECT},
}
for _model in ADMIN_MODELS:
    _app, _, _name = _model.partition("_")
    for _suffix in ("history", "delete", "change"):
        SAMPLES[f"admin:{_model}_{_suffix}"] = {"object_id": SAMPLE_OBJECT}
    SAMPLES[f"admin/{_app}/{_name}/<path:object_id>/"] = f"/admin/{_app}/{_name}/{SAMPLE_OBJECT}/"


def _patterns(resolver: URLResolver, namespace: str = "", prefix: str = "") -> Iterator[tuple[str, URLPattern]]:
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _patterns(pattern, inner, route)
        else:
            # Named patterns are known by name; unnamed ones by their route.
            yield (f"{namespace}{pattern.name}" if pattern.name else route), pattern


ALL_PATTERNS = dict(_patterns(get_resolver()))


def _url(key: str, pattern: URLPattern) -> str:
    sample = SAMPLES.get(key)
    if isinstance(sample, str):
        return sample
    if sample is None and pattern.pattern.regex.groups:
        pytest.fail(f"URL pattern {key!r} takes arguments: add a sample to SAMPLES")
    return reverse(key, kwargs=sample or None)


def _outcome(response) -> str:  # type: ignore[no-untyped-def]
    if response.status_code in (301, 302):
        location = response["Location"]
        if location.startswith(reverse("account_login")):
            return LOGIN
        if location.startswith(reverse("mfa_activate_totp")):
            return MFA
        return OK
    if response.status_code in (403, 404):
        return str(response.status_code)
    return OK


def test_every_url_pattern_has_an_expected_outcome_and_a_sample():
    missing = sorted(set(ALL_PATTERNS) - set(EXPECTED))
    stale = sorted(set(EXPECTED) - set(ALL_PATTERNS))
    assert not missing, f"URL patterns without an entry in EXPECTED: {missing}"
    assert not stale, f"EXPECTED lists URLs that no longer exist: {stale}"


@pytest.fixture
def clients(db, settings):  # type: ignore[no-untyped-def]
    """A signed-in client per column. Accounts have real passwords (allauth's re-authentication
    pages need one); a fast hasher keeps 70 set-ups quick — hashing is not under test here."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    cast = make_cast(password=CAST_PASSWORD)
    users = cast.by_role()
    for role, user in users.items():
        if role != "staff":
            activate_totp(user)
    leader_without_mfa = make_account("new.leader@example.gov", Role.TEAM_LEADER, password=CAST_PASSWORD)
    result = {"anonymous": Client()}
    for role, user in {**users, NO_MFA: leader_without_mfa}.items():
        client = Client()
        client.force_login(user)
        result[role] = client
    return result


@pytest.mark.parametrize("key", sorted(EXPECTED))
def test_url_outcome_for_every_role(key, clients):
    if key not in ALL_PATTERNS:
        pytest.skip("reported by test_every_url_pattern_has_an_expected_outcome_and_a_sample")
    url = _url(key, ALL_PATTERNS[key])
    actual = {column: _outcome(clients[column].get(url)) for column in COLUMNS}
    assert actual == EXPECTED[key], f"{url}: expected {EXPECTED[key]}, got {actual}"
