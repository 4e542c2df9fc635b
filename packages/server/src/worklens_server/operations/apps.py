from django.apps import AppConfig


class OperationsConfig(AppConfig):
    name = "worklens_server.operations"
    label = "operations"
