"""The choice of capture backends per OS in `open_sources`, on Linux with the Windows and macOS
calls replaced, and the backend modules' clean import where their OS libraries are missing.

The fakes behave as the real calls do (ctypes structures filled in place through byref, DLL
functions that take argtypes/restype, pyobjc module constants), so the logic around them is what
is tested; nothing here calls Windows or macOS.
"""

from __future__ import annotations

import ctypes
import subprocess
import sys
import textwrap
import types
from collections.abc import Callable
from typing import Any

import pytest
from agent_fake_macos import FakeQuartz

from worklens_agent import sources
from worklens_agent.desktop.display import display_problem
from worklens_agent.sources import InputActivitySource, open_sources
from worklens_agent.sources.base import TimeOnlySource
from worklens_agent.sources.input import MACOS_INPUT_PERMISSION
from worklens_agent.sources.window import ActiveWindow
from worklens_wire.v1 import Policy


class FakeDLLFunction:
    """A ctypes foreign function: callable, with argtypes and restype to set."""

    def __init__(self, implementation: Callable[..., Any]) -> None:
        self.implementation = implementation
        self.argtypes: object = None
        self.restype: object = None

    def __call__(self, *args: Any) -> Any:
        return self.implementation(*args)


class FakeDLL:
    def __init__(self, name: str, implementations: object) -> None:
        self.name = name
        self._implementations = implementations
        self._functions: dict[str, FakeDLLFunction] = {}

    def __getattr__(self, function: str) -> FakeDLLFunction:
        if function not in self._functions:
            implementation = getattr(self._implementations, function)  # AttributeError as ctypes
            self._functions[function] = FakeDLLFunction(implementation)
        return self._functions[function]


class FakeWindowsDesktop:
    """user32 and kernel32 for one foreground window and a last input 3 s ago."""

    def GetForegroundWindow(self) -> int:
        return 0x1234

    def GetWindowTextLengthW(self, hwnd: int) -> int:
        return len("Inbox - Outlook")

    def GetWindowTextW(self, hwnd: int, buffer: Any, size: int) -> int:
        buffer.value = "Inbox - Outlook"
        return len(buffer.value)

    def GetWindowThreadProcessId(self, hwnd: int, pid_ref: Any) -> int:
        pid_ref._obj.value = 4242
        return 1

    def OpenProcess(self, access: int, inherit: bool, pid: int) -> int:
        return 77

    def QueryFullProcessImageNameW(self, handle: int, flags: int, buffer: Any, size: Any) -> int:
        buffer.value = r"C:\Program Files\Microsoft Office\OUTLOOK.EXE"
        size._obj.value = len(buffer.value)
        return 1

    def CloseHandle(self, handle: int) -> int:
        return 1

    def GetLastInputInfo(self, info_ref: Any) -> int:
        info_ref._obj.dwTime = 7_000
        return 1

    def GetTickCount64(self) -> int:
        return 10_000


class FakeListener:
    """pynput's keyboard or mouse Listener: a thread the OS feeds events to."""

    started: list[FakeListener] = []

    def __init__(self, **callbacks: Callable[..., None]) -> None:
        self.callbacks = callbacks
        self.daemon = False
        self.running = False

    def start(self) -> None:
        self.running = True
        FakeListener.started.append(self)

    def wait(self) -> None:
        assert self.running

    def stop(self) -> None:
        self.running = False

    def join(self, timeout: float | None = None) -> None:
        return None


def _fake_pynput(monkeypatch: pytest.MonkeyPatch) -> None:
    FakeListener.started = []
    pynput = types.ModuleType("pynput")
    pynput.keyboard = types.SimpleNamespace(Listener=FakeListener)  # type: ignore[attr-defined]
    pynput.mouse = types.SimpleNamespace(Listener=FakeListener)  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "pynput", pynput)
    monkeypatch.setattr(sources, "probe_screen_grab", lambda: None)  # screenshots: not tested here


def _type_keys_and_move(keys: int, moves: int) -> None:
    (keyboard,) = [x for x in FakeListener.started if "on_press" in x.callbacks]
    (mouse,) = [x for x in FakeListener.started if "on_move" in x.callbacks]
    for _ in range(keys):
        keyboard.callbacks["on_press"]("secret key")
    for _ in range(moves):
        mouse.callbacks["on_move"](10, 20)


def _available(opened: sources.OpenedSources) -> dict[str, tuple[bool, str]]:
    return {s.name: (s.available, s.reason) for s in opened.availability}


