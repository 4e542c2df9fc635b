from django.urls import path

from worklens_server.companies import people_views as views

app_name = "people"

urlpatterns = [
    path("members/", views.members, name="members"),
    path("members/<uuid:member_id>/role/", views.change_role, name="change_role"),
    path("members/<uuid:member_id>/remove/", views.remove_member, name="remove_member"),
    path("teams/", views.teams, name="teams"),
    path("teams/<uuid:team_id>/", views.team, name="team"),
    path("teams/<uuid:team_id>/rename/", views.rename_team, name="rename_team"),
    path("teams/<uuid:team_id>/delete/", views.delete_team, name="delete_team"),
    path("teams/<uuid:team_id>/members/", views.add_team_member, name="add_team_member"),
    path(
        "teams/<uuid:team_id>/members/<uuid:member_id>/remove/",
        views.remove_team_member,
        name="remove_team_member",
    ),
    path(
        "teams/<uuid:team_id>/members/<uuid:member_id>/manager/",
        views.set_team_manager,
        name="set_team_manager",
    ),
]
