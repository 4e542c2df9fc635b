"""Apps and sites data for the tests, put in as users put it: spans and slots uploaded through the
real agent API, labels set through the labelling page's form."""

from __future__ import annotations

import datetime as dt
import html
import re
from typing import Any

from django.test import Client
from server_testkit import EnrolledDevice, batch, device_info, post_batch
from tracked_week import at

from worklens_server.companies.models import Member
from worklens_server.devices.services import enroll_device, issue_enrollment_code
from worklens_wire import new_id
from worklens_wire.v1 import ActivitySlot, AppSpan, TimeEntry

#: (seconds from the start, length in seconds, app, URL or None)
Spans = list[tuple[int, int, str, str | None]]
#: (seconds from the start, length, active seconds)
Slots = list[tuple[int, int, int]]


def upload(
    api: Client, device: EnrolledDevice, start: dt.datetime, spans: Spans, slots: Slots = ()
) -> list[Any]:
    """One time entry from `start` covering the spans and slots; returns the batch sent, so a
    test can send it again."""
    ends = [start + dt.timedelta(seconds=o + n) for o, n, *_ in [*spans, *slots]]
    entry = TimeEntry(id=new_id(), started_at=start, stopped_at=max(ends, default=start))
    sent = batch(
        device,
        time_entries=[entry],
        app_spans=[
            AppSpan(
                id=new_id(),
                time_entry_id=entry.id,
                started_at=start + dt.timedelta(seconds=offset),
                ended_at=start + dt.timedelta(seconds=offset + length),
                app=app,
                title=f"{app} window",
                url=url,
            )
            for offset, length, app, url in spans
        ],
        slots=[
            ActivitySlot(
                id=new_id(),
                time_entry_id=entry.id,
                started_at=start + dt.timedelta(seconds=offset),
                length_seconds=length,
                active_seconds=active,
                keyboard_events=active,
                mouse_events=active,
            )
            for offset, length, active in slots
        ],
    )
    response = post_batch(api, device, sent)
    assert response.status_code == 200, response.content
    return [sent]


def enrolled(member: Member) -> EnrolledDevice:
    """A device of `member`, enrolled as the agent does."""
    enrollment = enroll_device(code=issue_enrollment_code(member=member), info=device_info())
    return EnrolledDevice(enrollment.device.id, enrollment.token, member)


def signed_in(member: Member) -> Client:
    client = Client()
    client.force_login(member.user)
    return client


def set_label(
    client: Client,
    kind: str,
    name: str,
    productivity: str,
    *,
    active: bool = False,
    team: Any = None,
    htmx: bool = True,
) -> Any:
    data: dict[str, str] = {"kind": kind, "name": name, "productivity": productivity}
    if active:
        data["active_without_input"] = "on"
    if team is not None:
        data["team"] = str(team.pk)
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    return client.post("/apps/labels/set/", data, **headers)


def _text(cell: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", cell)).split())


def table(page: str, css_class: str) -> list[list[str]]:
    """The body rows of the page's table of class `css_class`, as the text of their cells."""
    found = re.search(rf'<table class="grid {css_class}[^"]*">(.*?)</table>', page, flags=re.S)
    assert found is not None, f"no table {css_class} on the page"
    body = found.group(1).split("<tbody>", 1)[-1].split("</tbody>", 1)[0]
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", body, flags=re.S)
    return [
        [_text(c) for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", r, flags=re.S)] for r in rows
    ]


def by_first_cell(rows: list[list[str]]) -> dict[str, list[str]]:
    return {row[0]: row[1:] for row in rows}


__all__ = ["at", "set_label", "signed_in", "upload"]
