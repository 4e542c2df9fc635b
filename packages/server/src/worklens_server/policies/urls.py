from django.urls import path

from worklens_server.policies import views

app_name = "policies"

urlpatterns = [
    path("collection-policy/", views.acknowledge, name="acknowledge"),
    path("company/policy/", views.edit_policy, name="edit"),
    path("company/policy/history/", views.policy_history, name="history"),
    path("teams/<uuid:team_id>/policy/", views.team_policy, name="team"),
    path("members/<uuid:member_id>/policy/", views.member_policy, name="member"),
]
