"""The browser bridge: a small HTTP server on 127.0.0.1 that the WorkLens browser extension
reports the active tab to (`POST /v1/tab`), so app spans of a browser window can carry its URL.

Only the extension may talk to it. A request needs the pairing token (`Authorization: Bearer ...`,
compared in constant time) and an Origin of a browser extension (chrome-extension://,
moz-extension://, safari-web-extension://): a web page cannot send either, and a page on a
rebound DNS name fails the Host check as well. Bodies are JSON of at most 16 KiB.

Firefox (85 and later) hides an extension's id from the servers it calls: its requests come with
`Origin: null` or none. Those are accepted from a Firefox User-Agent only. That lets no web page
in: a page's request carrying an Authorization header needs a CORS preflight first, and the
preflight is answered only for extension origins, so the browser never sends the request itself.

Each report says whether its browser has the focus (`focused`; true when left out, as extensions
older than it report only the tab in front); `{browser, focused: false}` with no tab says another
application came to the front. Where no window source works, that is what app spans are made of
(browser_window.py). Every answer says `accepts_focused: true`, as agents older than it refuse
unknown fields: the extension sends `focused` only to an agent that said so.

The company's policy decides what is read. With URLs off (or apps off) the bridge stores nothing
it is sent, not even focus, forgets what it had, and answers `wanted.url = false`; the extension
then sends no tab at all and only asks again, without any tab data, after `recheck_seconds`. So
without URLs there is no browser-only span either. With titles off the extension leaves titles out
and the bridge drops any title it gets anyway.

The port and pairing token come from browser_pairing.py (`worklens-agent browser pair`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hmac
import json
import logging
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StrictBool, ValidationError

from worklens_agent.clock import utcnow
from worklens_agent.journal.policy import cached_policy
from worklens_agent.journal.store import Store
from worklens_agent.sources.browser_pairing import DEFAULT_PORT, pairing
from worklens_agent.sources.browser_tabs import LatestTabs, TabReport, clean_url
from worklens_agent.sources.window import MAX_TITLE_LENGTH
from worklens_wire.v1 import CaptureSource, Policy

log = logging.getLogger(__name__)

HOST = "127.0.0.1"
MAX_BODY_BYTES = 16 * 1024
MAX_DISCARD_BYTES = 1024 * 1024
RECHECK_SECONDS = 60
REQUEST_TIMEOUT_SECONDS = 5.0
POLICY_READ_SECONDS = 5.0
_EXTENSION_ORIGIN = re.compile(
    r"(chrome-extension|moz-extension|safari-web-extension)://[A-Za-z0-9._-]{1,128}"
)


# --- what the extension sends -------------------------------------------------------------------


class TabReportIn(BaseModel):
    """One report from the extension. Without `url` it only asks what is wanted, unless it says
    `focused: false`: then another application came to the front."""

    model_config = ConfigDict(extra="forbid")

    browser: str = Field(pattern=r"^[a-z][a-z0-9-]{0,31}$")
    url: str | None = Field(default=None, max_length=8192)
    title: str | None = Field(default=None, max_length=4096)
    tab_id: int | None = None
    focused: StrictBool = True  # strict: "false" or 0 is a broken extension, not a focus change
    at: AwareDatetime | None = None


@dataclass(frozen=True)
class Wanted:
    url: bool
    title: bool

    @classmethod
    def by(cls, policy: Policy) -> Wanted:
        url = policy.capture_apps and policy.capture_urls  # a URL only ever goes on an app span
        return cls(url=url, title=url and policy.capture_titles)

    def answer(self, *, stored: bool, recheck_seconds: int) -> dict[str, Any]:
        wanted = {"url": self.url, "title": self.title}
        return {
            "stored": stored,
            "wanted": wanted,
            "recheck_seconds": recheck_seconds,
            "accepts_focused": True,
        }


class StoredPolicy:
    """The cached policy from the agent store, re-read at most every few seconds; thread-safe
    (each read opens its own connection, as SQLite connections stay in their thread)."""

    def __init__(self, home: Path) -> None:
        self._home = home
        self._lock = threading.Lock()
        self._policy: Policy | None = None
        self._read_at = 0.0

    def __call__(self) -> Policy:
        with self._lock:
            if self._policy is None or time.monotonic() - self._read_at >= POLICY_READ_SECONDS:
                with Store(self._home) as store:
                    self._policy = cached_policy(store)
                self._read_at = time.monotonic()
            return self._policy


class _Refused(Exception):
    def __init__(self, status: HTTPStatus, detail: str) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail


# --- the server ---------------------------------------------------------------------------------


class BrowserBridge:
    """The HTTP server, in a thread of its own, writing into `tabs`."""

    def __init__(
        self,
        *,
        token: str,
        policy: Callable[[], Policy],
        port: int = DEFAULT_PORT,
        tabs: LatestTabs | None = None,
        clock: Callable[[], dt.datetime] = utcnow,
        recheck_seconds: int = RECHECK_SECONDS,
    ) -> None:
        if not token:
            raise ValueError("the bridge needs a pairing token")
        self.tabs = tabs if tabs is not None else LatestTabs()
        self._token = token.encode()
        self._policy = policy
        self._clock = clock
        self._recheck_seconds = recheck_seconds
        self._requested_port = port
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        """The bound port (differs from the one asked for only when that was 0)."""
        return self._requested_port if self._server is None else self._server.server_port

    def start(self) -> None:
        """Bind 127.0.0.1:port (OSError when it is taken) and serve in a daemon thread."""
        server = _Server((HOST, self._requested_port), _Handler)
        server.bridge = self
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.5}, name="browser-bridge"
        )
        self._thread.daemon = True
        self._thread.start()
        log.info("browser bridge listening on %s:%d", HOST, self.port)

    def stop(self) -> None:
        server, self._server = self._server, None
        if server is None:
            return
        server.shutdown()
        server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    # Called from the request threads.

    def check(
        self,
        *,
        origin: str | None,
        host: str | None,
        authorization: str | None,
        user_agent: str | None,
    ) -> None:
        if not _from_extension(origin, user_agent):
            raise _Refused(
                HTTPStatus.FORBIDDEN, "only the WorkLens browser extension may call this"
            )
        if host not in {f"{HOST}:{self.port}", f"localhost:{self.port}"}:
            raise _Refused(HTTPStatus.FORBIDDEN, f"unexpected Host {host!r}")
        scheme, _, given = (authorization or "").partition(" ")
        matches = hmac.compare_digest(given.strip().encode(), self._token)  # constant time
        if scheme.lower() != "bearer" or not matches:
            raise _Refused(
                HTTPStatus.UNAUTHORIZED,
                "wrong or missing pairing token (see `worklens-agent browser pair`)",
            )

    def receive(self, report: TabReportIn) -> dict[str, Any]:
        wanted = Wanted.by(self._policy())
        if not wanted.url:
            self.tabs.clear()  # nothing received while URLs were on may be used now either
            return wanted.answer(stored=False, recheck_seconds=self._recheck_seconds)
        now = self._clock()
        if report.url is None:
            if report.focused:  # the extension asking what is wanted
                return wanted.answer(stored=False, recheck_seconds=self._recheck_seconds)
            self.tabs.lose_focus(report.browser, received_at=now)
            return wanted.answer(stored=True, recheck_seconds=self._recheck_seconds)
        title = report.title[:MAX_TITLE_LENGTH] if wanted.title and report.title else None
        self.tabs.put(
            TabReport(
                browser=report.browser,
                url=clean_url(report.url),
                title=title,
                tab_id=report.tab_id,
                reported_at=report.at or now,
                received_at=now,
            ),
            focused=report.focused,
        )
        return wanted.answer(stored=True, recheck_seconds=self._recheck_seconds)


def _from_extension(origin: str | None, user_agent: str | None) -> bool:
    if origin is not None and _EXTENSION_ORIGIN.fullmatch(origin):
        return True
    return origin in {None, "null"} and "Firefox/" in (user_agent or "")


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    bridge: BrowserBridge


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    timeout = REQUEST_TIMEOUT_SECONDS  # a client that stalls mid-request is dropped
    server_version = "WorkLensBrowserBridge"
    _body_read = False
    sys_version = ""

    def do_OPTIONS(self) -> None:
        """CORS preflight (Firefox sends one): allowed for extension origins only."""
        origin = self.headers.get("Origin")
        if self.path != "/v1/tab" or origin is None or not _EXTENSION_ORIGIN.fullmatch(origin):
            self._send(HTTPStatus.FORBIDDEN, {"detail": "not allowed"})
            return
        self.send_response(HTTPStatus.NO_CONTENT)
        self.send_header("Access-Control-Allow-Origin", origin)
        self.send_header("Access-Control-Allow-Methods", "POST")
        self.send_header("Access-Control-Allow-Headers", "Authorization, Content-Type")
        self.send_header("Access-Control-Max-Age", "600")
        self.send_header("Vary", "Origin")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_POST(self) -> None:
        try:
            if self.path != "/v1/tab":
                raise _Refused(HTTPStatus.NOT_FOUND, f"no such endpoint: {self.path}")
            self.server.bridge.check(
                origin=self.headers.get("Origin"),
                host=self.headers.get("Host"),
                authorization=self.headers.get("Authorization"),
                user_agent=self.headers.get("User-Agent"),
            )
            report = self._read_report()
            answer = self.server.bridge.receive(report)
        except _Refused as refused:
            self._discard_body()
            self._send(refused.status, {"detail": refused.detail})
            return
        self._send(HTTPStatus.OK, answer)

    def do_GET(self) -> None:
        self.close_connection = True
        self._send(HTTPStatus.METHOD_NOT_ALLOWED, {"detail": "use POST /v1/tab"})

    def _discard_body(self) -> None:
        """Read what is left of a refused request's body (within reason): a socket closed with
        unread data resets, and the client would see a broken connection instead of the answer."""
        self.close_connection = True
        if self._body_read:
            return
        try:
            left = int(self.headers.get("Content-Length", "0"))
        except ValueError:
            return
        if 0 < left <= MAX_DISCARD_BYTES:
            with contextlib.suppress(OSError):  # the answer is sent whatever happens here
                self.rfile.read(left)

    def _read_report(self) -> TabReportIn:
        content_type = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if content_type != "application/json":
            raise _Refused(HTTPStatus.UNSUPPORTED_MEDIA_TYPE, "the body must be application/json")
        if self.headers.get("Transfer-Encoding"):
            raise _Refused(HTTPStatus.LENGTH_REQUIRED, "send the body with a Content-Length")
        try:
            length = int(self.headers.get("Content-Length", ""))
        except ValueError:
            raise _Refused(HTTPStatus.LENGTH_REQUIRED, "Content-Length is missing") from None
        if length < 0 or length > MAX_BODY_BYTES:
            raise _Refused(
                HTTPStatus.REQUEST_ENTITY_TOO_LARGE, f"the body is over {MAX_BODY_BYTES} bytes"
            )
        body = self.rfile.read(length)
        self._body_read = True
        try:
            raw = json.loads(body)
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise _Refused(HTTPStatus.BAD_REQUEST, f"the body is not JSON: {exc}") from None
        try:
            return TabReportIn.model_validate(raw)
        except ValidationError as exc:
            problems = "; ".join(
                f"{'.'.join(str(part) for part in error['loc']) or 'body'}: {error['msg']}"
                for error in exc.errors()
            )
            raise _Refused(HTTPStatus.UNPROCESSABLE_ENTITY, problems) from None

    def _send(self, status: HTTPStatus, payload: dict[str, Any]) -> None:
        body = json.dumps(payload).encode()
        self.send_response(status)
        origin = self.headers.get("Origin")
        if origin is not None and _EXTENSION_ORIGIN.fullmatch(origin):
            self.send_header("Access-Control-Allow-Origin", origin)  # Firefox reads via CORS
            self.send_header("Vary", "Origin")
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("browser bridge: " + format, *args)


# --- opening it for `worklens-agent run` --------------------------------------------------------


def open_browser_bridge(store: Store, policy: Policy) -> tuple[BrowserBridge | None, CaptureSource]:
    """Start the bridge on the paired port, or None and why not (the port is taken, ...).

    Started whatever the policy says, so that it can tell the extension to stop sending, and so
    that URLs turned on later take effect without a restart.
    """
    paired = pairing(store)
    bridge = BrowserBridge(token=paired.token, policy=StoredPolicy(store.home), port=paired.port)
    try:
        bridge.start()
    except OSError as exc:
        log.warning("browser bridge unavailable: %s", exc)
        reason = f"cannot listen on {HOST}:{paired.port}: {exc.strerror or exc}"
        return None, CaptureSource(name="browser", available=False, reason=reason[:255])
    if not Wanted.by(policy).url:
        return bridge, CaptureSource(
            name="browser", available=False, reason="off in the company's policy"
        )
    return bridge, CaptureSource(name="browser", available=True)
