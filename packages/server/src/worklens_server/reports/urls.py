from django.urls import path

from worklens_server.reports import views

app_name = "reports"

urlpatterns = [
    path("", views.home, name="home"),
    path("team/today/", views.team_today, name="team_today"),
    path("team/timeline/", views.team_timeline, name="team_timeline"),
    path("team/gallery/", views.team_gallery, name="team_gallery"),
    path("members/<uuid:member_id>/activity/", views.member_activity, name="member_activity"),
    path("members/<uuid:member_id>/timeline/slot/", views.slot_details, name="slot_details"),
    path("members/<uuid:member_id>/gallery/", views.member_gallery, name="member_gallery"),
]
