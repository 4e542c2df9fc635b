"""The UI on a real X display (Xvfb): `worklens-agent ui` as its own process driven with xdotool,
the queue window in this process, and the tray icon docked in a real system tray (trayer).
Every test asserts on the agent's store, which is all the UI and the tracker share."""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from agent_fake_server import PROJECT_ID, TASK_ID, FakeServer
from PIL import Image

from worklens_agent.journal.notices import post_notice
from worklens_agent.journal.outbox import Outbox
from worklens_agent.journal.screenshot_files import ScreenshotFiles
from worklens_agent.journal.store import Store
from worklens_agent.journal.tracking import current_entry
from worklens_agent.recording.entries import start_entry
from worklens_agent.recording.screenshots import Screenshotter
from worklens_agent.settings import Key
from worklens_agent.ui.icons import STATE_COLOURS
from worklens_agent.ui.model import Action, TrayState
from worklens_wire import new_id
from worklens_wire.v1 import ActivitySlot, Policy, ScreenshotRecord

AGENT = shutil.which("worklens-agent", path=str(Path(sys.executable).parent)) or "worklens-agent"
pytestmark = [
    pytest.mark.desktop,
    pytest.mark.skipif(
        shutil.which("Xvfb") is None or shutil.which("xdotool") is None,
        reason="Xvfb or xdotool is not installed",
    ),
]


def xdotool(*args: str, timeout: float = 20.0) -> str:
    result = subprocess.run(
        ["xdotool", *args], capture_output=True, text=True, timeout=timeout, check=True
    )
    return result.stdout.strip()


def find_window(name: str, *, by: str = "--name") -> str:
    """The first window whose name (or class name) matches, waiting for it to appear."""
    return xdotool("search", "--sync", by, name).splitlines()[0]


def visible_windows(name: str) -> list[str]:
    result = subprocess.run(
        ["xdotool", "search", "--onlyvisible", "--name", name],
        capture_output=True,
        text=True,
        timeout=20,
        check=False,
    )
    return result.stdout.split()


def press(window: str, *keys: str) -> None:
    xdotool("windowfocus", "--sync", window)
    xdotool("key", "--delay", "50", *keys)


