"""`worklens-agent idle ...` and `status`: listing idle time and deciding it from the command line,
and the Tk dialog on a virtual display (Xvfb) answered with xdotool."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from agent_fake_desk import record_idle_period
from agent_fake_server import PROJECT_ID, TASK_ID

from worklens_agent.cli import main
from worklens_agent.clock import utcnow
from worklens_agent.journal.idle_periods import idle_entry, pending_idle
from worklens_agent.journal.outbox import Outbox
from worklens_agent.journal.store import Store
from worklens_agent.journal.tracking import get_entry
from worklens_agent.recording.idle import end_idle
from worklens_agent.ui.idle_dialog import TITLE

AGENT = shutil.which("worklens-agent", path=str(Path(sys.executable).parent)) or "worklens-agent"


def _cli(home: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(["--home", str(home), *args])
    out, err = capsys.readouterr()
    return status, out, err


def test_list_and_status_show_pending_idle_time(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _cli(home, capsys, "idle", "list") == (0, "no idle time waiting for a decision\n", "")
    with Store(home) as store:
        period = record_idle_period(store)
    status, out, _ = _cli(home, capsys, "idle", "list", "--json")
    assert status == 0
    [row] = json.loads(out)
    assert (row["id"], row["entry_id"]) == (str(period.id), str(period.entry_id))
    assert row["seconds"] == 41
    assert (row["started_at"], row["ended_at"]) == (
        "2026-03-02T09:00:05+00:00",
        "2026-03-02T09:00:46+00:00",
    )
    _, out, _ = _cli(home, capsys, "idle", "list")
    assert out.startswith(f"{period.id}  2026-03-02T09:00:05+00:00 to 2026-03-02T09:00:46+00:00  ")
    _, out, _ = _cli(home, capsys, "status", "--json")
    report = json.loads(out)
    assert [p["id"] for p in report["idle_periods"]] == [str(period.id)]
    assert report["held_for_idle_decision"] >= 5  # the idle entry, its slots
    _, out, _ = _cli(home, capsys, "status")
    assert f"idle time waiting for a decision: {period.id} from " in out


def test_keep_and_discard_from_the_command_line(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with Store(home) as store:
        kept = record_idle_period(store)
        held = idle_entry(store, kept.id)
        assert held is not None
    assert _cli(home, capsys, "idle", "keep", str(kept.id)) == (
        0,
        f"Idle time {kept.id} kept; it will be sent with the next upload.\n",
        "",
    )
    assert _cli(home, capsys, "idle", "discard", str(kept.id)) == (
        1,
        "",
        f"worklens-agent: idle period {kept.id} was already decided (keep)\n",
    )
    assert _cli(home, capsys, "idle", "discard", "nonsense") == (
        1,
        "",
        "worklens-agent: 'nonsense' is not an idle period id\n",
    )
    missing = uuid.UUID("0190a000-0000-7000-8000-0000000000ff")
    assert _cli(home, capsys, "idle", "keep", str(missing)) == (
        1,
        "",
        f"worklens-agent: no idle period {missing} on this device\n",
    )
    with Store(home) as store:
        assert pending_idle(store) == []
        assert get_entry(store, held.id) == held  # kept as it was
        for item in Outbox(store).items("slot"):  # nothing is held back any more
            assert item.acked_revision == 0


def test_discard_from_the_command_line_removes_the_idle_time(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with Store(home) as store:
        period = record_idle_period(store)
        held = idle_entry(store, period.id)
        assert held is not None
    status, out, _ = _cli(home, capsys, "idle", "discard", str(period.id))
    assert (status, out) == (
        0,
        f"Idle time {period.id} discarded: it is not counted, and nothing recorded in it will be "
        "sent; only its start and end go to the server, shown on your timesheet as discarded "
        "idle time.\n",
    )
    with Store(home) as store:
        assert get_entry(store, held.id) is None
        for item in Outbox(store).items():
            assert str(held.id) not in item.payload


def test_reassign_picks_the_project_and_task_by_name(
    enrolled_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with Store(enrolled_home) as store:
        period = record_idle_period(store)
    status, _, err = _cli(
        enrolled_home, capsys, "idle", "reassign", str(period.id), "--project", "Nope"
    )
    assert (status, err) == (1, "worklens-agent: no project 'Nope' (known: Website)\n")
    status, out, _ = _cli(
        enrolled_home,
        capsys,
        "idle",
        "reassign",
        str(period.id),
        "--project",
        "website",
        "--task",
        "Design",
        "--notes",
        "phone call",
    )
    assert status == 0, out
    with Store(enrolled_home) as store:
        moved = idle_entry(store, period.id)
    assert moved is not None
    assert (moved.project_id, moved.task_id, moved.notes) == (PROJECT_ID, TASK_ID, "phone call")


def test_dialog_needs_a_display(
    home: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    assert _cli(home, capsys, "idle", "dialog") == (
        1,
        "",
        "worklens-agent: cannot show the idle dialog: no X display (DISPLAY is not set)\n",
    )


# --- the dialog on Xvfb -----------------------------------------------------------------------


def _window() -> str:
    """The dialog's window, found by its title once it is visible."""
    found = subprocess.run(
        ["xdotool", "search", "--sync", "--onlyvisible", "--name", TITLE],
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    return found.stdout.split()[0]


def _dialog(home: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [AGENT, "--home", str(home), "idle", "dialog"],
        env=dict(os.environ),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _press(window: str, *keys: str) -> None:
    """Give the window the keyboard focus and type there (XTEST input, as from a keyboard)."""
    subprocess.run(
        ["xdotool", "windowfocus", "--sync", window, "key", "--delay", "50", *keys],
        check=True,
        timeout=30,
    )


def test_dialog_discard_with_alt_d(display: str, home: Path) -> None:
    with Store(home) as store:
        period = record_idle_period(store)
        held = idle_entry(store, period.id)
        assert held is not None
    dialog = _dialog(home)
    try:
        _press(_window(), "alt+d")
        out, err = dialog.communicate(timeout=30)
    finally:
        if dialog.poll() is None:
            dialog.kill()
            dialog.wait()
    assert dialog.returncode == 0, err
    assert out == f"Idle time {period.id}: discard\n"
    with Store(home) as store:
        assert pending_idle(store) == []
        assert get_entry(store, held.id) is None


def test_dialog_keep_as_another_task_with_notes_and_escape_decides_later(
    display: str, enrolled_home: Path
) -> None:
    with Store(enrolled_home) as store:
        later = record_idle_period(store)
    dialog = _dialog(enrolled_home)
    try:
        _press(_window(), "Escape")
        out, err = dialog.communicate(timeout=30)
    finally:
        if dialog.poll() is None:
            dialog.kill()
    assert (dialog.returncode, out) == (
        0,
        f"Idle time {later.id} left undecided; it stays on this computer until then.\n",
    ), err
    with Store(enrolled_home) as store:
        assert pending_idle(store) == [later]

    dialog = _dialog(enrolled_home)
    try:
        window = _window()
        # The notes field has the focus; the project list starts at the first project.
        _press(window, "c", "a", "l", "l")
        _press(window, "alt+a")
        out, err = dialog.communicate(timeout=30)
    finally:
        if dialog.poll() is None:
            dialog.kill()
            dialog.wait()
    assert (dialog.returncode, out) == (0, f"Idle time {later.id}: reassign\n"), err
    with Store(enrolled_home) as store:
        moved = idle_entry(store, later.id)
        assert pending_idle(store) == []
    assert moved is not None
    assert (moved.project_id, moved.task_id, moved.notes) == (PROJECT_ID, None, "call")


def test_dialog_closes_itself_when_decided_elsewhere(display: str, home: Path) -> None:
    with Store(home) as store:
        period = record_idle_period(store)
    dialog = _dialog(home)
    try:
        _window()
        assert main(["--home", str(home), "idle", "keep", str(period.id)]) == 0
        out, err = dialog.communicate(timeout=30)
    finally:
        if dialog.poll() is None:
            dialog.kill()
            dialog.wait()
    assert dialog.returncode == 0, err
    assert out == f"Idle time {period.id} was decided elsewhere\n"  # the window went by itself
    with Store(home) as store:
        assert pending_idle(store) == []


def test_dialog_opened_while_idle_waits_for_the_tracker_to_see_the_return(
    display: str, home: Path
) -> None:
    with Store(home) as store:
        period = record_idle_period(store, come_back=False)
    dialog = _dialog(home)  # e.g. from the tray's menu: the click is input, the tracker ends it
    try:
        time.sleep(1)
        with Store(home) as store:
            end_idle(store, at=period.started_at + dt.timedelta(seconds=60), now=utcnow())
        _press(_window(), "alt+d")
        out, err = dialog.communicate(timeout=30)
    finally:
        if dialog.poll() is None:
            dialog.kill()
            dialog.wait()
    assert (dialog.returncode, out) == (0, f"Idle time {period.id}: discard\n"), err
