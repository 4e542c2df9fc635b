"""The browser bridge on a real local port, driven over HTTP like the extension drives it."""

from __future__ import annotations

import datetime as dt
import json
import socket
from collections.abc import Iterator

import httpx
import pytest

from worklens_agent.journal.store import Store
from worklens_agent.settings import Key
from worklens_agent.sources.browser_bridge import MAX_BODY_BYTES, BrowserBridge, open_browser_bridge
from worklens_agent.sources.browser_pairing import pairing
from worklens_agent.sources.window import ActiveWindow
from worklens_wire.v1 import CaptureSource, Policy

TOKEN = "pairing-token-for-tests"
ORIGIN = "chrome-extension://abcdefghijklmnopabcdefghijklmnop"
REPORT = {
    "browser": "chromium",
    "url": "https://user:secret@docs.example.com:8443/guide?page=2#section-3",
    "title": "Guide - Example Docs",
    "tab_id": 7,
    "at": "2026-03-02T09:00:00.000Z",
}


class Bridge:
    """A started bridge with a policy the test can change."""

    def __init__(self) -> None:
        self.policy = Policy(version=1)
        self.bridge = BrowserBridge(token=TOKEN, policy=lambda: self.policy, port=0)
        self.bridge.start()
        self.url = f"http://127.0.0.1:{self.bridge.port}/v1/tab"

    def post(
        self, body: object = REPORT, *, headers: dict[str, str] | None = None, raw: bytes = b""
    ) -> httpx.Response:
        sent = {
            "Authorization": f"Bearer {TOKEN}",
            "Origin": ORIGIN,
            "Content-Type": "application/json",
            **(headers or {}),
        }
        content = raw or json.dumps(body).encode()
        return httpx.post(self.url, content=content, headers=sent, timeout=5)


@pytest.fixture
def bridge() -> Iterator[Bridge]:
    running = Bridge()
    try:
        yield running
    finally:
        running.bridge.stop()


def test_a_report_is_stored_without_credentials_or_fragment(bridge: Bridge) -> None:
    response = bridge.post()
    assert response.status_code == 200
    assert response.json() == {
        "stored": True,
        "wanted": {"url": True, "title": True},
        "recheck_seconds": 60,
        "accepts_focused": True,
    }
    assert response.headers["Access-Control-Allow-Origin"] == ORIGIN
    report = bridge.bridge.tabs.snapshot()["chromium"]
    assert report.url == "https://docs.example.com:8443/guide?page=2"
    assert report.title == "Guide - Example Docs"
    assert report.tab_id == 7
    assert report.reported_at == dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC)


def test_firefox_origin_and_preflight_are_accepted(bridge: Bridge) -> None:
    origin = "moz-extension://3f1c2d4e-0000-4000-8000-123456789abc"
    preflight = httpx.options(
        bridge.url,
        headers={"Origin": origin, "Access-Control-Request-Method": "POST"},
        timeout=5,
    )
    assert preflight.status_code == 204
    assert preflight.headers["Access-Control-Allow-Origin"] == origin
    assert "Authorization" in preflight.headers["Access-Control-Allow-Headers"]
    response = bridge.post({**REPORT, "browser": "firefox"}, headers={"Origin": origin})
    assert response.status_code == 200
    assert set(bridge.bridge.tabs.snapshot()) == {"firefox"}


@pytest.mark.parametrize(
    "authorization",
    ["", f"Bearer {TOKEN}x", f"Bearer {TOKEN[:-1]}", f"Basic {TOKEN}", TOKEN],
)
def test_a_wrong_or_missing_token_is_refused(bridge: Bridge, authorization: str) -> None:
    response = bridge.post(headers={"Authorization": authorization})
    assert response.status_code == 401
    assert response.json() == {
        "detail": "wrong or missing pairing token (see `worklens-agent browser pair`)"
    }
    assert bridge.bridge.tabs.snapshot() == {}


@pytest.mark.parametrize(
    "origin", ["", "null", "https://evil.example", "http://127.0.0.1:8000", "chrome-extension://"]
)
def test_only_extension_origins_may_call(bridge: Bridge, origin: str) -> None:
    response = bridge.post(headers={"Origin": origin})
    assert response.status_code == 403
    assert response.json() == {"detail": "only the WorkLens browser extension may call this"}
    assert "Access-Control-Allow-Origin" not in response.headers
    preflight = httpx.options(bridge.url, headers={"Origin": origin}, timeout=5)
    assert preflight.status_code == 403
    assert bridge.bridge.tabs.snapshot() == {}


FIREFOX_UA = "Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0"


@pytest.mark.parametrize("origin", ["null", None])
def test_firefox_hiding_the_extension_origin_is_accepted(
    bridge: Bridge, origin: str | None
) -> None:
    headers = {"Authorization": f"Bearer {TOKEN}", "User-Agent": FIREFOX_UA}
    if origin is not None:
        headers["Origin"] = origin
    response = httpx.post(
        bridge.url, json={**REPORT, "browser": "firefox"}, headers=headers, timeout=5
    )
    assert response.status_code == 200
    assert set(bridge.bridge.tabs.snapshot()) == {"firefox"}


