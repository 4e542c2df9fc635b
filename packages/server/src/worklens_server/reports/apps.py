from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "worklens_server.reports"
    label = "reports"
