"""The server's HTTP API v1 as typed calls. Errors carry the server's `detail` message."""

from __future__ import annotations

import functools
import json
import ssl
import uuid
from dataclasses import dataclass
from typing import Any

import httpx
from pydantic import TypeAdapter

from worklens_agent import __version__
from worklens_agent.journal.enrollment import Enrollment
from worklens_wire.v1 import (
    ACCEPTS_HEADER,
    ACCEPTS_NOT_STORED,
    BatchAck,
    DeviceEvent,
    DeviceEventsAck,
    DeviceEventsUpload,
    DeviceInfo,
    EnrollRequest,
    EnrollResponse,
    Policy,
    ProjectOut,
    ScreenshotAck,
    VersionInfo,
    accepted,
)

DEFAULT_TIMEOUT = httpx.Timeout(30.0, connect=10.0)
_PROJECTS = TypeAdapter(list[ProjectOut])


@functools.cache
def _tls_context() -> ssl.SSLContext:
    """One TLS context for the whole process. httpx builds one per client by default, loading the
    whole CA bundle each time (about 0.7 MB resident apiece), and the agent opens a client in
    several threads, one of them anew every policy round."""
    return httpx.create_ssl_context()


@dataclass(frozen=True)
class BatchAnswer:
    """The server's receipt for a batch, and what its answer said the server accepts
    (`WorkLens-Accepts`, e.g. idle marks; empty from older servers)."""

    ack: BatchAck
    accepts: frozenset[str]


class ApiError(Exception):
    """The server answered with an error status; `detail` is its message."""

    def __init__(self, status_code: int, detail: str, retry_after: float | None = None) -> None:
        super().__init__(f"HTTP {status_code}: {detail}")
        self.status_code = status_code
        self.detail = detail
        self.retry_after = retry_after


def _detail(response: httpx.Response) -> str:
    try:
        body: Any = response.json()
    except ValueError:
        return response.text[:500] or response.reason_phrase
    if isinstance(body, dict) and "detail" in body:
        detail = body["detail"]
        return detail if isinstance(detail, str) else json.dumps(detail)[:500]
    return json.dumps(body)[:500]


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("Retry-After")
    try:
        return None if value is None else max(0.0, float(value))
    except ValueError:
        return None


class AgentApi:
    def __init__(
        self,
        base_url: str,
        token: str | None = None,
        *,
        timeout: httpx.Timeout | float = DEFAULT_TIMEOUT,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        headers = {"User-Agent": f"worklens-agent/{__version__}"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        self._client = httpx.Client(
            base_url=base_url.rstrip("/"),
            headers=headers,
            timeout=timeout,
            transport=transport,
            verify=_tls_context(),
        )

    @classmethod
    def enrolled(
        cls, enrollment: Enrollment, *, timeout: httpx.Timeout | float = DEFAULT_TIMEOUT
    ) -> AgentApi:
        """A client speaking as the enrolled device (reads its token file: OSError if gone)."""
        return cls(enrollment.server_url, enrollment.token(), timeout=timeout)

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> AgentApi:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        response = self._client.request(method, path, **kwargs)
        if response.status_code >= 400:
            raise ApiError(response.status_code, _detail(response), _retry_after(response))
        return response

    def enroll(self, code: str, device: DeviceInfo) -> EnrollResponse:
        request = EnrollRequest(code=code, device=device)
        response = self._request(
            "POST",
            "/api/v1/enroll",
            content=request.model_dump_json(),
            headers={"Content-Type": "application/json"},
        )
        return EnrollResponse.model_validate_json(response.content)

    def policy(self) -> Policy:
        return Policy.model_validate_json(self._request("GET", "/api/v1/policy").content)

    def projects(self) -> list[ProjectOut]:
        return _PROJECTS.validate_json(self._request("GET", "/api/v1/projects").content)

    def post_batch(self, body: str) -> BatchAnswer:
        """Send an already serialised UploadBatch, so a retry sends exactly the same bytes."""
        response = self._request(
            "POST",
            "/api/v1/batches",
            content=body.encode(),
            # Says this agent reads `not_stored` (a server leaves it out for older agents).
            headers={"Content-Type": "application/json", ACCEPTS_HEADER: ACCEPTS_NOT_STORED},
        )
        return BatchAnswer(
            ack=BatchAck.model_validate_json(response.content),
            accepts=frozenset(accepted(response.headers.get(ACCEPTS_HEADER, ""))),
        )

    def post_screenshot(
        self, meta: str, image: bytes, filename: str, media_type: str
    ) -> ScreenshotAck:
        """multipart/form-data: `meta` is the ScreenshotRecord JSON, `image` the encoded file."""
        response = self._request(
            "POST",
            "/api/v1/screenshots",
            data={"meta": meta},
            files={"image": (filename, image, media_type)},
        )
        return ScreenshotAck.model_validate_json(response.content)

    def put_device(self, device: DeviceInfo) -> None:
        self._request(
            "PUT",
            "/api/v1/device",
            content=device.model_dump_json(),
            headers={"Content-Type": "application/json"},
        )

    def post_device_events(self, events: list[DeviceEvent]) -> DeviceEventsAck:
        response = self._request(
            "POST",
            "/api/v1/device/events",
            content=DeviceEventsUpload(events=events).model_dump_json(),
            headers={"Content-Type": "application/json"},
        )
        return DeviceEventsAck.model_validate_json(response.content)

    def version(self) -> VersionInfo:
        """The server's version and the newest agent; needs no token."""
        return VersionInfo.model_validate_json(self._request("GET", "/api/v1/version").content)


def parse_uuid(text: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(text)
    except ValueError:
        return None
