"""The store upgrades itself: a database made by the first release keeps every pending item, and
each migration step is applied once, in its own transaction."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest
from agent_fake_server import TOKEN, FakeServer

from worklens_agent.journal.enrollment import load_enrollment, write_token
from worklens_agent.journal.idle_periods import held_item_count, pending_idle
from worklens_agent.journal.notices import take_unshown
from worklens_agent.journal.outbox import Outbox
from worklens_agent.journal.schema import (
    LATEST_VERSION,
    MIGRATIONS,
    JournalTooNew,
    Migration,
    migrate,
    schema_version,
)
from worklens_agent.journal.screenshot_files import ScreenshotFiles
from worklens_agent.journal.store import DB_NAME, Store
from worklens_agent.journal.tracking import current_entry
from worklens_agent.settings import Key
from worklens_agent.upload.uploader import Outcome, Uploader

RELEASE_0_DUMP = Path(__file__).with_name("journal_v0.sql")
RELEASE_0_T0 = dt.datetime(2026, 11, 30, 9, 0, tzinfo=dt.UTC)  # when its notice was posted


def _release_0_home(home: Path) -> dict[str, list[tuple[object, ...]]]:
    """The agent home as the first release left it; returns its rows, table by table."""
    with sqlite3.connect(home / DB_NAME) as conn:
        conn.executescript(RELEASE_0_DUMP.read_text())
        assert schema_version(conn) == 0
        path = conn.execute("SELECT path FROM screenshot_files").fetchone()[0]
        tables = [
            row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        ]
        rows = {table: sorted(conn.execute(f'SELECT * FROM "{table}"')) for table in tables}  # noqa: S608
    conn.close()
    (home / "screenshots").mkdir()
    (home / "screenshots" / path).write_bytes(b"RIFF-not-really-webp")
    return rows


def test_a_release_0_journal_is_upgraded_with_every_row_intact(home: Path) -> None:
    before = _release_0_home(home)
    with Store(home) as store:
        assert schema_version(store.conn) == LATEST_VERSION
        for table, rows in before.items():
            after = sorted(tuple(row) for row in store.conn.execute(f'SELECT * FROM "{table}"'))  # noqa: S608
            assert after == rows, table
    with Store(home) as store:  # opening it again changes nothing
        assert schema_version(store.conn) == LATEST_VERSION


def test_what_release_0_left_waiting_is_still_sent_after_the_upgrade(
    home: Path, fake_server: FakeServer
) -> None:
    before = _release_0_home(home)
    unacked = [row for row in before["batches"] if row[4] == "pending"]
    assert len(unacked) == 1  # a batch persisted, perhaps sent, never acknowledged
    with Store(home) as store:
        outbox = Outbox(store)
        assert outbox.pending_count() == 7
        assert current_entry(store) is not None  # the idle entry, open when it stopped
        [period] = pending_idle(store)
        assert period.ended_at is None
        assert held_item_count(store) == 1  # the idle entry itself
        [shot] = ScreenshotFiles(store).waiting()
        assert shot.path.read_bytes() == b"RIFF-not-really-webp"
        assert [notice.message for notice in take_unshown(store, now=RELEASE_0_T0)] == [
            "Screenshot taken"
        ]
        enrollment = load_enrollment(store)
        assert enrollment is not None
        assert enrollment.company_name == "Acme"
        store.set(Key.SERVER_URL, fake_server.url)
        store.set(Key.TOKEN_FILE, str(write_token(home, TOKEN)))
        uploader = Uploader(store, backoff_max=0.0)
        try:
            assert uploader.drain(max_failures=1) is Outcome.NOTHING_TO_SEND
        finally:
            uploader.close()
        sent = fake_server.batches()
        # The pending batch goes first, byte for byte as release 0 persisted it.
        assert fake_server.stored_batches[sent[0].batch_id] == unacked[0][1]
        items = [
            item.id
            for batch in sent
            for item in (*batch.time_entries, *batch.slots, *batch.app_spans, *batch.screenshots)
        ]
        assert len(items) == len(set(items))
        # What is left: the idle entry, held until the employee decides, and the screenshot's
        # record, which goes with its image.
        assert {item.kind for item in outbox.unsent()} == {"time_entry", "screenshot"}


def _steps(*statements: str) -> tuple[Migration, ...]:
    return tuple(
        Migration(version, f"step {version}", (statement,))
        for version, statement in enumerate(statements, start=1)
    )


def _autocommit(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(path, isolation_level=None)


def test_steps_apply_in_order_each_once(tmp_path: Path) -> None:
    steps = _steps("CREATE TABLE a (x)", "ALTER TABLE a ADD COLUMN y", "CREATE TABLE b (z)")
    conn = _autocommit(tmp_path / "db")
    assert migrate(conn, steps[:1]) == 1
    assert migrate(conn, steps) == 3
    assert migrate(conn, steps) == 3  # nothing left to do: applying again would fail
    assert [row[1] for row in conn.execute("PRAGMA table_info(a)")] == ["x", "y"]


def test_a_failing_step_leaves_the_last_good_version(tmp_path: Path) -> None:
    steps = _steps("CREATE TABLE a (x)", "CREATE TABLE b (y)", "INSERT INTO missing VALUES (1)")
    conn = _autocommit(tmp_path / "db")
    with pytest.raises(sqlite3.OperationalError, match="no such table: missing"):
        migrate(conn, steps)
    assert schema_version(conn) == 2
    assert not conn.in_transaction
    tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
    assert tables == {"a", "b"}


def test_a_step_that_fails_half_way_is_rolled_back_whole(tmp_path: Path) -> None:
    steps = (Migration(1, "two statements", ("CREATE TABLE a (x)", "INSERT INTO nope VALUES (1)")),)
    conn = _autocommit(tmp_path / "db")
    with pytest.raises(sqlite3.OperationalError):
        migrate(conn, steps)
    assert schema_version(conn) == 0
    assert conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] == 0


def test_a_journal_from_a_newer_agent_is_refused_untouched(home: Path) -> None:
    with Store(home):
        pass
    with sqlite3.connect(home / DB_NAME) as conn:
        conn.execute(f"PRAGMA user_version = {LATEST_VERSION + 1}")
    conn.close()
    with pytest.raises(JournalTooNew, match="newer agent"):
        Store(home)
    with sqlite3.connect(home / DB_NAME) as conn:
        assert schema_version(conn) == LATEST_VERSION + 1
    conn.close()


def test_versions_are_numbered_one_by_one() -> None:
    assert [step.version for step in MIGRATIONS] == list(range(1, len(MIGRATIONS) + 1))
    assert MIGRATIONS[-1].version == LATEST_VERSION
