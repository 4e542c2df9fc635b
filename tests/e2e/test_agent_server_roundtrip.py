"""The real agent, as separate OS processes, against the real server on a real port: what the
agent recorded is exactly what the server holds, through a server outage and an agent SIGKILL."""

from __future__ import annotations

import datetime as dt
import json
import signal
import sqlite3
import time
from pathlib import Path
from typing import Any

from tests.e2e.processes import AgentProcess, ServerProcess, server_database, wait_until

SLOT_SECONDS = 5

SERVER_ROWS = """
import json
from worklens_server.tracking.models import ActivitySlot, TimeEntry
def iso(value):
    return None if value is None else value.isoformat()
print(json.dumps({
    "slots": [
        [str(s.id), str(s.time_entry_id), iso(s.started_at), s.length_seconds,
         s.active_seconds, s.keyboard_events, s.mouse_events]
        for s in ActivitySlot.objects.all()
    ],
    "time_entries": [
        [str(e.id), iso(e.started_at), iso(e.stopped_at), e.notes]
        for e in TimeEntry.objects.all()
    ],
}))
"""


def recorded_by_agent(home: Path) -> dict[str, list[dict[str, Any]]]:
    """The agent's journal: every item it reported as recorded, latest revision, with ack state."""
    conn = sqlite3.connect(home / "agent.sqlite3")
    try:
        rows = conn.execute(
            "SELECT kind, payload, revision, acked_revision FROM items ORDER BY seq"
        ).fetchall()
    finally:
        conn.close()
    journal: dict[str, list[dict[str, Any]]] = {}
    for kind, payload, revision, acked_revision in rows:
        item = json.loads(payload) | {"_acked": acked_revision == revision}
        journal.setdefault(kind, []).append(item)
    return journal


def utc(value: str) -> dt.datetime:
    return dt.datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(dt.UTC)


def test_server_holds_exactly_what_the_agent_recorded(tmp_path: Path) -> None:
    with server_database(tmp_path / "server") as env:
        server = ServerProcess(env)
        demo = server.migrate_and_seed("--codes", "1", "--slot-seconds", str(SLOT_SECONDS))
        server.start()
        agent = AgentProcess(tmp_path / "agent")
        try:
            agent.cli("enroll", server.url, demo["enrollment_codes"][0])
            agent.cli("start", "--notes", "end to end")
            agent.start_run()

            def server_slot_count() -> int:
                return len(server.query(SERVER_ROWS)["slots"])

            wait_until(lambda: server_slot_count() >= 2, timeout=40, what="two slots uploaded")

            # The server goes away; the agent keeps recording into its outbox.
            server.stop()
            outage_started = dt.datetime.now(dt.UTC)
            wait_until(
                lambda: agent.status()["pending_items"] >= 2,
                timeout=30,
                what="slots queued while the server is down",
            )
            # Killed without warning while items wait in the outbox; then restarted.
            agent.kill_run(signal.SIGKILL)
            agent.start_run()
            time.sleep(SLOT_SECONDS)
            server.start()
            outage_ended = dt.datetime.now(dt.UTC)
            time.sleep(SLOT_SECONDS + 1)
            agent.cli("stop")
            agent.wait_until_sent()
            agent.kill_run(signal.SIGTERM)
            held = server.query(SERVER_ROWS)
        finally:
            if agent.runner is not None:
                agent.kill_run(signal.SIGKILL)
            server.stop()

    journal = recorded_by_agent(agent.home)
    assert all(item["_acked"] for items in journal.values() for item in items)

    recorded_slots = {
        (
            s["id"],
            s["time_entry_id"],
            utc(s["started_at"]),
            s["length_seconds"],
            s["active_seconds"],
            s["keyboard_events"],
            s["mouse_events"],
        )
        for s in journal["slot"]
    }
    held_slots = [(row[0], row[1], utc(row[2]), *row[3:]) for row in held["slots"]]
    assert len(held_slots) == len(set(held_slots)), "a slot is stored twice"
    assert set(held_slots) == recorded_slots

    # Slots were recorded during the outage and survived the SIGKILL that followed.
    assert any(outage_started <= started <= outage_ended for _, _, started, *_ in held_slots)

    (entry,) = journal["time_entry"]
    assert entry["stopped_at"] is not None
    assert held["time_entries"] == [
        [
            entry["id"],
            utc(entry["started_at"]).isoformat(),
            utc(entry["stopped_at"]).isoformat(),
            "end to end",
        ]
    ]
    # The slots cover the tracked time, one after the other.
    tracked = (utc(entry["stopped_at"]) - utc(entry["started_at"])).total_seconds()
    assert sum(row[3] for row in held_slots) <= tracked
    assert sum(row[3] for row in held_slots) >= tracked - 2 * SLOT_SECONDS
