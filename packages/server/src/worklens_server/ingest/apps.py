from django.apps import AppConfig


class IngestConfig(AppConfig):
    name = "worklens_server.ingest"
    label = "ingest"
