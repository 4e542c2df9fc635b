"""ASGI entry point, served by gunicorn with uvicorn workers (`worklens-server serve`)."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "worklens_server.settings")

application = get_asgi_application()
