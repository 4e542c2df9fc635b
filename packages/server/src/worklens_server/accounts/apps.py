from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "worklens_server.accounts"
    label = "accounts"
