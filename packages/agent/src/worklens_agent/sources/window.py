"""What a window source gives the span builder: the application in front and its title, no more.

One backend per OS (window_x11, window_windows, window_macos); `sources.open_sources` picks one.
The title is read only when the caller asks for it: with titles off in the policy, the backends
never make the call that reads it.
"""

from __future__ import annotations

import time
from typing import NamedTuple, Protocol

MAX_APP_LENGTH = 255
MAX_TITLE_LENGTH = 1024


class ActiveWindow(NamedTuple):
    app: str
    title: str | None


class WindowSource(Protocol):
    def active_window(self, *, read_title: bool = True) -> ActiveWindow | None:
        """The window in front now, or None when nothing is (or it could not be read)."""
        ...

    def close(self) -> None: ...


def active_window(app: str, title: str | None) -> ActiveWindow:
    """An ActiveWindow cut to what the wire accepts (an empty app name becomes "unknown")."""
    app = app.strip()[:MAX_APP_LENGTH] or "unknown"
    return ActiveWindow(app, None if title is None else title[:MAX_TITLE_LENGTH])


def print_window_every_second(source: WindowSource) -> None:
    """Run a window source by hand (`python -m worklens_agent.sources.window_x11`) until Ctrl-C."""
    try:
        while True:
            print(source.active_window(), flush=True)
            time.sleep(1)
    except KeyboardInterrupt:
        source.close()
