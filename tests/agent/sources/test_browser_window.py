"""Browser tabs standing in for the window source (no display, Wayland): the focus and staleness
of the latest reports, the source built on them, and the app spans a tracker records with it.
A fake clock drives both the tracker and the source; nothing sleeps."""

from __future__ import annotations

import datetime as dt

from agent_fake_clock import FakeClock

from worklens_agent.journal.outbox import Outbox
from worklens_agent.journal.store import Store
from worklens_agent.recording.entries import start_entry
from worklens_agent.recording.tracker import Tracker
from worklens_agent.sources import OpenedSources
from worklens_agent.sources.base import NO_ACTIVITY, ActivitySample, TimeOnlySource
from worklens_agent.sources.browser_tabs import (
    STALE_AFTER,
    LatestTabs,
    TabReport,
    browser_family,
    title_matches,
)
from worklens_agent.sources.browser_window import (
    BROWSER_TABS_ONLY,
    BrowserTabWindowSource,
    stand_in_availability,
    stand_in_for_window,
)
from worklens_agent.sources.window import ActiveWindow, WindowSource
from worklens_wire.v1 import AppSpan, CaptureSource, Policy

T0 = dt.datetime(2026, 3, 2, 9, 0, 0, tzinfo=dt.UTC)
DOCS_URL = "https://docs.example.com/guide"
MAIL_URL = "https://mail.example.com/inbox"
NO_DISPLAY = CaptureSource(
    name="window", available=False, reason="no X display (DISPLAY is not set)"
)


def _at(seconds: float) -> dt.datetime:
    return T0 + dt.timedelta(seconds=seconds)


def _report(browser: str, url: str, title: str | None, *, at: float = 0) -> TabReport:
    return TabReport(browser, url, title, tab_id=1, reported_at=_at(at), received_at=_at(at))


# --- LatestTabs: which browser tab is in front --------------------------------------------------


def test_no_report_means_no_tab_in_front() -> None:
    assert LatestTabs().tab_in_front(T0) is None


def test_a_tab_report_is_in_front_until_it_goes_stale() -> None:
    tabs = LatestTabs()
    docs = _report("chromium", DOCS_URL, "Guide", at=0)
    tabs.put(docs)
    assert tabs.tab_in_front(_at(1)) == docs
    assert tabs.tab_in_front(T0 + STALE_AFTER) == docs  # a missed heartbeat or two is fine
    # Silent for longer than two heartbeats and a half: the browser quit or crashed in front.
    assert tabs.tab_in_front(T0 + STALE_AFTER + dt.timedelta(seconds=1)) is None
    assert tabs.tab_in_front(_at(10), stale_after=dt.timedelta(seconds=5)) is None


def test_a_heartbeat_keeps_the_tab_in_front() -> None:
    tabs = LatestTabs()
    tabs.put(_report("chromium", DOCS_URL, "Guide", at=0))
    tabs.put(_report("chromium", DOCS_URL, "Guide", at=60))
    tabs.put(_report("chromium", DOCS_URL, "Guide", at=120))
    in_front = tabs.tab_in_front(_at(250))
    assert in_front is not None
    assert in_front.url == DOCS_URL


def test_focus_lost_means_no_tab_in_front_and_the_tab_is_kept() -> None:
    tabs = LatestTabs()
    tabs.put(_report("chromium", DOCS_URL, "Guide", at=0))
    tabs.lose_focus("chromium", received_at=_at(5))
    assert tabs.tab_in_front(_at(6)) is None
    # A window source that sees the browser in front again still gets the URL at once.
    assert tabs.url_for(ActiveWindow("chromium", "Guide - Chromium")) == DOCS_URL
    assert tabs.focus()["chromium"].focused is False
    tabs.put(_report("chromium", DOCS_URL, "Guide", at=9))  # back to the same tab
    assert tabs.tab_in_front(_at(10)) == _report("chromium", DOCS_URL, "Guide", at=9)


def test_a_tab_reported_without_focus_is_not_in_front() -> None:
    tabs = LatestTabs()
    tabs.put(_report("chromium", DOCS_URL, "Guide", at=0), focused=False)
    assert tabs.tab_in_front(_at(1)) is None
    assert tabs.snapshot()["chromium"].url == DOCS_URL


