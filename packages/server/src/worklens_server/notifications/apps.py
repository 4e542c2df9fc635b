from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "worklens_server.notifications"
    label = "notifications"
