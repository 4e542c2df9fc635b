"""Desktop capture end to end (issue 4's acceptance, agent side).

A virtual desktop (Xvfb 1920x1080 + openbox) shows three Tk windows, each its own process with its
own application name and a solid colour filling it: two work windows and a diary listed in the
company's `private_apps`. The real agent (`worklens-agent run`) tracks against the real server
(`worklens-server serve`) with 30-second slots and one screenshot per 30 seconds, while xdotool
brings the windows to the front in turn and types and moves the mouse, then leaves a whole slot
quiet with the diary in front. The test notes when it focused each window and when it sent input,
and the server must then hold:

- app spans naming each application and title, lasting what the test did within 2 s;
- slots with activity where input was sent and none in the quiet slot;
- screenshots that decrypt and decode and show the colour of the window then in front;
- no image while the diary was in front, and a "private_app" skip record instead.

Then, with the same agent, server and desktop, idle time: the test starts a second entry, works,
leaves the keyboard and mouse alone for longer than the idle threshold, comes back, and presses
Discard in the agent's "you were idle" dialog. The server must then hold that entry split at the
last input before the idle stretch and at the return, nothing (slot, span, screenshot) inside the
idle stretch although a screenshot was taken there, and tracked time without the idle stretch.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import shutil
import signal
import time
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.desktop import WINDOW_PIXELS, ColourWindow, VirtualDesktop, virtual_desktop
from tests.e2e.processes import (
    AgentProcess,
    ServerProcess,
    free_port,
    server_database,
    wait_until,
)
from worklens_agent.journal.store import Store
from worklens_agent.recording.screenshots import capture_timings
from worklens_agent.ui.idle_dialog import TITLE as IDLE_DIALOG_TITLE

pytestmark = [
    pytest.mark.desktop,
    pytest.mark.skipif(
        not all(shutil.which(tool) for tool in ("Xvfb", "openbox", "xdotool")),
        reason="Xvfb, openbox and xdotool are needed",
    ),
    pytest.mark.timeout(600),
]

SLOT = 30
ALPHA = ColourWindow("alpha-editor", "Quarterly report - Alpha", (220, 30, 30))
BETA = ColourWindow("beta-viewer", "Sales chart - Beta", (30, 30, 220))
DIARY = ColourWindow("private-diary", "My diary", (30, 180, 30))
WINDOWS = (ALPHA, BETA, DIARY)
#: Input or a capture this close to a slot boundary or a change of focus may count on either side
#: of it (the tracker samples once a second); the test sends none that close where it matters.
EDGE = 1.5
SCREEN_PIXELS = 1920 * 1080
#: The agent's idle threshold (WORKLENS_IDLE_THRESHOLD_SECONDS). One agent process runs both
#: phases, so it must let the diary's quiet slot (about 35 s without input, which has to reach the
#: server as plain quiet time) pass, and still be a threshold the idle stretch goes well beyond.
IDLE_THRESHOLD = 40
#: No input for this long in the idle phase: the threshold, then time for the tracker (ticking
#: once a second on a loaded machine) to notice. It starts 2 s before a screenshot window, which
#: then lies wholly inside it, capture moment and all.
IDLE_STRETCH = IDLE_THRESHOLD + 8

POLICY = """
import json
from django.db import transaction
from worklens_server.companies.models import Company
from worklens_server.policies.services import update_policy
with transaction.atomic():
    policy = update_policy(
        company=Company.objects.get(id="{company_id}"),
        slot_seconds={slot}, screenshots_per_interval=1, screenshot_interval_seconds={slot},
        private_apps=["{private}"],
    )
print(json.dumps({{"version": policy.version}}))
"""

SERVER_ROWS = """
import io, json
from django.core.files.storage import default_storage
from PIL import Image
from worklens_server.tracking.blobs import decrypt_image
from worklens_server.tracking.models import ActivitySlot, AppSpan, Screenshot, TimeEntry
colours = {colours}
def share(image, rgb):
    return sum(
        count for count, pixel in image.getcolors(1 << 24)
        if all(abs(a - b) <= 40 for a, b in zip(pixel, rgb))
    ) / (image.width * image.height)
