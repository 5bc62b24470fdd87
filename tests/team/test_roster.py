"""The team leader's roster: status, training, agreement and load for every peer; load flags that
keep a peer out of the suggestions until cleared; the on-call rota; status changes with their
history; and removal, which takes a peer off the directory, the suggestions and their requests
at once."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from sidebar import policy
from sidebar.audit.models import Action, AuditEvent
from sidebar.support import services as support
from sidebar.support.models import Assignment, CheckIn, SupportRequest
from sidebar.support.selectors import candidates, ineligibility_reasons, suggestions_for
from sidebar.team import selectors, services
from sidebar.team.models import PeerProfile, PeerStatusChange
from tests.conftest import SignedIn
from tests.factories import ask_as, make_peer, publish_agreement
from tests.team.conftest import colleague, contact, live_assignment

pytestmark = pytest.mark.django_db

ROSTER = reverse("team:roster")
FLAGGED = "flagged for load: check in with them first"


def page(peer: PeerProfile) -> str:
    return reverse("team:peer", args=[peer.pk])


def suggested(support_request: SupportRequest, leader) -> set:  # type: ignore[no-untyped-def]
    return {s.candidate.peer_id for s in suggestions_for(support_request, actor=leader, limit=100)}


def entry(peer: PeerProfile):  # type: ignore[no-untyped-def]
    [found] = [row for row in selectors.roster() if row.pk == peer.pk]
    return found


# --- what the roster shows --------------------------------------------------------------------------


def test_the_roster_lists_every_peer_with_status_training_agreement_load_and_hours(cast, signed_in: SignedIn):
    ready = make_peer(colleague("Ready Peer"), capacity=4)
    live_assignment(ready)
    live_assignment(ready, status=Assignment.Status.OFFERED)
    Assignment.objects.create(request=ask_as(colleague("Done Asker")), peer=ready, status=Assignment.Status.ENDED)
    contact(ready, minutes=90, days_ago=0)
    contact(ready, minutes=45, days_ago=29)  # the 30th day back still counts
    contact(ready, minutes=600, days_ago=30)  # a day too old
    make_peer(colleague("In Training"), status="in_training", basic_training_completed_on=None, signed=False)
    make_peer(colleague("On Leave"), status="inactive")
    publish_agreement()  # a new version: nobody has signed it yet …
    make_peer(colleague("Signed Again"))  # … but this peer

    response = signed_in(cast.team_leader).get(ROSTER)
    assert response.status_code == 200
    rows = {row.person.full_name: row for row in response.context["rows"]}
    assert list(rows) == ["Ready Peer", "Signed Again", "On Leave", "In Training"]  # working team first
    assert (rows["Ready Peer"].open_cases, rows["Ready Peer"].window_hours) == (2, 2.2)
    assert rows["Ready Peer"].agreement_current is False and rows["Signed Again"].agreement_current is True
    body = response.content.decode()
    assert "2 of 4" in body and "15 Jan 2026" in body and "not complete" in body and "not signed" in body
    assert "Nobody is flagged." in body


def test_the_roster_query_count_does_not_grow_with_the_team(cast, signed_in: SignedIn, django_assert_num_queries):
    """Session, user, roles, two-factor check, agency, the current agreement, the peers."""
    client = signed_in(cast.team_leader)
    for n in range(2):
        live_assignment(make_peer(colleague(f"First {n}")))
    client.get(ROSTER)
    with django_assert_num_queries(7):
        assert len(client.get(ROSTER).context["rows"]) == 2
    for n in range(8):
        peer = make_peer(colleague(f"More {n}"), status="inactive" if n % 2 else "active")
        live_assignment(peer)
        contact(peer, topics=("suicide_concern",))
    with django_assert_num_queries(7):
        assert len(client.get(ROSTER).context["rows"]) == 10


def test_a_peer_s_roster_page_shows_the_same_and_is_404_when_unknown(cast, signed_in: SignedIn):
    peer = make_peer(colleague("Ready Peer"))
    client = signed_in(cast.team_leader)
    response = client.get(page(peer))
    assert response.status_code == 200 and response.context["peer"].pk == peer.pk
    assert client.get(reverse("team:peer", args=["00000000-0000-0000-0000-000000000000"])).status_code == 404


# --- load flags --------------------------------------------------------------------------------------


def test_open_requests_reaching_capacity_flag_the_peer(cast):
    peer = make_peer(colleague("Busy Peer"), capacity=2)
    live_assignment(peer)
    assert entry(peer).flags == []
    live_assignment(peer, status=Assignment.Status.OFFERED)
    assert entry(peer).flags == ["2 open requests, at capacity (2)"]


def test_a_peer_who_takes_no_requests_is_not_flagged_for_it(cast):
    assert entry(make_peer(colleague("No Cases"), capacity=0)).flags == []


def test_hours_above_the_threshold_in_30_days_flag_the_peer(cast):
    peer = make_peer(colleague("Long Hours"))
    for _ in range(selectors.MAX_HOURS_IN_WINDOW):
        contact(peer, minutes=60, days_ago=3)
    contact(peer, minutes=120, days_ago=40)  # outside the window
    assert entry(peer).flags == []  # at the threshold, not above it
    contact(peer, minutes=30, days_ago=1)
    assert entry(peer).flags == ["20.5 hours of contacts in 30 days"]


def test_contacts_about_suicide_or_a_critical_incident_above_the_threshold_flag_the_peer(cast):
    peer = make_peer(colleague("Hard Month"))
    contact(peer, topics=("suicide_concern",))
    contact(peer, topics=("critical_incident", "grief"))
    contact(peer, topics=("suicide_concern", "critical_incident"))  # one contact, counted once
    contact(peer, topics=("grief", "work_stress", "secondary_trauma"))  # not heavy
    contact(peer, topics=("suicide_concern",), days_ago=31)  # too long ago
    assert entry(peer).flags == []
    contact(peer, topics=("critical_incident",), days_ago=29)
    assert entry(peer).flags == ["4 contacts about suicide or a critical incident in 30 days"]


def test_the_roster_lists_flagged_peers_first_thing(cast, signed_in: SignedIn):
    peer = make_peer(colleague("Hard Month"))
    for _ in range(4):
        contact(peer, topics=("suicide_concern",))
    body = signed_in(cast.team_leader).get(ROSTER).content.decode()
    section = body.split('id="flagged-heading"')[1].split("</section>")[0]
    assert "Hard Month</a>: 4 contacts about suicide or a critical incident in 30 days" in section
    assert 'class="flagged"' in body


def test_a_flagged_peer_gets_no_new_suggestions_and_the_reason_says_why(cast):
    calm, heavy = make_peer(colleague("Calm Peer")), make_peer(colleague("Heavy Peer"))
    for _ in range(4):
        contact(heavy, topics=("critical_incident",))
    support_request = ask_as(colleague("Asker Now"))
    assert suggested(support_request, cast.team_leader) == {calm.pk}
    assert ineligibility_reasons(support_request=support_request, peer=heavy, actor=cast.team_leader) == [FLAGGED]
    with pytest.raises(support.WorkflowError, match="flagged for load"):
        support.assign(support_request=support_request, peer=heavy, by=cast.team_leader)


def test_at_capacity_stays_its_own_reason_in_matching(cast):
    full = make_peer(colleague("Full Peer"), capacity=1)
    live_assignment(full)
    assert entry(full).flags  # the team leader sees it on the roster …
    reasons = ineligibility_reasons(support_request=ask_as(colleague("Asker")), peer=full, actor=cast.team_leader)
    assert reasons == ["at capacity"]  # … and matching says it once


def test_clearing_the_flag_brings_the_peer_back_and_only_new_load_counts(cast, signed_in: SignedIn):
    heavy = make_peer(colleague("Heavy Peer"))
    for _ in range(4):
        contact(heavy, topics=("suicide_concern",))
    client = signed_in(cast.team_leader)
    response = client.post(reverse("team:clear_flag", args=[heavy.pk]))
    assert response.status_code == 302 and response["Location"] == page(heavy)
    heavy.refresh_from_db()
    assert heavy.load_flag_cleared_at is not None
    assert entry(heavy).flags == [] and entry(heavy).window_hours == 4.0  # the hours still show
    assert heavy.pk in suggested(ask_as(colleague("Asker Now")), cast.team_leader)
    event = AuditEvent.objects.get(action=Action.ROSTER_CHANGED)
    assert (event.actor_id, event.object_id, event.detail) == (cast.team_leader.pk, str(heavy.pk), "load_flag_cleared")

    for _ in range(3):
        contact(heavy, topics=("suicide_concern",))
    assert entry(heavy).flags == []
    contact(heavy, topics=("critical_incident",))
    assert entry(heavy).flags == ["4 contacts about suicide or a critical incident in 30 days"]
    assert heavy.pk not in suggested(ask_as(colleague("Asker Later")), cast.team_leader)


def test_the_peer_page_offers_the_clear_button_only_when_flagged(cast, signed_in: SignedIn):
    peer = make_peer(colleague("Some Peer"))
    client = signed_in(cast.team_leader)
    assert "Clear the flag" not in client.get(page(peer)).content.decode()
    for _ in range(4):
        contact(peer, topics=("critical_incident",))
    body = client.get(page(peer)).content.decode()
    assert "Clear the flag" in body and "gets no new suggestions until you clear the flag" in body


# --- the on-call rota ----------------------------------------------------------------------------------


def test_the_team_leader_puts_a_peer_on_call_and_takes_them_off(cast, signed_in: SignedIn):
    peer = make_peer(colleague("Rota Peer"))
    client = signed_in(cast.team_leader)
    client.post(reverse("team:set_on_call", args=[peer.pk]), {"on_call": "on"})
    peer.refresh_from_db()
    assert peer.on_call is True
    client.post(reverse("team:set_on_call", args=[peer.pk]), {"on_call": "off"})
    peer.refresh_from_db()
    assert peer.on_call is False
    details = list(AuditEvent.objects.filter(action=Action.ROSTER_CHANGED).values_list("detail", flat=True))
    assert details == ["on_call:on", "on_call:off"]


def test_a_peer_on_leave_cannot_be_put_on_call(cast, signed_in: SignedIn):
    peer = make_peer(colleague("Leave Peer"), status="inactive")
    response = signed_in(cast.team_leader).post(
        reverse("team:set_on_call", args=[peer.pk]), {"on_call": "on"}, follow=True
    )
    assert "Only an active peer supporter can be on call." in response.content.decode()
    peer.refresh_from_db()
    assert peer.on_call is False


# --- status changes --------------------------------------------------------------------------------------


def test_leave_and_return_are_dated_in_the_history_and_audited(cast, signed_in: SignedIn):
    peer = make_peer(colleague("Leave Peer"), on_call=True)
    client = signed_in(cast.team_leader)
    client.post(reverse("team:change_status", args=[peer.pk]), {"status": "inactive"})
    peer.refresh_from_db()
    assert peer.status == "inactive" and peer.on_call is False  # off the rota while away
    client.post(reverse("team:change_status", args=[peer.pk]), {"status": "active"})
    peer.refresh_from_db()
    assert peer.status == "active"
    history = list(PeerStatusChange.objects.filter(peer=peer).order_by("at"))
    assert [(c.from_status, c.to_status, c.by) for c in history] == [
        ("active", "inactive", cast.team_leader),
        ("inactive", "active", cast.team_leader),
    ]
    assert all(timezone.now() - c.at < datetime.timedelta(minutes=1) for c in history)
    details = list(AuditEvent.objects.filter(action=Action.ROSTER_CHANGED).values_list("detail", flat=True))
    assert details == ["status:active:inactive", "status:inactive:active"]
    body = client.get(page(peer)).content.decode()
    assert "active → inactive (leave), by Leader" in body


def test_a_status_the_peer_cannot_move_to_is_refused_with_a_message(cast, signed_in: SignedIn):
    peer = make_peer(colleague("Gone Peer"), status="removed")
    client = signed_in(cast.team_leader)
    response = client.post(reverse("team:change_status", args=[peer.pk]), {"status": "active"}, follow=True)
    assert "Removed: this status does not change here any more." in response.content.decode()
    on_leave = make_peer(colleague("Leave Peer"), status="inactive")
    response = client.post(reverse("team:change_status", args=[on_leave.pk]), {"status": "inactive"})
    assert response.status_code == 400 and "Select a valid choice" in response.content.decode()
    with pytest.raises(services.RosterError, match="cannot be made active"):
        services.change_status(peer=peer, to="active", by=cast.team_leader)
    response = client.post(reverse("team:change_status", args=[make_peer(colleague("Ok Peer")).pk]), {"status": ""})
    assert response.status_code == 400 and "This field is required" in response.content.decode()
    assert not PeerStatusChange.objects.exists()


# --- removal ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("status", ["removed", "stepped_down"])
def test_a_peer_who_leaves_is_gone_from_the_directory_and_suggestions_at_once(cast, signed_in: SignedIn, status):
    leaving = make_peer(cast.peer, on_call=True)
    staying = make_peer(colleague("Staying Peer"))
    support_request = ask_as(colleague("Asker Now"))
    assert suggested(support_request, cast.team_leader) == {leaving.pk, staying.pk}

    signed_in(cast.team_leader).post(
        reverse("team:change_status", args=[leaving.pk]), {"status": status, "reason": "role_change"}
    )

    leaving.refresh_from_db()
    assert leaving.status == status and leaving.on_call is False
    directory = signed_in(cast.staff).get(reverse("team:directory")).context["entries"]
    assert [entry.peer.pk for entry in directory] == [staying.pk]
    assert suggested(support_request, cast.team_leader) == {staying.pk}
    assert [c.peer_id for c in candidates()] == [staying.pk]
    body = signed_in(cast.staff).get(f"{reverse('support:ask')}?peer={leaving.pk}").content.decode()
    assert str(leaving.pk) not in body  # not even among the choices on the request form


def test_a_removed_peer_loses_access_to_their_assignments_which_go_back_to_the_queue(cast, signed_in: SignedIn):
    peer = make_peer(cast.peer)
    accepted_request, offered_request = ask_as(colleague("First Asker")), ask_as(colleague("Second Asker"))
    accepted = support.assign(support_request=accepted_request, peer=peer, by=cast.team_leader)
    support.accept(assignment=accepted, by=cast.peer)
    check_in = support.plan_check_in(assignment=accepted, due_on=timezone.localdate())
    offered = support.assign(support_request=offered_request, peer=peer, by=cast.team_leader)
    client = signed_in(cast.peer)
    assert client.get(reverse("support:assignment", args=[accepted.pk])).status_code == 200

    services.change_status(peer=peer, to="removed", reason="conduct", by=cast.team_leader)

    for assignment in (accepted, offered):
        assert client.get(reverse("support:assignment", args=[assignment.pk])).status_code == 404
        assert not policy.visible_to(cast.peer, Assignment).filter(pk=assignment.pk).exists()
        assignment.refresh_from_db()
        assert assignment.status == Assignment.Status.ENDED and assignment.ended_at is not None
    assert not policy.visible_to(cast.peer, SupportRequest).exists()
    assert not policy.visible_to(cast.peer, CheckIn).exists()
    check_in.refresh_from_db()
    assert check_in.cancelled_at is not None  # no more reminders to someone who left
    assert client.get(reverse("support:my_assignments")).context["assignments"] == []
    for support_request in (accepted_request, offered_request):
        support_request.refresh_from_db()
        assert support_request.status == SupportRequest.Status.OPEN  # back in the queue for someone else
    ended = AuditEvent.objects.filter(action=Action.ASSIGNMENT, detail="ended:peer_left_team")
    assert set(ended.values_list("object_id", flat=True)) == {str(accepted.pk), str(offered.pk)}


def test_the_policy_scopes_alone_refuse_a_peer_who_is_not_serving(cast):
    """Even without the queue hand-back: the scopes require an active or on-leave peer."""
    peer = make_peer(cast.peer)
    assignment = live_assignment(peer)
    assert policy.visible_to(cast.peer, Assignment).filter(pk=assignment.pk).exists()
    for status in ("inactive", "removed", "stepped_down"):
        PeerProfile.objects.filter(pk=peer.pk).update(status=status)
        visible = policy.visible_to(cast.peer, Assignment).filter(pk=assignment.pk).exists()
        assert visible is (status == "inactive"), status


def test_a_peer_on_leave_keeps_their_requests(cast):
    peer = make_peer(cast.peer)
    assignment = live_assignment(peer)
    services.change_status(peer=peer, to="inactive", by=cast.team_leader)
    assignment.refresh_from_db()
    assert assignment.status == Assignment.Status.ACCEPTED
    assert policy.visible_to(cast.peer, Assignment).filter(pk=assignment.pk).exists()


def test_the_peer_page_of_someone_who_left_offers_no_more_changes(cast, signed_in: SignedIn):
    peer = make_peer(colleague("Gone Peer"))
    services.change_status(peer=peer, to="stepped_down", by=cast.team_leader)
    body = signed_in(cast.team_leader).get(page(peer)).content.decode()
    assert "no longer on the team" in body and "Change the status" not in body and "Put on call" not in body
    assert "active → stepped down, by Leader" in body


def test_the_peer_profile_scope_gives_the_team_leader_everyone_a_peer_themself_and_others_nothing(cast):
    mine, other = make_peer(cast.peer), make_peer(colleague("Other Peer"))
    assert set(policy.visible_to(cast.team_leader, PeerProfile)) == {mine, other}
    assert list(policy.visible_to(cast.peer, PeerProfile)) == [mine]
    for user in (cast.staff, cast.clinical_advisor, cast.program_admin, cast.leadership, cast.outsider):
        assert not policy.visible_to(user, PeerProfile).exists()


def test_a_removal_records_its_reason_category_and_refuses_without_one(cast, signed_in: SignedIn):
    peer = make_peer(cast.peer)
    url = reverse("team:change_status", args=[peer.pk])
    response = signed_in(cast.team_leader).post(url, {"status": "removed"})
    assert response.status_code == 400 and "Choose the reason for the removal." in response.content.decode()
    peer.refresh_from_db()
    assert peer.status == "active"
    signed_in(cast.team_leader).post(url, {"status": "removed", "reason": "confidentiality"})
    change = peer.status_changes.get()
    assert (change.to_status, change.reason) == ("removed", "confidentiality")
    page = signed_in(cast.team_leader).get(reverse("team:peer", args=[peer.pk])).content.decode()
    assert "active → removed (breach of confidentiality)" in page


def test_a_peer_steps_down_themself_and_their_requests_go_back_to_the_queue(cast, signed_in: SignedIn):
    peer = make_peer(cast.peer)
    offered = support.assign(support_request=ask_as(colleague("An Asker")), peer=peer, by=cast.team_leader)
    client = signed_in(cast.peer)
    client.post(reverse("team:step_down"), {})  # not confirmed: nothing happens
    peer.refresh_from_db()
    assert peer.status == "active"
    response = client.post(reverse("team:step_down"), {"confirm": "yes"})
    assert response.status_code == 302
    peer.refresh_from_db()
    offered.refresh_from_db()
    assert peer.status == "stepped_down" and peer.status_changes.get().by == cast.peer
    assert offered.status == Assignment.Status.ENDED
    assert offered.request.status == SupportRequest.Status.OPEN
