"""The one door: who may see or do what in Sidebar.

Every URL is reachable only through a rule in ``URL_RULES`` (``PolicyMiddleware`` looks it up
before any view runs; a URL without a rule answers 404). Every object a view shows comes from
``visible_to`` / ``get_visible_or_404``, which scope querysets per role; anything not in scope
looks exactly like something that does not exist. Deny is the default everywhere: an unknown
URL, an unknown model or an unknown action yields nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar, cast

from django.db import models
from django.http import Http404

from sidebar.accounts.roles import PRIVILEGED_ROLES, Role

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from sidebar.accounts.models import User

    AnyUser = User | AnonymousUser

M = TypeVar("M", bound=models.Model)


@dataclass(frozen=True)
class Rule:
    """Who may open a URL.

    ``public``: anyone, signed in or not. Otherwise the visitor must be signed in and, when
    ``roles`` is given, hold one of them. ``before_mfa`` marks the few pages a privileged user
    may open before setting up two-factor authentication (setting it up, signing out).
    """

    public: bool = False
    roles: frozenset[Role] | None = None
    before_mfa: bool = False

    def allows(self, user: AnyUser) -> bool:
        if self.public:
            return True
        if not user.is_authenticated:
            return False
        return self.roles is None or bool(self.roles & roles_of(user))


PUBLIC = Rule(public=True)
SIGNED_IN = Rule()
SIGNED_IN_BEFORE_MFA = Rule(before_mfa=True)


def only(*roles: Role) -> Rule:
    return Rule(roles=frozenset(roles))


# Every URL name of the project. The URL × role matrix test fails when a URL has no entry here,
# or when the outcome for any role differs from the test's expected table.
URL_RULES: dict[str, Rule] = {
    # Sidebar's own pages
    "home": SIGNED_IN,
    "need_to_talk": PUBLIC,  # a frightened person must reach the crisis line without an account
    "privacy": PUBLIC,
    "health": PUBLIC,
    # The audit log: who read identities, changed roles, signed in
    "audit:events": only(Role.PROGRAM_ADMIN, Role.CLINICAL_ADVISOR),
    "audit:verify": only(Role.PROGRAM_ADMIN, Role.CLINICAL_ADVISOR),
    # Sign-in and account security (django-allauth)
    "account_login": PUBLIC,
    "account_logout": SIGNED_IN_BEFORE_MFA,
    "account_inactive": PUBLIC,
    "account_reset_password": PUBLIC,
    "account_reset_password_done": PUBLIC,
    "account_reset_password_from_key": PUBLIC,
    "account_reset_password_from_key_done": PUBLIC,
    "account_change_password": SIGNED_IN,
    "account_sign_out_elsewhere": SIGNED_IN,  # own sessions only; re-authentication asked (issue 17)
    "account_reauthenticate": SIGNED_IN_BEFORE_MFA,
    "mfa_authenticate": PUBLIC,  # the second step of signing in: the user is not signed in yet
    "mfa_reauthenticate": SIGNED_IN_BEFORE_MFA,
    "mfa_index": SIGNED_IN_BEFORE_MFA,
    "mfa_activate_totp": SIGNED_IN_BEFORE_MFA,
    "mfa_view_recovery_codes": SIGNED_IN_BEFORE_MFA,
    "mfa_generate_recovery_codes": SIGNED_IN_BEFORE_MFA,
    "mfa_download_recovery_codes": SIGNED_IN_BEFORE_MFA,
    # --- task: issue 17 passkeys (V6.3.3) ---
    "mfa_login_webauthn": PUBLIC,  # "Sign in with a passkey" on the sign-in page
    "mfa_reauthenticate_webauthn": SIGNED_IN_BEFORE_MFA,
    "mfa_add_webauthn": SIGNED_IN,  # one's own passkeys only (allauth scopes them to the user)
    "mfa_list_webauthn": SIGNED_IN,
    "mfa_edit_webauthn": SIGNED_IN,
    "mfa_remove_webauthn": SIGNED_IN,
    # --- end task ---
    # --- support requests: asking, the queue, assignments (sidebar/support/urls.py) ---
    "support:ask": SIGNED_IN,
    "support:refer": SIGNED_IN,
    "support:my_requests": SIGNED_IN,
    "support:queue": only(Role.TEAM_LEADER),
    "support:triage": only(Role.TEAM_LEADER),
    "support:my_assignments": only(Role.PEER),
    "support:assignment": only(Role.PEER),
    "support:answer": only(Role.PEER),
    "support:log_contact": only(Role.PEER),
    "support:check_in_done": only(Role.PEER),
    "support:close": only(Role.PEER, Role.TEAM_LEADER),
    # After a heavy contact a peer may ask the clinical advisor for a debrief; it goes to the
    # clinical advisor only (not the team leader's queue).
    "support:debrief": only(Role.PEER),
    "support:debriefs": only(Role.CLINICAL_ADVISOR),
    "support:debrief_done": only(Role.CLINICAL_ADVISOR),
    # --- the team (sidebar/team/urls.py, namespace "team") ---
    "team:directory": SIGNED_IN,  # every staff member chooses whom to ask
    "team:me": only(Role.PEER),
    "team:step_down": only(Role.PEER),  # their own profile only
    "team:photo": SIGNED_IN,  # an active peer's directory photo (404 for anyone else's)
    "team:roster": only(Role.TEAM_LEADER),
    "team:peer": only(Role.TEAM_LEADER),
    "team:set_on_call": only(Role.TEAM_LEADER),
    "team:change_status": only(Role.TEAM_LEADER),
    "team:clear_flag": only(Role.TEAM_LEADER),
    "team:rota": only(Role.TEAM_LEADER),
    "team:rota_remove": only(Role.TEAM_LEADER),
    # --- recruitment: rounds, nominations, applications, panels (sidebar/recruitment/urls.py, namespace "recruitment") ---
    # Staff join the team: the scopes show announced rounds and one's own nominations/applications.
    "recruitment:join": SIGNED_IN,
    "recruitment:round": SIGNED_IN,
    "recruitment:nominate": SIGNED_IN,
    "recruitment:apply": SIGNED_IN,
    "recruitment:decline": SIGNED_IN,
    # The team leader runs the round (nominations name their nominator: only the team leader sees them).
    "recruitment:manage": only(Role.TEAM_LEADER),
    "recruitment:new_round": only(Role.TEAM_LEADER),
    "recruitment:manage_round": only(Role.TEAM_LEADER),
    "recruitment:edit_round": only(Role.TEAM_LEADER),
    "recruitment:announce": only(Role.TEAM_LEADER),  # audited (Action.ANNOUNCEMENT)
    "recruitment:set_panel": only(Role.TEAM_LEADER),
    "recruitment:application": only(Role.TEAM_LEADER),
    "recruitment:move": only(Role.TEAM_LEADER),
    "recruitment:decide": only(Role.TEAM_LEADER),
    "recruitment:onboarding": only(Role.TEAM_LEADER),
    "recruitment:add_existing": only(Role.TEAM_LEADER),  # day one: members who already serve
    "recruitment:activate": only(Role.TEAM_LEADER),
    # The interview panel (accounts that sign in with two factors); only their panels' candidates.
    "recruitment:panel": only(Role.PEER, Role.TEAM_LEADER, Role.CLINICAL_ADVISOR),
    "recruitment:score": only(Role.PEER, Role.TEAM_LEADER, Role.CLINICAL_ADVISOR),
    # --- training: courses, sessions, records, compliance, needs polls, announcements (sidebar/training/urls.py) ---
    "training:index": only(Role.PEER, Role.TEAM_LEADER),  # a peer is sent on to their own record
    "training:my_record": only(Role.PEER),
    "training:record": only(Role.PEER, Role.TEAM_LEADER),  # a peer sees only their own (the scope; 404 otherwise)
    "training:compliance": only(Role.TEAM_LEADER),
    "training:courses": only(Role.TEAM_LEADER),
    "training:course_new": only(Role.TEAM_LEADER),
    "training:course_edit": only(Role.TEAM_LEADER),
    "training:sessions": only(Role.TEAM_LEADER),
    "training:session_new": only(Role.TEAM_LEADER),
    "training:session": only(Role.TEAM_LEADER),  # with its attendance checklist
    "training:session_edit": only(Role.TEAM_LEADER),
    "training:polls": only(Role.PEER, Role.TEAM_LEADER),
    "training:poll_new": only(Role.TEAM_LEADER),
    "training:poll_answer": only(Role.PEER),
    "training:poll_results": only(Role.TEAM_LEADER),  # counts per choice; answers hold no user
    "training:poll_close": only(Role.TEAM_LEADER),
    "training:announcements": only(Role.PEER, Role.TEAM_LEADER),
    "training:announcement_new": only(Role.TEAM_LEADER),  # audited (Action.ANNOUNCEMENT)
    # --- critical incidents: activation, the board, group sessions, mutual aid (sidebar/incidents/urls.py) ---
    # The team leader runs the response; the program administrator may record an incident and see
    # what it reached, but never the board (it reads identities to apply the matching rules).
    "incidents:list": only(Role.TEAM_LEADER, Role.PROGRAM_ADMIN),
    "incidents:new": only(Role.TEAM_LEADER, Role.PROGRAM_ADMIN),
    "incidents:detail": only(Role.TEAM_LEADER, Role.PROGRAM_ADMIN),
    "incidents:follow_up": only(Role.TEAM_LEADER),
    "incidents:board": only(Role.TEAM_LEADER),
    "incidents:session_new": only(Role.TEAM_LEADER),
    "incidents:session": only(Role.TEAM_LEADER),
    "incidents:session_ics": only(Role.TEAM_LEADER, Role.PEER),  # a peer: only sessions they facilitate
    "incidents:opt_in": only(Role.PEER),  # only their own recusal as an affected peer (404 otherwise)
    "incidents:mutual_aid": only(Role.TEAM_LEADER),
    "incidents:mutual_aid_end": only(Role.TEAM_LEADER),
    # --- anonymous tickets (sidebar/support/ticket_urls.py, namespace "tickets") ---
    # The person has no account: the code and passphrase (rate-limited), then the session, decide.
    "tickets:new": PUBLIC,
    "tickets:open": PUBLIC,
    "tickets:conversation": PUBLIC,
    "tickets:close": PUBLIC,
    "tickets:leave": PUBLIC,
    "tickets:closed": PUBLIC,
    "tickets:peer_reply": only(Role.PEER),  # and only on the peer's own accepted assignment (404 otherwise)
    # --- program statistics (sidebar/reports/urls.py, namespace "reports") ---
    # Leadership: suppressed figures only, for completed months, quarters and years.
    "reports:dashboard": only(Role.LEADERSHIP),
    "reports:print": only(Role.LEADERSHIP),
    "reports:export_csv": only(Role.LEADERSHIP),  # audited (Action.EXPORT)
    "reports:export_pdf": only(Role.LEADERSHIP),  # audited (Action.EXPORT)
    # The team leader: exact counts (statistics hold no identities) and each peer's time and load.
    "reports:team": only(Role.TEAM_LEADER),
    # --- policy documents and confidentiality exceptions (sidebar/safeguards/urls.py, namespace "safeguards") ---
    "safeguards:documents": SIGNED_IN,  # the rules people work under are no secret
    "safeguards:document": SIGNED_IN,
    "safeguards:publish": only(Role.TEAM_LEADER, Role.PROGRAM_ADMIN),
    "safeguards:sign": only(Role.PEER),
    # Exceptions: the peer who raised one sees its status only (the scope narrows to their own);
    # the program administrator and leadership never reach any of these pages.
    "safeguards:exceptions": only(Role.PEER, Role.TEAM_LEADER, Role.CLINICAL_ADVISOR),
    "safeguards:raise": only(Role.PEER, Role.TEAM_LEADER),
    "safeguards:exception": only(Role.PEER, Role.TEAM_LEADER, Role.CLINICAL_ADVISOR),
    "safeguards:advise": only(Role.CLINICAL_ADVISOR),
    "safeguards:decide": only(Role.TEAM_LEADER),
    "safeguards:disclose": only(Role.TEAM_LEADER),
    "safeguards:note": only(Role.TEAM_LEADER, Role.CLINICAL_ADVISOR),
    # --- the administrator's pages: agency settings, units and the roster (sidebar/setup/org_urls.py) ---
    "setup:agency": only(Role.PROGRAM_ADMIN),  # each change audited with old and new values
    "setup:units": only(Role.PROGRAM_ADMIN),
    "setup:rank_tiers": only(Role.PROGRAM_ADMIN),  # the roster names them
    "setup:unit": only(Role.PROGRAM_ADMIN),
    "setup:roster": only(Role.PROGRAM_ADMIN),  # upload and preview: reads only
    "setup:roster_apply": only(Role.PROGRAM_ADMIN),  # audited (counts only)
    "setup:roster_export": only(Role.PROGRAM_ADMIN),  # audited (Action.EXPORT)
    "setup:compliance_export": only(Role.TEAM_LEADER),  # the compliance page's list; audited (Action.EXPORT)
    # --- the administrator's pages: accounts, roles and invitations (sidebar/setup/account_urls.py) ---
    "setup:accounts": only(Role.PROGRAM_ADMIN),
    "setup:accounts_from_roster": only(Role.PROGRAM_ADMIN),
    "setup:invitations": only(Role.PROGRAM_ADMIN),
    "setup:account": only(Role.PROGRAM_ADMIN),
    "setup:account_roles": only(Role.PROGRAM_ADMIN),
    "setup:account_invite": only(Role.PROGRAM_ADMIN),
    "setup:account_deactivate": only(Role.PROGRAM_ADMIN),
    "setup:account_reactivate": only(Role.PROGRAM_ADMIN),
    "setup:account_end_sessions": only(Role.PROGRAM_ADMIN),  # audited (issue 17, V7.4.2)
    # --- task: two-person rule (issue 16 section 3; issue 17 V6.4.4) ---
    # Team leaders see what waits (the notice sends them here); confirming is a second
    # administrator's or the clinical advisor's (sidebar.accounts.two_person says who exactly).
    "setup:pending_changes": only(Role.PROGRAM_ADMIN, Role.CLINICAL_ADVISOR, Role.TEAM_LEADER),
    "setup:pending_change_confirm": only(Role.PROGRAM_ADMIN, Role.CLINICAL_ADVISOR),
    "setup:pending_change_cancel": only(Role.PROGRAM_ADMIN, Role.CLINICAL_ADVISOR),
    "setup:account_two_factor_reset": only(Role.PROGRAM_ADMIN),
    # --- end task ---
    # --- single sign-on (allauth's socialaccount / openid_connect) ---
    # Starting and finishing a sign-in through the agency's provider (docs/sso.md); a provider
    # that is not configured answers 404 from allauth itself.
    "openid_connect_login": PUBLIC,
    "openid_connect_callback": PUBLIC,
    "socialaccount_login_cancelled": PUBLIC,
    # --- support journeys added in issue 11 ---
    # After asking or referring (a redirect, so a reload sends nothing twice): own requests only (404 otherwise).
    "support:received": SIGNED_IN,
    # The person withdraws their own request, or has its details deleted now (404 for anyone else's).
    "support:withdraw": SIGNED_IN,
    "support:delete_details": SIGNED_IN,
    # Where an urgent alert takes an on-call peer: that urgent requests wait and for how long, no
    # object and no id (so no scope to pass); offers made to them come through the Assignment scope.
    "support:urgent": only(Role.PEER),
    # The peer who accepted gives the request back to the queue (their own accepted assignment only).
    "support:hand_back": only(Role.PEER),
    # --- other journeys added in issue 11 ---
}

# Whole namespaces with one rule: Django's admin backs the administrator's screens, and its
# own ModelAdmin permission checks also ask this module (see sidebar/core/admin.py).
NAMESPACE_RULES: dict[str, Rule] = {
    "admin": only(Role.PROGRAM_ADMIN),
}

# allauth views this deployment does not offer: sign-up (accounts come from the roster), e-mail
# address changes (the staff record owns the address), login by code. They answer 404 even where a
# namespace rule would otherwise open them; the matrix test proves they stay closed.
CLOSED_URLS: frozenset[str] = frozenset(
    {
        "account_signup",
        "account_email",
        "account_email_verification_sent",
        "account_confirm_email",
        "account_set_password",
        "account_confirm_login_code",
        "mfa_deactivate_totp",  # privileged roles must keep it; staff who lose a phone ask the administrator
        "mfa_trust",
        # single sign-on: no sign-up form (the roster decides) and no linking of other accounts
        "socialaccount_signup",
        "socialaccount_connections",
        "socialaccount_login_error",  # only Facebook's SDK and headless use it; errors render in place
        "admin:view_on_site",  # Sidebar's models have no public page to jump to
    }
)


def rule_for(view_name: str) -> Rule | None:
    """The rule for a resolved view name, or None (deny) when nothing grants access."""
    if view_name in CLOSED_URLS:
        return None
    if view_name in URL_RULES:
        return URL_RULES[view_name]
    namespace, sep, _ = view_name.partition(":")
    if sep:
        return NAMESPACE_RULES.get(namespace)
    return None


def roles_of(user: AnyUser) -> frozenset[Role]:
    """The roles a user holds; every active account is at least staff. Cached on the user object
    for the request, so a page asks the database once however many checks it makes."""
    if not user.is_authenticated or not user.is_active:
        return frozenset()
    cached: frozenset[Role] | None = getattr(user, "_sidebar_roles", None)
    if cached is None:
        held = {Role(value) for value in user.role_memberships.values_list("role", flat=True)}
        cached = frozenset(held | {Role.STAFF})
        cast(Any, user)._sidebar_roles = cached
    return cached


def has_role(user: AnyUser, *roles: Role) -> bool:
    return bool(set(roles) & roles_of(user))


def is_privileged(user: AnyUser) -> bool:
    """Privileged roles see more than their own records and must use two-factor sign-in."""
    return bool(roles_of(user) & PRIVILEGED_ROLES)


# Actions that are not URLs: asked by views, templates (navigation) and admin screens.
ACTIONS: dict[str, frozenset[Role]] = {
    "org.manage": frozenset({Role.PROGRAM_ADMIN}),
    "accounts.manage_roles": frozenset({Role.PROGRAM_ADMIN}),
    "safeguards.publish": frozenset({Role.TEAM_LEADER, Role.PROGRAM_ADMIN}),
    "safeguards.review_exceptions": frozenset({Role.TEAM_LEADER, Role.CLINICAL_ADVISOR}),
    "safeguards.advise": frozenset({Role.CLINICAL_ADVISOR}),
    "safeguards.decide": frozenset({Role.TEAM_LEADER}),
    "team.manage_roster": frozenset({Role.TEAM_LEADER}),
    "incidents.run": frozenset({Role.TEAM_LEADER}),
    "training.manage": frozenset({Role.TEAM_LEADER}),
}


def can(user: AnyUser, action: str) -> bool:
    """May ``user`` perform ``action``? Unknown actions are denied."""
    allowed = ACTIONS.get(action)
    return allowed is not None and bool(allowed & roles_of(user))


# Queryset scopes per model. A model without a scope is invisible to everyone.
Scope = Callable[["AnyUser", "models.QuerySet[Any]"], "models.QuerySet[Any]"]
_SCOPES: dict[type[models.Model], Scope] = {}


def scope(model: type[M]) -> Callable[[Scope], Scope]:
    """Register the function that narrows ``model``'s queryset to what a user may see."""

    def register(function: Scope) -> Scope:
        _SCOPES[model] = function
        return function

    return register


