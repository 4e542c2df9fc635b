from django.urls import path

from worklens_server.insights import views

app_name = "insights"

urlpatterns = [
    path("apps/", views.home, name="home"),
    path("apps/everyone/", views.everyone, name="everyone"),
    path("apps/teams/<uuid:team_id>/", views.one_team, name="one_team"),
    path("apps/members/<uuid:member_id>/", views.member, name="member"),
    path("apps/labels/", views.labels, name="labels"),
    path("apps/labels/set/", views.label, name="set_label"),
]
