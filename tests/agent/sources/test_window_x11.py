"""The X11 window backend and span building on a real virtual desktop (Xvfb + openbox), with
two Tk windows of known titles focused in turn by xdotool.

Skipped only when Xvfb is not installed; CI installs it (and openbox, xdotool).
"""

from __future__ import annotations

import datetime as dt
import itertools
import os
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator

import pytest

from worklens_agent.journal.outbox import Outbox
from worklens_agent.journal.store import Store
from worklens_agent.recording.entries import start_entry, stop_entry
from worklens_agent.recording.tracker import Tracker
from worklens_agent.sources.base import TimeOnlySource
from worklens_agent.sources.window import ActiveWindow
from worklens_agent.sources.window_x11 import X11WindowSource
from worklens_wire.v1 import AppSpan, Policy

pytestmark = [
    pytest.mark.desktop,
    pytest.mark.skipif(shutil.which("Xvfb") is None, reason="Xvfb is not installed"),
]
APP = os.path.basename(os.path.realpath(sys.executable))  # python3.11: /proc/<pid>/exe
TITLES = ("WorkLens alpha window", "WorkLens beta window")
TK_WINDOW = "import sys, tkinter; r = tkinter.Tk(); r.title(sys.argv[1]); r.mainloop()"


def _xdotool(*args: str) -> str:
    done = subprocess.run(["xdotool", *args], check=True, timeout=30, capture_output=True)
    return done.stdout.decode()


def _focus(title: str) -> None:
    _xdotool("search", "--name", f"^{title}$", "windowactivate", "--sync")


@pytest.fixture
def desktop(display: str) -> Iterator[str]:
    """The display with openbox (it publishes _NET_ACTIVE_WINDOW) and the two Tk windows."""
    procs = [subprocess.Popen(["openbox"], stderr=subprocess.DEVNULL)]
    try:
        time.sleep(0.5)
        procs += [subprocess.Popen([sys.executable, "-c", TK_WINDOW, t]) for t in TITLES]
        deadline = time.monotonic() + 15
        for title in TITLES:
            while subprocess.run(
                ["xdotool", "search", "--name", f"^{title}$"], capture_output=True, check=False
            ).returncode:
                assert time.monotonic() < deadline, f"window {title!r} never appeared"
                time.sleep(0.1)
        yield display
    finally:
        for proc in reversed(procs):
            proc.terminate()
            proc.wait(timeout=10)


def test_active_window_names_the_executable_and_the_title(desktop: str) -> None:
    source = X11WindowSource()
    try:
        for title in (*TITLES, TITLES[0]):
            _focus(title)
            assert source.active_window() == ActiveWindow(APP, title)
            assert source.active_window(read_title=False) == ActiveWindow(APP, None)
        started = time.perf_counter()
        for _ in range(1000):  # one display and atoms interned once: a poll is a few round trips
            source.active_window()
        assert time.perf_counter() - started < 5.0
    finally:
        source.close()


def test_a_vanished_window_fails_one_poll_and_the_next_goes_on(desktop: str) -> None:
    source = X11WindowSource()
    try:
        _focus(TITLES[0])
        window_id = int(_xdotool("getactivewindow").strip())
        gone = subprocess.Popen([sys.executable, "-c", TK_WINDOW, "short-lived"])
        deadline = time.monotonic() + 15
        while source.active_window() == ActiveWindow(APP, TITLES[0]):
            assert time.monotonic() < deadline
            time.sleep(0.1)  # openbox focuses a new window when it maps
        gone.kill()
        gone.wait()
        source.active_window()  # BadWindow or None while openbox catches up: no exception
        _xdotool("windowactivate", "--sync", str(window_id))
        assert source.active_window() == ActiveWindow(APP, TITLES[0])
    finally:
        source.close()


def test_spans_follow_the_focus_with_accurate_durations(desktop: str, store: Store) -> None:
    policy = Policy(version=1, slot_seconds=600)
    source = X11WindowSource()
    tracker = Tracker(store, TimeOnlySource(), lambda: policy, window=source)

    def run_for(seconds: float) -> None:
        until = time.monotonic() + seconds
        while time.monotonic() < until:
            tracker.tick()
            time.sleep(min(1.0, max(0.0, until - time.monotonic())))

    try:
        _focus(TITLES[0])
        entry = start_entry(store)
        switches = [entry.started_at]
        run_for(3)
        for title, seconds in ((TITLES[1], 4), (TITLES[0], 2)):
            _focus(title)
            switches.append(dt.datetime.now(dt.UTC))
            run_for(seconds)
        stopped = stop_entry(store)
        tracker.tick()
        switches.append(stopped.stopped_at or dt.datetime.now(dt.UTC))
    finally:
        tracker.flush()
        source.close()

    spans = [AppSpan.model_validate_json(i.payload) for i in Outbox(store).items("app_span")]
    assert [(s.app, s.title) for s in spans] == [
        (APP, TITLES[0]),
        (APP, TITLES[1]),
        (APP, TITLES[0]),
    ]
    assert {s.time_entry_id for s in spans} == {entry.id}
    for span, (start, end) in zip(spans, itertools.pairwise(switches), strict=True):
        measured = (span.ended_at - span.started_at).total_seconds()
        assert abs(measured - (end - start).total_seconds()) < 2.0, span
    for earlier, later in itertools.pairwise(spans):
        assert earlier.ended_at == later.started_at  # no gap, no overlap


def test_a_core_bad_value_error_fails_one_request_and_the_connection_goes_on(
    desktop: str,
) -> None:
    """python-xlib 0.32/0.33 parse a core BadValue as a RandR error without a sequence number;
    the connection's next request then spun at 100 % CPU forever. A title read in two requests
    while the title shrinks gets a BadValue, so this must not stall the window source."""
    from Xlib import X, Xatom, error, ext
    from Xlib import display as xdisplay

    # Other code in the process opened a display first, RandR loaded: its errors overwrite the
    # core codes in the one dict every connection shares. The source must still be safe.
    # Whether a guarded source was already opened in this test process or not, the list then holds
    # RandR exactly once (twice would make python-xlib refuse to add its methods again).
    guarded = list(ext.__extensions__)
    if ("RANDR", "randr") not in ext.__extensions__:
        ext.__extensions__.append(("RANDR", "randr"))
    try:
        xdisplay.Display().close()
    finally:
        ext.__extensions__[:] = guarded
    source = X11WindowSource()
    try:
        _focus(TITLES[0])
        root = source._display.screen().root
        atom = source._display.intern_atom("WORKLENS_SHORT_PROPERTY")
        root.change_property(atom, Xatom.STRING, 8, b"short")
        with pytest.raises(error.BadValue):  # an offset past the property's end
            root.get_property(atom, X.AnyPropertyType, 1000, 10)
        polled: list[ActiveWindow | None] = []
        poll = threading.Thread(target=lambda: polled.append(source.active_window()), daemon=True)
        poll.start()
        poll.join(timeout=5)
        assert polled == [ActiveWindow(APP, TITLES[0])], "the next poll stalled"
        # Every display opened in this process (pynput's too) parses core errors as core errors.
        other = xdisplay.Display()
        try:
            assert other.display.error_classes[1] is error.BadRequest
            assert other.display.error_classes[2] is error.BadValue
        finally:
            other.close()
    finally:
        source.close()
