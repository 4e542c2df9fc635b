"""The Windows and macOS window backends with their OS calls replaced, and the backend choice.

The modules import cleanly on Linux; the fakes behave as the real calls do (ctypes buffers filled
in place, pyobjc objects answering methods), so the logic around them is what is tested.
"""

from __future__ import annotations

import ctypes
import sys
from typing import Any

import pytest

from worklens_agent.sources import open_window_source
from worklens_agent.sources.window import ActiveWindow
from worklens_agent.sources.window_macos import MacWindowSource
from worklens_agent.sources.window_windows import (
    PROCESS_QUERY_LIMITED_INFORMATION,
    WindowsWindowSource,
    load_win32,
)
from worklens_wire.v1 import Policy

FIREFOX = r"C:\Program Files\Mozilla Firefox\firefox.exe"


class FakeUser32:
    def __init__(self, hwnd: int, title: str, pid: int) -> None:
        self.hwnd, self.title, self.pid = hwnd, title, pid
        self.calls: list[str] = []

    def GetForegroundWindow(self) -> int:
        self.calls.append("GetForegroundWindow")
        return self.hwnd

    def GetWindowTextLengthW(self, hwnd: int) -> int:
        self.calls.append("GetWindowTextLengthW")
        return len(self.title)

    def GetWindowTextW(self, hwnd: int, buffer: Any, size: int) -> int:
        self.calls.append("GetWindowTextW")
        text = self.title[: size - 1]
        buffer.value = text
        return len(text)

    def GetWindowThreadProcessId(self, hwnd: int, pid_ref: Any) -> int:
        pid_ref._obj.value = self.pid
        return 1


class FakeKernel32:
    def __init__(self, path: str | None) -> None:
        self.path = path
        self.opened: list[tuple[int, bool, int]] = []
        self.closed: list[int] = []

    def OpenProcess(self, access: int, inherit: bool, pid: int) -> int:
        self.opened.append((access, inherit, pid))
        return 0 if self.path is None else 77

    def QueryFullProcessImageNameW(
        self, handle: int, flags: int, buffer: Any, size_ref: Any
    ) -> int:
        assert self.path is not None
        assert size_ref._obj.value >= len(self.path) + 1
        buffer.value = self.path
        size_ref._obj.value = len(self.path)
        return 1

    def CloseHandle(self, handle: int) -> int:
        self.closed.append(handle)
        return 1


def test_windows_backend_reads_executable_and_title() -> None:
    user32, kernel32 = FakeUser32(0x1234, "Inbox - Mozilla Firefox", 4242), FakeKernel32(FIREFOX)
    source = WindowsWindowSource(user32, kernel32)
    assert source.active_window() == ActiveWindow("firefox.exe", "Inbox - Mozilla Firefox")
    assert kernel32.opened == [(PROCESS_QUERY_LIMITED_INFORMATION, False, 4242)]
    assert kernel32.closed == [77]  # the process handle is never leaked


def test_windows_backend_never_reads_the_title_when_titles_are_off() -> None:
    user32, kernel32 = (
        FakeUser32(0x1234, "secret.docx - Word", 7),
        FakeKernel32(r"C:\W\WINWORD.EXE"),
    )
    source = WindowsWindowSource(user32, kernel32)
    assert source.active_window(read_title=False) == ActiveWindow("WINWORD.EXE", None)
    assert "GetWindowTextW" not in user32.calls
    assert "GetWindowTextLengthW" not in user32.calls


def test_windows_backend_edge_cases() -> None:
    nothing = WindowsWindowSource(FakeUser32(0, "", 0), FakeKernel32(FIREFOX))
    assert nothing.active_window() is None  # no foreground window (lock screen, switching)
    elevated = WindowsWindowSource(FakeUser32(5, "Administrator: cmd", 9), FakeKernel32(None))
    assert elevated.active_window() == ActiveWindow("unknown", "Administrator: cmd")
    long_title = WindowsWindowSource(FakeUser32(5, "x" * 5000, 9), FakeKernel32(FIREFOX))
    window = long_title.active_window()
    assert window is not None
    assert window.title == "x" * 1024


@pytest.mark.skipif(sys.platform == "win32", reason="checks the refusal off Windows")
def test_windows_backend_refuses_to_load_elsewhere() -> None:
    with pytest.raises(RuntimeError, match="cannot run on"):
        load_win32()
    with pytest.raises(RuntimeError, match="cannot run on"):
        WindowsWindowSource()
    assert ctypes.create_unicode_buffer(4).value == ""  # the buffers used work everywhere


class FakeUrl:
    def __init__(self, name: str) -> None:
        self.name = name

    def lastPathComponent(self) -> str:
        return self.name


