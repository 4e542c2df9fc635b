"""Seconds since the last user input on X11, from the MIT-SCREEN-SAVER extension.

The display is opened once and reused for every poll: opening it (or interning atoms) on each
poll is what sent ActivityWatch's watcher to 100 % CPU.

Run by hand: `python -m worklens_agent.sources.idle_x11` prints the idle time every second.
"""

from __future__ import annotations

import threading
from typing import Any

from worklens_agent.desktop.xlib_errors import skip_misregistered_extensions
from worklens_agent.sources.base import print_idle_every_second

SCREENSAVER_EXTENSION = "MIT-SCREEN-SAVER"


class IdleMonitor:
    def __init__(self, display_name: str | None = None) -> None:
        from Xlib import display as xdisplay
        from Xlib.ext import screensaver  # noqa: F401 - registers the request

        skip_misregistered_extensions()
        self._display: Any = xdisplay.Display(display_name)
        if not self._display.has_extension(SCREENSAVER_EXTENSION):
            self._display.close()
            raise RuntimeError(f"the X server has no {SCREENSAVER_EXTENSION} extension")
        self._root: Any = self._display.screen().root
        self._lock = threading.Lock()

    def idle_seconds(self) -> float:
        with self._lock:
            info = self._root.screensaver_query_info()
        return float(info.idle) / 1000.0

    def close(self) -> None:
        with self._lock:
            self._display.close()


def main() -> None:
    print_idle_every_second(IdleMonitor())


if __name__ == "__main__":
    main()