def _register_scopes() -> None:
    """Who sees which records. Imported here, not at the top, so that this module loads before
    the apps' models do (the middleware imports it)."""
    from sidebar.incidents.models import GroupSession, Incident, MutualAid, Recusal
    from sidebar.safeguards.models import ConfidentialityException
    from sidebar.support.models import Assignment, CheckIn, SupportRequest
    from sidebar.team.models import OnCallShift, PeerProfile
    from sidebar.vault.services import holder_tags

    live = ("offered", "accepted")
    serving = ("active", "inactive")  # a removed peer, or one who stepped down, loses access at once

    from sidebar.accounts.models import User

    @scope(User)
    def _accounts(user: AnyUser, queryset: models.QuerySet[Any]) -> models.QuerySet[Any]:
        # the administrator's accounts pages; nobody else looks accounts up by id
        return queryset if Role.PROGRAM_ADMIN in roles_of(user) else queryset.none()

    from sidebar.org.models import Unit

    @scope(Unit)
    def _units(user: AnyUser, queryset: models.QuerySet[Any]) -> models.QuerySet[Any]:
        # the administrator's units pages (everyone else reads units through their own pages)
        return queryset if Role.PROGRAM_ADMIN in roles_of(user) else queryset.none()

    # --- task: two-person rule (issue 16 section 3) ---
    from sidebar.accounts.models import PendingChange

    @scope(PendingChange)
    def _pending_changes(user: AnyUser, queryset: models.QuerySet[Any]) -> models.QuerySet[Any]:
        watching = {Role.PROGRAM_ADMIN, Role.CLINICAL_ADVISOR, Role.TEAM_LEADER}
        return queryset if roles_of(user) & watching else queryset.none()

    # --- end task ---

    @scope(SupportRequest)
    def _requests(user: AnyUser, queryset: models.QuerySet[Any]) -> models.QuerySet[Any]:
        held = roles_of(user)
        # a peer's debrief is between the peer and the clinical advisor
        debrief = models.Q(source="debrief")
        if Role.TEAM_LEADER in held and Role.CLINICAL_ADVISOR in held:
            return queryset
        if Role.TEAM_LEADER in held:
            return queryset.exclude(debrief & ~models.Q(data_key__holder_tag__in=holder_tags(user.pk)))
        # own requests and referrals (the views show referrals only as "received")
        mine = models.Q(data_key__holder_tag__in=holder_tags(user.pk))
        if Role.CLINICAL_ADVISOR in held:
            mine |= debrief
        if Role.PEER in held:
            mine |= models.Q(
                assignments__peer__person__user=user,
                assignments__peer__status__in=serving,
                assignments__status__in=live,
            )
        return queryset.filter(mine).distinct()

    @scope(Assignment)
    def _assignments(user: AnyUser, queryset: models.QuerySet[Any]) -> models.QuerySet[Any]:
        held = roles_of(user)
        if Role.TEAM_LEADER in held:
            return queryset
        if Role.PEER in held:
            return queryset.filter(peer__person__user=user, peer__status__in=serving)
        return queryset.none()

    @scope(CheckIn)
    def _check_ins(user: AnyUser, queryset: models.QuerySet[Any]) -> models.QuerySet[Any]:
        if Role.PEER in roles_of(user):
            return queryset.filter(peer__person__user=user, peer__status__in=serving)
        return queryset.none()

    @scope(PeerProfile)
    def _peers(user: AnyUser, queryset: models.QuerySet[Any]) -> models.QuerySet[Any]:
        # the roster's pages; everyone else reads the team through the directory's selector
        if Role.TEAM_LEADER in roles_of(user):
            return queryset
        if Role.PEER in roles_of(user):
            return queryset.filter(person__user=user)
        return queryset.none()

    _register_recruitment_scopes()

    # --- task: issue 16, section 1: exceptions and disclosures only to those party to them ---
    @scope(ConfidentialityException)
    def _exceptions(user: AnyUser, queryset: models.QuerySet[Any]) -> models.QuerySet[Any]:
        # Whose step it is sees it while it waits (any clinical advisor may advise, any team
        # leader decide); afterwards only those who took part: who raised it, who advised, who
        # decided. The disclosure and its sealed note are recorded after the decision, so they
        # reach no team leader or advisor who had no part in it.
        held = roles_of(user)
        party = models.Q(raised_by=user)
        if Role.CLINICAL_ADVISOR in held:
            party |= models.Q(status="open") | models.Q(advised_by=user)
        if Role.TEAM_LEADER in held:
            party |= models.Q(status__in=("open", "advised")) | models.Q(decided_by=user)
        if held & {Role.PEER, Role.TEAM_LEADER, Role.CLINICAL_ADVISOR}:
            return queryset.filter(party)
        return queryset.none()  # never the program administrator, never leadership

    # --- end task ---

    @scope(OnCallShift)
    def _shifts(user: AnyUser, queryset: models.QuerySet[Any]) -> models.QuerySet[Any]:
        return queryset if Role.TEAM_LEADER in roles_of(user) else queryset.none()

    @scope(Incident)
    def _incidents(user: AnyUser, queryset: models.QuerySet[Any]) -> models.QuerySet[Any]:
        if roles_of(user) & {Role.TEAM_LEADER, Role.PROGRAM_ADMIN}:
            return queryset
        return queryset.none()

    @scope(GroupSession)
    def _group_sessions(user: AnyUser, queryset: models.QuerySet[Any]) -> models.QuerySet[Any]:
        held = roles_of(user)
        if Role.TEAM_LEADER in held:
            return queryset
        if Role.PEER in held:
            return queryset.filter(facilitators__person__user=user, facilitators__status__in=serving).distinct()
        return queryset.none()

    @scope(Recusal)
    def _recusals(user: AnyUser, queryset: models.QuerySet[Any]) -> models.QuerySet[Any]:
        held = roles_of(user)
        if Role.TEAM_LEADER in held:
            return queryset
        if Role.PEER in held:
            return queryset.filter(peer__person__user=user, peer__status__in=serving)
        return queryset.none()

    @scope(MutualAid)
    def _mutual_aid(user: AnyUser, queryset: models.QuerySet[Any]) -> models.QuerySet[Any]:
        return queryset if Role.TEAM_LEADER in roles_of(user) else queryset.none()

    # Training: the team leader runs it; peers see the program (courses, sessions, polls,
    # announcements) and only their own attendance (their record's page goes through PeerProfile).
    from sidebar.training.models import Announcement, Attendance, Course, NeedsPoll, TrainingSession

    def _training_team(user: AnyUser, queryset: models.QuerySet[Any]) -> models.QuerySet[Any]:
        return queryset if roles_of(user) & {Role.TEAM_LEADER, Role.PEER} else queryset.none()

    for model in (Course, TrainingSession, NeedsPoll, Announcement):
        scope(model)(_training_team)

    @scope(Attendance)
    def _attendance(user: AnyUser, queryset: models.QuerySet[Any]) -> models.QuerySet[Any]:
        held = roles_of(user)
        if Role.TEAM_LEADER in held:
            return queryset
        if Role.PEER in held:
            return queryset.filter(peer__person__user=user)
        return queryset.none()