def test_firefox_user_agent_does_not_admit_web_origins_or_skip_the_token(bridge: Bridge) -> None:
    web = bridge.post(headers={"User-Agent": FIREFOX_UA, "Origin": "https://evil.example"})
    assert web.status_code == 403
    tokenless = bridge.post(
        headers={"User-Agent": FIREFOX_UA, "Origin": "null", "Authorization": ""}
    )
    assert tokenless.status_code == 401
    preflight = httpx.options(
        bridge.url, headers={"Origin": "null", "User-Agent": FIREFOX_UA}, timeout=5
    )
    assert preflight.status_code == 403  # so no web page ever gets to send the Authorization
    assert bridge.bridge.tabs.snapshot() == {}


def test_a_request_without_origin_is_refused(bridge: Bridge) -> None:
    response = httpx.post(
        bridge.url,
        json=REPORT,
        headers={"Authorization": f"Bearer {TOKEN}"},
        timeout=5,
    )
    assert response.status_code == 403
    assert bridge.bridge.tabs.snapshot() == {}


def test_a_rebound_host_name_is_refused(bridge: Bridge) -> None:
    response = bridge.post(headers={"Host": f"attacker.example:{bridge.bridge.port}"})
    assert response.status_code == 403
    assert "unexpected Host" in response.json()["detail"]
    assert bridge.post(headers={"Host": f"localhost:{bridge.bridge.port}"}).status_code == 200


def test_urls_off_stores_nothing_forgets_what_it_had_and_says_so(bridge: Bridge) -> None:
    assert bridge.post().json()["stored"] is True
    bridge.policy = Policy(version=2, capture_urls=False)
    response = bridge.post({**REPORT, "url": "https://private.example/"})
    assert response.status_code == 200
    assert response.json() == {
        "stored": False,
        "wanted": {"url": False, "title": False},
        "recheck_seconds": 60,
        "accepts_focused": True,
    }
    assert bridge.bridge.tabs.snapshot() == {}
    front = ActiveWindow("chromium", "Guide - Example Docs - Chromium")
    assert bridge.bridge.tabs.url_for(front) is None


def test_apps_off_wants_no_urls_either(bridge: Bridge) -> None:
    bridge.policy = Policy(version=2, capture_apps=False)
    response = bridge.post()
    assert response.json()["wanted"] == {"url": False, "title": False}
    assert bridge.bridge.tabs.snapshot() == {}


def test_titles_off_keeps_the_url_and_drops_the_title(bridge: Bridge) -> None:
    bridge.policy = Policy(version=2, capture_titles=False)
    response = bridge.post()
    assert response.json()["wanted"] == {"url": True, "title": False}
    report = bridge.bridge.tabs.snapshot()["chromium"]
    assert (report.url, report.title) == ("https://docs.example.com:8443/guide?page=2", None)


def test_a_report_without_url_only_asks_what_is_wanted(bridge: Bridge) -> None:
    response = bridge.post({"browser": "chromium", "at": "2026-03-02T09:00:00Z"})
    assert response.status_code == 200
    assert response.json()["stored"] is False
    assert response.json()["wanted"] == {"url": True, "title": True}
    assert bridge.bridge.tabs.snapshot() == {}


def test_a_report_without_focused_is_taken_as_focused(bridge: Bridge) -> None:
    """Extensions older than focus reports send only the tab in front."""
    assert bridge.post().status_code == 200
    assert bridge.bridge.tabs.focus()["chromium"].focused is True
    in_front = bridge.bridge.tabs.tab_in_front(dt.datetime.now(dt.UTC))
    assert in_front is not None
    assert in_front.url == "https://docs.example.com:8443/guide?page=2"


def test_focus_lost_is_kept_without_forgetting_the_tab(bridge: Bridge) -> None:
    assert bridge.post({**REPORT, "focused": True}).status_code == 200
    lost = bridge.post({"browser": "chromium", "focused": False, "at": REPORT["at"]})
    assert lost.status_code == 200
    assert lost.json()["stored"] is True
    tabs = bridge.bridge.tabs
    assert tabs.focus()["chromium"].focused is False
    assert tabs.tab_in_front(dt.datetime.now(dt.UTC)) is None
    assert tabs.snapshot()["chromium"].url == "https://docs.example.com:8443/guide?page=2"
    assert bridge.post({**REPORT, "focused": True}).status_code == 200  # back in front
    assert tabs.tab_in_front(dt.datetime.now(dt.UTC)) is not None


def test_a_tab_reported_without_focus_is_kept_but_not_in_front(bridge: Bridge) -> None:
    assert bridge.post({**REPORT, "focused": False}).status_code == 200
    tabs = bridge.bridge.tabs
    assert tabs.snapshot()["chromium"].title == "Guide - Example Docs"
    assert tabs.tab_in_front(dt.datetime.now(dt.UTC)) is None


