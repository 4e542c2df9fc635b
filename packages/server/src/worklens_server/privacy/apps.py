from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "worklens_server.privacy"
    label = "privacy"