def _register_recruitment_scopes() -> None:
    """Recruitment: the team leader sees every round, nomination, application and score. Staff
    see announced rounds and their own nominations (made, or of them) and applications; a
    panelist sees their panels' interview candidates, and other panelists' scores for a candidate
    only once they have submitted their own (a declared conflict opens nothing)."""
    from sidebar.recruitment.audience import rounds_for_user
    from sidebar.recruitment.models import Application, Nomination, PanelMember, Round, Score

    @scope(Round)
    def _rounds(user: AnyUser, queryset: models.QuerySet[Any]) -> models.QuerySet[Any]:
        if Role.TEAM_LEADER in roles_of(user):
            return queryset
        on_panel = PanelMember.objects.filter(models.Q(user=user)).values("round_id")
        # a round announced to chosen units is theirs (and their sub-units') alone
        announced_for_them = models.Q(announced_at__isnull=False) & rounds_for_user(user)
        return queryset.filter(announced_for_them | models.Q(pk__in=on_panel))

    @scope(Nomination)
    def _nominations(user: AnyUser, queryset: models.QuerySet[Any]) -> models.QuerySet[Any]:
        if Role.TEAM_LEADER in roles_of(user):
            return queryset
        return queryset.filter(models.Q(nominated_by=user) | models.Q(nominee__user=user))

    @scope(Application)
    def _applications(user: AnyUser, queryset: models.QuerySet[Any]) -> models.QuerySet[Any]:
        if Role.TEAM_LEADER in roles_of(user):
            return queryset
        on_panel = PanelMember.objects.filter(models.Q(user=user)).values("round_id")
        return queryset.filter(
            models.Q(person__user=user) | models.Q(round_id__in=on_panel, interview_at__isnull=False)
        )

    @scope(PanelMember)
    def _panel(user: AnyUser, queryset: models.QuerySet[Any]) -> models.QuerySet[Any]:
        if Role.TEAM_LEADER in roles_of(user):
            return queryset
        return queryset.filter(models.Q(user=user))

    @scope(Score)
    def _scores(user: AnyUser, queryset: models.QuerySet[Any]) -> models.QuerySet[Any]:
        if Role.TEAM_LEADER in roles_of(user):
            return queryset
        scored = Score.objects.filter(models.Q(panelist=user), conflict=False).values("application_id")
        on_panel = PanelMember.objects.filter(models.Q(user=user)).values("round_id")
        return queryset.filter(
            models.Q(panelist=user) | models.Q(application_id__in=scored, application__round_id__in=on_panel)
        )


_scopes_registered = False


def visible_to(user: AnyUser, model: type[M]) -> models.QuerySet[M]:
    global _scopes_registered
    if not _scopes_registered:
        _register_scopes()
        _scopes_registered = True
    queryset: models.QuerySet[M] = model._default_manager.all()
    narrow = _SCOPES.get(model)
    if narrow is None or not user.is_authenticated:
        return queryset.none()
    return narrow(user, queryset)


def get_visible_or_404(user: AnyUser, model: type[M], **lookup: Any) -> M:
    """The object if ``user`` may see it; otherwise 404, the same answer as for a missing one."""
    try:
        return visible_to(user, model).get(**lookup)
    except (model.DoesNotExist, ValueError, TypeError) as exc:  # type: ignore[attr-defined]
        raise Http404 from exc