shots = []
for s in Screenshot.objects.order_by("taken_at", "monitor"):
    row = {{"taken_at": s.taken_at.isoformat(), "skipped_reason": s.skipped_reason,
           "image": s.image, "image_bytes": s.image_bytes, "slot_id": str(s.slot_id),
           "entry": str(s.time_entry_id)}}
    if s.image:
        with default_storage.open(s.image) as handle:
            image = Image.open(io.BytesIO(decrypt_image(handle.read())))
            image.load()
        rgb_image = image.convert("RGB")
        row |= {{"format": image.format, "size": list(image.size),
                 "shares": {{app: share(rgb_image, rgb) for app, rgb in colours.items()}}}}
    shots.append(row)
print(json.dumps({{
    "entries": [[str(e.id), e.started_at.isoformat(), e.stopped_at.isoformat()]
                for e in TimeEntry.objects.filter(idle="").order_by("started_at")],
    "discarded": [[str(e.id), e.started_at.isoformat(), e.stopped_at.isoformat(),
                   e.project_id is None and e.task_id is None and e.notes == ""]
                  for e in TimeEntry.objects.filter(idle="discarded")],
    "spans": [[a.app, a.title, a.started_at.isoformat(), a.ended_at.isoformat(),
               str(a.time_entry_id)]
              for a in AppSpan.objects.order_by("started_at")],
    "slots": [{{"id": str(s.id), "entry": str(s.time_entry_id),
                "started_at": s.started_at.isoformat(),
                "length": s.length_seconds, "active": s.active_seconds,
                "keyboard": s.keyboard_events, "mouse": s.mouse_events}}
              for s in ActivitySlot.objects.order_by("started_at")],
    "shots": shots,
}}))
"""


def utc(value: str) -> dt.datetime:
    return dt.datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(dt.UTC)


def slot_start(moment: dt.datetime) -> dt.datetime:
    seconds = int(moment.timestamp())
    return dt.datetime.fromtimestamp(seconds - seconds % SLOT, dt.UTC)


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def sleep_until(moment: dt.datetime) -> None:
    time.sleep(max(0.0, (moment - now()).total_seconds()))


class Session:
    """What the test did, and when: focus changes and bursts of input."""

    def __init__(self, desktop: VirtualDesktop) -> None:
        self.desktop = desktop
        self.focused: list[tuple[dt.datetime, ColourWindow]] = []
        self.inputs: list[tuple[dt.datetime, dt.datetime]] = []

    def focus(self, window: ColourWindow) -> None:
        self.desktop.focus(window)
        self.focused.append((now(), window))

    def burst(self) -> None:
        before = now()
        self.desktop.type_and_move(len(self.inputs))
        self.inputs.append((before, now()))

    def busy_until(self, moment: dt.datetime) -> None:
        for step in itertools.count():
            if now() >= moment:
                return
            before = now()
            self.desktop.type_and_move(step)
            self.inputs.append((before, now()))
            time.sleep(0.5)

    def input_within(self, start: dt.datetime, end: dt.datetime) -> bool:
        return any(start <= before and after <= end for before, after in self.inputs)

    def input_touching(self, start: dt.datetime, end: dt.datetime) -> bool:
        return any(before < end and start < after for before, after in self.inputs)

    def in_front_around(self, moment: dt.datetime, stopped: dt.datetime) -> set[ColourWindow]:
        """Every window in front at some time within EDGE of `moment`."""
        margin = dt.timedelta(seconds=EDGE)
        ends = [at for at, _ in self.focused[1:]] + [stopped]
        return {
            window
            for (start, window), end in zip(self.focused, ends, strict=True)
            if start - margin <= moment < end + margin
        }


def merged_spans(spans: list[list[Any]]) -> list[tuple[str, str, dt.datetime, dt.datetime]]:
    """The server's spans with the pieces cut at slot boundaries joined up again."""
    merged: list[tuple[str, str, dt.datetime, dt.datetime]] = []
    for app, title, started, ended in spans:
        start, end = utc(started), utc(ended)
        if merged and merged[-1][:2] == (app, title) and merged[-1][3] == start:
            merged[-1] = (app, title, merged[-1][2], end)
        else:
            merged.append((app, title, start, end))
    return merged


