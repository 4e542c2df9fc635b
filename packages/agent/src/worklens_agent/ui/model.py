"""What the tray menu and the WorkLens window show and do, without any toolkit.

The tray icon and the Tk window render the same `menu_entries(snapshot)` and call the same
actions, so both are tested here without a display. Everything is read from and written to the
agent's store: the UI process never talks to `worklens-agent run`, which picks up a start or stop
within a tick, as it does for the CLI.
"""

from __future__ import annotations

import datetime as dt
import enum
import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from worklens_agent.clock import hours_minutes_seconds, utcnow
from worklens_agent.journal.enrollment import load_enrollment
from worklens_agent.journal.idle_periods import pending_idle
from worklens_agent.journal.items import ItemKind
from worklens_agent.journal.outbox import Outbox
from worklens_agent.journal.projects import cached_projects
from worklens_agent.journal.screenshot_files import HeldScreenshot, ScreenshotFiles
from worklens_agent.journal.store import Store
from worklens_agent.journal.tracking import current_entry
from worklens_agent.recording.entries import TrackingError, start_entry, stop_entry
from worklens_agent.settings import Key
from worklens_wire.v1 import ProjectOut, TimeEntry

log = logging.getLogger(__name__)


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
            line = (
                f"Tracking {hours_minutes_seconds(seconds)} since "
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
    blocked = store.get(Key.UPLOAD_BLOCKED)
    if blocked:
        return str(blocked)
    last = store.get(Key.LAST_UPLOAD)
    if isinstance(last, dict) and last.get("ok") is False:
        return str(last.get("message") or "the last upload failed")
    return None


def update_notice(store: Store) -> UpdateNotice | None:
    """The update check's finding, when it holds a usable version and download address."""
    raw = store.get(Key.UPDATE_AVAILABLE)
    if not isinstance(raw, dict):
        return None
    version, url = raw.get("latest_version"), raw.get("download_url")
    if not isinstance(version, str) or not isinstance(url, str) or not version or not url:
        return None
    return UpdateNotice(latest_version=version, download_url=url)


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
    return Snapshot(
        enrolled=enrollment is not None,
        server_url=enrollment.server_url if enrollment else None,
        entry=entry,
        work_label=work_label(entry, cached_projects(store)),
        connection_problem=connection_problem(store),
        pending_items=Outbox(store).pending_count(),
        update=update_notice(store),
        idle_pending=bool(pending_idle(store)),
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
    raw = store.get(Key.UI_SELECTION)
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
        Key.UI_SELECTION,
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
    return [
        QueuedItem(kind=item.kind, recorded_at=item.recorded_at, revision=item.revision)
        for item in Outbox(store).unsent()
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
