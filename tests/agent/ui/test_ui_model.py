"""The menu behind the tray and the WorkLens window, without a display: state, labels, actions,
the queue listing, the update and idle entries, notices from the run process, and the icon."""

from __future__ import annotations

import datetime as dt
import json
import random
import sys
import uuid
from pathlib import Path

import pytest
from agent_fake_server import PROJECT_ID, TASK_ID, FakeServer
from PIL import Image

from worklens_agent.cli import main
from worklens_agent.clock import utcnow
from worklens_agent.desktop.commands import agent_prefix, idle_dialog_command
from worklens_agent.journal.notices import FRESH_SECONDS, post_notice, take_unshown
from worklens_agent.journal.outbox import Outbox
from worklens_agent.journal.store import Store
from worklens_agent.journal.tracking import current_entry, get_entry
from worklens_agent.recording.entries import TrackingError, start_entry
from worklens_agent.recording.idle import begin_idle, decide_idle
from worklens_agent.recording.screenshots import Screenshotter, _post_screenshot_notices
from worklens_agent.settings import Key
from worklens_agent.ui.icons import STATE_COLOURS, state_icon
from worklens_agent.ui.model import (
    Action,
    Selection,
    TrayState,
    collected_url,
    last_selection,
    menu_entries,
    queued_counts,
    queued_items,
    read_snapshot,
    start_tracking,
    stop_tracking,
)
from worklens_wire import new_id
from worklens_wire.v1 import ActivitySlot, Policy, ProjectOut, TaskOut

OTHER_TASK = uuid.UUID("0190a000-0000-7000-8000-000000000003")


def cache_projects(store: Store) -> None:
    projects = [
        ProjectOut(
            id=PROJECT_ID,
            name="Website",
            tasks=[TaskOut(id=TASK_ID, name="Design"), TaskOut(id=OTHER_TASK, name="Build")],
        )
    ]
    store.set(Key.PROJECTS, [project.model_dump(mode="json") for project in projects])


def labels(store: Store) -> dict[Action, tuple[str, bool]]:
    return {
        entry.action: (entry.label, entry.enabled) for entry in menu_entries(read_snapshot(store))
    }


def test_paused_tracking_and_offline_states_with_their_menus(store: Store) -> None:
    cache_projects(store)
    snapshot = read_snapshot(store)
    assert snapshot.state is TrayState.PAUSED
    assert snapshot.title == "WorkLens: paused"
    assert snapshot.status_line() == "Paused (not tracking)"
    assert [entry.action for entry in menu_entries(snapshot)] == [
        Action.START,
        Action.STOP,
        Action.CHOOSE,
        Action.COLLECTED,
        Action.QUEUE,
        Action.QUIT,
    ]
    menu = labels(store)
    assert menu[Action.START] == ("Start", True)
    assert menu[Action.STOP] == ("Stop", False)
    assert menu[Action.COLLECTED] == ("What is collected about me", False)  # not enrolled

    entry = start_tracking(store, Selection(PROJECT_ID, TASK_ID, "landing page"))
    snapshot = read_snapshot(store)
    assert snapshot.state is TrayState.TRACKING
    assert snapshot.work_label == "Website / Design — landing page"
    later = entry.started_at + dt.timedelta(seconds=3723)
    assert snapshot.status_line(later).startswith("Tracking 1:02:03 since ")
    assert snapshot.status_line(later).endswith(" — Website / Design — landing page")
    menu = labels(store)
    assert (menu[Action.START][1], menu[Action.STOP][1]) == (False, True)
    assert menu[Action.QUEUE] == ("What is waiting to be sent (1 items)", True)

    # Offline: the uploader's last attempt failed (tracking goes on, data waits on the device).
    store.set(Key.LAST_UPLOAD, {"at": "x", "ok": False, "message": "network error: ConnectError"})
    snapshot = read_snapshot(store)
    assert snapshot.state is TrayState.OFFLINE
    assert snapshot.status_line().endswith("\nOffline: network error: ConnectError")
    store.set(Key.LAST_UPLOAD, {"at": "x", "ok": True, "message": "batch acked"})
    assert read_snapshot(store).state is TrayState.TRACKING
    store.set(Key.UPLOAD_BLOCKED, "device token rejected (revoked?)")
    assert read_snapshot(store).connection_problem == "device token rejected (revoked?)"
    assert read_snapshot(store).state is TrayState.OFFLINE


