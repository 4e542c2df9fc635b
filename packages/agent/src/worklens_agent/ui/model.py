"""What the tray menu and the WorkLens window show and do, without any toolkit.

The tray icon and the Tk window render the same `menu_entries(snapshot)` and call the same
actions, so both are tested here without a display. Everything is read from and written to the
agent's store: the UI process never talks to `worklens-agent run`, which picks up a start or stop
within a tick, as it does for the CLI.
"""

from __future__ import annotations

import datetime as dt
import enum
import importlib
import importlib.util
import logging
import sys
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from worklens_agent.enrollment import load_enrollment
from worklens_agent.entries import TrackingError, current_entry, start_entry, stop_entry
from worklens_agent.outbox import ItemKind
from worklens_agent.projects import cached_projects
from worklens_agent.screenshots import HeldScreenshot, ScreenshotFiles
from worklens_agent.store import Store, from_text, utcnow
from worklens_wire.v1 import ProjectOut, TimeEntry

log = logging.getLogger(__name__)

SELECTION_KEY = "ui_selection"
UPDATE_KEY = "update_available"
IDLE_MODULE = "worklens_agent.idle"


class TrayState(enum.Enum):
    TRACKING = "tracking"
    PAUSED = "paused"
    OFFLINE = "offline"


class Action(enum.Enum):
    OPEN = "open"
    START = "start"
    STOP = "stop"
    CHOOSE = "choose"
    COLLECTED = "collected"
    QUEUE = "queue"
    UPDATE = "update"
    IDLE = "idle"
    QUIT = "quit"


@dataclass(frozen=True)
class UpdateNotice:
    latest_version: str
    download_url: str


@dataclass(frozen=True)
class Selection:
    """What the employee chose for the next time entry."""

    project_id: uuid.UUID | None = None
    task_id: uuid.UUID | None = None
    notes: str = ""


@dataclass(frozen=True)
class Snapshot:
    """Everything the menu needs, read in one go from the store."""

    enrolled: bool
    server_url: str | None
    entry: TimeEntry | None
    work_label: str
    connection_problem: str | None
    pending_items: int
    update: UpdateNotice | None
    idle_pending: bool

    @property
    def tracking(self) -> bool:
        return self.entry is not None

    @property
    def state(self) -> TrayState:
        if self.connection_problem is not None:
            return TrayState.OFFLINE
        return TrayState.TRACKING if self.tracking else TrayState.PAUSED

    def status_line(self, now: dt.datetime | None = None) -> str:
        if self.entry is not None:
            seconds = int(((now or utcnow()) - self.entry.started_at).total_seconds())
            hours, rest = divmod(max(0, seconds), 3600)
            line = (
                f"Tracking {hours}:{rest // 60:02d}:{rest % 60:02d} since "
                f"{self.entry.started_at.astimezone():%H:%M} — {self.work_label}"
            )
        else:
            line = "Paused (not tracking)"
        if self.connection_problem is not None:
            line += f"\nOffline: {self.connection_problem}"
        return line

    @property
    def title(self) -> str:
        """The tray icon's tooltip (plain ASCII: X11's WM_NAME is Latin-1)."""
        return f"WorkLens: {self.state.value}"


@dataclass(frozen=True)
class MenuEntry:
    action: Action
    label: str
    enabled: bool = True


def connection_problem(store: Store) -> str | None:
    """Why the agent is offline: the token was refused, or the last upload attempt failed."""
    blocked = store.get("upload_blocked")
    if blocked:
        return str(blocked)
    last = store.get("last_upload")
    if isinstance(last, dict) and last.get("ok") is False:
        return str(last.get("message") or "the last upload failed")
    return None


def update_notice(store: Store) -> UpdateNotice | None:
    """The update check's finding, when it holds a usable version and download address."""
    raw = store.get(UPDATE_KEY)
    if not isinstance(raw, dict):
        return None
    version, url = raw.get("latest_version"), raw.get("download_url")
    if not isinstance(version, str) or not isinstance(url, str) or not version or not url:
        return None
    return UpdateNotice(latest_version=version, download_url=url)


def idle_decisions_pending(store: Store) -> bool:
    """True when the idle module (another part of the agent) says idle time awaits a decision.

    Imported by name and guarded: without that module the menu simply has no idle entry.
    """
    try:
        if importlib.util.find_spec(IDLE_MODULE) is None:
            return False
        idle: Any = importlib.import_module(IDLE_MODULE)
        pending_idle: Callable[[Store], Sequence[object]] | None = getattr(
            idle, "pending_idle", None
        )
        return pending_idle is not None and len(pending_idle(store)) > 0
    except Exception:  # another module's failure must not take the tray down
        log.exception("could not ask the idle module for pending idle time")
        return False


def work_label(entry: TimeEntry | None, projects: Sequence[ProjectOut]) -> str:
    """'Project / Task — notes', with the names the server gave (ids when unknown)."""
    if entry is None:
        return ""
    return selection_label(
        Selection(project_id=entry.project_id, task_id=entry.task_id, notes=entry.notes), projects
    )


