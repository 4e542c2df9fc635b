"""`worklens-agent autostart on|off|status`: the XDG backend for real (a desktop entry written,
read back, removed), the Windows Run key with winreg replaced, the macOS LaunchAgent with launchctl
replaced."""

from __future__ import annotations

import configparser
import plistlib
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from agent_fake_winreg import FakeWinreg

from worklens_agent.cli import main
from worklens_agent.cli.status import status_report
from worklens_agent.desktop.autostart import (
    LAUNCH_AGENT_LABEL,
    RUN_KEY,
    RUN_VALUE,
    MacLaunchAgent,
    WindowsRunKey,
    XdgAutostart,
    autostart_for_platform,
    desktop_entry,
    quote_exec_argument,
    unquote_exec,
)
from worklens_agent.desktop.commands import agent_command
from worklens_agent.journal.store import Store

AWKWARD = [
    "/opt/Work Lens/bin/worklens-agent",
    "--home",
    '/home/eli/it\'s "mine" $HOME `x` 100% \\back',
    "run",
]


def test_exec_quoting_round_trips_awkward_arguments() -> None:
    assert quote_exec_argument("/usr/bin/worklens-agent") == "/usr/bin/worklens-agent"
    assert quote_exec_argument("a b") == '"a b"'
    assert quote_exec_argument("100%") == "100%%"
    assert quote_exec_argument('say "hi"') == '"say \\\\"hi\\\\""'
    exec_value = " ".join(quote_exec_argument(a) for a in AWKWARD)
    assert unquote_exec(exec_value) == AWKWARD


@pytest.fixture
def xdg_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    config = tmp_path / "config"
    monkeypatch.setenv("XDG_CONFIG_HOME", str(config))
    return config


def _parse_desktop_file(path: Path) -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read_string(path.read_text(encoding="utf-8"))
    return parser["Desktop Entry"]


def test_cli_autostart_on_status_off_with_a_real_desktop_entry(
    home: Path, xdg_config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    desktop_file = xdg_config / "autostart" / "worklens-agent.desktop"
    assert main(["--home", str(home), "autostart", "status"]) == 0
    assert capsys.readouterr().out == f"autostart: off ({desktop_file})\n"

    assert main(["--home", str(home), "autostart", "on"]) == 0
    out = capsys.readouterr().out
    expected = agent_command(home)
    assert out == f"autostart: on ({desktop_file} runs: {' '.join(expected)})\n"
    assert expected[-4:] == ["--home", str(home), "run", "--with-ui"]
    assert Path(expected[0]).exists()  # the console script (or the interpreter) is real
    entry = _parse_desktop_file(desktop_file)
    assert (entry["Type"], entry["Name"], entry["Terminal"]) == (
        "Application",
        "WorkLens agent",
        "false",
    )
    assert unquote_exec(entry["Exec"]) == expected
    validator = shutil.which("desktop-file-validate")
    if validator:
        checked = subprocess.run([validator, str(desktop_file)], capture_output=True, text=True)
        assert checked.returncode == 0, checked.stdout + checked.stderr

    with Store(home) as store:
        assert status_report(store)["autostart"] == {
            "enabled": True,
            "location": str(desktop_file),
            "command": expected,
        }
    assert main(["--home", str(home), "status"]) == 0
    assert f"autostart: on ({desktop_file})" in capsys.readouterr().out.splitlines()
    # The written command really starts this agent: its `--version` answers.
    version = subprocess.run(
        [*expected[:-4], "--version"], capture_output=True, text=True, timeout=60, check=False
    )
    assert version.stdout.startswith("worklens-agent "), version.stderr

    assert main(["--home", str(home), "autostart", "off"]) == 0
    assert capsys.readouterr().out == f"autostart: off ({desktop_file})\n"
    assert not desktop_file.exists()
    assert main(["--home", str(home), "autostart", "off"]) == 0  # already off: fine


def test_desktop_entry_with_awkward_paths_is_valid(tmp_path: Path) -> None:
    backend = XdgAutostart(tmp_path)
    state = backend.enable(AWKWARD)
    assert state.enabled
    assert state.command == AWKWARD
    assert backend.path.read_text(encoding="utf-8") == desktop_entry(AWKWARD)
    validator = shutil.which("desktop-file-validate")
    if validator:
        checked = subprocess.run([validator, str(backend.path)], capture_output=True, text=True)
        assert checked.returncode == 0, checked.stdout + checked.stderr


def test_a_hidden_desktop_entry_counts_as_off(tmp_path: Path) -> None:
    backend = XdgAutostart(tmp_path)
    backend.enable(["/usr/bin/worklens-agent", "run"])
    backend.path.write_text(backend.path.read_text() + "Hidden=true\n")
    assert backend.status().enabled is False


def test_windows_run_key_with_winreg_replaced() -> None:
    winreg = FakeWinreg()
    backend = WindowsRunKey(winreg)
    assert backend.status().enabled is False
    command = [
        r"C:\Program Files\WorkLens\worklens-agent.exe",
        "--home",
        r"C:\Users\Eli Q\AppData\Local\worklens agent\\",
        "run",
    ]
    state = backend.enable(command)
    assert state.enabled
    assert state.command == command
    stored, kind = winreg.QueryValueEx(winreg.OpenKey(winreg.HKEY_CURRENT_USER, RUN_KEY), RUN_VALUE)
    assert kind == winreg.REG_SZ
    assert stored == subprocess.list2cmdline(command)
    assert stored.startswith('"C:\\Program Files\\WorkLens\\worklens-agent.exe" --home ')
    assert backend.disable().enabled is False
    assert RUN_VALUE not in winreg.OpenKey(winreg.HKEY_CURRENT_USER, RUN_KEY).values
    assert backend.disable().enabled is False  # already off


def test_macos_launch_agent_with_launchctl_replaced(tmp_path: Path) -> None:
    calls: list[list[str]] = []

    def launchctl(arguments: list[str]) -> int:
        calls.append(arguments)
        return 0

    backend = MacLaunchAgent(tmp_path / "LaunchAgents", launchctl=launchctl, uid=501)
    assert backend.status().enabled is False
    command = ["/Applications/WorkLens/bin/worklens-agent", "--home", "/Users/eli/wl", "run"]
    state = backend.enable(command)
    assert state.enabled
    assert state.command == command
    assert backend.path == tmp_path / "LaunchAgents" / "org.worklens.agent.plist"
    with backend.path.open("rb") as handle:
        plist = plistlib.load(handle)
    assert plist["Label"] == LAUNCH_AGENT_LABEL
    assert plist["ProgramArguments"] == command
    assert plist["RunAtLoad"] is True
    assert calls == []  # launchd reads it at the next login
    assert backend.disable().enabled is False
    assert calls == [["bootout", "gui/501/org.worklens.agent"]]
    assert not backend.path.exists()
    backend.disable()
    assert len(calls) == 1  # nothing to unload when there is no plist


def test_each_platform_gets_its_backend() -> None:
    assert isinstance(autostart_for_platform("linux"), XdgAutostart)
    assert isinstance(autostart_for_platform("darwin"), MacLaunchAgent)
    if sys.platform != "win32":
        with pytest.raises(ImportError):
            autostart_for_platform("win32")  # winreg exists only on Windows