def test_the_browser_that_most_recently_took_the_focus_is_in_front() -> None:
    tabs = LatestTabs()
    tabs.put(_report("firefox", MAIL_URL, "Inbox", at=0))
    tabs.put(_report("chromium", DOCS_URL, "Guide", at=3))
    assert tabs.tab_in_front(_at(4)) == _report("chromium", DOCS_URL, "Guide", at=3)
    # The focus moves back to Firefox; Chromium's word that it lost it comes after Firefox's tab.
    tabs.put(_report("firefox", MAIL_URL, "Inbox", at=8))
    tabs.lose_focus("chromium", received_at=_at(8.1))
    assert tabs.tab_in_front(_at(9)) == _report("firefox", MAIL_URL, "Inbox", at=8)
    tabs.lose_focus("firefox", received_at=_at(12))  # a terminal came to the front
    assert tabs.tab_in_front(_at(13)) is None


def test_clear_forgets_focus_too() -> None:
    tabs = LatestTabs()
    tabs.put(_report("chromium", DOCS_URL, "Guide", at=0))
    tabs.clear()
    assert tabs.tab_in_front(_at(1)) is None
    assert tabs.focus() == {}


# --- the window source --------------------------------------------------------------------------


def test_the_source_names_the_browser_and_the_tab_title() -> None:
    tabs, clock = LatestTabs(), FakeClock(_at(1))
    source = BrowserTabWindowSource(tabs, clock=clock)
    assert source.active_window() is None
    tabs.put(_report("chromium", DOCS_URL, "Guide - Example Docs", at=0))
    assert source.active_window() == ActiveWindow("chromium", "Guide - Example Docs")
    assert source.active_window(read_title=False) == ActiveWindow("chromium", None)
    clock.advance(STALE_AFTER.total_seconds())
    assert source.active_window() is None
    source.close()


def test_the_source_has_no_title_when_the_report_has_none() -> None:
    tabs = LatestTabs()
    tabs.put(_report("firefox", MAIL_URL, None, at=0))  # sent while titles were off
    source = BrowserTabWindowSource(tabs, clock=FakeClock(_at(1)))
    assert source.active_window() == ActiveWindow("firefox", None)


def test_url_for_attaches_the_url_to_what_the_source_shows() -> None:
    tabs = LatestTabs()
    source = BrowserTabWindowSource(tabs, clock=FakeClock(_at(10)))
    families = ("chromium", "chrome", "firefox", "edge", "brave", "vivaldi", "opera")
    for second, family in enumerate(families):  # each the latest to take the focus in turn
        tabs.put(_report(family, f"https://{family}.example/", f"Page in {family}", at=second))
        window = source.active_window()
        assert window is not None
        assert browser_family(window.app) == family  # a family name is a browser's app name
        assert window.title is not None
        assert title_matches(window.title, f"Page in {family}")
        assert tabs.url_for(window) == f"https://{family}.example/"
        untitled = source.active_window(read_title=False)
        assert untitled is not None
        assert tabs.url_for(untitled) == f"https://{family}.example/"


def test_a_browser_the_table_does_not_know_gets_its_url_by_its_own_name() -> None:
    tabs = LatestTabs()
    tabs.put(_report("librewolf", DOCS_URL, "Guide", at=0))
    window = BrowserTabWindowSource(tabs, clock=FakeClock(_at(1))).active_window()
    assert window == ActiveWindow("librewolf", "Guide")
    assert tabs.url_for(window) == DOCS_URL
    assert tabs.url_for(ActiveWindow("code", "Guide")) is None  # not a browser that reported


# --- spans recorded with it ---------------------------------------------------------------------


class NoActivity:
    def sample(self) -> ActivitySample:
        return NO_ACTIVITY

    def close(self) -> None:
        return None


def _tracker(store: Store, policy: Policy) -> tuple[Tracker, FakeClock, LatestTabs]:
    clock = FakeClock(T0)
    tabs = LatestTabs()
    source = BrowserTabWindowSource(tabs, clock=clock)
    tracker = Tracker(store, NoActivity(), lambda: policy, clock, window=source, browser=tabs)
    return tracker, clock, tabs


def _run(tracker: Tracker, clock: FakeClock, seconds: int) -> None:
    for _ in range(seconds):
        clock.advance(1)
        tracker.tick()


def _spans(store: Store) -> list[tuple[str, str | None, str | None, float, float]]:
    spans = [AppSpan.model_validate_json(i.payload) for i in Outbox(store).items("app_span")]
    return [
        (
            s.app,
            s.title,
            s.url,
            (s.started_at - T0).total_seconds(),
            (s.ended_at - T0).total_seconds(),
        )
        for s in spans
    ]


