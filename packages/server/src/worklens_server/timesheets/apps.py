from django.apps import AppConfig


class TimesheetsConfig(AppConfig):
    name = "worklens_server.timesheets"
    label = "timesheets"
