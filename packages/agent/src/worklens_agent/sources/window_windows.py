"""The active window on Windows, with ctypes: GetForegroundWindow, GetWindowTextW for the title,
GetWindowThreadProcessId + OpenProcess + QueryFullProcessImageNameW for the executable.

Imports cleanly everywhere; only `load_win32()` needs Windows. The logic takes the user32 and
kernel32 function tables as arguments, so tests run it on Linux with the OS calls replaced.
"""

from __future__ import annotations

import ctypes
import logging
import ntpath
import sys
import threading
from typing import Any

from worklens_agent.sources.window import ActiveWindow, active_window

log = logging.getLogger(__name__)

#: Enough to read the image path of any process the user may query, elevated ones excepted.
PROCESS_QUERY_LIMITED_INFORMATION = 0x1000
MAX_PATH_CHARS = 32768


def load_win32() -> tuple[Any, Any]:
    """user32 and kernel32 with the argument and result types the calls below rely on."""
    if sys.platform != "win32":
        raise RuntimeError(f"the Windows window backend cannot run on {sys.platform}")
    from ctypes import wintypes

    windll: Any = getattr(ctypes, "WinDLL")  # noqa: B009 - absent from ctypes on other systems
    user32 = windll("user32", use_last_error=True)
    kernel32 = windll("kernel32", use_last_error=True)
    user32.GetForegroundWindow.argtypes = []
    user32.GetForegroundWindow.restype = wintypes.HWND
    user32.GetWindowTextLengthW.argtypes = [wintypes.HWND]
    user32.GetWindowTextLengthW.restype = ctypes.c_int
    user32.GetWindowTextW.argtypes = [wintypes.HWND, wintypes.LPWSTR, ctypes.c_int]
    user32.GetWindowTextW.restype = ctypes.c_int
    user32.GetWindowThreadProcessId.argtypes = [wintypes.HWND, ctypes.POINTER(wintypes.DWORD)]
    user32.GetWindowThreadProcessId.restype = wintypes.DWORD
    kernel32.OpenProcess.argtypes = [wintypes.DWORD, wintypes.BOOL, wintypes.DWORD]
    kernel32.OpenProcess.restype = wintypes.HANDLE
    kernel32.QueryFullProcessImageNameW.argtypes = [
        wintypes.HANDLE,
        wintypes.DWORD,
        wintypes.LPWSTR,
        ctypes.POINTER(wintypes.DWORD),
    ]
    kernel32.QueryFullProcessImageNameW.restype = wintypes.BOOL
    kernel32.CloseHandle.argtypes = [wintypes.HANDLE]
    kernel32.CloseHandle.restype = wintypes.BOOL
    return user32, kernel32


class WindowsWindowSource:
    def __init__(self, user32: Any = None, kernel32: Any = None) -> None:
        if user32 is None or kernel32 is None:
            user32, kernel32 = load_win32()
        self._user32 = user32
        self._kernel32 = kernel32
        self._lock = threading.Lock()

    def active_window(self, *, read_title: bool = True) -> ActiveWindow | None:
        try:
            with self._lock:
                return self._read(read_title)
        except OSError as exc:  # one failed poll is logged; the next goes on
            log.warning("active window poll failed: %s", exc)
            return None

    def _read(self, read_title: bool) -> ActiveWindow | None:
        hwnd = self._user32.GetForegroundWindow()
        if not hwnd:  # nothing in front (the desktop, a lock screen, a window being switched)
            return None
        title = self._title(hwnd) if read_title else None
        pid = ctypes.c_ulong(0)
        self._user32.GetWindowThreadProcessId(hwnd, ctypes.byref(pid))
        app = self._image_name(pid.value) if pid.value else None
        return active_window(app or "unknown", title)

    def _title(self, hwnd: Any) -> str:
        length = int(self._user32.GetWindowTextLengthW(hwnd))
        if length <= 0:
            return ""
        buffer = ctypes.create_unicode_buffer(length + 1)
        copied = int(self._user32.GetWindowTextW(hwnd, buffer, length + 1))
        return buffer.value[: max(copied, 0)]

    def _image_name(self, pid: int) -> str | None:
        handle = self._kernel32.OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, False, pid)
        if not handle:  # an elevated process seen from a normal user: name unknown
            return None
        try:
            buffer = ctypes.create_unicode_buffer(MAX_PATH_CHARS)
            size = ctypes.c_ulong(MAX_PATH_CHARS)
            if not self._kernel32.QueryFullProcessImageNameW(handle, 0, buffer, ctypes.byref(size)):
                return None
            return ntpath.basename(buffer.value[: size.value]) or None
        finally:
            self._kernel32.CloseHandle(handle)

    def close(self) -> None:
        return None
