from django.apps import AppConfig


class DevicesConfig(AppConfig):
    name = "worklens_server.devices"
    label = "devices"
