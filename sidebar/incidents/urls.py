from django.urls import path

from sidebar.incidents import views

app_name = "incidents"
urlpatterns = [
    path("", views.incident_list, name="list"),
    path("new/", views.new, name="new"),
    path("<uuid:pk>/", views.detail, name="detail"),
    path("<uuid:pk>/follow-up/", views.follow_up, name="follow_up"),
    path("<uuid:pk>/board/", views.board, name="board"),
    path("<uuid:pk>/sessions/new/", views.session_new, name="session_new"),
    path("sessions/<uuid:pk>/", views.session, name="session"),
    path("sessions/<uuid:pk>/invitation.ics", views.session_ics, name="session_ics"),
    path("opt-in/<uuid:pk>/", views.opt_in, name="opt_in"),
    path("mutual-aid/", views.mutual_aid, name="mutual_aid"),
    path("mutual-aid/<uuid:pk>/end/", views.mutual_aid_end, name="mutual_aid_end"),
]
