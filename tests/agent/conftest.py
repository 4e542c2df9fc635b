"""Fixtures for the agent tests: an agent home, and a small real HTTP server that speaks API v1.

The server is the standard library's ThreadingHTTPServer on a real port. It records every request
and answers /api/v1/batches from a script (e.g. "fail twice with 503, then ack"), so the uploader
is tested over real sockets without the Django server.
"""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from worklens_agent.store import Store
from worklens_wire.v1 import BatchAck, EnrollResponse, Policy, ProjectOut, TaskOut, UploadBatch

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

    def batches(self) -> list[UploadBatch]:
        return [
            UploadBatch.model_validate_json(r.body)
            for r in self.requests
            if r.path == "/api/v1/batches"
        ]

    def handle(self, request: Recorded) -> tuple[int, bytes]:
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
                return 204, b""
            if request.path == "/api/v1/batches":
                if self.batch_script:
                    step = self.batch_script.pop(0)
                    if step is not None:
                        status, detail = step
                        return status, json.dumps({"detail": detail}).encode()
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
                )
                return 200, ack.model_dump_json().encode()
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
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = do_PUT = _serve

        def log_message(self, format: str, *args: Any) -> None:
            return None

    return Handler


@pytest.fixture
def fake_server() -> Iterator[FakeServer]:
    server = FakeServer()
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(server))
    server.url = f"http://127.0.0.1:{httpd.server_address[1]}"
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield server
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def home(tmp_path: Path) -> Path:
    path = tmp_path / "agent-home"
    path.mkdir(mode=0o700)
    return path


@pytest.fixture
def store(home: Path) -> Iterator[Store]:
    with Store(home) as opened:
        yield opened
