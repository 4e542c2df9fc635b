from django.urls import path

from worklens_server.timesheets import views

app_name = "timesheets"

urlpatterns = [
    path("timesheets/", views.home, name="home"),
    path("timesheets/team/", views.team, name="team"),
    path("timesheets/teams/<uuid:team_id>/", views.one_team, name="one_team"),
    path("timesheets/team/export.<str:fmt>", views.team_export, name="team_export"),
    path(
        "timesheets/teams/<uuid:team_id>/export.<str:fmt>",
        views.one_team_export,
        name="one_team_export",
    ),
    path("timesheets/members/<uuid:member_id>/", views.member, name="member"),
    path(
        "timesheets/members/<uuid:member_id>/export.<str:fmt>",
        views.member_export,
        name="member_export",
    ),
]