def wait_for(predicate: Callable[[], object], timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    raise AssertionError("condition not met in time")


@pytest.fixture
def opened_urls(tmp_path: Path) -> Path:
    return tmp_path / "urls.txt"


@pytest.fixture
def start_ui(display: str, opened_urls: Path) -> Iterator[Callable[..., subprocess.Popen[str]]]:
    started: list[subprocess.Popen[str]] = []

    def start(home: Path, *args: str) -> subprocess.Popen[str]:
        env = {k: v for k, v in os.environ.items() if k != "WAYLAND_DISPLAY"}
        # webbrowser runs $BROWSER with the address in place of %s: here it notes the address.
        env["BROWSER"] = f"sh -c 'echo \"$0\" >> {opened_urls}' %s"
        process = subprocess.Popen(
            [AGENT, "--home", str(home), "ui", *args],
            env=env,
            stderr=subprocess.PIPE,
            text=True,
        )
        started.append(process)
        return process

    yield start
    for process in started:
        if process.poll() is None:
            process.terminate()
            process.wait(timeout=10)


def entry_fields(home: Path) -> tuple[object, object, str] | None:
    with Store(home) as store:
        entry = current_entry(store)
    return None if entry is None else (entry.project_id, entry.task_id, entry.notes)


def urls(path: Path) -> list[str]:
    return path.read_text().split() if path.exists() else []


def test_window_chooses_project_and_task_starts_stops_and_opens_pages(
    enrolled_home: Path,
    fake_server: FakeServer,
    start_ui: Callable[..., subprocess.Popen[str]],
    opened_urls: Path,
) -> None:
    with Store(enrolled_home) as store:
        store.set(
            Key.UPDATE_AVAILABLE,
            {"latest_version": "0.9.0", "download_url": "https://example.com/get/0.9.0"},
        )
    ui = start_ui(enrolled_home, "--window")
    main = find_window("^WorkLens$")
    with Store(enrolled_home) as store:  # the UI fetches the project list in the background
        wait_for(lambda: store.get(Key.PROJECTS))

    press(main, "alt+c")
    chooser = find_window("^Choose project and task$")
    # Project list: (no project), Website. Task list: (no task), Design.
    press(chooser, "Down", "Tab", "Down", "Tab")
    xdotool("type", "--delay", "20", "landing page")
    xdotool("key", "Return")
    wait_for(lambda: entry_fields(enrolled_home) == (PROJECT_ID, TASK_ID, "landing page"))
    wait_for(lambda: not visible_windows("^Choose project and task$"))

    press(main, "alt+t")
    wait_for(lambda: entry_fields(enrolled_home) is None)
    press(main, "alt+s")  # Start again: the last choice is remembered
    wait_for(lambda: entry_fields(enrolled_home) == (PROJECT_ID, TASK_ID, "landing page"))

    press(main, "alt+m")
    wait_for(lambda: f"{fake_server.url}/account/collected/" in urls(opened_urls))
    press(main, "alt+u")
    wait_for(lambda: "https://example.com/get/0.9.0" in urls(opened_urls))

    press(main, "alt+q")
    assert ui.wait(timeout=10) == 0
    assert entry_fields(enrolled_home) is not None  # quitting the UI does not stop the timer


def test_run_with_ui_shows_the_window_beside_the_tracker_and_ends_it_with_the_tracker(
    display: str, enrolled_home: Path, fake_server: FakeServer
) -> None:
    """What `autostart on` starts at login: the tracker, and the window (no tray host here)."""
    env = {k: v for k, v in os.environ.items() if k != "WAYLAND_DISPLAY"}
    tracker = subprocess.Popen(
        [AGENT, "--home", str(enrolled_home), "run", "--with-ui"],
        env=env,
        stderr=subprocess.DEVNULL,
    )
    try:
        find_window("^WorkLens$")
        assert tracker.poll() is None
        tracker.send_signal(signal.SIGTERM)
        assert tracker.wait(timeout=30) == 0
        wait_for(lambda: not visible_windows("^WorkLens$"), timeout=10)
    finally:
        if tracker.poll() is None:
            tracker.kill()
            tracker.wait()


class TwoMonitors:
    def grab_monitors(self) -> list[Image.Image]:
        return [Image.new("RGB", (800, 500), (10, 120, 200)), Image.new("RGB", (640, 480))]

    def close(self) -> None:
        return None


def capture(store: Store, slot_id: uuid.UUID) -> list[ScreenshotRecord]:
    """One real capture of two monitors, as `worklens-agent run` takes it."""
    policy = Policy(version=1)
    store.set(Key.POLICY, policy.model_dump(mode="json"))
    entry = current_entry(store) or start_entry(store)
    shooter = Screenshotter(
        store,
        grabber=TwoMonitors,
        slot_at=lambda _moment: slot_id,
        rng=random.Random(3),
        notify=lambda _message: None,
    )
    return shooter.capture(entry, policy)


def pump(root: object, seconds: float, until: Callable[[], object] | None = None) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        root.update()  # type: ignore[attr-defined]
        if until is not None and until():
            return
        time.sleep(0.05)
    if until is not None:
        raise AssertionError("condition not met in time")


def test_queue_window_lists_items_and_thumbnails_and_deletes_in_the_review_window(
    display: str, home: Path
) -> None:
    from worklens_agent.ui.app import UiApp

    with Store(home) as store:
        entry = start_entry(store)
        slot = ActivitySlot(
            id=new_id(),
            time_entry_id=entry.id,
            started_at=entry.started_at,
            length_seconds=5,
            active_seconds=5,
            keyboard_events=1,
            mouse_events=2,
        )
        Outbox(store).record(slot)
        kept = capture(store, new_id())
        ScreenshotFiles(store).confirm(kept[0].id)  # confirmed: no Delete any more
        deletable = capture(store, slot.id)
        pending = Outbox(store).pending_count()

        app = UiApp(home, store, use_tray=False)
        try:
            app.perform(Action.QUEUE)
            pump(app.root, 0.5)
            find_window("^What is waiting to be sent$")
            window = app.queue_window
            assert window is not None
            # time entry, slot and four screenshot records
            assert len(window.items.get_children()) == pending == 6
            assert len(window.thumbnails) == 4
            assert {img.height() for img in window.thumbnails} == {108}  # fit in 192x108
            assert set(window.delete_buttons) == {record.id for record in deletable}

            button = window.delete_buttons[deletable[1].id]
            x = button.winfo_rootx() + button.winfo_width() // 2
            y = button.winfo_rooty() + button.winfo_height() // 2
            xdotool("mousemove", str(x), str(y), "click", "1")
            pump(app.root, 10, until=lambda: len(ScreenshotFiles(store).waiting()) == 2)
            assert {shot.id for shot in ScreenshotFiles(store).waiting()} == {
                record.id for record in kept
            }
            discarded = store.conn.execute("SELECT slot_id FROM discarded_slots").fetchall()
            assert [row[0] for row in discarded] == [str(slot.id)]
            assert len(window.thumbnails) == 2
            assert window.delete_buttons == {}
            # The deleted screenshots' records (now "deleted_by_employee") and the entry remain;
            # the discarded slot is never sent.
            assert len(window.items.get_children()) == 5
        finally:
            app.quit()


def test_screenshot_notice_pops_up_with_delete_and_fades(
    home: Path, start_ui: Callable[..., subprocess.Popen[str]]
) -> None:
    with Store(home) as store:
        records = capture(store, new_id())
        post_notice(store, kind="screenshot", message="Screenshot taken", item_id=records[0].id)
    start_ui(home)  # no tray on this display: the WorkLens window, and notices as small windows
    find_window("^WorkLens$")
    toast = find_window("^WorkLens notice$")
    press(toast, "alt+d")
    with Store(home) as store:
        wait_for(lambda: ScreenshotFiles(store).waiting() == [])
        skipped = [
            ScreenshotRecord.model_validate_json(item.payload).skipped_reason
            for item in Outbox(store).items("screenshot")
        ]
    assert skipped == ["deleted_by_employee", "deleted_by_employee"]
    wait_for(lambda: not visible_windows("^WorkLens notice$"), timeout=6)

    with Store(home) as store:
        post_notice(store, kind="screenshot", message="Screenshot taken again")
    find_window("^WorkLens notice$")
    shown_at = time.monotonic()
    wait_for(lambda: not visible_windows("^WorkLens notice$"), timeout=10)
    assert 3.5 < time.monotonic() - shown_at < 8


# --- the tray ------------------------------------------------------------------------------------


@pytest.fixture
def tray_host(display: str) -> Iterator[None]:
    """trayer: a small system tray (XEMBED) that owns _NET_SYSTEM_TRAY_S0."""
    if shutil.which("trayer") is None:
        pytest.skip("trayer not installed")
    from worklens_agent.ui.tray import tray_host_present

    assert not tray_host_present()
    trayer = subprocess.Popen(
        ["trayer", "--edge", "top", "--align", "right", "--widthtype", "pixel", "--width", "200"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for(tray_host_present)
        yield
    finally:
        trayer.terminate()
        trayer.wait(timeout=10)


def icon_colour(window: str) -> tuple[int, int, int]:
    from Xlib import X
    from Xlib.display import Display

    display = Display()
    try:
        icon = display.create_resource_object("window", int(window))
        geometry = icon.get_geometry()
        pixel = icon.get_image(
            geometry.width // 4, geometry.height // 2, 1, 1, X.ZPixmap, 0xFFFFFFFF
        ).data
        return (pixel[2], pixel[1], pixel[0])
    finally:
        display.close()


def docked(window: str) -> bool:
    from Xlib.display import Display

    display = Display()
    try:
        icon = display.create_resource_object("window", int(window))
        return bool(icon.query_tree().parent.id != display.screen().root.id)
    finally:
        display.close()


def near(colour: tuple[int, int, int], state: TrayState) -> bool:
    return all(abs(a - b) <= 6 for a, b in zip(colour, STATE_COLOURS[state], strict=True))


def shows(icon: str, state: TrayState, name: str) -> bool:
    return near(icon_colour(icon), state) and xdotool("getwindowname", icon) == name


def test_tray_icon_docks_and_shows_tracking_paused_offline_and_opens_the_window(
    home: Path, tray_host: None, start_ui: Callable[..., subprocess.Popen[str]]
) -> None:
    start_ui(home)
    icon = find_window("WorkLensSystemTrayIcon", by="--classname")
    wait_for(lambda: docked(icon))
    assert not visible_windows("^WorkLens$")  # with a tray, the window waits for a click
    # The icon's image and its name are set one after the other: wait for both.
    wait_for(lambda: shows(icon, TrayState.PAUSED, "WorkLens: paused"))

    started = subprocess.run(
        [AGENT, "--home", str(home), "start"], capture_output=True, text=True, check=False
    )
    assert started.returncode == 0, started.stderr
    # The tray reads the state every few seconds; on a loaded CI machine a read can take long.
    wait_for(lambda: shows(icon, TrayState.TRACKING, "WorkLens: tracking"), timeout=40)

    with Store(home) as store:  # what the uploader records when the server cannot be reached
        store.set(Key.LAST_UPLOAD, {"at": "now", "ok": False, "message": "network error"})
    wait_for(lambda: near(icon_colour(icon), TrayState.OFFLINE), timeout=40)

    xdotool("mousemove", "--window", icon, "5", "5", "click", "1")
    wait_for(lambda: visible_windows("^WorkLens$"))
    press(visible_windows("^WorkLens$")[0], "alt+t")
    wait_for(lambda: entry_fields(home) is None)


def test_a_screenshot_by_the_run_process_is_announced_by_the_ui_and_deleted_there(
    home: Path, start_ui: Callable[..., subprocess.Popen[str]]
) -> None:
    """The whole path: `run` captures the (virtual) screen, leaves a notice in the store, and
    `ui` pops it up with Delete; the employee deletes the screenshot from the notice."""
    with Store(home) as store:  # three moments in every 30 s: the first comes within seconds
        policy = Policy(version=1, screenshots_per_interval=3, screenshot_interval_seconds=30)
        store.set(Key.POLICY, policy.model_dump(mode="json"))
    env = {k: v for k, v in os.environ.items() if k != "WAYLAND_DISPLAY"}
    runner = subprocess.Popen(
        [AGENT, "--home", str(home), "run"], env=env, stderr=subprocess.PIPE, text=True
    )
    try:
        started = subprocess.run(
            [AGENT, "--home", str(home), "start"], capture_output=True, text=True, check=False
        )
        assert started.returncode == 0, started.stderr
        start_ui(home, "--window")
        find_window("^WorkLens$")
        toast = xdotool("search", "--sync", "--name", "^WorkLens notice$", timeout=60)
        with Store(home) as store:  # the notice is about the first capture (one Xvfb monitor)
            first = ScreenshotFiles(store).waiting()[0]
            assert first.path.is_file()
        press(toast.splitlines()[0], "alt+d")
        with Store(home) as store:
            wait_for(lambda: ScreenshotFiles(store).get(first.id) is None)
            item = Outbox(store).get(first.id)
        assert item is not None
        record = ScreenshotRecord.model_validate_json(item.payload)
        assert record.skipped_reason == "deleted_by_employee"
        assert not first.path.exists()
    finally:
        runner.terminate()
        _, stderr = runner.communicate(timeout=30)
    assert runner.returncode == 0, stderr
