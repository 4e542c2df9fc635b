"""The active window on macOS, with pyobjc: NSWorkspace's frontmost application for the app
(its executable's name), CGWindowListCopyWindowInfo for the title of its front window.

Imports cleanly everywhere: AppKit and Quartz are imported in the constructor only, and the
logic takes the workspace and the Quartz module as arguments, so tests run it on Linux with the
OS calls replaced. macOS shows window names (kCGWindowName) only to apps granted Screen
Recording; without it the title is None and the app name still arrives.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from worklens_agent.sources.window import ActiveWindow, active_window

log = logging.getLogger(__name__)

NORMAL_WINDOW_LAYER = 0  # menus, the Dock and overlays sit on other layers


class MacWindowSource:
    def __init__(self, workspace: Any = None, quartz: Any = None) -> None:
        if workspace is None:
            from AppKit import NSWorkspace  # type: ignore[import-not-found,unused-ignore]

            workspace = NSWorkspace.sharedWorkspace()
        if quartz is None:
            import Quartz  # type: ignore[import-not-found,unused-ignore]

            quartz = Quartz
        self._workspace = workspace
        self._quartz = quartz
        self._lock = threading.Lock()

    def active_window(self, *, read_title: bool = True) -> ActiveWindow | None:
        try:
            with self._lock:
                return self._read(read_title)
        except Exception as exc:  # pyobjc raises its own error types; one poll is logged
            log.warning("active window poll failed: %s: %s", type(exc).__name__, exc)
            return None

    def _read(self, read_title: bool) -> ActiveWindow | None:
        app = self._workspace.frontmostApplication()
        if app is None:
            return None
        name = _app_name(app)
        if not name:
            return None
        title = self._title(int(app.processIdentifier())) if read_title else None
        return active_window(name, title)

    def _title(self, pid: int) -> str | None:
        q = self._quartz
        windows = q.CGWindowListCopyWindowInfo(
            q.kCGWindowListOptionOnScreenOnly | q.kCGWindowListExcludeDesktopElements,
            q.kCGNullWindowID,
        )
        for info in windows or ():  # front to back: the first normal window of the app
            if int(info.get(q.kCGWindowOwnerPID, -1)) != pid:
                continue
            if int(info.get(q.kCGWindowLayer, NORMAL_WINDOW_LAYER)) != NORMAL_WINDOW_LAYER:
                continue
            title = info.get(q.kCGWindowName)
            return None if title is None else str(title)
        return None

    def close(self) -> None:
        return None


def _app_name(app: Any) -> str | None:
    """The executable's name ("Safari", "Code Helper"), else the bundle id, else the shown name."""
    url = app.executableURL()
    if url is not None and url.lastPathComponent():
        return str(url.lastPathComponent())
    for value in (app.bundleIdentifier(), app.localizedName()):
        if value:
            return str(value)
    return None
