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
    "account_sign_out_elsewhere": signed_in(),  # issue 17
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
    # --- task: issue 17 passkeys (V6.3.3) ---
    "mfa_login_webauthn": {**everyone(), "anonymous": LOGIN},  # a GET without JSON goes back to sign-in
    "mfa_reauthenticate_webauthn": signed_in(before_mfa=True),
    "mfa_add_webauthn": signed_in(),
    "mfa_list_webauthn": signed_in(),
    "mfa_edit_webauthn": signed_in(),
    "mfa_remove_webauthn": signed_in(),
    # --- end task ---
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
    "support:debrief": only("peer"),
    "support:debriefs": only("clinical_advisor"),
    "support:debrief_done": only("clinical_advisor", outcome=OK),  # GET: 405
    # --- the team (sidebar/team/urls.py) ---
    "team:directory": signed_in(),
    "team:me": only("peer"),  # the cast's peer has no profile yet: a page that says so
    "team:photo": {**everyone(NOT_FOUND), "anonymous": LOGIN, NO_MFA: MFA},  # any signed-in user; unknown id
    "team:step_down": only("peer", outcome=OK),  # GET: 405
    "team:roster": only("team_leader"),
    "team:peer": only("team_leader", outcome=NOT_FOUND),
    "team:set_on_call": only("team_leader", outcome=OK),  # GET: 405
    "team:change_status": only("team_leader", outcome=OK),  # GET: 405
    "team:clear_flag": only("team_leader", outcome=OK),  # GET: 405
    "team:rota": only("team_leader"),
    "team:rota_remove": only("team_leader", outcome=OK),  # GET: 405
    # --- recruitment (sidebar/recruitment/urls.py) ---
    "recruitment:join": signed_in(),
    "recruitment:round": {**everyone(NOT_FOUND), "anonymous": LOGIN, NO_MFA: MFA},
    "recruitment:nominate": {**everyone(NOT_FOUND), "anonymous": LOGIN, NO_MFA: MFA},
    "recruitment:apply": {**everyone(NOT_FOUND), "anonymous": LOGIN, NO_MFA: MFA},
    "recruitment:decline": signed_in(),  # GET: 405
    "recruitment:manage": only("team_leader"),
    "recruitment:new_round": only("team_leader"),
    "recruitment:manage_round": only("team_leader", outcome=NOT_FOUND),
    "recruitment:edit_round": only("team_leader", outcome=NOT_FOUND),
    "recruitment:announce": only("team_leader", outcome=OK),  # GET: 405
    "recruitment:set_panel": only("team_leader", outcome=OK),  # GET: 405
    "recruitment:application": only("team_leader", outcome=NOT_FOUND),
    "recruitment:move": only("team_leader", outcome=OK),  # GET: 405
    "recruitment:decide": only("team_leader", outcome=OK),  # GET: 405
    "recruitment:onboarding": only("team_leader"),
    "recruitment:add_existing": only("team_leader"),
    "recruitment:activate": only("team_leader", outcome=OK),  # GET: 405
    "recruitment:panel": only("peer", "team_leader", "clinical_advisor"),
    "recruitment:score": only("peer", "team_leader", "clinical_advisor", outcome=NOT_FOUND),
    # --- training (sidebar/training/urls.py) ---
    "training:index": only("peer", "team_leader"),  # a peer is sent on to their own record
    "training:my_record": only("peer"),  # the cast's peer has no profile yet: a page that says so
    "training:record": only("peer", "team_leader", outcome=NOT_FOUND),  # a peer's scope: their own only
    "training:compliance": only("team_leader"),
    "training:courses": only("team_leader"),
    "training:course_new": only("team_leader"),
    "training:course_edit": only("team_leader", outcome=NOT_FOUND),
    "training:sessions": only("team_leader"),
    "training:session_new": only("team_leader"),
    "training:session": only("team_leader", outcome=NOT_FOUND),
    "training:session_edit": only("team_leader", outcome=NOT_FOUND),
    "training:polls": only("peer", "team_leader"),
    "training:poll_new": only("team_leader"),
    "training:poll_answer": only("peer", outcome=NOT_FOUND),
    "training:poll_results": only("team_leader", outcome=NOT_FOUND),
    "training:poll_close": only("team_leader", outcome=OK),  # GET: 405
    "training:announcements": only("peer", "team_leader"),
    "training:announcement_new": only("team_leader"),
    # --- critical incidents (sidebar/incidents/urls.py) ---
    "incidents:list": only("team_leader", "program_admin"),
    "incidents:new": only("team_leader", "program_admin"),
    "incidents:detail": only("team_leader", "program_admin", outcome=NOT_FOUND),
    "incidents:follow_up": only("team_leader", outcome=OK),  # GET: 405
    "incidents:board": only("team_leader", outcome=NOT_FOUND),
    "incidents:session_new": only("team_leader", outcome=NOT_FOUND),
    "incidents:session": only("team_leader", outcome=NOT_FOUND),
    "incidents:session_ics": only("team_leader", "peer", outcome=NOT_FOUND),
    "incidents:opt_in": only("peer", outcome=OK),  # GET: 405
    "incidents:mutual_aid": only("team_leader"),
    "incidents:mutual_aid_end": only("team_leader", outcome=OK),  # GET: 405
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
    # --- the administrator's pages: agency settings, units and the roster ---
    "setup:agency": only("program_admin"),
    "setup:units": only("program_admin"),
    "setup:rank_tiers": only("program_admin"),
    "setup:unit": only("program_admin", outcome=NOT_FOUND),
    "setup:roster": only("program_admin"),
    "setup:roster_apply": only("program_admin", outcome=OK),  # GET: 405
    "setup:roster_export": only("program_admin"),
    "setup:compliance_export": only("team_leader"),
    # --- the administrator's pages: accounts, roles and invitations ---
    "setup:accounts": admin_only(),
    "setup:accounts_from_roster": admin_only(),
    "setup:invitations": admin_only(),
    # an account id nobody has: 404 for the administrator too; the POST-only pages answer 405 to a GET
    "setup:account": admin_only(signed_in_outcome=NOT_FOUND),
    "setup:account_roles": admin_only(),
    "setup:account_invite": admin_only(),
    "setup:account_deactivate": admin_only(signed_in_outcome=NOT_FOUND),
    "setup:account_reactivate": admin_only(),
    "setup:account_end_sessions": admin_only(),  # issue 17
    # --- task: two-person rule (issue 16 section 3; issue 17 V6.4.4) ---
    "setup:pending_changes": only("program_admin", "clinical_advisor", "team_leader"),
    "setup:pending_change_confirm": only("program_admin", "clinical_advisor"),  # GET: 405
    "setup:pending_change_cancel": only("program_admin", "clinical_advisor"),  # GET: 405
    "setup:account_two_factor_reset": admin_only(),  # GET: 405
    # --- end task ---
    # --- single sign-on ---
    "openid_connect_login": everyone(NOT_FOUND),  # no provider configured in this test: allauth's 404
    "openid_connect_callback": everyone(NOT_FOUND),
    "socialaccount_login_cancelled": everyone(),
    "socialaccount_login_error": CLOSED,
    "socialaccount_signup": CLOSED,
    "socialaccount_connections": CLOSED,
    # allauth's old addresses for these pages (unnamed redirects): closed like the pages
    "accounts/social/connections/": CLOSED,
    "accounts/social/login/cancelled/": CLOSED,
    "accounts/social/login/error/": CLOSED,
    "accounts/social/signup/": CLOSED,
    # --- support journeys added in issue 11 ---
    "support:received": {**everyone(NOT_FOUND), "anonymous": LOGIN, NO_MFA: MFA},  # nobody's request: 404
    "support:withdraw": {**everyone(NOT_FOUND), "anonymous": LOGIN, NO_MFA: MFA},
    "support:delete_details": {**everyone(NOT_FOUND), "anonymous": LOGIN, NO_MFA: MFA},
    "support:urgent": only("peer"),
    "support:hand_back": only("peer", outcome=OK),  # GET: 405
    # --- other journeys added in issue 11 ---
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
# --- task: two-person rule (issue 17 V6.4.4) ---
# a reset is asked for on the account page and confirmed by a second person, never deleted here
EXPECTED["admin:mfa_authenticator_delete"] = admin_only(signed_in_outcome=FORBIDDEN)
# --- end task ---
# --- task: outbox (issue 13 section 1) ---
# what waits to be e-mailed: the administrator looks and retries; nobody writes an e-mail here
for _suffix in ("changelist", "history", "delete", "change"):
    EXPECTED[f"admin:outbox_outgoingmail_{_suffix}"] = admin_only()
