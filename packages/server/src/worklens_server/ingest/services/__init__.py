"""Storing what agents upload: batches (the hot path) and screenshot images.

A batch does the least work that makes the data safe, because the ingest path is not the query
path (docs/architecture.md, "The ingest path"): one transaction that checks which time entries
the batch's items refer to (one indexed read) and then writes each table with one multi-row
`INSERT ... ON CONFLICT (id) DO NOTHING` statement. No model instances are built per row. The
primary key (the client's UUIDv7) enforces idempotency, and the day rollups are updated from the
slots actually inserted (RETURNING), so a re-sent item is neither stored nor counted twice.

The time entry references of slots and app spans carry no database constraint (a per-row
foreign-key check was a quarter of PostgreSQL's time per batch): the reference check runs inside
the writing transaction instead, and on PostgreSQL takes the same KEY SHARE lock the constraint
would, so a time entry cannot vanish between the check and the commit.

The modules, the two entry points first:

- `screenshots`: `store_screenshot`, one image checked, encrypted and stored.
- `batches`: `store_batch`, the entry point: checks, then the current database's writer.
- `postgresql`, `sqlite`: one writer per database, each with the SQL it builds.
- `writes`: the statements both databases run alike (batch receipt, time entries, screenshot
  records, last-seen time, day rollup), given the database's multi-row insert.
- `checks`: what a batch must satisfy before anything is written.
- `rows`: the tables' columns and the batch's items as rows of database values.
"""
