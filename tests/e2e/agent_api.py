"""The agent's side of the API spoken from a test with the wire models, for browser tests that
need data on the server without a desktop: enroll a device, upload an entry with its slots (and
app spans), list projects."""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from typing import Any

import httpx

from worklens_wire import new_id
from worklens_wire.v1 import (
    ActivitySlot,
    AppSpan,
    DeviceInfo,
    EnrollRequest,
    TimeEntry,
    UploadBatch,
)


def enroll(base_url: str, code: str, hostname: str = "emmas-laptop") -> tuple[str, uuid.UUID]:
    """A device token and the device's id for an enrollment code."""
    device = DeviceInfo(
        installation_id=uuid.uuid4(),
        hostname=hostname,
        os_name="Linux",
        machine_id_hash=hashlib.sha256(hostname.encode()).hexdigest(),
        timezone="UTC",
        agent_version="0.1.0",
    )
    body = EnrollRequest(code=code, device=device).model_dump_json()
    enrolled = httpx.post(f"{base_url}/api/v1/enroll", content=body, timeout=30)
    assert enrolled.status_code == 201, enrolled.text
    return str(enrolled.json()["token"]), uuid.UUID(enrolled.json()["device_id"])


def projects(base_url: str, token: str) -> dict[str, Any]:
    """The projects the device's member may use, by name, each with its tasks by name."""
    listed = httpx.get(
        f"{base_url}/api/v1/projects", headers={"Authorization": f"Bearer {token}"}, timeout=30
    ).json()
    return {p["name"]: p | {"tasks": {t["name"]: t for t in p["tasks"]}} for p in listed}


def upload(
    base_url: str,
    token: str,
    device_id: uuid.UUID,
    entry: TimeEntry,
    *,
    active_seconds: int = 45,
    app: str | None = None,
    title: str | None = None,
    url: str | None = None,
) -> None:
    """The entry with a one-minute slot for each whole minute it lasted (and, given `app`, one
    app span over all of it), in one batch, as the agent sends them."""
    assert entry.stopped_at is not None
    minutes = int((entry.stopped_at - entry.started_at).total_seconds() // 60)
    slots = [
        ActivitySlot(
            id=new_id(),
            time_entry_id=entry.id,
            started_at=entry.started_at + dt.timedelta(minutes=m),
            length_seconds=60,
            active_seconds=active_seconds,
            keyboard_events=90,
            mouse_events=30,
        )
        for m in range(minutes)
    ]
    spans = (
        [
            AppSpan(
                id=new_id(),
                time_entry_id=entry.id,
                started_at=entry.started_at,
                ended_at=entry.stopped_at,
                app=app,
                title=title,
                url=url,
            )
        ]
        if app
        else []
    )
    batch = UploadBatch(
        batch_id=new_id(),
        device_id=device_id,
        sent_at=dt.datetime.now(dt.UTC),
        time_entries=[entry],
        slots=slots,
        app_spans=spans,
    )
    response = httpx.post(
        f"{base_url}/api/v1/batches",
        content=batch.model_dump_json(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        timeout=30,
    )
    assert response.status_code == 200, response.text
