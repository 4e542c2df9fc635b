"""Counts rows straight in the server's database, with raw SQL from the test process (no Django):
the database's own catalog says which tables hold a foreign key to a table, so a model added
later is counted without changing the tests. SQLite (the server's data directory) or PostgreSQL
(the DATABASE_URL the server was given)."""

from __future__ import annotations

import contextlib
import sqlite3
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg

COMPANY_TABLE = "companies_company"
USER_TABLE = "accounts_user"


class Database:
    def __init__(self, env: dict[str, str]) -> None:
        url = env.get("DATABASE_URL", "")
        self.postgres = url.startswith("postgres")
        self.url = url
        self.sqlite_path = Path(env["WORKLENS_DATA_DIR"]) / "worklens.sqlite3"

    @contextlib.contextmanager
    def _cursor(self) -> Iterator[Any]:
        if self.postgres:
            with psycopg.connect(self.url) as conn, conn.cursor() as cursor:
                yield cursor
        else:
            conn = sqlite3.connect(self.sqlite_path)
            try:
                yield conn.cursor()
            finally:
                conn.close()

    def _param(self) -> str:
        return "%s" if self.postgres else "?"

    def _key(self, value: Any) -> Any:
        # Django keeps a UUID primary key as 32 hex digits in SQLite, as uuid in PostgreSQL.
        if isinstance(value, uuid.UUID):
            return value if self.postgres else value.hex
        return value

    def referencing(self, table: str) -> list[tuple[str, str]]:
        """(table, column) of every foreign key to `table`, from the database's catalog."""
        with self._cursor() as cursor:
            if self.postgres:
                cursor.execute(
                    "SELECT cl.relname, att.attname FROM pg_constraint con "
                    "JOIN pg_class cl ON cl.oid = con.conrelid "
                    "JOIN pg_attribute att ON att.attrelid = con.conrelid "
                    "AND att.attnum = ANY(con.conkey) "
                    "WHERE con.contype = 'f' AND con.confrelid = %s::regclass",
                    [table],
                )
                return sorted(cursor.fetchall())
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            found = []
            for (name,) in cursor.fetchall():
                cursor.execute(f'PRAGMA foreign_key_list("{name}")')
                found += [(name, row[3]) for row in cursor.fetchall() if row[2] == table]
            return sorted(found)

    def count(self, table: str, column: str, values: list[Any]) -> int:
        if not values:
            return 0
        marks = ", ".join(self._param() for _ in values)
        with self._cursor() as cursor:
            cursor.execute(
                f'SELECT COUNT(*) FROM "{table}" WHERE "{column}" IN ({marks})',  # noqa: S608
                [self._key(value) for value in values],
            )
            return int(cursor.fetchone()[0])

    def total(self, table: str, column: str, where: str, values: list[Any]) -> int:
        """SUM(column) over the rows whose `where` column is one of `values`."""
        marks = ", ".join(self._param() for _ in values)
        with self._cursor() as cursor:
            cursor.execute(
                f'SELECT COALESCE(SUM("{column}"), 0) FROM "{table}" '  # noqa: S608
                f'WHERE "{where}" IN ({marks})',
                [self._key(value) for value in values],
            )
            return int(cursor.fetchone()[0])

    def select(self, sql: str, values: list[Any] | None = None) -> list[tuple[Any, ...]]:
        """The rows of `sql`, whose parameters are written `{p}` for either database."""
        with self._cursor() as cursor:
            cursor.execute(sql.format(p=self._param()), [self._key(v) for v in values or []])
            return list(cursor.fetchall())

    def rows_referring_to(self, table: str, keys: list[Any]) -> dict[str, int]:
        """Per "table.column": the rows whose foreign key to `table` is one of `keys`, and the
        rows of `table` itself under "table.id"."""
        counts = {f"{table}.id": self.count(table, "id", keys)}
        for referring, column in self.referencing(table):
            counts[f"{referring}.{column}"] = self.count(referring, column, keys)
        return counts

    def user_ids(self, emails: list[str]) -> list[int]:
        marks = ", ".join(self._param() for _ in emails)
        with self._cursor() as cursor:
            cursor.execute(
                f'SELECT id FROM "{USER_TABLE}" WHERE email IN ({marks})',  # noqa: S608
                emails,
            )
            return sorted(int(row[0]) for row in cursor.fetchall())

    def company_id(self, name: str) -> uuid.UUID:
        with self._cursor() as cursor:
            cursor.execute(
                f'SELECT id FROM "{COMPANY_TABLE}" WHERE name = {self._param()}',  # noqa: S608
                [name],
            )
            [(value,)] = cursor.fetchall()
        return uuid.UUID(str(value))

    def tables_mentioning(self, text: str) -> dict[str, int]:
        """Per "table.column": the rows whose value, read as text, contains `text`."""
        found: dict[str, int] = {}
        with self._cursor() as cursor:
            if self.postgres:
                cursor.execute(
                    "SELECT table_name, column_name FROM information_schema.columns "
                    "WHERE table_schema = 'public'"
                )
                columns = cursor.fetchall()
            else:
                cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
                columns = []
                for (table,) in cursor.fetchall():
                    cursor.execute(f'PRAGMA table_info("{table}")')
                    columns += [(table, row[1]) for row in cursor.fetchall()]
            for table, column in columns:
                cursor.execute(
                    f'SELECT COUNT(*) FROM "{table}" '  # noqa: S608
                    f'WHERE CAST("{column}" AS TEXT) LIKE {self._param()}',
                    [f"%{text}%"],
                )
                if n := int(cursor.fetchone()[0]):
                    found[f"{table}.{column}"] = n
        return found
