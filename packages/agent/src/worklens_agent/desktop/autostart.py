"""Start the agent at login: one backend per OS, chosen in `autostart_for_platform`.

- Linux and other XDG desktops: `$XDG_CONFIG_HOME/autostart/worklens-agent.desktop`.
- Windows: a value in HKCU's Run key (winreg is imported only there; tests pass a stand-in).
- macOS: `~/Library/LaunchAgents/org.worklens.agent.plist`, picked up by launchd at the next login;
  turning it off also asks launchctl to forget a job that is loaded now.

Each backend writes one thing and reads it back for `status`; the command it starts is
commands.agent_command: the tracker, and the tray or window beside it.
"""

from __future__ import annotations

import configparser
import logging
import os
import plistlib
import subprocess
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

log = logging.getLogger(__name__)

DESKTOP_FILE = "worklens-agent.desktop"
RUN_KEY = r"Software\Microsoft\Windows\CurrentVersion\Run"
RUN_VALUE = "WorkLensAgent"
LAUNCH_AGENT_LABEL = "org.worklens.agent"


@dataclass(frozen=True)
class AutostartState:
    enabled: bool
    location: str
    command: list[str]


class Autostart(Protocol):
    def enable(self, command: Sequence[str]) -> AutostartState: ...
    def disable(self) -> AutostartState: ...
    def status(self) -> AutostartState: ...


# --- XDG (Linux) ---------------------------------------------------------------------------

# Characters that force an Exec argument into double quotes (Desktop Entry spec, "Exec key").
_EXEC_RESERVED = set(" \t\n\"'\\><~|&;$*?#()`")


def quote_exec_argument(argument: str) -> str:
    if argument and not _EXEC_RESERVED.intersection(argument):
        quoted = argument
    else:
        escaped = "".join("\\" + c if c in '"`$\\' else c for c in argument)
        quoted = f'"{escaped}"'
    # `%` introduces field codes; and the whole value is a string, whose own escape is `\\`.
    return quoted.replace("%", "%%").replace("\\", "\\\\")


def unquote_exec(value: str) -> list[str]:
    """The arguments of an Exec value written by `quote_exec_argument` (the inverse)."""
    value = value.replace("\\\\", "\\")
    arguments: list[str] = []
    current: list[str] = []
    quoted = in_argument = False
    chars = iter(value)
    for char in chars:
        if quoted:
            if char == "\\":
                current.append(next(chars, ""))
            elif char == '"':
                quoted = False
            else:
                current.append(char)
        elif char == '"':
            quoted = in_argument = True
        elif char == " ":
            if in_argument:
                arguments.append("".join(current).replace("%%", "%"))
            current, in_argument = [], False
        else:
            current.append(char)
            in_argument = True
    if in_argument:
        arguments.append("".join(current).replace("%%", "%"))
    return arguments


def desktop_entry(command: Sequence[str]) -> str:
    return (
        "[Desktop Entry]\n"
        "Type=Application\n"
        "Name=WorkLens agent\n"
        "Comment=Tracks working time for WorkLens while the timer runs\n"
        f"Exec={' '.join(quote_exec_argument(a) for a in command)}\n"
        "Terminal=false\n"
        "NoDisplay=true\n"
        "X-GNOME-Autostart-enabled=true\n"
    )


class XdgAutostart:
    def __init__(self, config_home: Path | None = None) -> None:
        if config_home is None:
            config_home = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
        self.path = config_home / "autostart" / DESKTOP_FILE

    def enable(self, command: Sequence[str]) -> AutostartState:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(desktop_entry(command), encoding="utf-8")
        os.replace(tmp, self.path)
        return self.status()

    def disable(self) -> AutostartState:
        self.path.unlink(missing_ok=True)
        return self.status()

    def status(self) -> AutostartState:
        parser = configparser.ConfigParser(interpolation=None, strict=False)
        parser.optionxform = str  # type: ignore[assignment,method-assign]
        try:
            parser.read_string(self.path.read_text(encoding="utf-8"))
            entry = parser["Desktop Entry"]
        except (OSError, configparser.Error, KeyError):
            return AutostartState(False, str(self.path), [])
        enabled = (
            entry.get("Hidden", "false") != "true"
            and entry.get("X-GNOME-Autostart-enabled", "true") != "false"
        )
        return AutostartState(enabled, str(self.path), unquote_exec(entry.get("Exec", "")))


# --- Windows -------------------------------------------------------------------------------


