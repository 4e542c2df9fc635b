"""ASGI entry point, for hosts that run an ASGI server (`worklens-server serve` runs WSGI)."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "worklens_server.settings")

application = get_asgi_application()
