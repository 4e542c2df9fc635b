"""The member's projects and tasks, fetched from the server; the cached list when offline."""

from __future__ import annotations

import logging

import httpx

from worklens_agent.journal.enrollment import load_enrollment
from worklens_agent.journal.projects import cached_projects, save_projects
from worklens_agent.journal.store import Store
from worklens_agent.upload.client import AgentApi, ApiError
from worklens_wire.v1 import ProjectOut

log = logging.getLogger(__name__)


def member_projects(store: Store) -> list[ProjectOut]:
    """The member's projects from the server; the last list fetched when offline."""
    enrollment = load_enrollment(store)
    if enrollment is not None:
        try:
            with AgentApi.enrolled(enrollment) as api:
                projects = api.projects()
            save_projects(store, projects)
            return projects
        except (httpx.HTTPError, ApiError, OSError) as exc:
            log.warning("could not fetch projects, using the last list: %s", exc)
    return cached_projects(store)
