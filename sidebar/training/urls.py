"""Every URL here has its rule in sidebar/policy.py (URL_RULES, "training:…")."""

from django.urls import path

from sidebar.training import views

app_name = "training"
urlpatterns = [
    path("", views.index, name="index"),
    path("record/", views.my_record, name="my_record"),
    path("records/<uuid:peer_id>/", views.record, name="record"),
    path("compliance/", views.compliance, name="compliance"),
    path("courses/", views.courses, name="courses"),
    path("courses/new/", views.course_edit, name="course_new"),
    path("courses/<uuid:course_id>/", views.course_edit, name="course_edit"),
    path("sessions/", views.sessions, name="sessions"),
    path("sessions/new/", views.session_edit, name="session_new"),
    path("sessions/<uuid:session_id>/", views.session, name="session"),
    path("sessions/<uuid:session_id>/edit/", views.session_edit, name="session_edit"),
    path("polls/", views.polls, name="polls"),
    path("polls/new/", views.poll_new, name="poll_new"),
    path("polls/<uuid:poll_id>/", views.poll_answer, name="poll_answer"),
    path("polls/<uuid:poll_id>/results/", views.poll_results, name="poll_results"),
    path("polls/<uuid:poll_id>/close/", views.poll_close, name="poll_close"),
    path("announcements/", views.announcements, name="announcements"),
    path("announcements/new/", views.announcement_new, name="announcement_new"),
]
