"""`worklens-agent uninstall`: stop starting at login, tell the server, then delete local data.

Order matters. The server is told first (an "uninstall" event, sent and acknowledged); only after
its acknowledgement is anything deleted, because data not yet uploaded is deleted with the home.
Offline, nothing is changed unless the user forces it. The event is kept in the store under its
own key until acknowledged, so a retry after a lost answer re-sends the same id (stored once).
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from worklens_agent.desktop.autostart import Autostart
from worklens_agent.journal.enrollment import TOKEN_FILE, load_enrollment
from worklens_agent.journal.screenshot_files import SCREENSHOT_DIR
from worklens_agent.journal.store import DB_NAME, Store
from worklens_agent.settings import Key
from worklens_agent.upload.client import AgentApi, ApiError
from worklens_agent.upload.device_sync import new_event
from worklens_wire.v1 import DeviceEvent

#: Everything the agent writes into its home; only these are deleted, so a home pointed at a
#: directory holding other files (`--home ~` by mistake) loses nothing else.
AGENT_FILES = (DB_NAME, f"{DB_NAME}-wal", f"{DB_NAME}-shm", f"{DB_NAME}-journal", TOKEN_FILE)
AGENT_DIRS = (SCREENSHOT_DIR,)


class UninstallRefused(Exception):
    """Nothing was changed; the message says why and what to do."""


@dataclass
class UninstallReport:
    #: "acknowledged", "not enrolled" or the problem that kept the server from acknowledging.
    server: str
    autostart_removed: str
    data_deleted: bool
    left_in_home: list[str] = field(default_factory=list)


def running_agent_pid(store: Store) -> int | None:
    """The pid of a `worklens-agent run` that is still alive, from what it reported at start."""
    pid = (store.get(Key.SOURCES) or {}).get("pid")
    if not isinstance(pid, int) or pid == os.getpid():
        return None
    try:
        os.kill(pid, 0)
    except OSError:  # gone, or another user's process that reused the pid
        return None
    try:  # where /proc exists, a pid reused by some other program does not count
        command_line = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return pid
    return pid if b"worklens" in command_line else None


def _uninstall_event(store: Store, keep_data: bool) -> DeviceEvent:
    raw = store.get(Key.UNINSTALL_EVENT)
    if raw is not None:
        return DeviceEvent.model_validate(raw)
    event = new_event("uninstall", keep_data="true" if keep_data else "false")
    store.set(Key.UNINSTALL_EVENT, event.model_dump(mode="json"))
    return event


def _tell_server(store: Store, keep_data: bool) -> str | None:
    """None when the server acknowledged the event; else what went wrong."""
    enrollment = load_enrollment(store)
    assert enrollment is not None
    event = _uninstall_event(store, keep_data)
    try:
        with AgentApi.enrolled(enrollment) as api:
            api.post_device_events([event])
    except (httpx.HTTPError, ApiError, OSError) as exc:
        return f"{enrollment.server_url} did not acknowledge the uninstall ({exc})"
    return None


def delete_agent_data(home: Path) -> list[str]:
    """Delete the agent's files and directories; the home itself when nothing else is left.
    Returns what was left in the home (files the agent did not write)."""
    for name in AGENT_DIRS:
        shutil.rmtree(home / name, ignore_errors=True)
    for name in AGENT_FILES:
        (home / name).unlink(missing_ok=True)
    left = sorted(p.name for p in home.iterdir()) if home.exists() else []
    if not left:
        home.rmdir()
    return left


def uninstall(
    home: Path, autostart: Autostart, *, keep_data: bool = False, force: bool = False
) -> UninstallReport:
    with Store(home) as store:
        pid = running_agent_pid(store)
        if pid is not None:
            raise UninstallRefused(
                f"`worklens-agent run` is running (pid {pid}); stop it first, then uninstall"
            )
        enrolled = load_enrollment(store) is not None
        problem = _tell_server(store, keep_data) if enrolled else None
        if problem is not None and not force:
            raise UninstallRefused(
                f"{problem}; nothing was changed. Try again when the server is reachable, or "
                "use --force to uninstall without telling it (data not yet uploaded is lost)"
            )
        removed = autostart.disable().location
        if keep_data:
            # A later run of the kept home is a new installation: it records "install" again.
            store.delete(Key.INSTALLED_EVENT, Key.UNINSTALL_EVENT)
    data_deleted = False
    left: list[str] = []
    if not keep_data:
        left = delete_agent_data(home)
        data_deleted = True
    return UninstallReport(
        server="not enrolled" if not enrolled else problem or "acknowledged",
        autostart_removed=removed,
        data_deleted=data_deleted,
        left_in_home=left,
    )
