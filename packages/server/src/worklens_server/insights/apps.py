from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "worklens_server.insights"
    label = "insights"
