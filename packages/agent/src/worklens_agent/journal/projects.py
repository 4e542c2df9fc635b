"""The member's projects and tasks as last fetched from the server (upload/projects.py), for
when it cannot be reached."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from worklens_agent.journal.store import Store
from worklens_agent.settings import Key
from worklens_wire.v1 import ProjectOut

log = logging.getLogger(__name__)


def cached_projects(store: Store) -> list[ProjectOut]:
    """The last list fetched (empty before the first fetch)."""
    projects: list[ProjectOut] = []
    for raw in store.get(Key.PROJECTS, []):
        try:
            projects.append(ProjectOut.model_validate(raw))
        except ValueError:
            log.warning("skipping an unreadable cached project")
    return projects


def save_projects(store: Store, projects: Sequence[ProjectOut]) -> None:
    store.set(Key.PROJECTS, [project.model_dump(mode="json") for project in projects])
