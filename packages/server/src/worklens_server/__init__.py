"""WorkLens server: the Django project (ingest API, dashboard, task worker)."""
