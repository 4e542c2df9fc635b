"""X11 input counts and idle time on a real virtual display (Xvfb), driven with xdotool.

Skipped only when Xvfb is not installed; CI installs it.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from agent_fake_server import FakeServer

from worklens_agent.journal.outbox import Outbox
from worklens_agent.journal.store import Store
from worklens_agent.settings import Key
from worklens_agent.sources import X11ActivitySource, open_sources
from worklens_agent.sources.idle_x11 import IdleMonitor
from worklens_agent.sources.input_timing import InputTiming
from worklens_agent.sources.input_x11 import InputCounter
from worklens_wire.v1 import Policy

pytestmark = [
    pytest.mark.desktop,
    pytest.mark.skipif(shutil.which("Xvfb") is None, reason="Xvfb is not installed"),
]
AGENT = str(Path(sys.executable).parent / "worklens-agent")


def _xdotool(*args: str) -> None:
    subprocess.run(["xdotool", *args], check=True, timeout=30)


def test_input_counter_counts_keys_and_mouse_as_integers_only(display: str) -> None:
    counter = InputCounter()
    counter.start()
    try:
        assert counter.take() == (0, 0)
        _xdotool("type", "--delay", "10", "secret")
        _xdotool("mousemove", "10", "10", "mousemove", "500", "600", "click", "1")
        time.sleep(0.5)
        keyboard, mouse, timing = counter.take_with_timing()
        assert keyboard == 6  # one press per character; which key is never kept
        assert mouse >= 3
        assert timing.keys.events == 6  # when, never which
        assert timing.pointer.events == mouse
        assert counter.take() == (0, 0)
        # The counter holds integers and nothing else: no key, no text, no position (only its
        # low byte, to tell the next move), and timing statistics of numbers.
        state = {k: v for k, v in vars(counter).items() if k not in ("_lock", "_listeners")}
        assert state == {
            "_keyboard": 0,
            "_mouse": 0,
            "_timing": InputTiming(),
            "_position_low": (500 % 256, 600 % 256),
        }
    finally:
        counter.stop()


def test_key_presses_are_counted_without_decoding_a_key(
    display: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pynput.keyboard import _xorg

    def no_decoding(*_args: object) -> None:
        raise AssertionError("a key event was decoded")

    # pynput's own decoding (keycode to keysym to key object) must never run.
    monkeypatch.setattr(_xorg.Listener, "_event_to_key", no_decoding)
    monkeypatch.setattr(_xorg.Listener, "_keycode_to_keysym", no_decoding)
    counter = InputCounter()
    counter.start()
    try:
        _xdotool("type", "--delay", "10", "Pass")  # Shift counts as a press too
        time.sleep(0.5)
        assert counter.take()[0] == 5
    finally:
        counter.stop()


def test_idle_monitor_sees_input_and_polls_cheaply(display: str) -> None:
    monitor = IdleMonitor()
    try:
        time.sleep(1.2)
        assert monitor.idle_seconds() >= 1.0
        _xdotool("mousemove", "20", "20")
        assert monitor.idle_seconds() < 0.5
        started = time.perf_counter()
        for _ in range(500):  # one open display, no atoms interned per poll
            monitor.idle_seconds()
        assert time.perf_counter() - started < 2.0
    finally:
        monitor.close()


def test_open_sources_reports_x11_sources_available(display: str) -> None:
    opened = open_sources(Policy(version=1))
    try:
        assert isinstance(opened.activity, X11ActivitySource)
        assert [(s.name, s.available) for s in opened.availability] == [
            ("time", True),
            ("input", True),
            ("idle", True),
            ("window", True),
            ("screenshot", True),
        ]
        opened.activity.sample()
        _xdotool("type", "--delay", "10", "ab")
        time.sleep(0.3)
        sample = opened.activity.sample()
        assert (sample.keyboard_events, sample.had_input) == (2, True)
    finally:
        opened.close()
    off = open_sources(Policy(version=1, capture_activity=False, screenshots_per_interval=0))
    try:
        reported = [(s.name, s.available, s.reason) for s in off.availability]
        assert ("input", False, "off in the company's policy") in reported
        assert ("screenshot", False, "off in the company's policy") in reported
    finally:
        off.close()


def _reported_by(home: Path) -> object:
    with Store(home) as store:
        report = store.get(Key.SOURCES)
    return None if report is None else report.get("pid")


def test_run_records_activity_counts_in_slots(
    display: str, home: Path, fake_server: FakeServer
) -> None:
    env = {**os.environ, "WORKLENS_UPLOAD_INTERVAL": "0.2", "WORKLENS_BACKOFF_MAX": "0.2"}

    def agent(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [AGENT, "--home", str(home), *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )

    assert agent("enroll", fake_server.url, "GOODCODE").returncode == 0
    with socket.socket() as probe:  # the bridge's default port may be another test agent's
        probe.bind(("127.0.0.1", 0))
        bridge_port = str(probe.getsockname()[1])
    assert agent("browser", "pair", "--port", bridge_port).returncode == 0
    # The entry is open before the run starts, so the tracker counts from its first tick; the
    # run reports its sources once the input listeners are listening (a fixed wait was too short
    # on a loaded machine and lost keys typed before).
    assert agent("start").returncode == 0
    time.sleep(1.1)  # entries start on whole seconds: the run's sources open clearly after it
    runner = subprocess.Popen([AGENT, "--home", str(home), "run"], env=env)
    try:
        deadline = time.monotonic() + 30
        while _reported_by(home) != runner.pid:
            assert time.monotonic() < deadline, "the run did not report its sources"
            assert runner.poll() is None, "the run ended"
            time.sleep(0.1)
        for _ in range(4):
            _xdotool("type", "--delay", "20", "typing")
            _xdotool("mousemove", "100", "100", "mousemove", "900", "700")
            time.sleep(0.5)
        time.sleep(5.5)  # fake policy: 5 s slots; let one pass with input and time go by
        assert agent("stop").returncode == 0
        time.sleep(1.5)
        runner.send_signal(signal.SIGTERM)
        assert runner.wait(timeout=30) == 0
    finally:
        if runner.poll() is None:
            runner.kill()
            runner.wait()
    status = json.loads(agent("status", "--json").stdout)
    assert {s["name"]: s["available"] for s in status["sources"]["sources"]} == {
        "time": True,
        "input": True,
        "idle": True,
        "window": True,
        "browser": True,
        "screenshot": True,
    }
    with Store(home) as store:
        slots = [json.loads(item.payload) for item in Outbox(store).items("slot")]
    assert slots
    assert sum(s["keyboard_events"] for s in slots) == 4 * len("typing")
    assert sum(s["mouse_events"] for s in slots) > 0
    assert sum(s["active_seconds"] for s in slots) > 0
    for slot in slots:  # nothing but ids, times and integers is recorded
        assert set(slot) == {
            "id",
            "time_entry_id",
            "started_at",
            "length_seconds",
            "active_seconds",
            "keyboard_events",
            "mouse_events",
        }
        assert all(
            isinstance(slot[k], int)
            for k in ("length_seconds", "active_seconds", "keyboard_events", "mouse_events")
        )
    assert status["pending_items"] == 0
