"""Fair activity: an app or domain the company marked "active without input" counts as active
while in front, even without input, up to the slot: per slot, max(input active, marked
seconds). Unmarked apps change nothing, and the input figure stays shown beside it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from insights_kit import at, by_first_cell, set_label, signed_in, table, upload
from server_testkit import EnrolledDevice, World

pytestmark = pytest.mark.django_db

MONDAY = dt.date(2026, 6, 15)


def _activity(client: Client, member_id: object) -> list[str]:
    """Monday's row: tracked, fair activity, from input, from marked apps, link."""
    page = client.get(f"/apps/members/{member_id}/?period=day&date=2026-06-15")
    return by_first_cell(table(page.content.decode(), "activity-table"))["Mon 15 Jun"]


def test_a_call_without_input_counts_active_once_the_app_is_marked(
    api: Client, world: World, device: EnrolledDevice
) -> None:
    # One 10-minute slot with no input at all, a video call in front the whole time.
    upload(api, device, at(MONDAY, 8), [(0, 600, "Zoom", None)], slots=[(0, 600, 0)])
    owner = signed_in(world.owner)
    assert _activity(owner, world.employee.pk)[:4] == ["0:10:00", "0%", "0%", "0%"]
    set_label(owner, "app", "Zoom", "neutral")  # labelled, but not marked
    assert _activity(owner, world.employee.pk)[1] == "0%"
    set_label(owner, "app", "Zoom", "neutral", active=True)
    assert _activity(owner, world.employee.pk)[:4] == ["0:10:00", "100%", "0%", "100%"]


def test_input_and_marked_time_are_not_added_up(
    api: Client, world: World, device: EnrolledDevice
) -> None:
    """Slot 1: 300 s of input, 200 s of a marked site: 300 s (the larger). Slot 2: 100 s of
    input, 420 s of a marked site in two spans that overlap another device's: 420 s."""
    upload(
        api,
        device,
        at(MONDAY, 8),
        [
            (0, 200, "Firefox", "https://meet.example.com/abc"),
            (200, 400, "Code", None),
            (600, 300, "Firefox", "https://meet.example.com/abc"),
            (900, 120, "Chromium", "https://video.meet.example.com/x"),
            (1020, 180, "Code", None),
        ],
        slots=[(0, 600, 300), (600, 600, 100)],
    )
    owner = signed_in(world.owner)
    set_label(owner, "domain", "meet.example.com", "productive", active=True)
    tracked, fair, from_input, from_apps, _ = _activity(owner, world.employee.pk)
    assert tracked == "0:20:00"
    assert fair == "60%"  # (300 + 420) / 1200
    assert from_input == "33%"
    assert from_apps == "27%"


def test_fair_activity_is_capped_at_the_slot(
    api: Client, world: World, device: EnrolledDevice
) -> None:
    # Two overlapping marked spans (two devices' windows) cover the slot once, not twice.
    upload(
        api,
        device,
        at(MONDAY, 8),
        [(0, 600, "Zoom", None), (0, 600, "Teams", None)],
        slots=[(0, 600, 60)],
    )
    owner = signed_in(world.owner)
    set_label(owner, "app", "Zoom", "neutral", active=True)
    set_label(owner, "app", "Teams", "neutral", active=True)
    assert _activity(owner, world.employee.pk)[1:4] == ["100%", "10%", "90%"]


def test_a_teams_override_can_mark_an_app_for_its_members(
    api: Client, world: World, device: EnrolledDevice
) -> None:
    upload(api, device, at(MONDAY, 8), [(0, 600, "Figma", None)], slots=[(0, 600, 0)])
    set_label(signed_in(world.manager), "app", "Figma", "productive", active=True, team=world.team)
    assert _activity(signed_in(world.employee), world.employee.pk)[1] == "100%"


def test_the_raw_input_is_one_click_away(api: Client, world: World, device: EnrolledDevice) -> None:
    upload(api, device, at(MONDAY, 8), [(0, 600, "Zoom", None)], slots=[(0, 600, 0)])
    page = signed_in(world.employee).get(
        f"/apps/members/{world.employee.pk}/?period=day&date=2026-06-15"
    )
    link = f"/members/{world.employee.pk}/activity/?day=2026-06-15"
    assert link in page.content.decode()
    assert signed_in(world.employee).get(link).status_code == 200


def test_the_member_day_page_shows_fair_activity_beside_the_input(
    api: Client, world: World, device: EnrolledDevice
) -> None:
    upload(api, device, at(MONDAY, 8), [(0, 600, "Zoom", None)], slots=[(0, 600, 150)])
    owner = signed_in(world.owner)
    day_page = f"/members/{world.employee.pk}/activity/?day=2026-06-15"
    assert "fair-activity" not in owner.get(day_page).content.decode()  # nothing marked yet
    set_label(owner, "app", "Zoom", "neutral", active=True)
    page = owner.get(day_page).content.decode()
    assert '<strong class="activity">25&nbsp;%</strong>' in page  # the input figure, as before
    assert '<strong class="fair-activity">100&nbsp;%</strong>' in page
    assert '<span class="fair-input">25&nbsp;%</span>' in page
    assert '<span class="fair-apps">75&nbsp;%</span>' in page
    # The person's own "what is collected about me" shows the same.
    own = signed_in(world.employee).get("/account/collected/?day=2026-06-15").content.decode()
    assert '<strong class="fair-activity">100&nbsp;%</strong>' in own
