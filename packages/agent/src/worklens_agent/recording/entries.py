"""Starting and stopping time entries: each one durable transaction in the journal.

Times are cut to whole seconds so that slot lengths (whole seconds on the wire) add up exactly to
the entry's duration.
"""

from __future__ import annotations

import datetime as dt
import uuid

from worklens_agent.clock import utcnow, whole_second
from worklens_agent.journal.items import record_in
from worklens_agent.journal.store import Store
from worklens_agent.journal.tracking import clear_open_entry_in, open_entry_in, set_open_entry_in
from worklens_wire import new_id
from worklens_wire.v1 import TimeEntry


class TrackingError(Exception):
    """A start while tracking, or a stop while not tracking."""


def start_entry(
    store: Store,
    *,
    project_id: uuid.UUID | None = None,
    task_id: uuid.UUID | None = None,
    notes: str = "",
    now: dt.datetime | None = None,
) -> TimeEntry:
    """Open a new time entry; it is in the outbox when this returns."""
    with store.transaction() as conn:
        open_entry = open_entry_in(conn)
        if open_entry is not None:
            raise TrackingError(
                f"already tracking entry {open_entry.id} since "
                f"{open_entry.started_at.astimezone():%H:%M:%S}; stop it first"
            )
        entry = TimeEntry(
            id=new_id(),
            started_at=whole_second(now or utcnow()),
            project_id=project_id,
            task_id=task_id,
            notes=notes,
        )
        record_in(conn, entry)
        set_open_entry_in(conn, entry.id)
    return entry


def stop_entry(store: Store, *, now: dt.datetime | None = None) -> TimeEntry:
    """Close the open entry: the same id is recorded again with `stopped_at` (revision + 1)."""
    with store.transaction() as conn:
        entry = open_entry_in(conn)
        if entry is None:
            raise TrackingError("not tracking")
        stopped_at = max(whole_second(now or utcnow()), entry.started_at)
        stopped = entry.model_copy(update={"stopped_at": stopped_at})
        record_in(conn, stopped)
        clear_open_entry_in(conn)
    return stopped
