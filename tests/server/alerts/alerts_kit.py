"""Helpers of the alert tests: the owner's settings through the real page, the check through
the real management command, and agents that call in or track through the real API."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from typing import Any

from django.core.management import call_command
from django.test import Client
from server_testkit import EnrolledDevice, World, batch, post_batch, slot, time_entry

from worklens_server.alerts.models import Alert

DEFAULTS: dict[str, Any] = {
    "days": ["0", "1", "2", "3", "4"],
    "work_starts": "09:00",
    "work_ends": "17:00",
    "silent_on": "on",
    "silent_minutes": "30",
    "sources_on": "on",
    "not_tracking_on": "on",
    "not_tracking_by": "10:00",
    "low_activity_on": "on",
    "low_activity_percent": "20",
}


def set_alerts(world: World, **changes: Any) -> Any:
    """Posts the owner's alert settings page; a switch given as False is left unticked."""
    client = Client()
    client.force_login(world.owner.user)
    data = {k: v for k, v in (DEFAULTS | changes).items() if v is not False}
    return client.post("/company/alerts/", data)


def only(world: World, kind: str) -> None:
    """Every kind switched off but `kind`."""
    switches = {"silent_on", "sources_on", "not_tracking_on", "low_activity_on"}
    response = set_alerts(world, **{s: False for s in switches - {f"{kind}_on"}})
    assert response.status_code == 302, response.content


def check() -> str:
    out = StringIO()
    call_command("check_alerts", stdout=out)
    return out.getvalue()


def open_alerts(kind: str) -> list[Alert]:
    return list(Alert.objects.filter(kind=kind, closed_at__isnull=True))


def call_in(api: Client, device: EnrolledDevice) -> None:
    """The agent asks for its policy, as it does every 5 minutes while it runs."""
    assert api.get("/api/v1/policy", **device.auth).status_code == 200


def track_last_hour(
    api: Client,
    device: EnrolledDevice,
    *,
    now: dt.datetime,
    active_seconds: int,
    minutes: int = 60,
) -> None:
    """`minutes` one-minute slots up to `now`, each with `active_seconds` of input."""
    entry = time_entry(started_at=now - dt.timedelta(minutes=minutes), stopped_at=now)
    slots = [
        slot(
            entry.id,
            started_at=now - dt.timedelta(minutes=minutes - minute),
            active_seconds=active_seconds,
        )
        for minute in range(minutes)
    ]
    response = post_batch(api, device, batch(device, time_entries=[entry], slots=slots))
    assert response.status_code == 200, response.content
