"""WSGI entry point, for hosts that run a WSGI server instead of `worklens-server serve`."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "worklens_server.settings")

application = get_wsgi_application()
