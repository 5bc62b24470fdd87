"""The anonymous channel. Every URL here has a rule in sidebar/policy.py; none carries an id of
the person's ticket (the session holds it), and the peer's URLs carry only the assignment id."""

from django.urls import path

from sidebar.support import ticket_views

app_name = "tickets"
urlpatterns = [
    path("", ticket_views.open_ticket, name="open"),
    path("new/", ticket_views.new, name="new"),
    path("conversation/", ticket_views.conversation, name="conversation"),
    path("close/", ticket_views.close, name="close"),
    path("leave/", ticket_views.leave, name="leave"),
    path("closed/", ticket_views.closed, name="closed"),
    path("peer/<uuid:assignment_id>/reply/", ticket_views.peer_reply, name="peer_reply"),
]