def test_urls_off_keeps_no_focus_either(bridge: Bridge) -> None:
    assert bridge.post().status_code == 200
    bridge.policy = Policy(version=2, capture_urls=False)
    lost = bridge.post({"browser": "chromium", "focused": False})
    assert lost.json()["stored"] is False
    assert bridge.bridge.tabs.focus() == {}


@pytest.mark.parametrize("focused", ["false", "true", 0, 1, None, [], {"focused": False}])
def test_focused_must_be_a_json_boolean(bridge: Bridge, focused: object) -> None:
    response = bridge.post({**REPORT, "focused": focused})
    assert response.status_code == 422
    assert response.json() == {"detail": "focused: Input should be a valid boolean"}
    assert bridge.bridge.tabs.snapshot() == {}
    assert bridge.bridge.tabs.focus() == {}


def test_an_oversize_body_is_refused_with_an_answer(bridge: Bridge) -> None:
    huge = {**REPORT, "title": "x" * (MAX_BODY_BYTES + 1)}
    response = bridge.post(huge)
    assert response.status_code == 413
    assert response.json() == {"detail": f"the body is over {MAX_BODY_BYTES} bytes"}
    assert bridge.bridge.tabs.snapshot() == {}
    assert bridge.post().status_code == 200  # the server carries on


def test_bad_json_and_other_content_types_are_refused(bridge: Bridge) -> None:
    broken = bridge.post(raw=b'{"browser": "chromium", "url": ')
    assert broken.status_code == 400
    assert broken.json()["detail"].startswith("the body is not JSON: ")
    form = bridge.post(raw=b"browser=chromium", headers={"Content-Type": "text/plain"})
    assert form.status_code == 415
    assert form.json() == {"detail": "the body must be application/json"}
    assert bridge.bridge.tabs.snapshot() == {}


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ({**REPORT, "browser": "Chromium!"}, "browser: String should match pattern"),
        ({**REPORT, "cookies": "a=b"}, "cookies: Extra inputs are not permitted"),
        ({**REPORT, "tab_id": "seven"}, "tab_id: Input should be a valid integer"),
        ({**REPORT, "at": "2026-03-02T09:00:00"}, "at: Input should have timezone info"),
        (["not", "an", "object"], "body: Input should be a valid dictionary"),
    ],
)
def test_invalid_reports_name_the_field(bridge: Bridge, body: object, problem: str) -> None:
    response = bridge.post(body)
    assert response.status_code == 422
    assert problem in response.json()["detail"]
    assert bridge.bridge.tabs.snapshot() == {}


def test_other_paths_and_methods_are_refused(bridge: Bridge) -> None:
    elsewhere = httpx.post(
        bridge.url.replace("/v1/tab", "/v1/other"),
        json=REPORT,
        headers={"Authorization": f"Bearer {TOKEN}", "Origin": ORIGIN},
        timeout=5,
    )
    assert elsewhere.status_code == 404
    assert httpx.get(bridge.url, timeout=5).status_code == 405


def test_it_listens_on_loopback_only(bridge: Bridge) -> None:
    assert bridge.bridge._server is not None
    assert bridge.bridge._server.server_address[0] == "127.0.0.1"


def test_a_taken_port_makes_the_browser_source_unavailable(store: Store) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        pairing(store, port=port)
        bridge, source = open_browser_bridge(store, Policy(version=1))
    assert bridge is None
    assert source.name == "browser"
    assert not source.available
    assert source.reason.startswith(f"cannot listen on 127.0.0.1:{port}: ")


def test_the_browser_source_reports_the_policy(store: Store) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    pairing(store, port=port)
    bridge, source = open_browser_bridge(store, Policy(version=1, capture_urls=False))
    assert bridge is not None
    try:
        assert source == CaptureSource(
            name="browser", available=False, reason="off in the company's policy"
        )
        assert bridge.port == port  # started anyway: it must tell the extension to stop
    finally:
        bridge.stop()
    bridge, source = open_browser_bridge(store, Policy(version=1))
    assert bridge is not None
    bridge.stop()
    assert source == CaptureSource(name="browser", available=True)


def test_the_bridge_of_a_run_follows_the_cached_policy(store: Store) -> None:
    """`worklens-agent run` gives the bridge the policy the agent cached from the server."""
    store.set(Key.POLICY, Policy(version=4, capture_urls=False).model_dump(mode="json"))
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    paired = pairing(store, port=port)
    bridge, _ = open_browser_bridge(store, Policy(version=1))
    assert bridge is not None
    try:
        response = httpx.post(
            f"http://127.0.0.1:{port}/v1/tab",
            json=REPORT,
            headers={"Authorization": f"Bearer {paired.token}", "Origin": ORIGIN},
            timeout=5,
        )
    finally:
        bridge.stop()
    assert response.json()["wanted"] == {"url": False, "title": False}
    assert bridge.tabs.snapshot() == {}