class FakeRunningApp:
    def __init__(self, executable: str | None, bundle: str | None, pid: int) -> None:
        self.executable, self.bundle, self.pid = executable, bundle, pid

    def executableURL(self) -> FakeUrl | None:
        return None if self.executable is None else FakeUrl(self.executable)

    def bundleIdentifier(self) -> str | None:
        return self.bundle

    def localizedName(self) -> str:
        return "Shown Name"

    def processIdentifier(self) -> int:
        return self.pid


class FakeWorkspace:
    def __init__(self, app: FakeRunningApp | None) -> None:
        self.app = app

    def frontmostApplication(self) -> FakeRunningApp | None:
        return self.app


class FakeQuartz:
    kCGWindowListOptionOnScreenOnly = 1
    kCGWindowListExcludeDesktopElements = 16
    kCGNullWindowID = 0
    kCGWindowOwnerPID = "kCGWindowOwnerPID"
    kCGWindowLayer = "kCGWindowLayer"
    kCGWindowName = "kCGWindowName"

    def __init__(self, windows: list[dict[str, object]]) -> None:
        self.windows = windows
        self.calls: list[tuple[int, int]] = []

    def CGWindowListCopyWindowInfo(self, options: int, relative: int) -> list[dict[str, object]]:
        self.calls.append((options, relative))
        return self.windows


SAFARI_WINDOWS: list[dict[str, object]] = [
    {"kCGWindowOwnerPID": 501, "kCGWindowLayer": 25, "kCGWindowName": "Menu bar item"},
    {"kCGWindowOwnerPID": 99, "kCGWindowLayer": 0, "kCGWindowName": "Another app"},
    {"kCGWindowOwnerPID": 501, "kCGWindowLayer": 0, "kCGWindowName": "Apple - Start"},
    {"kCGWindowOwnerPID": 501, "kCGWindowLayer": 0, "kCGWindowName": "Older window"},
]


def test_macos_backend_reads_app_and_front_window_title() -> None:
    quartz = FakeQuartz(SAFARI_WINDOWS)
    source = MacWindowSource(
        FakeWorkspace(FakeRunningApp("Safari", "com.apple.Safari", 501)), quartz
    )
    assert source.active_window() == ActiveWindow("Safari", "Apple - Start")
    assert quartz.calls == [(1 | 16, 0)]


def test_macos_backend_titles_off_and_fallbacks() -> None:
    quartz = FakeQuartz(SAFARI_WINDOWS)
    safari = FakeWorkspace(FakeRunningApp("Safari", "com.apple.Safari", 501))
    assert MacWindowSource(safari, quartz).active_window(read_title=False) == ActiveWindow(
        "Safari", None
    )
    assert quartz.calls == []  # the window list (and so the title) is never read
    no_exe = FakeWorkspace(FakeRunningApp(None, "com.example.tool", 501))
    assert MacWindowSource(no_exe, quartz).active_window(read_title=False) == ActiveWindow(
        "com.example.tool", None
    )
    # Without Screen Recording permission macOS leaves kCGWindowName out: title None.
    hidden = FakeQuartz([{"kCGWindowOwnerPID": 501, "kCGWindowLayer": 0}])
    assert MacWindowSource(safari, hidden).active_window() == ActiveWindow("Safari", None)
    assert MacWindowSource(FakeWorkspace(None), quartz).active_window() is None


def test_macos_backend_logs_a_failed_poll_and_goes_on() -> None:
    class Broken(FakeWorkspace):
        def frontmostApplication(self) -> FakeRunningApp | None:
            raise RuntimeError("objc.error")

    assert MacWindowSource(Broken(None), FakeQuartz([])).active_window() is None


def test_no_display_makes_the_window_source_unavailable_with_a_reason(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    source, availability = open_window_source(Policy(version=1))
    assert source is None
    assert (availability.name, availability.available) == ("window", False)
    assert availability.reason == "no X display (DISPLAY is not set)"

    monkeypatch.setenv("WAYLAND_DISPLAY", "wayland-0")
    source, availability = open_window_source(Policy(version=1))
    assert (source, availability.reason) == (
        None,
        "Wayland session without X11 (DISPLAY is not set)",
    )
    monkeypatch.setenv("DISPLAY", ":0")  # XWayland: X works, but shows only X11 clients
    source, availability = open_window_source(Policy(version=1))
    assert (source, availability.available) == (None, False)
    assert availability.reason.startswith("Wayland session")


def test_a_backend_that_fails_to_open_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "platform", "darwin")  # pyobjc is not installed here
    source, availability = open_window_source(Policy(version=1))
    assert source is None
    assert not availability.available
    assert "ModuleNotFoundError" in availability.reason
    monkeypatch.setattr(sys, "platform", "win32")
    source, availability = open_window_source(Policy(version=1))
    assert source is None
    assert "WinDLL" in availability.reason
    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.setenv("DISPLAY", ":999")  # no such X server
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    source, availability = open_window_source(Policy(version=1))
    assert source is None
    assert availability.reason.startswith("DisplayConnectionError")
