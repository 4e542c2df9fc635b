"""Makes `journal_v0.sql`: an agent database written by the first release's code (schema
version 0, before versions were kept), holding a bit of everything an agent in the field may
have waiting: acked and unsent items, a batch persisted but not yet acknowledged, a screenshot
waiting for its review window, idle time waiting for a decision, an open entry, a notice.

It imports that release's modules (`worklens_agent.store`, `.outbox`, ...), which the current
package no longer has, so it runs against a checkout of that release:

    git worktree add /tmp/agent-0.1.0 b6b330d
    PYTHONPATH=/tmp/agent-0.1.0/packages/agent/src .venv/bin/python \
        tests/agent/journal/make_journal_v0.py tests/agent/journal/journal_v0.sql
"""

from __future__ import annotations

import datetime as dt
import sys
import tempfile
import uuid
from pathlib import Path

from worklens_agent.entries import start_entry, stop_entry
from worklens_agent.idle import begin_idle
from worklens_agent.notices import post_notice
from worklens_agent.outbox import Outbox
from worklens_agent.screenshots import (
    EncodedImage,
    ScreenshotFiles,
)
from worklens_agent.store import Store
from worklens_wire.v1 import ActivitySlot, AppSpan, ScreenshotRecord

T0 = dt.datetime(2026, 11, 30, 9, 0, tzinfo=dt.UTC)
DEVICE_ID = uuid.UUID("0190a000-0000-7000-8000-0000000000de")


def ids(n: int) -> uuid.UUID:
    return uuid.UUID(f"0190b000-0000-7000-8000-{n:012d}")


def main(out: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp, Store(Path(tmp)) as store:
        store.set("server_url", "http://127.0.0.1:8000")
        store.set("device_id", str(DEVICE_ID))
        store.set("token_file", str(Path(tmp) / "device-token"))
        store.set("company_name", "Acme")
        store.set("member_email", "emp@example.com")
        outbox = Outbox(store)
        first = start_entry(store, now=T0, notes="first entry")
        for n in range(3):
            outbox.record(
                ActivitySlot(
                    id=ids(10 + n),
                    time_entry_id=first.id,
                    started_at=T0 + dt.timedelta(minutes=n),
                    length_seconds=60,
                    active_seconds=40 + n,
                    keyboard_events=100 + n,
                    mouse_events=200 + n,
                ),
                now=T0 + dt.timedelta(minutes=n + 1),
            )
        outbox.record(
            AppSpan(
                id=ids(20),
                time_entry_id=first.id,
                started_at=T0,
                ended_at=T0 + dt.timedelta(minutes=2),
                app="code",
                title="outbox.py - worklens",
            ),
            now=T0 + dt.timedelta(minutes=2),
        )
        stop_entry(store, now=T0 + dt.timedelta(minutes=3))
        acked = outbox.next_batch(device_id=DEVICE_ID, limit=2, now=T0 + dt.timedelta(minutes=4))
        outbox.mark_acked(acked.batch_id, now=T0 + dt.timedelta(minutes=4))
        # Persisted and perhaps sent, but never acknowledged: it must go again, byte for byte.
        outbox.next_batch(device_id=DEVICE_ID, limit=3, now=T0 + dt.timedelta(minutes=5))
        ScreenshotFiles(store).add(
            ScreenshotRecord(
                id=ids(30),
                time_entry_id=first.id,
                slot_id=ids(12),
                taken_at=T0 + dt.timedelta(minutes=2, seconds=30),
                monitor=0,
                width=4,
                height=4,
            ),
            EncodedImage(b"RIFF-not-really-webp", "image/webp", 4, 4, blurred=False),
            capture_id=ids(31),
            hold=600,
            now=T0 + dt.timedelta(minutes=2, seconds=30),
        )
        second = start_entry(store, now=T0 + dt.timedelta(minutes=10), notes="second entry")
        outbox.record(
            ActivitySlot(
                id=ids(40),
                time_entry_id=second.id,
                started_at=T0 + dt.timedelta(minutes=10),
                length_seconds=60,
                active_seconds=30,
                keyboard_events=50,
                mouse_events=60,
            ),
            now=T0 + dt.timedelta(minutes=11),
        )
        begin_idle(
            store,
            last_input=T0 + dt.timedelta(minutes=11),
            now=T0 + dt.timedelta(minutes=17),
        )
        post_notice(store, kind="screenshot", message="Screenshot taken", item_id=ids(30), now=T0)
        dump = "\n".join(store.conn.iterdump())
    out.write_text(
        "-- An agent database made by the first release (agent 0.1.0, schema version 0) with\n"
        "-- tests/agent/journal/make_journal_v0.py; read it before changing it.\n" + dump + "\n"
    )


if __name__ == "__main__":
    main(Path(sys.argv[1]))
