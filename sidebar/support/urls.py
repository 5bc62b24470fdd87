from django.urls import path

from sidebar.support import views

app_name = "support"
urlpatterns = [
    path("ask/", views.ask, name="ask"),
    path("refer/", views.refer, name="refer"),
    path("mine/", views.my_requests, name="my_requests"),
    path("received/<uuid:request_id>/", views.received, name="received"),
    path("mine/<uuid:request_id>/withdraw/", views.withdraw, name="withdraw"),
    path("mine/<uuid:request_id>/delete/", views.delete_details, name="delete_details"),
    path("urgent/", views.urgent, name="urgent"),
    path("queue/", views.queue, name="queue"),
    path("requests/<uuid:request_id>/", views.triage, name="triage"),
    path("requests/<uuid:request_id>/close/", views.close, name="close"),
    path("assignments/", views.my_assignments, name="my_assignments"),
    path("assignments/<uuid:assignment_id>/", views.assignment, name="assignment"),
    path("assignments/<uuid:assignment_id>/answer/", views.answer, name="answer"),
    path("assignments/<uuid:assignment_id>/contacts/", views.log_contact, name="log_contact"),
    path("assignments/<uuid:assignment_id>/hand-back/", views.hand_back, name="hand_back"),
    path("check-ins/<uuid:check_in_id>/done/", views.check_in_done, name="check_in_done"),
    path("debrief/", views.debrief, name="debrief"),
    path("debriefs/", views.debriefs, name="debriefs"),
    path("debriefs/<uuid:request_id>/done/", views.debrief_done, name="debrief_done"),
]
