from django.urls import path

from sidebar.recruitment import existing_views, views

app_name = "recruitment"
urlpatterns = [
    # staff: join the team
    path("", views.join, name="join"),
    path("rounds/<uuid:round_id>/", views.round_detail, name="round"),
    path("rounds/<uuid:round_id>/nominate/", views.nominate, name="nominate"),
    path("rounds/<uuid:round_id>/apply/", views.apply, name="apply"),
    path("rounds/<uuid:round_id>/decline/", views.decline, name="decline"),
    # the team leader
    path("manage/", views.manage, name="manage"),
    path("manage/new/", views.new_round, name="new_round"),
    path("manage/<uuid:round_id>/", views.manage_round, name="manage_round"),
    path("manage/<uuid:round_id>/edit/", views.edit_round, name="edit_round"),
    path("manage/<uuid:round_id>/announce/", views.announce, name="announce"),
    path("manage/<uuid:round_id>/panel/", views.set_panel, name="set_panel"),
    path("manage/applications/<uuid:application_id>/", views.application, name="application"),
    path("manage/applications/<uuid:application_id>/move/", views.move, name="move"),
    path("manage/applications/<uuid:application_id>/decide/", views.decide, name="decide"),
    path("onboarding/", views.onboarding, name="onboarding"),
    path("onboarding/add/", existing_views.add_existing, name="add_existing"),
    path("onboarding/<uuid:peer_id>/activate/", views.activate, name="activate"),
    # the interview panel
    path("panel/", views.panel, name="panel"),
    path("panel/<uuid:application_id>/", views.score, name="score"),
]
