from django.urls import path

from worklens_server.invitations import views

app_name = "invitations"

urlpatterns = [
    path("invitations/", views.invite, name="invite"),
    path("invitations/<uuid:invitation_id>/cancel/", views.cancel, name="cancel"),
    path("invitations/accept/<str:token>/", views.accept, name="accept"),
]
