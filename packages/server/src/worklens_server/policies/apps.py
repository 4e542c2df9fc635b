from django.apps import AppConfig


class PoliciesConfig(AppConfig):
    name = "worklens_server.policies"
    label = "policies"

    def ready(self) -> None:
        from worklens_server.policies import signals

        signals.connect()
