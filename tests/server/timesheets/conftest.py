"""The timesheet tests' week: the employee's Monday and Tuesday of the pinned clock's week."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from server_testkit import EnrolledDevice, World
from tracked_week import MONDAY, at, track_entry


@pytest.fixture
def week(api: Client, world: World, device: EnrolledDevice) -> dict[str, Any]:
    """The employee's Monday and Tuesday: Website / Design twice, and time without a project."""
    design = world.project.tasks.get(name="Design")
    track_entry(api, device, at(MONDAY, 7), 30, project_id=world.project.id, task_id=design.id)
    track_entry(api, device, at(MONDAY, 9), 15)
    tuesday = MONDAY + dt.timedelta(days=1)
    track_entry(api, device, at(tuesday, 8), 45, project_id=world.project.id, task_id=design.id)
    return {"design": design}
