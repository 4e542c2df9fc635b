from django.urls import path

from worklens_server.policies import views

app_name = "policies"

urlpatterns = [
    path("collection-policy/", views.acknowledge, name="acknowledge"),
    path("company/policy/", views.edit_policy, name="edit"),
]
