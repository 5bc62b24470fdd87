from django.urls import path

from sidebar.team import views

app_name = "team"
urlpatterns = [
    path("directory/", views.directory, name="directory"),
    path("me/", views.me, name="me"),
    path("me/step-down/", views.step_down, name="step_down"),
    path("photos/<uuid:peer_id>/", views.photo, name="photo"),
    path("roster/", views.roster, name="roster"),
    path("roster/rota/", views.rota, name="rota"),
    path("roster/rota/<uuid:shift_id>/remove/", views.rota_remove, name="rota_remove"),
    path("roster/<uuid:peer_id>/", views.peer, name="peer"),
    path("roster/<uuid:peer_id>/on-call/", views.set_on_call, name="set_on_call"),
    path("roster/<uuid:peer_id>/status/", views.change_status, name="change_status"),
    path("roster/<uuid:peer_id>/clear-flag/", views.clear_flag, name="clear_flag"),
]