def _received(tabs: LatestTabs, clock: FakeClock, url: str, title: str | None) -> None:
    tabs.put(TabReport("chromium", url, title, tab_id=1, reported_at=clock(), received_at=clock()))


def test_browser_spans_follow_the_tabs_and_end_when_the_focus_goes(store: Store) -> None:
    tracker, clock, tabs = _tracker(store, Policy(version=1, slot_seconds=600))
    _received(tabs, clock, DOCS_URL, "Guide")
    start_entry(store, now=clock())
    _run(tracker, clock, 3)
    _received(tabs, clock, MAIL_URL, "Inbox")
    _run(tracker, clock, 2)
    tabs.lose_focus("chromium", received_at=clock())  # another application: nothing is known
    _run(tracker, clock, 3)
    _received(tabs, clock, MAIL_URL, "Inbox")
    _run(tracker, clock, 2)
    tracker.flush()
    assert _spans(store) == [
        ("chromium", "Guide", DOCS_URL, 0, 4),
        ("chromium", "Inbox", MAIL_URL, 4, 6),
        ("chromium", "Inbox", MAIL_URL, 9, 10),
    ]


def test_a_browser_gone_silent_ends_its_span_after_the_staleness_limit(store: Store) -> None:
    tracker, clock, tabs = _tracker(store, Policy(version=1, slot_seconds=3600))
    _received(tabs, clock, DOCS_URL, "Guide")
    start_entry(store, now=clock())
    stale_seconds = int(STALE_AFTER.total_seconds())
    _run(tracker, clock, stale_seconds + 5)  # the browser crashed at once: no heartbeat came
    tracker.flush()
    assert _spans(store) == [("chromium", "Guide", DOCS_URL, 0, stale_seconds + 1)]


def test_titles_off_records_the_browser_and_url_without_title(store: Store) -> None:
    tracker, clock, tabs = _tracker(store, Policy(version=1, capture_titles=False))
    _received(tabs, clock, DOCS_URL, "Guide")  # a title the bridge would not have kept anyway
    start_entry(store, now=clock())
    _run(tracker, clock, 2)
    tracker.flush()
    assert _spans(store) == [("chromium", None, DOCS_URL, 0, 2)]


def test_apps_off_records_nothing(store: Store) -> None:
    tracker, clock, tabs = _tracker(store, Policy(version=1, capture_apps=False))
    _received(tabs, clock, DOCS_URL, "Guide")
    start_entry(store, now=clock())
    _run(tracker, clock, 2)
    tracker.flush()
    assert _spans(store) == []


# --- how `worklens-agent run` opens it, and what it reports ------------------------------------


def _opened(window: WindowSource | None = None) -> OpenedSources:
    availability = [CaptureSource(name="time", available=True), NO_DISPLAY]
    return OpenedSources(TimeOnlySource(), availability, window=window)


def test_tabs_stand_in_when_no_window_source_opened() -> None:
    opened = _opened()
    stand_in_for_window(opened, LatestTabs(), Policy(version=1))
    assert isinstance(opened.window, BrowserTabWindowSource)
    assert opened.availability[1] == CaptureSource(
        name="window",
        available=False,
        reason=f"no X display (DISPLAY is not set); {BROWSER_TABS_ONLY}",
    )
    assert "app spans come from browser tabs only" in opened.availability[1].reason


def test_tabs_do_not_stand_in_for_a_working_window_source_or_without_a_bridge() -> None:
    class RealWindows:
        def active_window(self, *, read_title: bool = True) -> ActiveWindow | None:
            return None

        def close(self) -> None:
            return None

    real = RealWindows()
    working = _opened(real)
    stand_in_for_window(working, LatestTabs(), Policy(version=1))
    assert working.window is real
    no_bridge = _opened()
    stand_in_for_window(no_bridge, None, Policy(version=1))
    assert no_bridge.window is None
    assert no_bridge.availability[1] == NO_DISPLAY


def test_without_urls_the_reason_does_not_promise_browser_spans() -> None:
    for policy in (Policy(version=1, capture_urls=False), Policy(version=1, capture_apps=False)):
        assert stand_in_availability(NO_DISPLAY, policy) == NO_DISPLAY


def test_a_long_reason_is_cut_to_what_the_wire_accepts() -> None:
    long = CaptureSource(name="window", available=False, reason="x" * 250)
    assert len(stand_in_availability(long, Policy(version=1)).reason) == 255