def test_spans_activity_and_screenshots_follow_what_happened_on_the_desktop(
    tmp_path: Path,
) -> None:
    with (
        server_database(tmp_path / "server") as env,
        virtual_desktop(tmp_path / "bin") as desktop,
    ):
        for window in WINDOWS:
            desktop.open_window(window)
        server = ServerProcess(env)
        demo = server.migrate_and_seed("--codes", "1", "--slot-seconds", str(SLOT))
        server.query(POLICY.format(company_id=demo["company_id"], slot=SLOT, private=DIARY.app))
        server.start()
        agent = AgentProcess(
            tmp_path / "agent",
            {
                "DISPLAY": desktop.display,
                "WORKLENS_SCREENSHOT_HOLD_SECONDS": "0",
                "WORKLENS_IDLE_THRESHOLD_SECONDS": str(IDLE_THRESHOLD),
            },
        )
        session = Session(desktop)
        idle_session = Session(desktop)
        try:
            agent.cli("enroll", server.url, demo["enrollment_codes"][0])
            # A port of its own for the browser bridge: tests in parallel each run an agent.
            agent.cli("browser", "pair", "--port", str(free_port()))
            agent.start_run()
            wait_until(
                lambda: agent.status()["sources"]["reported_at"] is not None,
                timeout=30,
                what="the agent to open its capture sources",
            )
            sources = {s["name"]: s for s in agent.status()["sources"]["sources"]}
            assert {name: s["available"] for name, s in sources.items()} == dict.fromkeys(
                ("time", "window", "input", "idle", "browser", "screenshot"), True
            ), sources

            session.focus(ALPHA)
            session.burst()  # the setup took a while without input: none of it is idle time
            agent.cli("start", "--notes", "desktop acceptance")
            started = utc(agent.status()["current_entry"]["started_at"])
            session.focused[0] = (started, ALPHA)  # the span begins with the entry
            # The first whole slot: input goes on with Alpha in front through it.
            first = slot_start(started + dt.timedelta(seconds=SLOT + 3))
            slot = dt.timedelta(seconds=SLOT)
            gap = dt.timedelta(seconds=EDGE + 1.5)
            session.busy_until(first + slot - gap)
            sleep_until(first + slot)
            session.focus(BETA)  # the second whole slot: Beta, with input
            sleep_until(first + slot + gap)
            session.busy_until(first + 2 * slot - gap)
            # The third whole slot: no input at all, and the private diary in front from a little
            # before it, so that its capture moment cannot fall near the change of focus.
            sleep_until(first + 2 * slot - dt.timedelta(seconds=2))
            session.focus(DIARY)
            # Input again just past the quiet slot (it ends the quiet stretch there, well within
            # the idle threshold, whatever the stop below takes), then the timer stops.
            sleep_until(first + 3 * slot + dt.timedelta(seconds=EDGE + 0.5))
            session.burst()
            agent.cli("stop")

            # Idle time: a second entry; work, leave for longer than the threshold, come back.
            idle_session.focus(ALPHA)
            idle_session.burst()  # input first: the time since the last input is no idle time
            agent.cli("start", "--notes", "idle acceptance")
            resumed = utc(agent.status()["current_entry"]["started_at"])
            # The last input comes just before a slot boundary, which is also the start of a
            # screenshot window: that whole window, and its capture moment, lie in the idle time.
            boundary = slot_start(now() + dt.timedelta(seconds=5)) + slot
            idle_session.busy_until(boundary - dt.timedelta(seconds=2))
            last_input = idle_session.inputs[-1][1]
            wait_until(
                lambda: agent.status()["idle_periods"],
                timeout=IDLE_STRETCH - (now() - last_input).total_seconds() - 1,
                what="the agent to notice the idle time before the return",
            )
            [going_on] = agent.status()["idle_periods"]
            assert going_on["ended_at"] is None, going_on
            sleep_until(last_input + dt.timedelta(seconds=IDLE_STRETCH))
            idle_session.burst()  # back
            came_back = idle_session.inputs[-1][0]
            # `worklens-agent run` asks in its dialog; the test answers there, as a person would.
            dialog = desktop.wait_for_window(IDLE_DIALOG_TITLE)
            desktop.press(dialog, "alt+d")
            wait_until(
                lambda: agent.status()["idle_periods"] == [],
                timeout=30,
                what="the idle time to be discarded",
            )
            idle_session.focus(ALPHA)
            idle_session.busy_until(now() + dt.timedelta(seconds=5))
            agent.cli("stop")
            wait_until(
                lambda: (
                    agent.status()["pending_items"] == 0
                    and not any((agent.home / "screenshots").glob("*"))
                ),
                timeout=90,
                what="the outbox and the screenshot files to drain",
            )
            after_discard = agent.status()
            agent.kill_run(signal.SIGTERM)
            with Store(agent.home) as store:
                captured_at = [utc(str(t["at"])) for t in capture_timings(store)]
            held = server.query(
                SERVER_ROWS.format(colours=json.dumps({w.app: w.rgb for w in WINDOWS}))
            )
        finally:
            if agent.runner is not None:
                agent.kill_run(signal.SIGKILL)
            server.stop()

    # The desktop phase's entry, and the idle phase's split in two around the idle stretch.
    (entry_id, entry_started, entry_stopped), *idle_phase = held["entries"]
    assert utc(entry_started) == started
    stopped = utc(entry_stopped)

    # Spans: each application and title, for as long as it was in front (within 2 s).
    spans = merged_spans([span[:4] for span in held["spans"] if span[4] == entry_id])
    assert [(app, title) for app, title, _, _ in spans] == [(w.app, w.title) for w in WINDOWS]
    focus_ends = [at for at, _ in session.focused[1:]] + [stopped]
    for (app, _, start, end), (focused_at, window), left_at in zip(
        spans, session.focused, focus_ends, strict=True
    ):
        assert app == window.app
        did = (left_at - focused_at).total_seconds()
        assert abs((end - start).total_seconds() - did) < 2.0, (app, start, end, did)
    assert spans[-1][3] == stopped

    # Slots: they cover the entry; activity where input was sent, none where it was not.
    slots = [s for s in held["slots"] if s["entry"] == entry_id]
    assert sum(s["length"] for s in slots) == (stopped - started).total_seconds()
    margin = dt.timedelta(seconds=EDGE)
    judged = {}
    for s in slots:
        start = utc(s["started_at"])
        end = start + dt.timedelta(seconds=s["length"])
        if session.input_within(start + margin, end - margin):
            assert min(s["active"], s["keyboard"], s["mouse"]) > 0, s
            judged[start] = ("active", s["length"])
        elif not session.input_touching(start - margin, end + margin):
            assert (s["active"], s["keyboard"], s["mouse"]) == (0, 0, 0), s
            judged[start] = ("quiet", s["length"])
    # Alpha's and Beta's whole slots had input; the diary's whole slot had none.
    assert [judged.get(first + k * slot) for k in range(3)] == [
        ("active", SLOT),
        ("active", SLOT),
        ("quiet", SLOT),
    ], slots

    # Screenshots: one capture moment per 30 s; each image shows the window in front, and while
    # the diary was in front there is a skip record and no image.
    shots = [s for s in held["shots"] if s["entry"] == entry_id]
    # (A moment is noticed within a second, so it may be recorded just past its window's end.)
    assert 3 <= len([s for s in shots if first <= utc(s["taken_at"])]) <= 4, shots
    images = [s for s in shots if s["image"]]
    skipped = [s for s in shots if not s["image"]]
    assert images, shots
    assert skipped, shots
    for shot in skipped:
        assert (shot["skipped_reason"], shot["image_bytes"]) == ("private_app", 0)
        assert DIARY in session.in_front_around(utc(shot["taken_at"]), stopped), shot
    for shot in images:
        assert shot["skipped_reason"] == ""
        assert (shot["format"], shot["size"]) == ("WEBP", [1920, 1080])
        front = session.in_front_around(utc(shot["taken_at"]), stopped) - {DIARY}
        assert front, shot  # never an image while only the diary was in front
        shown = [w for w in WINDOWS if shot["shares"][w.app] > 0.9 * WINDOW_PIXELS / SCREEN_PIXELS]
        assert len(shown) == 1, shot
        assert shown[0] in front, shot
        assert shot["shares"][DIARY.app] < 0.001, shot
    # The capture in the diary's whole slot was skipped.
    diary_slot = [s for s in shots if first + 2 * slot <= utc(s["taken_at"])]
    assert diary_slot, shots
    assert {s["skipped_reason"] for s in diary_slot} == {"private_app"}, shots

    # Idle time discarded in the dialog: the entry stops at the last input before the idle
    # stretch, a new one starts at the return, and what was recorded in the idle time never
    # left the device: the server has the stretch only as its start and end, marked discarded.
    assert len(idle_phase) == 2, held["entries"]
    (before_id, before_started, before_stopped), (after_id, after_started, after_stopped) = [
        (entry, utc(begins), utc(ends)) for entry, begins, ends in idle_phase
    ]
    assert before_started == resumed
    assert abs((before_stopped - last_input).total_seconds()) <= 2, (before_stopped, last_input)
    assert abs((after_started - came_back).total_seconds()) <= 2, (after_started, came_back)
    idle_from, idle_to = before_stopped, after_started
    ((discarded_id, discarded_from, discarded_to, nothing_else),) = held["discarded"]
    assert (utc(discarded_from), utc(discarded_to)) == (idle_from, idle_to)
    assert nothing_else, held["discarded"]
    assert discarded_id not in {s["entry"] for s in held["slots"] + held["shots"]}
    assert discarded_id not in {span[4] for span in held["spans"]}

    def overlaps_idle(start: dt.datetime, end: dt.datetime) -> bool:
        return start < idle_to and idle_from < end

    idle_slots = [s for s in held["slots"] if s["entry"] in (before_id, after_id)]
    assert {s["entry"] for s in idle_slots} == {before_id, after_id}, idle_slots
    for s in held["slots"]:
        start = utc(s["started_at"])
        assert not overlaps_idle(start, start + dt.timedelta(seconds=s["length"])), s
    for app, title, span_started, span_ended, _ in held["spans"]:
        assert not overlaps_idle(utc(span_started), utc(span_ended)), (app, title)
    for shot in held["shots"]:
        assert not idle_from < utc(shot["taken_at"]) < idle_to, shot
    # A screenshot was taken while idle (Alpha in front): held on the device, then discarded.
    assert any(idle_from < at < idle_to for at in captured_at), (captured_at, idle_from, idle_to)
    # Tracked time: the idle phase from its start to its stop, less the idle stretch.
    tracked = (after_stopped - before_started - (came_back - last_input)).total_seconds()
    assert abs(sum(s["length"] for s in idle_slots) - tracked) <= 2, (idle_slots, tracked)
    # The agent has nothing left waiting for a decision, and nothing held back.
    assert after_discard["idle_periods"] == []
    assert after_discard["held_for_idle_decision"] == 0
