from django.urls import path

from worklens_server.timesheets import views

app_name = "timesheets"

urlpatterns = [
    path("timesheets/", views.home, name="home"),
    path("timesheets/team/", views.team, name="team"),
    path("timesheets/teams/<uuid:team_id>/", views.one_team, name="one_team"),
    path("timesheets/members/<uuid:member_id>/", views.member, name="member"),
]
