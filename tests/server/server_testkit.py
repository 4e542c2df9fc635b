"""Helpers for the server tests: wire messages and API calls as an agent would make them."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid
import zoneinfo
from dataclasses import dataclass
from typing import Any

from django.test import Client

from worklens_server.companies.models import Company, Member, Team
from worklens_server.ingest.models import ReceivedBatch
from worklens_server.projects.models import Project
from worklens_server.tracking.models import (
    ActivitySlot,
    AppSpan,
    MemberDayRollup,
    Screenshot,
    TimeEntry,
)
from worklens_wire import new_id
from worklens_wire.v1 import (
    ActivitySlot as WireSlot,
)
from worklens_wire.v1 import (
    AppSpan as WireSpan,
)
from worklens_wire.v1 import (
    DeviceInfo,
    UploadBatch,
)
from worklens_wire.v1 import (
    TimeEntry as WireTimeEntry,
)

#: The test company's timezone: it defines the company's "day" in reports and rollups.
COMPANY_ZONE = "Europe/Berlin"
#: The instant every server test starts at (tests/server/conftest.py pins the clock there):
#: midday in the company's zone on an ordinary Wednesday, 12 hours from either local midnight
#: and far from both DST changes. 10:00 UTC.
PINNED_NOW = dt.datetime(2026, 6, 17, 12, 0, tzinfo=zoneinfo.ZoneInfo(COMPANY_ZONE)).astimezone(
    dt.UTC
)
#: "Now" for the wire messages the helpers below build.
NOW = PINNED_NOW


@dataclass
class World:
    company: Company
    owner: Member
    manager: Member
    employee: Member
    loner: Member  # an employee in no team
    team: Team
    project: Project
    outsider_company: Company
    outsider_owner: Member
    outsider_employee: Member


@dataclass
class EnrolledDevice:
    device_id: uuid.UUID
    token: str
    member: Member

    @property
    def auth(self) -> dict[str, str]:
        return {"HTTP_AUTHORIZATION": f"Bearer {self.token}"}


def device_info(**changes: Any) -> DeviceInfo:
    fields: dict[str, Any] = {
        "installation_id": uuid.uuid4(),
        "hostname": "test-host",
        "hardware_model": "ThinkPad T14",
        "os_name": "Linux",
        "os_version": "Debian 12",
        "machine_id_hash": hashlib.sha256(uuid.uuid4().bytes).hexdigest(),
        "timezone": "Europe/Berlin",
        "agent_version": "0.1.0",
        "sources": [{"name": "time", "available": True}],
    }
    return DeviceInfo(**(fields | changes))


def time_entry(**changes: Any) -> WireTimeEntry:
    return WireTimeEntry(**({"id": new_id(), "started_at": NOW - dt.timedelta(hours=1)} | changes))


def slot(entry_id: uuid.UUID, minute: int = 0, **changes: Any) -> WireSlot:
    fields: dict[str, Any] = {
        "id": new_id(),
        "time_entry_id": entry_id,
        "started_at": NOW - dt.timedelta(minutes=60 - minute),
        "length_seconds": 60,
        "active_seconds": 45,
        "keyboard_events": 120,
        "mouse_events": 300,
    }
    return WireSlot(**(fields | changes))


def span(entry_id: uuid.UUID, minute: int = 0, app: str = "Firefox", **changes: Any) -> WireSpan:
    start = NOW - dt.timedelta(minutes=60 - minute)
    fields: dict[str, Any] = {
        "id": new_id(),
        "time_entry_id": entry_id,
        "started_at": start,
        "ended_at": start + dt.timedelta(seconds=50),
        "app": app,
        "title": "Quarterly report",
        "url": "https://example.com/report",
    }
    return WireSpan(**(fields | changes))


def batch(device: EnrolledDevice, **items: Any) -> UploadBatch:
    return UploadBatch(batch_id=new_id(), device_id=device.device_id, sent_at=NOW, **items)


def post_json(client: Client, path: str, body: str | bytes, **extra: Any) -> Any:
    return client.post(path, data=body, content_type="application/json", **extra)


def post_batch(client: Client, device: EnrolledDevice, body: str | bytes | UploadBatch) -> Any:
    if isinstance(body, UploadBatch):
        body = body.model_dump_json()
    return post_json(client, "/api/v1/batches", body, **device.auth)


def row_counts() -> dict[str, int]:
    """How many rows each ingest table holds: proves what a request stored (or did not)."""
    return {
        "batches": ReceivedBatch.objects.count(),
        "time_entries": TimeEntry.objects.count(),
        "slots": ActivitySlot.objects.count(),
        "app_spans": AppSpan.objects.count(),
        "screenshots": Screenshot.objects.count(),
        "rollups": MemberDayRollup.objects.count(),
    }


def detail(response: Any) -> str:
    return str(json.loads(response.content)["detail"])
