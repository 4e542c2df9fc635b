from django.urls import path

from worklens_server.reports import views

app_name = "reports"

urlpatterns = [
    path("", views.home, name="home"),
    path("team/today/", views.team_today, name="team_today"),
    path("members/<uuid:member_id>/activity/", views.member_activity, name="member_activity"),
]