def selection_label(selection: Selection, projects: Sequence[ProjectOut]) -> str:
    if selection.project_id is None:
        label = "no project"
    else:
        project = next((p for p in projects if p.id == selection.project_id), None)
        label = project.name if project else f"project {selection.project_id}"
        if selection.task_id is not None:
            tasks = project.tasks if project else []
            task = next((t for t in tasks if t.id == selection.task_id), None)
            label += f" / {task.name if task else f'task {selection.task_id}'}"
    if selection.notes:
        label += f" — {selection.notes}"
    return label


def read_snapshot(store: Store) -> Snapshot:
    enrollment = load_enrollment(store)
    entry = current_entry(store)
    pending = store.conn.execute(
        "SELECT count(*) FROM items WHERE acked_revision < revision "
        "AND id NOT IN (SELECT slot_id FROM discarded_slots)"
    ).fetchone()[0]
    return Snapshot(
        enrolled=enrollment is not None,
        server_url=enrollment.server_url if enrollment else None,
        entry=entry,
        work_label=work_label(entry, cached_projects(store)),
        connection_problem=connection_problem(store),
        pending_items=int(pending),
        update=update_notice(store),
        idle_pending=idle_decisions_pending(store),
    )


def menu_entries(snapshot: Snapshot) -> list[MenuEntry]:
    """The menu, top to bottom; the tray and the window both show exactly this."""
    entries = [
        MenuEntry(Action.START, "Start", enabled=not snapshot.tracking),
        MenuEntry(Action.STOP, "Stop", enabled=snapshot.tracking),
        MenuEntry(Action.CHOOSE, "Choose project and task…"),
        MenuEntry(
            Action.COLLECTED, "What is collected about me", enabled=snapshot.server_url is not None
        ),
        MenuEntry(
            Action.QUEUE,
            f"What is waiting to be sent ({snapshot.pending_items} items)",
        ),
    ]
    if snapshot.idle_pending:
        entries.append(MenuEntry(Action.IDLE, "You were idle — decide…"))
    if snapshot.update is not None:
        entries.append(
            MenuEntry(Action.UPDATE, f"Update available: version {snapshot.update.latest_version}")
        )
    entries.append(MenuEntry(Action.QUIT, "Quit"))
    return entries


# --- actions -----------------------------------------------------------------------------------


def last_selection(store: Store) -> Selection:
    raw = store.get(SELECTION_KEY)
    if not isinstance(raw, dict):
        return Selection()
    try:
        return Selection(
            project_id=uuid.UUID(raw["project_id"]) if raw.get("project_id") else None,
            task_id=uuid.UUID(raw["task_id"]) if raw.get("task_id") else None,
            notes=str(raw.get("notes", "")),
        )
    except (ValueError, TypeError):
        return Selection()


def remember_selection(store: Store, selection: Selection) -> None:
    store.set(
        SELECTION_KEY,
        {
            "project_id": None if selection.project_id is None else str(selection.project_id),
            "task_id": None if selection.task_id is None else str(selection.task_id),
            "notes": selection.notes,
        },
    )


def start_tracking(store: Store, selection: Selection) -> TimeEntry:
    """Start with `selection`; while already tracking, stop that entry first (a switch)."""
    if selection.task_id is not None and selection.project_id is None:
        raise TrackingError("a task needs its project")
    remember_selection(store, selection)
    if current_entry(store) is not None:
        stop_entry(store)
    return start_entry(
        store, project_id=selection.project_id, task_id=selection.task_id, notes=selection.notes
    )


def stop_tracking(store: Store) -> TimeEntry | None:
    """Stop the open entry; None when nothing was being tracked (e.g. stopped from the CLI)."""
    try:
        return stop_entry(store)
    except TrackingError:
        return None


def collected_url(server_url: str) -> str:
    return f"{server_url.rstrip('/')}/account/collected/"


def idle_dialog_command(home: Path) -> list[str]:
    return [sys.executable, "-m", "worklens_agent.cli", "--home", str(home), "idle", "dialog"]


# --- the "waiting to be sent" window -----------------------------------------------------------

_KIND_LABELS: dict[str, str] = {
    "time_entry": "time entry",
    "slot": "activity slot",
    "app_span": "application use",
    "screenshot": "screenshot record",
}


@dataclass(frozen=True)
class QueuedItem:
    kind: ItemKind
    recorded_at: dt.datetime
    revision: int

    @property
    def kind_label(self) -> str:
        return _KIND_LABELS.get(self.kind, self.kind)


def queued_items(store: Store) -> list[QueuedItem]:
    """Items recorded but not yet acknowledged by the server, oldest first (discarded slots,
    which are never sent, are left out)."""
    rows = store.conn.execute(
        "SELECT kind, recorded_at, revision FROM items WHERE acked_revision < revision "
        "AND id NOT IN (SELECT slot_id FROM discarded_slots) ORDER BY seq"
    ).fetchall()
    return [
        QueuedItem(
            kind=row["kind"], recorded_at=from_text(row["recorded_at"]), revision=row["revision"]
        )
        for row in rows
    ]


def queued_counts(items: Sequence[QueuedItem]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for item in items:
        counts[item.kind_label] = counts.get(item.kind_label, 0) + 1
    return counts


def waiting_screenshots(store: Store) -> list[HeldScreenshot]:
    return ScreenshotFiles(store).waiting()


def delete_screenshot(store: Store, item_id: uuid.UUID) -> list[uuid.UUID]:
    """Delete a capture within its review window (ScreenshotError once it is over)."""
    return ScreenshotFiles(store).delete_capture(item_id)
