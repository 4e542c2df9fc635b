"""Idle time on a member's day, as the manager's member page and the employee's own "what is
collected about me" show it (one selector, one template), and in the employee's personal data
export: kept idle time is tracked time marked "idle kept"; a discarded stretch is marked "idle
discarded", not counted, and nothing but its start and end is on the server."""

from __future__ import annotations

import datetime as dt
import html
import io
import json
import re
import zipfile

import pytest
from django.test import Client
from server_testkit import EnrolledDevice, World, batch, post_batch, slot, time_entry
from tracked_day import DAY, START, track_day

from worklens_server.companies.models import Member

pytestmark = pytest.mark.django_db

KEPT_START = START + dt.timedelta(minutes=40)  # 10:40 UTC, 12:40 in Berlin
DISCARDED_START = START + dt.timedelta(hours=1)  # 11:00 UTC, 13:00 in Berlin


@pytest.fixture
def idle_day(api: Client, world: World, device: EnrolledDevice) -> dict[str, object]:
    track_day(api, device, project=world.project)  # 30 minutes
    kept = time_entry(
        started_at=KEPT_START,
        stopped_at=KEPT_START + dt.timedelta(minutes=10),
        project_id=world.project.id,
        notes="thinking",
        idle="kept",
    )
    slots = [
        slot(kept.id, started_at=KEPT_START + dt.timedelta(minutes=m), active_seconds=0)
        for m in range(10)
    ]
    discarded = time_entry(
        started_at=DISCARDED_START,
        stopped_at=DISCARDED_START + dt.timedelta(minutes=25),
        idle="discarded",
    )
    sent = batch(device, time_entries=[kept, discarded], slots=slots)
    assert post_batch(api, device, sent).status_code == 200
    return {"kept": kept.id, "discarded": discarded.id}


def _client(member: Member) -> Client:
    client = Client()
    client.force_login(member.user)
    return client


def _text(page: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def _entry_rows(page: str) -> list[str]:
    return [_text(row) for row in re.findall(r'<tr class="entry[^"]*">(.*?)</tr>', page, re.S)]


@pytest.mark.parametrize(
    ("viewer", "path"),
    [("manager", "/members/{member}/activity/"), ("employee", "/account/collected/")],
)
def test_the_day_marks_kept_and_discarded_idle_time(
    world: World, idle_day: dict[str, object], viewer: str, path: str
) -> None:
    url = path.format(member=world.employee.pk)
    page = _client(getattr(world, viewer)).get(url, {"day": DAY.isoformat()}).content.decode()
    text = _text(page)

    # 30 minutes tracked and 10 kept: the discarded 25 minutes are not in the total.
    assert "Tracked 0:40:00 incl. 0:10:00 idle kept" in text
    assert "Idle discarded 0:25:00 not counted" in text
    first, kept, discarded = _entry_rows(page)
    dash = "\u2013"  # what the page shows for nothing
    assert first == "12:00 12:30 Website Build landing page 0:30:00 58 %"
    assert kept == f"12:40 12:50 Website {dash} thinking idle kept 0:10:00 0 %"
    assert discarded.startswith(f"13:00 13:25 {dash} {dash} idle discarded 0:25:00 without input")
    assert discarded.endswith(f"{dash} {dash}")


def test_the_personal_export_holds_the_marks(world: World, idle_day: dict[str, object]) -> None:
    response = _client(world.employee).get("/account/collected/export/")

    with zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))) as archive:
        data = json.loads(archive.read("data.json"))
    (membership,) = data["memberships"]
    marks = {entry["id"]: entry["idle"] for entry in membership["time_entries"]}
    assert sorted(marks.values()) == ["", "discarded", "kept"]
    assert marks[str(idle_day["kept"])] == "kept"
    discarded = next(e for e in membership["time_entries"] if e["idle"] == "discarded")
    assert (discarded["project__name"], discarded["notes"]) == (None, "")
    assert not [s for s in membership["activity_slots"] if s["time_entry_id"] == discarded["id"]]
