"""`worklens-agent run` asks the window source what is in front before each screenshot: with an app
listed in the policy's `private_apps` in front it records a "private_app" skip and captures
nothing; with another app in front it captures. Real process, real virtual desktop (Xvfb + openbox),
a Tk window per application, each run from a copy of Python named after the application (the agent
names an app by /proc/<pid>/exe)."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from agent_fake_server import FakeServer

from worklens_agent.journal.outbox import Outbox
from worklens_agent.journal.store import Store
from worklens_wire.v1 import Policy, ScreenshotRecord

pytestmark = [
    pytest.mark.desktop,
    pytest.mark.skipif(
        not all(shutil.which(tool) for tool in ("Xvfb", "openbox", "xdotool")),
        reason="Xvfb, openbox and xdotool are needed",
    ),
]
AGENT = str(Path(sys.executable).parent / "worklens-agent")
PRIVATE, PLAIN = "secret-notes", "plain-editor"
TK_WINDOW = (
    "import sys, tkinter; r = tkinter.Tk(className=sys.argv[1]); r.title(sys.argv[1]); "
    "r.geometry('600x400+100+100'); r.mainloop()"
)


def _xdotool(*args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(["xdotool", *args], timeout=30, capture_output=True, check=False)


@pytest.fixture
def two_apps(display: str, tmp_path: Path) -> Iterator[None]:
    """openbox and one window each of PRIVATE and PLAIN, on the `display` fixture's Xvfb."""
    procs = [subprocess.Popen(["openbox"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)]
    try:
        time.sleep(0.5)
        for app in (PRIVATE, PLAIN):
            executable = tmp_path / "bin" / app
            executable.parent.mkdir(exist_ok=True)
            shutil.copy2(os.path.realpath(sys.executable), executable)
            procs.append(subprocess.Popen([str(executable), "-c", TK_WINDOW, app]))
            deadline = time.monotonic() + 15
            while _xdotool("search", "--onlyvisible", "--name", f"^{app}$").returncode:
                assert time.monotonic() < deadline, f"window {app!r} never appeared"
                time.sleep(0.1)
        yield
    finally:
        for proc in reversed(procs):
            proc.terminate()
            proc.wait(timeout=10)


def _focus(app: str) -> None:
    assert _xdotool("search", "--name", f"^{app}$", "windowactivate", "--sync").returncode == 0


def _screenshots(home: Path) -> list[ScreenshotRecord]:
    with Store(home) as store:
        items = Outbox(store).items("screenshot")
    return [ScreenshotRecord.model_validate_json(item.payload) for item in items]


def _wait_for(home: Path, done: Callable[[list[ScreenshotRecord]], bool]) -> None:
    deadline = time.monotonic() + 45  # three moments per 30 s: one is ~10 s away on average
    while not done(records := _screenshots(home)):
        assert time.monotonic() < deadline, f"screenshot records so far: {records}"
        time.sleep(0.2)


def test_a_private_app_in_front_is_skipped_and_another_is_captured(
    two_apps: None, home: Path, fake_server: FakeServer
) -> None:
    # Three moments in each 30 s (the most the policy allows): a record every ~10 s.
    fake_server.policy = Policy(
        version=3,
        slot_seconds=5,
        screenshots_per_interval=3,
        screenshot_interval_seconds=30,
        private_apps=["Secret-Notes.exe"],  # matched by base name, ignoring case and suffix
    )
    env = {
        **os.environ,
        "WORKLENS_UPLOAD_INTERVAL": "0.2",
        "WORKLENS_SCREENSHOT_HOLD_SECONDS": "600",  # images stay on the device to be looked at
    }

    def agent(*args: str) -> None:
        done = subprocess.run(
            [AGENT, "--home", str(home), *args], env=env, capture_output=True, timeout=60
        )
        assert done.returncode == 0, done.stderr

    agent("enroll", fake_server.url, "GOODCODE")
    _focus(PRIVATE)
    runner = subprocess.Popen([AGENT, "--home", str(home), "run"], env=env)
    try:
        agent("start")
        _wait_for(home, lambda records: len(records) >= 1)
        _focus(PLAIN)
        focused_plain = dt.datetime.now(dt.UTC)
        # A moment in the second after the focus change may see either window: wait for one
        # that is clearly after it.
        clearly_after = focused_plain + dt.timedelta(seconds=1)
        _wait_for(
            home,
            lambda records: any(
                r.skipped_reason is None and r.taken_at > clearly_after for r in records
            ),
        )
        agent("stop")
        runner.send_signal(signal.SIGTERM)
        assert runner.wait(timeout=30) == 0
    finally:
        if runner.poll() is None:
            runner.kill()
            runner.wait()

    records = _screenshots(home)
    before = [r for r in records if r.taken_at < focused_plain]
    after = [r for r in records if r.taken_at > clearly_after]
    assert before, records
    assert {(r.skipped_reason, r.width, r.height) for r in before} == {("private_app", 0, 0)}
    assert after, records
    assert {(r.skipped_reason, r.width, r.height) for r in after} == {(None, 1920, 1080)}
    captured = [r for r in records if r.skipped_reason is None]
    # Only the captured image was written; the skip left no file behind.
    files = sorted(path.name for path in (home / "screenshots").iterdir())
    assert files == sorted(f"{record.id}.webp" for record in captured)