class WindowsRunKey:
    def __init__(self, winreg: Any = None) -> None:
        if winreg is None:
            import winreg as real  # type: ignore[import-not-found,unused-ignore]

            winreg = real
        self._winreg = winreg
        self.location = rf"HKEY_CURRENT_USER\{RUN_KEY}\{RUN_VALUE}"

    def enable(self, command: Sequence[str]) -> AutostartState:
        reg = self._winreg
        with reg.CreateKeyEx(reg.HKEY_CURRENT_USER, RUN_KEY, 0, reg.KEY_SET_VALUE) as key:
            reg.SetValueEx(key, RUN_VALUE, 0, reg.REG_SZ, subprocess.list2cmdline(list(command)))
        return self.status()

    def disable(self) -> AutostartState:
        reg = self._winreg
        try:
            with reg.OpenKey(reg.HKEY_CURRENT_USER, RUN_KEY, 0, reg.KEY_SET_VALUE) as key:
                reg.DeleteValue(key, RUN_VALUE)
        except FileNotFoundError:  # no Run key, or no value in it: already off
            pass
        return self.status()

    def status(self) -> AutostartState:
        reg = self._winreg
        try:
            with reg.OpenKey(reg.HKEY_CURRENT_USER, RUN_KEY, 0, reg.KEY_READ) as key:
                value, _kind = reg.QueryValueEx(key, RUN_VALUE)
        except FileNotFoundError:
            return AutostartState(False, self.location, [])
        return AutostartState(True, self.location, _split_windows(str(value)))


def _split_windows(command_line: str) -> list[str]:
    """Inverse of subprocess.list2cmdline for what it produces (quotes, backslashes)."""
    arguments: list[str] = []
    current: list[str] = []
    quoted = in_argument = False
    backslashes = 0
    for char in command_line:
        if char == "\\":
            backslashes += 1
            continue
        if char == '"':
            current.append("\\" * (backslashes // 2))
            if backslashes % 2:
                current.append('"')
            else:
                quoted = not quoted
            in_argument = True
        elif char in " \t" and not quoted:
            current.append("\\" * backslashes)
            if in_argument or backslashes:
                arguments.append("".join(current))
            current, in_argument = [], False
        else:
            current.append("\\" * backslashes + char)
            in_argument = True
        backslashes = 0
    current.append("\\" * backslashes)
    if in_argument or backslashes:
        arguments.append("".join(current))
    return arguments


# --- macOS ---------------------------------------------------------------------------------

Launchctl = Callable[[list[str]], int]


def _launchctl(arguments: list[str]) -> int:
    try:
        done = subprocess.run(["launchctl", *arguments], capture_output=True, timeout=30)
    except (OSError, subprocess.SubprocessError) as exc:
        log.warning("launchctl %s failed: %s", " ".join(arguments), exc)
        return -1
    return done.returncode


def launch_agent_plist(command: Sequence[str], log_path: Path) -> dict[str, Any]:
    return {
        "Label": LAUNCH_AGENT_LABEL,
        "ProgramArguments": list(command),
        "RunAtLoad": True,
        "ProcessType": "Interactive",
        "StandardErrorPath": str(log_path),
    }


class MacLaunchAgent:
    def __init__(
        self,
        agents_dir: Path | None = None,
        launchctl: Launchctl = _launchctl,
        uid: int | None = None,
    ) -> None:
        self.path = (agents_dir or Path.home() / "Library" / "LaunchAgents") / (
            f"{LAUNCH_AGENT_LABEL}.plist"
        )
        self._launchctl = launchctl
        self._uid = os.getuid() if uid is None else uid

    def enable(self, command: Sequence[str]) -> AutostartState:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        log_path = Path.home() / "Library" / "Logs" / "worklens-agent.log"
        tmp = self.path.with_suffix(".tmp")
        with tmp.open("wb") as handle:
            plistlib.dump(launch_agent_plist(command, log_path), handle)
        os.replace(tmp, self.path)
        return self.status()

    def disable(self) -> AutostartState:
        if self.path.exists():
            # A job loaded at login stays loaded until launchd is told; "not loaded" is fine.
            self._launchctl(["bootout", f"gui/{self._uid}/{LAUNCH_AGENT_LABEL}"])
        self.path.unlink(missing_ok=True)
        return self.status()

    def status(self) -> AutostartState:
        try:
            with self.path.open("rb") as handle:
                plist = plistlib.load(handle)
        except (OSError, plistlib.InvalidFileException, ValueError):
            return AutostartState(False, str(self.path), [])
        command = plist.get("ProgramArguments", []) if isinstance(plist, dict) else []
        return AutostartState(True, str(self.path), [str(part) for part in command])


def autostart_for_platform(platform: str = sys.platform) -> Autostart:
    if platform == "win32":
        return WindowsRunKey()
    if platform == "darwin":
        return MacLaunchAgent()
    return XdgAutostart()
