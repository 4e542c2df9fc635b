from django.apps import AppConfig


class PoliciesConfig(AppConfig):
    name = "worklens_server.policies"
    label = "policies"
