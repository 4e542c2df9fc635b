from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "worklens_server.projects"
    label = "projects"
