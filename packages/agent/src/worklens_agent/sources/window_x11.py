"""The active window on X11, through EWMH: _NET_ACTIVE_WINDOW on the root, then the window's
_NET_WM_NAME (UTF-8 title) and its process, whose /proc/<pid>/exe names the application.

The process id comes from the X server itself when it has the X-Resource extension (it knows the
pid of every local client; Tk, for one, never sets _NET_WM_PID), else from the window's
_NET_WM_PID; when neither gives a readable /proc entry, the WM_CLASS class names the app.

The display is opened and the atoms interned once, in the constructor: interning on every poll
is what sent ActivityWatch's window watcher to 100 % CPU. A poll is then three or four
GetProperty round trips. A window may vanish between two of them (BadWindow): that poll returns
None, is logged, and the next one goes on.

Run by hand: `python -m worklens_agent.sources.window_x11` prints the active window every second.
"""

from __future__ import annotations

import logging
import os
import threading
from pathlib import Path
from typing import Any

from worklens_agent.desktop.xlib_errors import skip_misregistered_extensions
from worklens_agent.sources.window import ActiveWindow, active_window, print_window_every_second

log = logging.getLogger(__name__)

#: How much of a property the first request asks for, in 4-byte units. python-xlib's default (10,
#: 40 bytes) takes a second round trip for most window titles.
PROPERTY_SIZEHINT = 256


class X11WindowSource:
    def __init__(self, display_name: str | None = None, proc: Path = Path("/proc")) -> None:
        from Xlib import X, Xatom
        from Xlib import display as xdisplay
        from Xlib.ext import res

        skip_misregistered_extensions()
        self._display: Any = xdisplay.Display(display_name)
        self._root: Any = self._display.screen().root
        self._any_type: int = X.AnyPropertyType
        self._wm_name: int = Xatom.WM_NAME
        self._wm_class: int = Xatom.WM_CLASS
        self._string: int = Xatom.STRING
        intern = self._display.intern_atom
        self._net_active_window: int = intern("_NET_ACTIVE_WINDOW")
        self._net_wm_name: int = intern("_NET_WM_NAME")
        self._utf8_string: int = intern("UTF8_STRING")
        self._net_wm_pid: int = intern("_NET_WM_PID")
        self._proc = proc
        self._client_pid_mask: int = res.LocalClientPIDMask
        self._has_res: bool = bool(self._display.has_extension(res.extname))
        self._lock = threading.Lock()
        self._failing = False

    def active_window(self, *, read_title: bool = True) -> ActiveWindow | None:
        from Xlib import error

        try:
            with self._lock:
                window = self._read(read_title)
        except (error.XError, error.ConnectionClosedError, OSError) as exc:
            # One failed poll (usually the window closed between two requests) is logged, once
            # per run of failures so a lasting problem cannot flood the log; the next poll goes on.
            level = logging.DEBUG if self._failing else logging.WARNING
            log.log(level, "active window poll failed: %s: %s", type(exc).__name__, exc)
            self._failing = True
            return None
        self._failing = False
        return window

    def _read(self, read_title: bool) -> ActiveWindow | None:
        active = self._root.get_full_property(self._net_active_window, self._any_type)
        if active is None or not len(active.value) or not active.value[0]:
            return None
        window = self._display.create_resource_object("window", int(active.value[0]))
        app = self._executable(window) or self._wm_class_name(window)
        if not app:
            return None
        return active_window(app, self._title(window) if read_title else None)

    def _executable(self, window: Any) -> str | None:
        # The property is read only when the server could not name a readable process.
        return self._exe_name(self._client_pid(window)) or self._exe_name(
            self._wm_pid_property(window)
        )

    def _exe_name(self, pid: int | None) -> str | None:
        if not pid:
            return None
        try:  # a process of another user, or one already gone: the caller tries the next way
            return os.path.basename(os.readlink(self._proc / str(pid) / "exe"))
        except OSError:
            return None

    def _client_pid(self, window: Any) -> int | None:
        if not self._has_res:
            return None
        reply = self._display.res_query_client_ids(
            [{"client": window.id, "mask": self._client_pid_mask}]
        )
        for client in reply.ids:
            if client.spec.mask == self._client_pid_mask and client.value:
                return int(client.value[0])
        return None  # a remote client: the server does not know its pid

    def _wm_pid_property(self, window: Any) -> int | None:
        prop = window.get_full_property(self._net_wm_pid, self._any_type)
        return int(prop.value[0]) if prop is not None and len(prop.value) else None

    def _wm_class_name(self, window: Any) -> str | None:
        prop = window.get_full_property(self._wm_class, self._string, PROPERTY_SIZEHINT)
        if prop is None:
            return None
        parts = _text(prop.value).split("\0")  # "instance\0class\0"
        return parts[1] if len(parts) > 1 and parts[1] else parts[0] or None

    def _title(self, window: Any) -> str:
        prop = window.get_full_property(self._net_wm_name, self._utf8_string, PROPERTY_SIZEHINT)
        if prop is None:  # not an EWMH client: the ICCCM name
            prop = window.get_full_property(self._wm_name, self._any_type, PROPERTY_SIZEHINT)
        return "" if prop is None else _text(prop.value)

    def close(self) -> None:
        with self._lock:
            self._display.close()


def _text(value: bytes | str) -> str:
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    return str(value)


def main() -> None:
    print_window_every_second(X11WindowSource())


if __name__ == "__main__":
    main()
