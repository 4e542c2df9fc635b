"""Seconds since the last user input on Windows, with ctypes: GetLastInputInfo and GetTickCount64.

Imports cleanly everywhere; only `load_win32_idle()` needs Windows. The monitor takes the user32
and kernel32 function tables (and the last-error reader) as arguments, so tests run it on Linux
with the OS calls replaced.

LASTINPUTINFO.dwTime is a 32-bit tick count (GetTickCount), which wraps every 49.7 days; the low
32 bits of GetTickCount64 are that same counter, so their difference modulo 2**32 is the idle time
in milliseconds whether or not the counter wrapped in between.

Run by hand (on Windows): `python -m worklens_agent.sources.idle_windows` prints the idle time
every second.
"""

from __future__ import annotations

import ctypes
import sys
import threading
from collections.abc import Callable
from typing import Any

from worklens_agent.sources.base import print_idle_every_second

TICK_MASK = 0xFFFFFFFF


class LASTINPUTINFO(ctypes.Structure):
    _fields_ = [("cbSize", ctypes.c_uint), ("dwTime", ctypes.c_uint32)]


class Win32Error(OSError):
    """A Win32 call failed; `win32_error` is what GetLastError said."""

    def __init__(self, call: str, win32_error: int) -> None:
        super().__init__(f"{call} failed (Win32 error {win32_error})")
        self.win32_error = win32_error


def load_win32_idle() -> tuple[Any, Any, Callable[[], int]]:
    """user32, kernel32 and the last-error reader, typed for the calls below."""
    if sys.platform != "win32":
        raise RuntimeError(f"the Windows idle backend cannot run on {sys.platform}")
    windll: Any = getattr(ctypes, "WinDLL")  # noqa: B009 - absent from ctypes on other systems
    user32 = windll("user32", use_last_error=True)
    kernel32 = windll("kernel32", use_last_error=True)
    user32.GetLastInputInfo.argtypes = [ctypes.POINTER(LASTINPUTINFO)]
    user32.GetLastInputInfo.restype = ctypes.c_int
    kernel32.GetTickCount64.argtypes = []
    kernel32.GetTickCount64.restype = ctypes.c_uint64
    get_last_error: Callable[[], int] = getattr(ctypes, "get_last_error")  # noqa: B009
    return user32, kernel32, get_last_error


class WindowsIdleMonitor:
    def __init__(
        self,
        user32: Any = None,
        kernel32: Any = None,
        last_error: Callable[[], int] | None = None,
    ) -> None:
        if user32 is None or kernel32 is None or last_error is None:
            user32, kernel32, last_error = load_win32_idle()
        self._user32 = user32
        self._kernel32 = kernel32
        self._last_error = last_error
        self._lock = threading.Lock()
        self.idle_seconds()  # fail here, at open, rather than at every poll

    def idle_seconds(self) -> float:
        info = LASTINPUTINFO()
        info.cbSize = ctypes.sizeof(LASTINPUTINFO)
        with self._lock:
            if not self._user32.GetLastInputInfo(ctypes.byref(info)):
                raise Win32Error("GetLastInputInfo", int(self._last_error()))
            now = int(self._kernel32.GetTickCount64())
        return float((now - int(info.dwTime)) & TICK_MASK) / 1000.0

    def close(self) -> None:
        return None


def main() -> None:
    print_idle_every_second(WindowsIdleMonitor())


if __name__ == "__main__":
    main()
