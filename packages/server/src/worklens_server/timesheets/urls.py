from django.urls import path

from worklens_server.timesheets.views import pages

app_name = "timesheets"

urlpatterns = [
    path("timesheets/", pages.home, name="home"),
    path("timesheets/team/", pages.team, name="team"),
    path("timesheets/teams/<uuid:team_id>/", pages.one_team, name="one_team"),
    path("timesheets/team/export.<str:fmt>", pages.team_export, name="team_export"),
    path(
        "timesheets/teams/<uuid:team_id>/export.<str:fmt>",
        pages.one_team_export,
        name="one_team_export",
    ),
    path("timesheets/members/<uuid:member_id>/", pages.member, name="member"),
    path(
        "timesheets/members/<uuid:member_id>/export.<str:fmt>",
        pages.member_export,
        name="member_export",
    ),
]
