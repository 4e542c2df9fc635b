"""WorkLens server: the Django project (ingest API, dashboard, task worker)."""

from importlib import metadata

try:
    __version__ = metadata.version("worklens-server")
except metadata.PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0"
