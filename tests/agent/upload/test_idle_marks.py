"""Idle marks from the agent to a real local HTTP server: sent only once the server's answer to a
batch said it accepts them; kept and reassigned idle time goes marked "kept", discarded idle time
as its start and end only; a batch written before the agent knew is re-sent as it was written."""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path

from agent_fake_server import PROJECT_ID, TASK_ID, FakeServer

from worklens_agent.journal.outbox import Outbox
from worklens_agent.journal.store import Store
from worklens_agent.journal.tracking import current_entry
from worklens_agent.recording.entries import start_entry, stop_entry
from worklens_agent.recording.idle import begin_idle, decide_idle, end_idle
from worklens_agent.settings import Key
from worklens_agent.upload.uploader import Outcome, Uploader
from worklens_wire import new_id
from worklens_wire.v1 import ActivitySlot, AppSpan, TimeEntry

T0 = dt.datetime(2026, 3, 2, 9, 0, 0, tzinfo=dt.UTC)
SECRET = "Salary negotiation.docx"


def _uploader(store: Store) -> Uploader:
    return Uploader(store, backoff_base=0.01, backoff_max=0.05)


def _idle_time(store: Store, start: dt.datetime) -> tuple[uuid.UUID, uuid.UUID]:
    """An entry from `start` with idle time from +10 s to +100 s, a slot and a titled span
    recorded in it, and the timer stopped at +120 s: (period id, idle entry id)."""
    start_entry(store, project_id=PROJECT_ID, notes="report", now=start)
    period = begin_idle(
        store, last_input=start + dt.timedelta(seconds=10), now=start + dt.timedelta(seconds=40)
    )
    assert period is not None
    idle = current_entry(store)
    assert idle is not None
    outbox = Outbox(store)
    outbox.record(
        ActivitySlot(
            id=new_id(),
            time_entry_id=idle.id,
            started_at=start + dt.timedelta(seconds=10),
            length_seconds=30,
            active_seconds=0,
            keyboard_events=0,
            mouse_events=0,
        )
    )
    outbox.record(
        AppSpan(
            id=new_id(),
            time_entry_id=idle.id,
            started_at=start + dt.timedelta(seconds=10),
            ended_at=start + dt.timedelta(seconds=40),
            app="/usr/bin/writer",
            title=SECRET,
        )
    )
    at = start + dt.timedelta(seconds=100)
    end_idle(store, at=at, now=at)
    stop_entry(store, now=start + dt.timedelta(seconds=120))
    return period.id, idle.id


def _sent_entries(server: FakeServer) -> dict[uuid.UUID, list[dict[str, object]]]:
    """Every time entry as sent, raw JSON, by id (one per send)."""
    sent: dict[uuid.UUID, list[dict[str, object]]] = {}
    for request in server.requests:
        if request.path == "/api/v1/batches":
            for entry in request.json().get("time_entries", []):
                sent.setdefault(uuid.UUID(entry["id"]), []).append(entry)
    return sent


def _bodies(server: FakeServer) -> str:
    return "".join(r.body.decode() for r in server.requests if r.path == "/api/v1/batches")


def test_an_older_server_gets_no_marks_and_no_discarded_idle_time(
    enrolled_home: Path, fake_server: FakeServer
) -> None:
    with Store(enrolled_home) as store:
        kept_period, kept_idle = _idle_time(store, T0)
        discarded_period, discarded_idle = _idle_time(store, T0 + dt.timedelta(minutes=5))
        decide_idle(store, kept_period, "keep")
        decide_idle(store, discarded_period, "discard")

        assert _uploader(store).drain() is Outcome.NOTHING_TO_SEND

        sent = _sent_entries(fake_server)
        assert kept_idle in sent
        assert discarded_idle not in sent
        assert all("idle" not in e for sends in sent.values() for e in sends)
        assert _bodies(fake_server).count(SECRET) == 1  # the kept idle time's span only
        assert store.get(Key.SERVER_ACCEPTS_IDLE_MARKS) is False
        assert Outbox(store).rejected_batches() == []
        assert Outbox(store).pending_count() == 0


