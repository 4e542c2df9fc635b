"""A day of monitoring data for one member, uploaded through the real agent API: a time entry
with project, task and notes, three activity slots, app spans with titles and URLs, and two
screenshots (one stored image each)."""

from __future__ import annotations

import datetime as dt
import io
import uuid
from dataclasses import dataclass
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image
from server_testkit import PINNED_NOW, EnrolledDevice, batch, post_batch

from worklens_server.projects.models import Project
from worklens_wire import new_id
from worklens_wire.v1 import ActivitySlot, AppSpan, ScreenshotRecord, TimeEntry

#: Two days before the pinned clock, at 10:00 UTC: the same calendar day in UTC and in
#: Europe/Berlin.
DAY = PINNED_NOW.date() - dt.timedelta(days=2)
START = dt.datetime.combine(DAY, dt.time(10, 0), tzinfo=dt.UTC)


def image_bytes(colour: tuple[int, int, int], size: tuple[int, int] = (640, 400)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, format="WEBP")
    return buffer.getvalue()


@dataclass
class TrackedDay:
    entry_id: uuid.UUID
    screenshot_ids: list[uuid.UUID]
    images: list[bytes]


def upload_screenshot(
    api: Client, device: EnrolledDevice, record: ScreenshotRecord, image: bytes
) -> Any:
    return api.post(
        "/api/v1/screenshots",
        data={
            "meta": record.model_dump_json(),
            "image": SimpleUploadedFile("shot.webp", image, content_type="image/webp"),
        },
        **device.auth,
    )


def track_day(
    api: Client,
    device: EnrolledDevice,
    *,
    project: Project | None = None,
    notes: str = "landing page",
    start: dt.datetime = START,
) -> TrackedDay:
    task = project.tasks.order_by("name").first() if project is not None else None
    entry = TimeEntry(
        id=new_id(),
        started_at=start,
        stopped_at=start + dt.timedelta(minutes=30),
        project_id=project.id if project else None,
        task_id=task.id if task else None,
        notes=notes,
    )
    slots = [
        ActivitySlot(
            id=new_id(),
            time_entry_id=entry.id,
            started_at=start + dt.timedelta(minutes=10 * n),
            length_seconds=600,
            active_seconds=active,
            keyboard_events=100 + n,
            mouse_events=200 + n,
        )
        for n, active in enumerate((600, 300, 150))
    ]
    spans = [
        AppSpan(
            id=new_id(),
            time_entry_id=entry.id,
            started_at=start + dt.timedelta(seconds=offset),
            ended_at=start + dt.timedelta(seconds=offset + length),
            app=app,
            title=title,
            url=url,
        )
        for offset, length, app, title, url in (
            (0, 600, "Firefox", "Pricing - Example", "https://example.com/pricing"),
            (600, 300, "Terminal", "make test", None),
            (900, 120, "Firefox", "Docs - Example", "https://example.com/docs"),
            (1020, 60, "Firefox", "Pricing - Example", "https://example.com/pricing"),
        )
    ]
    assert (
        post_batch(
            api, device, batch(device, time_entries=[entry], slots=slots, app_spans=spans)
        ).status_code
        == 200
    )
    images = [image_bytes((200, 30, 30)), image_bytes((30, 30, 200))]
    ids = []
    for n, image in enumerate(images):
        record = ScreenshotRecord(
            id=new_id(),
            time_entry_id=entry.id,
            slot_id=slots[n].id,
            taken_at=start + dt.timedelta(minutes=10 * n + 3),
            width=640,
            height=400,
        )
        response = upload_screenshot(api, device, record, image)
        assert response.status_code == 200, response.content
        ids.append(record.id)
    return TrackedDay(entry_id=entry.id, screenshot_ids=ids, images=images)
