"""The Windows and macOS idle and input backends with their OS calls replaced (the choice of
backends per OS is test_sources_per_os.py's).

The fakes behave as the real calls do (ctypes structures filled in place through byref, DLL
functions that take argtypes/restype, pyobjc module constants), so the logic around them is what
is tested; nothing here calls Windows or macOS.
"""

from __future__ import annotations

import ctypes
import sys
from typing import Any

import pytest
from agent_fake_macos import FakeQuartz

from worklens_agent.sources.idle_macos import MacIdleMonitor
from worklens_agent.sources.idle_windows import (
    LASTINPUTINFO,
    Win32Error,
    WindowsIdleMonitor,
    load_win32_idle,
)
from worklens_agent.sources.input import macos_may_listen

TICKS_PER_WRAP = 2**32


class FakeUser32:
    """GetLastInputInfo fills the caller's LASTINPUTINFO in place, as user32 does."""

    def __init__(self, last_input_tick: int, succeeds: bool = True) -> None:
        self.last_input_tick = last_input_tick
        self.succeeds = succeeds
        self.sizes: list[int] = []

    def GetLastInputInfo(self, info_ref: Any) -> int:
        info = info_ref._obj
        assert isinstance(info, LASTINPUTINFO)
        self.sizes.append(info.cbSize)
        if not self.succeeds:
            return 0
        info.dwTime = self.last_input_tick
        return 1


class FakeKernel32:
    def __init__(self, now_tick64: int) -> None:
        self.now_tick64 = now_tick64

    def GetTickCount64(self) -> int:
        return self.now_tick64


def _windows_idle(last_input_tick: int, now_tick64: int) -> float:
    user32 = FakeUser32(last_input_tick)
    monitor = WindowsIdleMonitor(user32, FakeKernel32(now_tick64), lambda: 0)
    seconds = monitor.idle_seconds()
    assert user32.sizes
    assert set(user32.sizes) == {ctypes.sizeof(LASTINPUTINFO)} == {8}
    return seconds


def test_windows_idle_is_tick_count_minus_last_input() -> None:
    assert _windows_idle(1_000_000, 1_002_500) == 2.5
    assert _windows_idle(1_000_000, 1_000_000) == 0.0
    # Past 49.7 days of uptime GetTickCount64 keeps growing; dwTime is its low 32 bits.
    assert _windows_idle(1_000, 3 * TICKS_PER_WRAP + 61_000) == 60.0


def test_windows_idle_survives_the_32_bit_tick_wrap() -> None:
    # Last input 1.5 s before the 32-bit counter wrapped, now 0.5 s after it.
    assert _windows_idle(TICKS_PER_WRAP - 1_500, TICKS_PER_WRAP + 500) == 2.0
    assert _windows_idle(TICKS_PER_WRAP - 1, 5 * TICKS_PER_WRAP) == 0.001


def test_windows_idle_failure_raises_the_win32_error() -> None:
    with pytest.raises(Win32Error) as opened:  # at open: the idle source is reported unavailable
        WindowsIdleMonitor(FakeUser32(0, succeeds=False), FakeKernel32(10), lambda: 87)
    assert isinstance(opened.value, OSError)
    assert opened.value.win32_error == 87
    assert str(opened.value) == "GetLastInputInfo failed (Win32 error 87)"

    user32 = FakeUser32(100)
    monitor = WindowsIdleMonitor(user32, FakeKernel32(1_100), lambda: 5)
    assert monitor.idle_seconds() == 1.0
    user32.succeeds = False  # a later poll fails (a desktop switch): that poll raises
    with pytest.raises(OSError, match=r"Win32 error 5\)"):
        monitor.idle_seconds()


@pytest.mark.skipif(sys.platform == "win32", reason="checks the refusal off Windows")
def test_windows_idle_refuses_to_load_elsewhere() -> None:
    with pytest.raises(RuntimeError, match="cannot run on"):
        load_win32_idle()
    with pytest.raises(RuntimeError, match="cannot run on"):
        WindowsIdleMonitor()


def test_macos_idle_asks_quartz_for_any_input_in_the_session() -> None:
    quartz = FakeQuartz(idle=42.25)
    monitor = MacIdleMonitor(quartz)
    assert monitor.idle_seconds() == 42.25
    # Combined session state: input from every process of the session, not HID hardware only.
    assert quartz.idle_calls[-1] == (0, 0xFFFFFFFF)
    quartz.idle = -0.001  # Quartz can report a hair below zero right after an event
    assert monitor.idle_seconds() == 0.0
    monitor.close()


def test_macos_idle_without_pyobjc_fails_at_open(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "Quartz", None)  # pyobjc is not installed
    with pytest.raises(ImportError):
        MacIdleMonitor()


def test_macos_input_permission_check() -> None:
    granted, refused, old = FakeQuartz(0), FakeQuartz(0, may_listen=False), FakeQuartz(0, None)
    assert macos_may_listen(granted) is True
    assert granted.permission_requests == 0
    assert macos_may_listen(refused) is False
    assert refused.permission_requests == 1  # macOS shows its prompt and lists the app
    assert macos_may_listen(old) is True
