from django.apps import AppConfig


class InvitationsConfig(AppConfig):
    name = "worklens_server.invitations"
    label = "invitations"
