"""Keyboard and mouse event *counts* on X11, through pynput's RECORD-based listeners.

Privacy: all the callbacks do is add one to an integer and note the moment (input_timing.py);
a pointer move also notes how far it moved since the previous one (from the position's low
byte: the counter never holds where the pointer is).
On X11 a key press is counted from the event's type alone: its key is never decoded (see
`_key_press_listener`); elsewhere pynput hands the callback a key, which it drops.
pynput connects to the display when imported (and raises without one), so it is imported only
inside `InputCounter.start`, never at module import.

Run by hand: `python -m worklens_agent.sources.input_x11` prints counts every second.
"""

from __future__ import annotations

import logging
import sys
import threading
import time
from collections.abc import Callable
from typing import Any

from worklens_agent.desktop.xlib_errors import skip_misregistered_extensions
from worklens_agent.sources.input_timing import CLICK, InputTiming

log = logging.getLogger(__name__)

RECORDING_TIMEOUT_SECONDS = 5.0


class InputCounter:
    """Counts keyboard and mouse events between two `take()` calls."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._keyboard = 0
        self._mouse = 0
        self._timing = InputTiming()
        self._position_low: tuple[int, int] | None = None
        self._listeners: list[Any] = []

    def start(self) -> None:
        """Start the listeners; raises if there is no usable X display."""
        if sys.platform.startswith("linux"):
            skip_misregistered_extensions()
        from pynput import mouse

        mouse_listener = mouse.Listener
        if mouse_listener.__module__ == "pynput.mouse._xorg":
            mouse_listener = _signalling_recording(mouse_listener)
        listeners: list[Any] = [
            _key_press_listener(self._on_key),
            mouse_listener(
                on_move=self._on_move, on_click=self._on_mouse, on_scroll=self._on_mouse
            ),
        ]
        for listener in listeners:
            listener.daemon = True
            listener.start()
        for listener in listeners:
            listener.wait()
        for listener in listeners:
            recording = getattr(listener, "recording", None)
            if recording is not None and not recording.wait(RECORDING_TIMEOUT_SECONDS):
                log.warning("the X server has not started recording input yet")
        self._listeners = listeners

    # The callbacks take *args so that no parameter ever names the key or the pointer position.
    def _on_key(self, *_ignored: object) -> None:
        moment = time.monotonic()
        with self._lock:
            self._keyboard += 1
            self._timing.key(moment)

    def _on_mouse(self, *_ignored: object) -> None:
        moment = time.monotonic()
        with self._lock:
            self._mouse += 1
            self._timing.pointer_event(moment, CLICK)

    def _on_move(self, *where: Any) -> None:
        """Only the move since the previous event is kept, from the position's low byte (modulo
        256 on each axis): enough for a jiggler's pixel, and the counter never knows where the
        pointer is."""
        moment = time.monotonic()
        low = (int(where[0]) % 256, int(where[1]) % 256) if len(where) >= 2 else None
        with self._lock:
            self._mouse += 1
            previous, self._position_low = self._position_low, low
            vector = None
            if previous is not None and low is not None:
                vector = (_signed_byte(low[0] - previous[0]), _signed_byte(low[1] - previous[1]))
            self._timing.pointer_event(moment, vector)

    def take(self) -> tuple[int, int]:
        """(keyboard events, mouse events) since the last call."""
        with self._lock:
            counts = (self._keyboard, self._mouse)
            self._keyboard = 0
            self._mouse = 0
        return counts

    def take_with_timing(self) -> tuple[int, int, InputTiming]:
        """(keyboard events, mouse events, their timing statistics) since the last call."""
        with self._lock:
            taken = (self._keyboard, self._mouse, self._timing)
            self._keyboard = 0
            self._mouse = 0
            self._timing = InputTiming()
        return taken

    def stop(self) -> None:
        for listener in self._listeners:
            listener.stop()
        # On X11 a listener may only notice the stop at the next input event; they are daemon
        # threads, so wait briefly and let the process exit take any that are still blocked.
        for listener in self._listeners:
            listener.join(timeout=1.0)
        self._listeners = []


def _signed_byte(difference: int) -> int:
    """A difference of two low bytes as a move of -128..127 pixels."""
    return (difference + 128) % 256 - 128


def _signalling_recording(listener_class: Any) -> Any:
    """pynput's X11 listener with a `recording` event, set once the X server records for it.

    pynput marks a listener ready just *before* it enables its RECORD context, so input in that
    moment was lost: on a loaded machine, the first keys typed after the agent said its sources
    were open. The server answers the enabling with a StartOfData reply, the first thing the
    handler receives.
    """

    class SignallingRecording(listener_class):  # type: ignore[misc]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.recording = threading.Event()

        def _handler(self, events: Any) -> None:
            self.recording.set()
            super()._handler(events)

    return SignallingRecording


def _key_press_listener(on_press: Callable[[], None]) -> Any:
    """pynput's keyboard listener, reduced on X11 to counting presses.

    pynput's X11 listener turns every key event into a key object (keysym lookups in a keyboard
    mapping it fetches at start) before calling back, and the agent drops that object: this was
    the agent's largest CPU cost while someone types. Its per-event hook is replaced here, so a
    press is counted from the event's type and the key it names is never read.
    """
    from pynput import keyboard

    if keyboard.Listener.__module__ != "pynput.keyboard._xorg":
        return keyboard.Listener(on_press=lambda *_ignored: on_press())
    from Xlib import X

    class PressCounter(_signalling_recording(keyboard.Listener)):  # type: ignore[misc]
        def _initialize(self, _display: object) -> None:
            """No keyboard mapping: nothing is decoded."""

        def _handle_message(self, _display: object, event: Any, _injected: bool) -> None:
            if event.type == X.KeyPress:
                on_press()

    return PressCounter()


def main() -> None:
    counter = InputCounter()
    counter.start()
    try:
        while True:
            time.sleep(1)
            print("keyboard=%d mouse=%d" % counter.take(), flush=True)  # noqa: UP031
    except KeyboardInterrupt:
        counter.stop()


if __name__ == "__main__":
    main()