def test_once_the_server_accepts_marks_kept_reassigned_and_discarded_go_marked(
    enrolled_home: Path, fake_server: FakeServer
) -> None:
    fake_server.accepts_idle_marks = True
    with Store(enrolled_home) as store:
        first = start_entry(store, now=T0 - dt.timedelta(minutes=5))
        stop_entry(store, now=T0 - dt.timedelta(minutes=4))
        assert _uploader(store).drain() is Outcome.NOTHING_TO_SEND
        assert store.get(Key.SERVER_ACCEPTS_IDLE_MARKS) is True
        kept_period, kept_idle = _idle_time(store, T0)
        moved_period, moved_idle = _idle_time(store, T0 + dt.timedelta(minutes=5))
        gone_period, gone_idle = _idle_time(store, T0 + dt.timedelta(minutes=10))
        decide_idle(store, kept_period, "keep")
        decide_idle(store, moved_period, "reassign", project_id=PROJECT_ID, task_id=TASK_ID)
        decide_idle(store, gone_period, "discard")

        assert _uploader(store).drain() is Outcome.NOTHING_TO_SEND

        sent = {i: TimeEntry.model_validate(s[-1]) for i, s in _sent_entries(fake_server).items()}
        assert sent[kept_idle].idle == "kept"
        assert (sent[kept_idle].project_id, sent[kept_idle].notes) == (PROJECT_ID, "report")
        assert (sent[moved_idle].idle, sent[moved_idle].task_id) == ("kept", TASK_ID)
        gone = sent[gone_idle]
        assert gone == TimeEntry(
            id=gone_idle,
            started_at=T0 + dt.timedelta(minutes=10, seconds=10),
            stopped_at=T0 + dt.timedelta(minutes=10, seconds=100),
            idle="discarded",
        )
        # Only idle time is marked: the entries around it, and the first one, are not.
        others = [e for i, e in sent.items() if i not in (kept_idle, moved_idle, gone_idle)]
        assert first.id in sent
        assert len(others) == 7
        assert all(e.idle is None for e in others)
        batches = fake_server.batches()
        under = {item.time_entry_id for b in batches for item in (*b.slots, *b.app_spans)}
        assert kept_idle in under
        assert gone_idle not in under
        assert _bodies(fake_server).count(SECRET) == 2  # the kept and the reassigned idle time
        assert Outbox(store).pending_count() == 0


def test_a_batch_written_before_the_server_said_so_is_resent_as_written(
    enrolled_home: Path, fake_server: FakeServer
) -> None:
    def upgraded() -> None:  # the server is upgraded while the first attempt is in flight
        fake_server.accepts_idle_marks = True

    fake_server.batch_script = [(503, "upgrading")]
    fake_server.before_batch = upgraded
    with Store(enrolled_home) as store:
        kept_period, kept_idle = _idle_time(store, T0)
        gone_period, gone_idle = _idle_time(store, T0 + dt.timedelta(minutes=5))
        decide_idle(store, kept_period, "keep")
        decide_idle(store, gone_period, "discard")  # not known yet: nothing of it stays

        assert _uploader(store).drain() is Outcome.NOTHING_TO_SEND
        first_bodies = [r.body for r in fake_server.requests if r.path == "/api/v1/batches"]
        assert len(first_bodies) == 2
        assert first_bodies[0] == first_bodies[1]
        assert '"idle"' not in first_bodies[0].decode()
        assert store.get(Key.SERVER_ACCEPTS_IDLE_MARKS) is True

        later_period, later_idle = _idle_time(store, T0 + dt.timedelta(minutes=10))
        decide_idle(store, later_period, "keep")
        assert _uploader(store).drain() is Outcome.NOTHING_TO_SEND

        sent = _sent_entries(fake_server)
        assert [e.get("idle") for e in sent[kept_idle]] == [None, None]
        assert sent[later_idle][-1]["idle"] == "kept"
        assert gone_idle not in sent
        assert '"discarded"' not in _bodies(fake_server)