EXPECTED["admin:outbox_outgoingmail_add"] = admin_only(signed_in_outcome=FORBIDDEN)
EXPECTED["admin/outbox/outgoingmail/<path:object_id>/"] = admin_only()
# --- end task ---

# Arguments to reverse a named pattern with, or a literal path for an unnamed one.
SAMPLE_OBJECT = str(uuid.uuid4())
SAMPLES: dict[str, dict[str, str] | str] = {
    # --- task: issue 17 passkeys (V6.3.3): someone else's or no passkey, never one's own ---
    "mfa_edit_webauthn": {"pk": "999999"},
    "mfa_remove_webauthn": {"pk": "999999"},
    # --- end task ---
    "account_confirm_email": {"key": "abc"},
    "account_reset_password_from_key": {"uidb36": "1", "key": "set-password"},
    "admin:view_on_site": {"content_type_id": "1", "object_id": "1"},
    "admin:app_list": {"app_label": "org"},
    "admin/(?P<url>.*)$": "/admin/no-such-page/",
    # --- samples: the administrator's pages: agency settings, units and the roster ---
    "setup:unit": {"unit_id": SAMPLE_OBJECT},
    # --- samples: the administrator's pages: accounts, roles and invitations ---
    "setup:account": {"user_id": SAMPLE_OBJECT},
    "setup:account_roles": {"user_id": SAMPLE_OBJECT},
    "setup:account_invite": {"user_id": SAMPLE_OBJECT},
    "setup:account_deactivate": {"user_id": SAMPLE_OBJECT},
    "setup:account_reactivate": {"user_id": SAMPLE_OBJECT},
    "setup:account_end_sessions": {"user_id": SAMPLE_OBJECT},  # issue 17
    # --- task: two-person rule (issue 16 section 3; issue 17 V6.4.4) ---
    "setup:pending_change_confirm": {"change_id": SAMPLE_OBJECT},
    "setup:pending_change_cancel": {"change_id": SAMPLE_OBJECT},
    "setup:account_two_factor_reset": {"user_id": SAMPLE_OBJECT},
    # --- end task ---
    # --- samples: single sign-on ---
    "openid_connect_login": {"provider_id": "agency"},
    "openid_connect_callback": {"provider_id": "agency"},
    "accounts/social/connections/": "/accounts/social/connections/",
    "accounts/social/login/cancelled/": "/accounts/social/login/cancelled/",
    "accounts/social/login/error/": "/accounts/social/login/error/",
    "accounts/social/signup/": "/accounts/social/signup/",
    # --- samples: support journeys added in issue 11 ---
    "support:received": {"request_id": SAMPLE_OBJECT},
    "support:withdraw": {"request_id": SAMPLE_OBJECT},
    "support:delete_details": {"request_id": SAMPLE_OBJECT},
    "support:hand_back": {"assignment_id": SAMPLE_OBJECT},
    # --- samples: other journeys added in issue 11 ---
    "tickets:peer_reply": {"assignment_id": SAMPLE_OBJECT},
    "support:triage": {"request_id": SAMPLE_OBJECT},
    "support:close": {"request_id": SAMPLE_OBJECT},
    "support:assignment": {"assignment_id": SAMPLE_OBJECT},
    "support:answer": {"assignment_id": SAMPLE_OBJECT},
    "support:log_contact": {"assignment_id": SAMPLE_OBJECT},
    "support:check_in_done": {"check_in_id": SAMPLE_OBJECT},
    "support:debrief_done": {"request_id": SAMPLE_OBJECT},
    "team:peer": {"peer_id": SAMPLE_OBJECT},
    "team:photo": {"peer_id": SAMPLE_OBJECT},
    "team:set_on_call": {"peer_id": SAMPLE_OBJECT},
    "team:change_status": {"peer_id": SAMPLE_OBJECT},
    "team:clear_flag": {"peer_id": SAMPLE_OBJECT},
    "team:rota_remove": {"shift_id": SAMPLE_OBJECT},
    # --- recruitment samples ---
    "recruitment:round": {"round_id": SAMPLE_OBJECT},
    "recruitment:nominate": {"round_id": SAMPLE_OBJECT},
    "recruitment:apply": {"round_id": SAMPLE_OBJECT},
    "recruitment:decline": {"round_id": SAMPLE_OBJECT},
    "recruitment:manage_round": {"round_id": SAMPLE_OBJECT},
    "recruitment:edit_round": {"round_id": SAMPLE_OBJECT},
    "recruitment:announce": {"round_id": SAMPLE_OBJECT},
    "recruitment:set_panel": {"round_id": SAMPLE_OBJECT},
    "recruitment:application": {"application_id": SAMPLE_OBJECT},
    "recruitment:move": {"application_id": SAMPLE_OBJECT},
    "recruitment:decide": {"application_id": SAMPLE_OBJECT},
    "recruitment:activate": {"peer_id": SAMPLE_OBJECT},
    "recruitment:score": {"application_id": SAMPLE_OBJECT},
    # --- training samples ---
    "training:record": {"peer_id": SAMPLE_OBJECT},
    "training:course_edit": {"course_id": SAMPLE_OBJECT},
    "training:session": {"session_id": SAMPLE_OBJECT},
    "training:session_edit": {"session_id": SAMPLE_OBJECT},
    "training:poll_answer": {"poll_id": SAMPLE_OBJECT},
    "training:poll_results": {"poll_id": SAMPLE_OBJECT},
    "training:poll_close": {"poll_id": SAMPLE_OBJECT},
    # --- critical incident samples ---
    "incidents:detail": {"pk": SAMPLE_OBJECT},
    "incidents:follow_up": {"pk": SAMPLE_OBJECT},
    "incidents:board": {"pk": SAMPLE_OBJECT},
    "incidents:session_new": {"pk": SAMPLE_OBJECT},
    "incidents:session": {"pk": SAMPLE_OBJECT},
    "incidents:session_ics": {"pk": SAMPLE_OBJECT},
    "incidents:opt_in": {"pk": SAMPLE_OBJECT},
    "incidents:mutual_aid_end": {"pk": SAMPLE_OBJECT},
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
# --- task: outbox (issue 13 section 1) ---
for _suffix in ("history", "delete", "change"):
    SAMPLES[f"admin:outbox_outgoingmail_{_suffix}"] = {"object_id": SAMPLE_OBJECT}
SAMPLES["admin/outbox/outgoingmail/<path:object_id>/"] = f"/admin/outbox/outgoingmail/{SAMPLE_OBJECT}/"
# --- end task ---


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