def test_start_remembers_the_choice_switches_and_stop_is_idempotent(store: Store) -> None:
    first = start_tracking(store, Selection(PROJECT_ID, TASK_ID, "a"))
    assert last_selection(store) == Selection(PROJECT_ID, TASK_ID, "a")
    # Starting while tracking is a switch: the open entry is stopped, a new one opened.
    second = start_tracking(store, Selection(PROJECT_ID, OTHER_TASK, "b"))
    stopped = get_entry(store, first.id)
    assert stopped is not None
    assert stopped.stopped_at is not None
    now = current_entry(store)
    assert now is not None
    assert now.id == second.id
    assert (now.project_id, now.task_id, now.notes) == (PROJECT_ID, OTHER_TASK, "b")
    assert stop_tracking(store) is not None
    assert stop_tracking(store) is None  # e.g. already stopped from the CLI
    with pytest.raises(TrackingError, match="a task needs its project"):
        start_tracking(store, Selection(None, TASK_ID, ""))
    assert current_entry(store) is None


def test_unknown_ids_are_labelled_and_a_broken_selection_reads_as_none(store: Store) -> None:
    start_entry(store, project_id=PROJECT_ID, task_id=TASK_ID)
    assert read_snapshot(store).work_label == f"project {PROJECT_ID} / task {TASK_ID}"
    store.set(Key.UI_SELECTION, {"project_id": "not-a-uuid"})
    assert last_selection(store) == Selection()


def test_update_and_idle_entries_appear_only_when_there_is_something(store: Store) -> None:
    store.set(Key.UPDATE_AVAILABLE, {"latest_version": "0.2.0"})  # no download address: ignored
    assert Action.UPDATE not in labels(store)
    store.set(
        Key.UPDATE_AVAILABLE,
        {"latest_version": "0.2.0", "download_url": "https://example.com/worklens-0.2.0"},
    )
    assert labels(store)[Action.UPDATE] == ("Update available: version 0.2.0", True)
    assert read_snapshot(store).update is not None

    assert Action.IDLE not in labels(store)  # nothing pending
    now = utcnow()
    start_entry(store, now=now - dt.timedelta(minutes=10))
    period = begin_idle(store, last_input=now - dt.timedelta(minutes=6), now=now)
    assert period is not None
    assert labels(store)[Action.IDLE] == ("You were idle — decide…", True)
    decide_idle(store, period.id, "keep", now=now)
    assert Action.IDLE not in labels(store)
    command = idle_dialog_command(Path("/h"))
    assert command[: len(agent_prefix(Path("/h")))] == agent_prefix(Path("/h"))
    assert command[-4:] == ["--home", "/h", "idle", "dialog"]


def test_queue_lists_unsent_items_by_kind_without_acked_or_discarded(store: Store) -> None:
    entry = start_entry(store)
    outbox = Outbox(store)
    slots = [
        ActivitySlot(
            id=new_id(),
            time_entry_id=entry.id,
            started_at=entry.started_at + dt.timedelta(seconds=10 * i),
            length_seconds=10,
            active_seconds=5,
            keyboard_events=3,
            mouse_events=4,
        )
        for i in range(3)
    ]
    for slot in slots:
        outbox.record(slot)
    with store.transaction() as conn:
        conn.execute(
            "INSERT INTO discarded_slots VALUES (?, 'screenshot deleted by employee', 'x')",
            (str(slots[2].id),),
        )
        conn.execute("UPDATE items SET acked_revision = revision WHERE id = ?", (str(slots[1].id),))
    queued = queued_items(store)
    assert [item.kind for item in queued] == ["time_entry", "slot"]
    assert queued_counts(queued) == {"time entry": 1, "activity slot": 1}
    assert read_snapshot(store).pending_items == 2


