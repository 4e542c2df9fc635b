"""The member's projects and tasks: fetched from the server, cached for when it is unreachable."""

from __future__ import annotations

import logging

import httpx

from worklens_agent.client import ApiError
from worklens_agent.enrollment import load_enrollment
from worklens_agent.store import Store
from worklens_wire.v1 import ProjectOut

log = logging.getLogger(__name__)

CACHE_KEY = "projects"


def cached_projects(store: Store) -> list[ProjectOut]:
    """The last list fetched (empty before the first fetch)."""
    projects: list[ProjectOut] = []
    for raw in store.get(CACHE_KEY, []):
        try:
            projects.append(ProjectOut.model_validate(raw))
        except ValueError:
            log.warning("skipping an unreadable cached project")
    return projects


def member_projects(store: Store) -> list[ProjectOut]:
    """The member's projects from the server; the last list fetched when offline."""
    enrollment = load_enrollment(store)
    if enrollment is not None:
        try:
            with enrollment.api() as api:
                projects = api.projects()
            store.set(CACHE_KEY, [project.model_dump(mode="json") for project in projects])
            return projects
        except (httpx.HTTPError, ApiError, OSError) as exc:
            log.warning("could not fetch projects, using the last list: %s", exc)
    return cached_projects(store)
