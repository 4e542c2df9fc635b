from django.apps import AppConfig


class AlertsConfig(AppConfig):
    name = "worklens_server.alerts"
    label = "alerts"
