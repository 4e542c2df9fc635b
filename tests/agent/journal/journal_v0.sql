-- An agent database made by the first release (agent 0.1.0, schema version 0) with
-- tests/agent/journal/make_journal_v0.py; read it before changing it.
BEGIN TRANSACTION;
CREATE TABLE batch_items (
    batch_id TEXT NOT NULL REFERENCES batches (batch_id) ON DELETE CASCADE,
    item_id TEXT NOT NULL,
    revision INTEGER NOT NULL,
    PRIMARY KEY (batch_id, item_id)
);
INSERT INTO "batch_items" VALUES('01a24e27-1369-7977-bd8d-c06afe7add30','01a24e27-1363-749c-b0e8-ec6683c4a204',2);
INSERT INTO "batch_items" VALUES('01a24e27-1369-7977-bd8d-c06afe7add30','0190b000-0000-7000-8000-000000000010',1);
INSERT INTO "batch_items" VALUES('01a24e27-136b-74e2-9f49-f88d472920a0','0190b000-0000-7000-8000-000000000011',1);
INSERT INTO "batch_items" VALUES('01a24e27-136b-74e2-9f49-f88d472920a0','0190b000-0000-7000-8000-000000000012',1);
INSERT INTO "batch_items" VALUES('01a24e27-136b-74e2-9f49-f88d472920a0','0190b000-0000-7000-8000-000000000020',1);
CREATE TABLE batches (
    batch_id TEXT PRIMARY KEY,
    body TEXT NOT NULL,
    item_count INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('pending', 'rejected', 'acked')),
    attempts INTEGER NOT NULL DEFAULT 0,
    last_attempt_at TEXT,
    detail TEXT NOT NULL DEFAULT '',
    acked_at TEXT
);
INSERT INTO "batches" VALUES('01a24e27-1369-7977-bd8d-c06afe7add30','{"contract_version":"v1","batch_id":"01a24e27-1369-7977-bd8d-c06afe7add30","device_id":"0190a000-0000-7000-8000-0000000000de","sent_at":"2026-11-30T09:04:00Z","time_entries":[{"id":"01a24e27-1363-749c-b0e8-ec6683c4a204","started_at":"2026-11-30T09:00:00Z","stopped_at":"2026-11-30T09:03:00Z","project_id":null,"task_id":null,"notes":"first entry"}],"slots":[{"id":"0190b000-0000-7000-8000-000000000010","time_entry_id":"01a24e27-1363-749c-b0e8-ec6683c4a204","started_at":"2026-11-30T09:00:00Z","length_seconds":60,"active_seconds":40,"keyboard_events":100,"mouse_events":200}],"app_spans":[],"screenshots":[]}',2,'2026-11-30T09:04:00.000000+00:00','acked',1,'2026-11-30T09:04:00.000000+00:00','','2026-11-30T09:04:00.000000+00:00');
INSERT INTO "batches" VALUES('01a24e27-136b-74e2-9f49-f88d472920a0','{"contract_version":"v1","batch_id":"01a24e27-136b-74e2-9f49-f88d472920a0","device_id":"0190a000-0000-7000-8000-0000000000de","sent_at":"2026-11-30T09:05:00Z","time_entries":[],"slots":[{"id":"0190b000-0000-7000-8000-000000000011","time_entry_id":"01a24e27-1363-749c-b0e8-ec6683c4a204","started_at":"2026-11-30T09:01:00Z","length_seconds":60,"active_seconds":41,"keyboard_events":101,"mouse_events":201},{"id":"0190b000-0000-7000-8000-000000000012","time_entry_id":"01a24e27-1363-749c-b0e8-ec6683c4a204","started_at":"2026-11-30T09:02:00Z","length_seconds":60,"active_seconds":42,"keyboard_events":102,"mouse_events":202}],"app_spans":[{"id":"0190b000-0000-7000-8000-000000000020","time_entry_id":"01a24e27-1363-749c-b0e8-ec6683c4a204","started_at":"2026-11-30T09:00:00Z","ended_at":"2026-11-30T09:02:00Z","app":"code","title":"outbox.py - worklens","url":null}],"screenshots":[]}',3,'2026-11-30T09:05:00.000000+00:00','pending',0,NULL,'',NULL);
CREATE TABLE config (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
INSERT INTO "config" VALUES('server_url','"http://127.0.0.1:8000"');
INSERT INTO "config" VALUES('device_id','"0190a000-0000-7000-8000-0000000000de"');
INSERT INTO "config" VALUES('token_file','"/tmp/tmp0s5x6spo/device-token"');
INSERT INTO "config" VALUES('company_name','"Acme"');
INSERT INTO "config" VALUES('member_email','"emp@example.com"');
INSERT INTO "config" VALUES('idle_cleared_until','1796029860.0');
CREATE TABLE discarded_slots (
    slot_id TEXT PRIMARY KEY,
    reason TEXT NOT NULL,
    discarded_at TEXT NOT NULL
);
CREATE TABLE idle_periods (
    id TEXT PRIMARY KEY,
    entry_id TEXT NOT NULL,
    idle_entry_id TEXT NOT NULL UNIQUE,
    started_at TEXT NOT NULL,
    ended_at TEXT,
    detected_at TEXT NOT NULL,
    decision TEXT CHECK (decision IN ('keep', 'discard', 'reassign')),
    decided_at TEXT
);
INSERT INTO "idle_periods" VALUES('01a24e27-1370-7131-8a86-f9e56df7ca70','01a24e27-136d-788c-a50a-4651166c136a','01a24e27-136f-710c-a118-ab64093c97e4','2026-11-30T09:11:00.000000+00:00',NULL,'2026-11-30T09:17:00.000000+00:00',NULL,NULL);
CREATE TABLE items (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL CHECK (kind IN ('time_entry', 'slot', 'app_span', 'screenshot')),
    payload TEXT NOT NULL,
    revision INTEGER NOT NULL CHECK (revision >= 1),
    recorded_at TEXT NOT NULL,
    acked_revision INTEGER NOT NULL DEFAULT 0,
    acked_at TEXT
);
INSERT INTO "items" VALUES(1,'01a24e27-1363-749c-b0e8-ec6683c4a204','time_entry','{"id":"01a24e27-1363-749c-b0e8-ec6683c4a204","started_at":"2026-11-30T09:00:00Z","stopped_at":"2026-11-30T09:03:00Z","project_id":null,"task_id":null,"notes":"first entry"}',2,'2026-12-07T01:38:33.448256+00:00',2,'2026-11-30T09:04:00.000000+00:00');
INSERT INTO "items" VALUES(2,'0190b000-0000-7000-8000-000000000010','slot','{"id":"0190b000-0000-7000-8000-000000000010","time_entry_id":"01a24e27-1363-749c-b0e8-ec6683c4a204","started_at":"2026-11-30T09:00:00Z","length_seconds":60,"active_seconds":40,"keyboard_events":100,"mouse_events":200}',1,'2026-11-30T09:01:00.000000+00:00',1,'2026-11-30T09:04:00.000000+00:00');
INSERT INTO "items" VALUES(3,'0190b000-0000-7000-8000-000000000011','slot','{"id":"0190b000-0000-7000-8000-000000000011","time_entry_id":"01a24e27-1363-749c-b0e8-ec6683c4a204","started_at":"2026-11-30T09:01:00Z","length_seconds":60,"active_seconds":41,"keyboard_events":101,"mouse_events":201}',1,'2026-11-30T09:02:00.000000+00:00',0,NULL);
INSERT INTO "items" VALUES(4,'0190b000-0000-7000-8000-000000000012','slot','{"id":"0190b000-0000-7000-8000-000000000012","time_entry_id":"01a24e27-1363-749c-b0e8-ec6683c4a204","started_at":"2026-11-30T09:02:00Z","length_seconds":60,"active_seconds":42,"keyboard_events":102,"mouse_events":202}',1,'2026-11-30T09:03:00.000000+00:00',0,NULL);
INSERT INTO "items" VALUES(5,'0190b000-0000-7000-8000-000000000020','app_span','{"id":"0190b000-0000-7000-8000-000000000020","time_entry_id":"01a24e27-1363-749c-b0e8-ec6683c4a204","started_at":"2026-11-30T09:00:00Z","ended_at":"2026-11-30T09:02:00Z","app":"code","title":"outbox.py - worklens","url":null}',1,'2026-11-30T09:02:00.000000+00:00',0,NULL);
INSERT INTO "items" VALUES(7,'0190b000-0000-7000-8000-000000000030','screenshot','{"id":"0190b000-0000-7000-8000-000000000030","time_entry_id":"01a24e27-1363-749c-b0e8-ec6683c4a204","slot_id":"0190b000-0000-7000-8000-000000000012","taken_at":"2026-11-30T09:02:30Z","monitor":0,"width":4,"height":4,"blurred":false,"skipped_reason":null}',1,'2026-11-30T09:02:30.000000+00:00',0,NULL);
INSERT INTO "items" VALUES(8,'01a24e27-136d-788c-a50a-4651166c136a','time_entry','{"id":"01a24e27-136d-788c-a50a-4651166c136a","started_at":"2026-11-30T09:10:00Z","stopped_at":"2026-11-30T09:11:00Z","project_id":null,"task_id":null,"notes":"second entry"}',2,'2026-11-30T09:17:00.000000+00:00',0,NULL);
INSERT INTO "items" VALUES(9,'0190b000-0000-7000-8000-000000000040','slot','{"id":"0190b000-0000-7000-8000-000000000040","time_entry_id":"01a24e27-136d-788c-a50a-4651166c136a","started_at":"2026-11-30T09:10:00Z","length_seconds":60,"active_seconds":30,"keyboard_events":50,"mouse_events":60}',1,'2026-11-30T09:11:00.000000+00:00',0,NULL);
INSERT INTO "items" VALUES(11,'01a24e27-136f-710c-a118-ab64093c97e4','time_entry','{"id":"01a24e27-136f-710c-a118-ab64093c97e4","started_at":"2026-11-30T09:11:00Z","stopped_at":null,"project_id":null,"task_id":null,"notes":"second entry"}',1,'2026-11-30T09:17:00.000000+00:00',0,NULL);
CREATE TABLE notices (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL,
    message TEXT NOT NULL,
    item_id TEXT,
    created_at TEXT NOT NULL,
    shown_at TEXT
);
INSERT INTO "notices" VALUES(1,'screenshot','Screenshot taken','0190b000-0000-7000-8000-000000000030','2026-11-30T09:00:00.000000+00:00',NULL);
CREATE TABLE screenshot_files (
    item_id TEXT PRIMARY KEY,
    capture_id TEXT NOT NULL,
    time_entry_id TEXT NOT NULL,
    slot_id TEXT,
    taken_at TEXT NOT NULL,
    monitor INTEGER NOT NULL,
    path TEXT NOT NULL,
    bytes INTEGER NOT NULL,
    media_type TEXT NOT NULL,
    hold_until TEXT NOT NULL,
    confirmed INTEGER NOT NULL DEFAULT 0,
    state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'rejected')),
    attempts INTEGER NOT NULL DEFAULT 0,
    last_attempt_at TEXT,
    detail TEXT NOT NULL DEFAULT ''
);
INSERT INTO "screenshot_files" VALUES('0190b000-0000-7000-8000-000000000030','0190b000-0000-7000-8000-000000000031','01a24e27-1363-749c-b0e8-ec6683c4a204','0190b000-0000-7000-8000-000000000012','2026-11-30T09:02:30.000000+00:00',0,'0190b000-0000-7000-8000-000000000030.webp',20,'image/webp','2026-11-30T09:12:30.000000+00:00',0,'pending',0,NULL,'');
CREATE TABLE tracking (
    singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
    entry_id TEXT NOT NULL
);
INSERT INTO "tracking" VALUES(1,'01a24e27-136f-710c-a118-ab64093c97e4');
CREATE INDEX items_unacked ON items (seq) WHERE acked_revision < revision;
CREATE INDEX items_kind ON items (kind, seq);
CREATE INDEX batches_state ON batches (state, created_at);
CREATE INDEX batch_items_item ON batch_items (item_id, revision);
CREATE INDEX screenshot_files_taken ON screenshot_files (taken_at);
CREATE INDEX screenshot_files_slot ON screenshot_files (slot_id);
CREATE INDEX idle_periods_undecided ON idle_periods (idle_entry_id)
    WHERE decision IS NULL;
DELETE FROM "sqlite_sequence";
INSERT INTO "sqlite_sequence" VALUES('items',11);
INSERT INTO "sqlite_sequence" VALUES('notices',1);
COMMIT;