def test_collected_page_address() -> None:
    assert collected_url("http://host:8000/") == "http://host:8000/account/collected/"


def test_notices_are_shown_once_and_stale_ones_are_not_popped_up(store: Store) -> None:
    now = utcnow()
    item = new_id()
    post_notice(store, kind="screenshot", message="old", now=now - dt.timedelta(hours=1))
    first = post_notice(store, kind="screenshot", message="Screenshot taken", item_id=item, now=now)
    shown = take_unshown(store, now=now + dt.timedelta(seconds=FRESH_SECONDS - 1))
    assert [(n.id, n.message, n.item_id) for n in shown] == [(first, "Screenshot taken", item)]
    assert take_unshown(store) == []
    post_notice(store, kind="screenshot", message="a day later", now=now + dt.timedelta(days=1))
    kept = store.conn.execute("SELECT message FROM notices ORDER BY id").fetchall()
    assert [row[0] for row in kept] == ["Screenshot taken", "a day later"]


class TwoMonitors:
    def grab_monitors(self) -> list[Image.Image]:
        return [Image.new("RGB", (640, 400), (10, 120, 200)), Image.new("RGB", (320, 200))]

    def close(self) -> None:
        return None


def test_a_screenshot_capture_leaves_a_notice_naming_the_image(store: Store) -> None:
    """What the run process's screenshot thread does after each capture."""
    policy = Policy(version=1)
    store.set(Key.POLICY, policy.model_dump(mode="json"))
    entry = start_entry(store)
    messages: list[str] = []
    shooter = Screenshotter(
        store, grabber=TwoMonitors, notify=messages.append, rng=random.Random(1)
    )
    recorded = shooter.capture(entry, policy)
    _post_screenshot_notices(store, messages, recorded)
    (notice,) = take_unshown(store)
    assert notice.kind == "screenshot"
    assert notice.item_id == recorded[0].id
    assert notice.message.startswith("Screenshot taken (2 monitor(s)); you can delete it within")


def test_icon_colour_differs_per_state() -> None:
    sampled = {}
    for state in TrayState:
        image = state_icon(state, size=64)
        assert image.size == (64, 64)
        sampled[state] = image.getpixel((16, 32))
    assert sampled == STATE_COLOURS
    assert len(set(STATE_COLOURS.values())) == 3


def test_cli_projects_lists_from_the_server_and_from_the_cache_offline(
    enrolled_home: Path, fake_server: FakeServer, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--home", str(enrolled_home), "projects"]) == 0
    assert capsys.readouterr().out == f"Website  ({PROJECT_ID})\n  Design  ({TASK_ID})\n"
    with Store(enrolled_home) as store:  # the server moves away: the cached list is used
        store.set(Key.SERVER_URL, "http://127.0.0.1:9")
    assert main(["--home", str(enrolled_home), "projects", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert listed == [
        {
            "id": str(PROJECT_ID),
            "name": "Website",
            "tasks": [{"id": str(TASK_ID), "name": "Design"}],
        }
    ]


def test_cli_projects_before_enrolling(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--home", str(home), "projects"]) == 0
    assert "no projects" in capsys.readouterr().out


def test_ui_without_a_display_says_so(
    home: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    if not sys.platform.startswith("linux"):
        pytest.skip("the X display check is Linux's")
    monkeypatch.delenv("DISPLAY", raising=False)
    assert main(["--home", str(home), "ui"]) == 1
    assert capsys.readouterr().err == "worklens-agent: no X display (DISPLAY is not set)\n"
