from django.apps import AppConfig


class TrackingConfig(AppConfig):
    name = "worklens_server.tracking"
    label = "tracking"