def test_open_sources_on_windows_uses_the_win32_backends(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.delenv("DISPLAY", raising=False)  # Windows has no X display, and needs none
    desktop = FakeWindowsDesktop()
    loaded: list[tuple[str, bool]] = []

    def win_dll(name: str, use_last_error: bool = False) -> FakeDLL:
        loaded.append((name, use_last_error))
        return FakeDLL(name, desktop)

    monkeypatch.setattr(ctypes, "WinDLL", win_dll, raising=False)
    monkeypatch.setattr(ctypes, "get_last_error", lambda: 0, raising=False)
    _fake_pynput(monkeypatch)
    assert display_problem() is None

    opened = open_sources(Policy(version=1))
    try:
        assert _available(opened) == {
            "time": (True, ""),
            "input": (True, ""),
            "idle": (True, ""),
            "window": (True, ""),
            "screenshot": (True, ""),
        }
        assert isinstance(opened.activity, InputActivitySource)
        assert opened.idle is not None
        assert opened.idle.idle_seconds() == 3.0
        assert opened.window is not None
        assert opened.window.active_window() == ActiveWindow("OUTLOOK.EXE", "Inbox - Outlook")
        assert set(loaded) == {("user32", True), ("kernel32", True)}
        assert len(FakeListener.started) == 2
        assert all(x.daemon for x in FakeListener.started)
        opened.activity.sample()
        _type_keys_and_move(keys=4, moves=2)
        sample = opened.activity.sample()
        assert (sample.keyboard_events, sample.mouse_events, sample.had_input) == (4, 2, True)
    finally:
        opened.close()
    assert not any(listener.running for listener in FakeListener.started)


def test_open_sources_on_windows_without_the_calls_reports_why(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """user32/kernel32 and pynput's hooks fail to load: time only, and each source says why."""
    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.delattr(ctypes, "WinDLL", raising=False)
    monkeypatch.setitem(sys.modules, "pynput", None)  # pynput's hooks cannot load either
    monkeypatch.setattr(sources, "probe_screen_grab", lambda: None)
    opened = open_sources(Policy(version=1))
    try:
        assert isinstance(opened.activity, TimeOnlySource)
        assert opened.idle is None
        available = _available(opened)
        assert available["time"] == (True, "")
        assert available["input"][0] is False
        assert "ModuleNotFoundError" in available["input"][1]
        assert available["idle"][0] is False
        assert "WinDLL" in available["idle"][1]
    finally:
        opened.close()


def _fake_macos(monkeypatch: pytest.MonkeyPatch, quartz: FakeQuartz) -> None:
    monkeypatch.setattr(sys, "platform", "darwin")
    monkeypatch.delenv("DISPLAY", raising=False)
    app = types.SimpleNamespace(
        executableURL=lambda: types.SimpleNamespace(lastPathComponent=lambda: "Safari"),
        bundleIdentifier=lambda: "com.apple.Safari",
        localizedName=lambda: "Safari",
        processIdentifier=lambda: 501,
    )
    workspace = types.SimpleNamespace(frontmostApplication=lambda: app)
    appkit = types.ModuleType("AppKit")
    appkit.NSWorkspace = types.SimpleNamespace(  # type: ignore[attr-defined]
        sharedWorkspace=lambda: workspace
    )
    monkeypatch.setitem(sys.modules, "AppKit", appkit)
    monkeypatch.setitem(sys.modules, "Quartz", quartz)
    _fake_pynput(monkeypatch)


def test_open_sources_on_macos_uses_quartz_and_pynput(monkeypatch: pytest.MonkeyPatch) -> None:
    quartz = FakeQuartz(idle=7.5)
    _fake_macos(monkeypatch, quartz)
    assert display_problem() is None
    opened = open_sources(Policy(version=1))
    try:
        assert [(s.name, s.available) for s in opened.availability] == [
            ("time", True),
            ("input", True),
            ("idle", True),
            ("window", True),
            ("screenshot", True),
        ]
        assert opened.idle is not None
        assert opened.idle.idle_seconds() == 7.5
        assert opened.window is not None
        assert opened.window.active_window() == ActiveWindow("Safari", "Apple")
        opened.activity.sample()
        _type_keys_and_move(keys=0, moves=3)
        sample = opened.activity.sample()
        assert (sample.keyboard_events, sample.mouse_events, sample.had_input) == (0, 3, True)
        assert quartz.permission_requests == 0
    finally:
        opened.close()


def test_macos_without_input_monitoring_reports_input_unavailable_and_keeps_idle(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    quartz = FakeQuartz(idle=400.0, may_listen=False)
    _fake_macos(monkeypatch, quartz)
    opened = open_sources(Policy(version=1))
    try:
        available = _available(opened)
        assert available["input"] == (False, f"PermissionError: {MACOS_INPUT_PERMISSION}")
        assert "Input Monitoring" in available["input"][1]
        assert available["idle"] == (True, "")
        assert FakeListener.started == []  # no listener that would silently count nothing
        assert quartz.permission_requests == 1
        # Idle time alone still tells input from none: no counts, but had_input from the idle.
        assert isinstance(opened.activity, InputActivitySource)
        quartz.idle = 0.0
        assert opened.activity.sample().had_input is True
        quartz.idle = 400.0
        assert opened.activity.sample()[:3] == (0, 0, False)
    finally:
        opened.close()


def test_policy_off_opens_no_input_listener_on_windows_or_macos(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _fake_macos(monkeypatch, FakeQuartz(idle=1.0))
    opened = open_sources(Policy(version=1, capture_activity=False))
    try:
        assert _available(opened)["input"] == (False, "off in the company's policy")
        assert _available(opened)["idle"] == (True, "")
        assert FakeListener.started == []
    finally:
        opened.close()


def test_other_unix_systems_still_get_time_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "platform", "freebsd14")
    opened = open_sources(Policy(version=1))
    try:
        assert isinstance(opened.activity, TimeOnlySource)
        assert _available(opened)["idle"] == (False, "no capture backend for freebsd14 yet")
    finally:
        opened.close()


def test_os_backend_modules_import_cleanly_on_linux() -> None:
    """Importing them touches no OS library: Quartz, AppKit, pynput and WinDLL are poisoned."""
    script = textwrap.dedent(
        """
        import ctypes, sys
        for name in ("Quartz", "AppKit", "HIServices", "pynput"):
            sys.modules[name] = None  # importing any of them now raises ImportError
        def poisoned(*args, **kwargs):
            raise AssertionError("a Windows DLL was loaded at import")
        ctypes.WinDLL = ctypes.windll = poisoned
        import worklens_agent.sources
        import worklens_agent.sources.idle_macos
        import worklens_agent.sources.idle_windows
        import worklens_agent.sources.input
        import worklens_agent.sources.window_macos
        import worklens_agent.sources.window_windows
        print("imported")
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == "imported\n"
