"""A small real HTTP server that speaks API v1, for the agent tests.

It is the standard library's ThreadingHTTPServer on a real port. It records every request
and answers /api/v1/batches from a script (e.g. "fail twice with 503, then ack"), so the uploader
is tested over real sockets without the Django server.
"""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from worklens_wire.flags import ACCEPTS_FLAGS
from worklens_wire.v1 import (
    ACCEPTS_HEADER,
    ACCEPTS_IDLE_MARKS,
    ACCEPTS_NOT_STORED,
    BatchAck,
    DeviceEventsAck,
    DeviceEventsUpload,
    DeviceInfo,
    EnrollResponse,
    NotStored,
    Policy,
    ProjectOut,
    TaskOut,
    UploadBatch,
    VersionInfo,
)

PROJECT_ID = uuid.UUID("0190a000-0000-7000-8000-000000000001")
TASK_ID = uuid.UUID("0190a000-0000-7000-8000-000000000002")
DEVICE_ID = uuid.UUID("0190a000-0000-7000-8000-0000000000de")
TOKEN = "test-device-token"


@dataclass
class Recorded:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class FakeServer:
    """Scripted API v1. `batch_script` entries are consumed in order: an int status with a detail,
    or None for "ack". When the script is empty every batch is acked."""

    url: str = ""
    requests: list[Recorded] = field(default_factory=list)
    batch_script: list[tuple[int, str] | None] = field(default_factory=list)
    policy: Policy = field(default_factory=lambda: Policy(version=3, slot_seconds=5))
    stored_ids: set[uuid.UUID] = field(default_factory=set)
    stored_batches: dict[uuid.UUID, str] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)
    #: Called (outside the lock) when a batch arrives, before it is answered.
    before_batch: Callable[[], None] | None = None
    #: Called (outside the lock) when device events arrive, before they are answered.
    before_events: Callable[[], None] | None = None
    #: Like batch_script, for PUT /api/v1/device and POST /api/v1/device/events.
    device_script: list[tuple[int, str] | None] = field(default_factory=list)
    events_script: list[tuple[int, str] | None] = field(default_factory=list)
    #: What the server says it did not store of each batch, answered (as the real server does)
    #: only to an agent that sends `WorkLens-Accepts: not-stored`.
    not_stored: list[NotStored] = field(default_factory=list)
    #: Device events stored, by id (a re-sent event is stored once, as on the real server).
    stored_events: dict[uuid.UUID, Any] = field(default_factory=dict)
    version: VersionInfo = field(
        default_factory=lambda: VersionInfo(server_version="0.1.0", latest_agent_version="0.1.0")
    )
    #: A server that stores idle marks says so on each batch answer; one that does not (older)
    #: refuses a time entry's `idle` field, as an unknown field, like the real older server.
    accepts_idle_marks: bool = False
    #: The same for slots' `input_flags` and screenshots' `same_as_previous`.
    accepts_flags: bool = False

    def device_puts(self) -> list[DeviceInfo]:
        return [
            DeviceInfo.model_validate_json(r.body)
            for r in self.requests
            if r.path == "/api/v1/device" and r.method == "PUT"
        ]

    def event_posts(self) -> list[DeviceEventsUpload]:
        return [
            DeviceEventsUpload.model_validate_json(r.body)
            for r in self.requests
            if r.path == "/api/v1/device/events"
        ]

    def batches(self) -> list[UploadBatch]:
        return [
            UploadBatch.model_validate_json(r.body)
            for r in self.requests
            if r.path == "/api/v1/batches"
        ]

    def handle(self, request: Recorded) -> tuple[int, bytes]:
        if request.path == "/api/v1/batches" and self.before_batch is not None:
            self.before_batch()
        if request.path == "/api/v1/device/events" and self.before_events is not None:
            self.before_events()
        with self.lock:
            self.requests.append(request)
            if request.path == "/api/v1/enroll":
                body = request.json()
                if body["code"] != "GOODCODE":
                    return 400, b'{"detail": "enrollment code is invalid"}'
                response = EnrollResponse(
                    device_id=DEVICE_ID,
                    token=TOKEN,
                    company_name="Acme",
                    member_email="emp@example.com",
                )
                return 201, response.model_dump_json().encode()
            if request.path == "/api/v1/version":  # needs no token
                return 200, self.version.model_dump_json().encode()
            if request.headers.get("authorization") != f"Bearer {TOKEN}":
                return 401, b'{"detail": "invalid device token"}'
            if request.path == "/api/v1/policy":
                return 200, self.policy.model_dump_json().encode()
            if request.path == "/api/v1/projects":
                projects = [
                    ProjectOut(
                        id=PROJECT_ID, name="Website", tasks=[TaskOut(id=TASK_ID, name="Design")]
                    )
                ]
                return 200, json.dumps([p.model_dump(mode="json") for p in projects]).encode()
            if request.path == "/api/v1/device":
                if self.device_script and (step := self.device_script.pop(0)) is not None:
                    return step[0], json.dumps({"detail": step[1]}).encode()
                DeviceInfo.model_validate_json(request.body)
                return 204, b""
            if request.path == "/api/v1/device/events":
                if self.events_script and (step := self.events_script.pop(0)) is not None:
                    return step[0], json.dumps({"detail": step[1]}).encode()
                upload = DeviceEventsUpload.model_validate_json(request.body)
                fresh = [e for e in upload.events if e.id not in self.stored_events]
                self.stored_events.update({e.id: e for e in fresh})
                events_ack = DeviceEventsAck(
                    received=len(upload.events),
                    stored=len(fresh),
                    duplicates=len(upload.events) - len(fresh),
                )
                return 200, events_ack.model_dump_json().encode()
            if request.path == "/api/v1/batches":
                if self.batch_script:
                    step = self.batch_script.pop(0)
                    if step is not None:
                        status, detail = step
                        return status, json.dumps({"detail": detail}).encode()
                sent_entries = request.json().get("time_entries", [])
                if not self.accepts_idle_marks and any("idle" in e for e in sent_entries):
                    return (
                        422,
                        b'{"detail": "time_entries[0].idle: Extra inputs are not permitted"}',
                    )
                sent_slots = request.json().get("slots", [])
                if not self.accepts_flags and any("input_flags" in s for s in sent_slots):
                    return 422, b'{"detail": "slots[0].input_flags: Extra inputs"}'
                batch = UploadBatch.model_validate_json(request.body)
                ids = [
                    item.id
                    for item in (
                        *batch.time_entries,
                        *batch.slots,
                        *batch.app_spans,
                        *batch.screenshots,
                    )
                ]
                fresh = [i for i in ids if i not in self.stored_ids]
                self.stored_ids.update(ids)
                self.stored_batches[batch.batch_id] = request.body.decode()
                ack = BatchAck(
                    batch_id=batch.batch_id,
                    received=len(ids),
                    stored=len(fresh),
                    duplicates=len(ids) - len(fresh),
                    not_stored=self.not_stored,
                )
                accepts = request.headers.get(ACCEPTS_HEADER.lower(), "").split(",")
                exclude = None if ACCEPTS_NOT_STORED in accepts else {"not_stored"}
                return 200, ack.model_dump_json(exclude=exclude).encode()
            return 404, b'{"detail": "not found"}'


def _handler_for(server: FakeServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            request = Recorded(
                method=self.command,
                path=self.path,
                headers={k.lower(): v for k, v in self.headers.items()},
                body=self.rfile.read(length),
            )
            status, body = server.handle(request)
            self.send_response(status)
            if self.path == "/api/v1/batches" and status == 200:
                accepts = [ACCEPTS_IDLE_MARKS] if server.accepts_idle_marks else []
                accepts += [ACCEPTS_FLAGS] if server.accepts_flags else []
                if accepts:
                    self.send_header(ACCEPTS_HEADER, ", ".join(accepts))
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = do_PUT = _serve

        def log_message(self, format: str, *args: Any) -> None:
            return None

    return Handler


@contextmanager
def serve() -> Iterator[FakeServer]:
    server = FakeServer()
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(server))
    server.url = f"http://127.0.0.1:{httpd.server_address[1]}"
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        httpd.shutdown()
        httpd.server_close()
