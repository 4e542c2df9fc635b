from django.apps import AppConfig


class CompaniesConfig(AppConfig):
    name = "worklens_server.companies"
    label = "companies"
