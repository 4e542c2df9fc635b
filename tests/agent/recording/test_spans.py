"""App span building with a fake clock and a scripted window source (no display, no sleeping)."""

from __future__ import annotations

import datetime as dt

import pytest
from agent_fake_clock import FakeClock

from worklens_agent.journal.outbox import Outbox
from worklens_agent.journal.store import Store
from worklens_agent.recording.entries import start_entry, stop_entry
from worklens_agent.recording.spans import SpanBuilder
from worklens_agent.recording.tracker import Tracker
from worklens_agent.sources.base import NO_ACTIVITY, ActivitySample
from worklens_agent.sources.browser_tabs import LatestTabs, TabReport, browser_family, clean_url
from worklens_agent.sources.window import ActiveWindow
from worklens_wire.v1 import AppSpan, Policy

T0 = dt.datetime(2026, 3, 2, 9, 0, 0, tzinfo=dt.UTC)  # a multiple of every slot length used here
EDITOR = ActiveWindow("code", "spans.py - worklens")
BROWSER = ActiveWindow("firefox", "Pull requests")


class NoActivity:
    def sample(self) -> ActivitySample:
        return NO_ACTIVITY

    def close(self) -> None:
        return None


class FakeWindows:
    """Shows `front`; records each poll and whether the title was asked for."""

    def __init__(self, front: ActiveWindow | None = None) -> None:
        self.front = front
        self.polls: list[bool] = []
        self.closed = False

    def active_window(self, *, read_title: bool = True) -> ActiveWindow | None:
        self.polls.append(read_title)
        if self.front is None:
            return None
        return self.front if read_title else ActiveWindow(self.front.app, None)

    def close(self) -> None:
        self.closed = True


def _at(seconds: float) -> dt.datetime:
    return T0 + dt.timedelta(seconds=seconds)


def _setup(
    store: Store, policy: Policy, *, start: float = 0.0
) -> tuple[Tracker, FakeClock, FakeWindows]:
    clock = FakeClock(_at(start))
    windows = FakeWindows()
    tracker = Tracker(store, NoActivity(), lambda: policy, clock, window=windows)
    return tracker, clock, windows


def _run(tracker: Tracker, clock: FakeClock, seconds: int, step: float = 1.0) -> None:
    for _ in range(round(seconds / step)):
        clock.advance(step)
        tracker.tick()


def _spans(store: Store) -> list[AppSpan]:
    return [AppSpan.model_validate_json(i.payload) for i in Outbox(store).items("app_span")]


def _plain(spans: list[AppSpan]) -> list[tuple[str, str | None, float, float]]:
    return [
        (s.app, s.title, (s.started_at - T0).total_seconds(), (s.ended_at - T0).total_seconds())
        for s in spans
    ]


def test_a_span_per_window_change_and_spans_end_at_the_stop(store: Store) -> None:
    tracker, clock, windows = _setup(store, Policy(version=1, slot_seconds=600))
    windows.front = EDITOR
    entry = start_entry(store, now=clock())
    _run(tracker, clock, 5)
    assert _spans(store) == []  # the open span is recorded only when it ends
    windows.front = BROWSER
    _run(tracker, clock, 3)
    windows.front = EDITOR
    _run(tracker, clock, 4)
    stop_entry(store, now=clock())
    _run(tracker, clock, 2)
    spans = _spans(store)
    # Each change is seen at the first tick after it; the first span starts at the entry's start.
    assert _plain(spans) == [
        ("code", "spans.py - worklens", 0, 6),
        ("firefox", "Pull requests", 6, 9),
        ("code", "spans.py - worklens", 9, 12),
    ]
    assert {s.time_entry_id for s in spans} == {entry.id}
    assert all(s.url is None for s in spans)  # URLs come from the browser bridge
    durations = sum((s.ended_at - s.started_at).total_seconds() for s in spans)
    assert durations == (clock() - dt.timedelta(seconds=2) - entry.started_at).total_seconds()


def test_spans_never_cross_a_slot_boundary(store: Store) -> None:
    tracker, clock, windows = _setup(store, Policy(version=1, slot_seconds=10), start=3)
    windows.front = EDITOR
    start_entry(store, now=clock())  # 09:00:03
    _run(tracker, clock, 12)  # through the 09:00:10 boundary to 09:00:15
    windows.front = BROWSER
    _run(tracker, clock, 9)  # to 09:00:24
    tracker.flush()  # shutdown at 09:00:24
    assert _plain(_spans(store)) == [
        ("code", "spans.py - worklens", 3, 10),
        ("code", "spans.py - worklens", 10, 16),
        ("firefox", "Pull requests", 16, 20),
        ("firefox", "Pull requests", 20, 24),
    ]
    slots = [i.payload for i in Outbox(store).items("slot")]
    assert len(slots) == 3  # 03-10, 10-20, 20-24: one span run per slot


def test_spans_of_two_entries_stay_apart(store: Store) -> None:
    tracker, clock, windows = _setup(store, Policy(version=1, slot_seconds=600))
    windows.front = EDITOR
    first = start_entry(store, now=clock())
    _run(tracker, clock, 4)
    stop_entry(store, now=clock())
    second = start_entry(store, now=clock())  # stopped and started within one tick
    _run(tracker, clock, 3)
    stop_entry(store, now=clock())
    _run(tracker, clock, 1)
    spans = _spans(store)
    assert [(s.time_entry_id, s.started_at, s.ended_at) for s in spans] == [
        (first.id, _at(0), _at(4)),
        (second.id, _at(4), _at(7)),  # from the second entry's start, not from the first poll
    ]


def test_no_window_in_front_means_no_span(store: Store) -> None:
    tracker, clock, windows = _setup(store, Policy(version=1))
    start_entry(store, now=clock())
    windows.front = EDITOR
    _run(tracker, clock, 3)
    windows.front = None  # the desktop, a lock screen
    _run(tracker, clock, 10)
    windows.front = BROWSER
    _run(tracker, clock, 2)
    tracker.flush()
    assert _plain(_spans(store)) == [
        ("code", "spans.py - worklens", 0, 4),
        ("firefox", "Pull requests", 14, 15),  # starts where it was seen, not at the last span
    ]


def test_a_restarted_agent_starts_spans_where_it_first_looks(store: Store) -> None:
    policy = Policy(version=1, slot_seconds=600)
    tracker, clock, windows = _setup(store, policy)
    windows.front = EDITOR
    start_entry(store, now=clock())
    _run(tracker, clock, 5)
    tracker.flush()  # the agent stops at 09:00:05; the entry stays open
    clock.advance(60)
    restarted = Tracker(store, NoActivity(), lambda: policy, clock, window=windows)
    for _ in range(3):
        clock.advance(1)
        restarted.tick()
    restarted.flush()
    assert _plain(_spans(store)) == [
        ("code", "spans.py - worklens", 0, 5),
        ("code", "spans.py - worklens", 66, 68),  # nobody saw 09:00:05-09:01:06
    ]


def test_sub_second_ticks_give_boundaries_within_a_second(store: Store) -> None:
    tracker, clock, windows = _setup(store, Policy(version=1))
    windows.front = EDITOR
    start_entry(store, now=clock())
    _run(tracker, clock, 3, step=0.5)
    windows.front = BROWSER
    _run(tracker, clock, 2, step=0.5)
    tracker.flush()
    assert _plain(_spans(store)) == [
        ("code", "spans.py - worklens", 0, 3.5),
        ("firefox", "Pull requests", 3.5, 5),
    ]


def test_apps_off_means_no_spans_and_no_polls(store: Store) -> None:
    tracker, clock, windows = _setup(store, Policy(version=1, capture_apps=False))
    windows.front = EDITOR
    start_entry(store, now=clock())
    _run(tracker, clock, 5)
    stop_entry(store, now=clock())
    _run(tracker, clock, 1)
    assert windows.polls == []
    assert _spans(store) == []
    assert len(Outbox(store).items("slot")) == 1  # time is still tracked


def test_titles_off_means_title_none_and_never_read(store: Store) -> None:
    tracker, clock, windows = _setup(store, Policy(version=1, capture_titles=False))
    windows.front = EDITOR
    start_entry(store, now=clock())
    _run(tracker, clock, 3)
    windows.front = ActiveWindow("code", "another file")  # a title change alone is not seen
    _run(tracker, clock, 3)
    tracker.flush()
    assert windows.polls
    assert not any(windows.polls)
    assert _plain(_spans(store)) == [("code", None, 0, 6)]


def test_a_backend_title_is_dropped_when_titles_are_off(store: Store) -> None:
    class LeakyWindows(FakeWindows):
        def active_window(self, *, read_title: bool = True) -> ActiveWindow | None:
            return EDITOR  # ignores read_title

    builder = SpanBuilder(store, LeakyWindows())
    entry = start_entry(store, now=T0)
    policy = Policy(version=1, capture_titles=False)
    builder.begin(T0)
    builder.poll(_at(1), entry.id, policy)
    spans = builder.close(_at(3))
    assert _plain(spans) == [("code", None, 0, 3)]


def test_policy_turned_off_mid_span_closes_it(store: Store) -> None:
    policy = Policy(version=1)
    clock = FakeClock(T0)
    windows = FakeWindows(EDITOR)
    tracker = Tracker(store, NoActivity(), lambda: policy, clock, window=windows)
    start_entry(store, now=clock())
    _run(tracker, clock, 4)
    policy = Policy(version=2, capture_apps=False)
    _run(tracker, clock, 4)
    policy = Policy(version=3, capture_titles=False)
    _run(tracker, clock, 2)
    tracker.flush()
    assert _plain(_spans(store)) == [("code", "spans.py - worklens", 0, 5), ("code", None, 9, 10)]


def test_no_window_source_means_no_spans(store: Store) -> None:
    clock = FakeClock(T0)
    tracker = Tracker(store, NoActivity(), lambda: Policy(version=1), clock)
    start_entry(store, now=clock())
    _run(tracker, clock, 3)
    tracker.flush()
    assert _spans(store) == []
    assert len(Outbox(store).items("slot")) == 1


# --- URLs from the browser bridge ---------------------------------------------------------------

CHROMIUM_DOCS = ActiveWindow("chromium", "Guide - Example Docs - Chromium")
DOCS_URL = "https://docs.example.com/guide"


def _report(browser: str, url: str, title: str | None) -> TabReport:
    return TabReport(browser, url, title, tab_id=1, reported_at=T0, received_at=T0)


def _setup_with_tabs(
    store: Store, policy: Policy
) -> tuple[Tracker, FakeClock, FakeWindows, LatestTabs]:
    clock = FakeClock(T0)
    windows = FakeWindows()
    tabs = LatestTabs()
    tracker = Tracker(store, NoActivity(), lambda: policy, clock, window=windows, browser=tabs)
    return tracker, clock, windows, tabs


def _with_urls(spans: list[AppSpan]) -> list[tuple[str, str | None, float, float]]:
    return [
        (s.app, s.url, (s.started_at - T0).total_seconds(), (s.ended_at - T0).total_seconds())
        for s in spans
    ]


def test_a_browser_span_carries_the_url_and_a_url_change_splits_it(store: Store) -> None:
    tracker, clock, windows, tabs = _setup_with_tabs(store, Policy(version=1))
    windows.front = CHROMIUM_DOCS
    tabs.put(_report("chromium", DOCS_URL, "Guide - Example Docs"))
    start_entry(store, now=clock())
    _run(tracker, clock, 3)
    # A link followed inside the same page title: only the URL changes.
    tabs.put(_report("chromium", DOCS_URL + "/part-2", "Guide - Example Docs"))
    _run(tracker, clock, 2)
    windows.front = EDITOR
    _run(tracker, clock, 2)
    tracker.flush()
    assert _with_urls(_spans(store)) == [
        ("chromium", DOCS_URL, 0, 4),
        ("chromium", DOCS_URL + "/part-2", 4, 6),
        ("code", None, 6, 7),  # not a browser: no URL, whatever the browser last reported
    ]


def test_no_url_when_the_window_does_not_show_the_reported_tab(store: Store) -> None:
    tracker, clock, windows, tabs = _setup_with_tabs(store, Policy(version=1))
    # Another Chromium window (or profile) reported last; the one in front shows something else.
    tabs.put(_report("chromium", DOCS_URL, "Guide - Example Docs"))
    windows.front = ActiveWindow("chromium", "Inbox - Mail - Chromium")
    start_entry(store, now=clock())
    _run(tracker, clock, 2)
    tracker.flush()
    assert _with_urls(_spans(store)) == [("chromium", None, 0, 2)]


def test_without_titles_the_latest_report_of_that_browser_is_used(store: Store) -> None:
    tracker, clock, windows, tabs = _setup_with_tabs(store, Policy(version=1, capture_titles=False))
    tabs.put(_report("chromium", DOCS_URL, None))
    tabs.put(_report("firefox", "https://other.example/", None))
    windows.front = CHROMIUM_DOCS
    start_entry(store, now=clock())
    _run(tracker, clock, 2)
    windows.front = ActiveWindow("firefox-esr", "Other — Mozilla Firefox")
    _run(tracker, clock, 2)
    tracker.flush()
    assert _plain(_spans(store)) == [("chromium", None, 0, 3), ("firefox-esr", None, 3, 4)]
    assert [s.url for s in _spans(store)] == [DOCS_URL, "https://other.example/"]


def test_urls_off_means_no_url_on_any_span(store: Store) -> None:
    tracker, clock, windows, tabs = _setup_with_tabs(store, Policy(version=1, capture_urls=False))
    tabs.put(_report("chromium", DOCS_URL, "Guide - Example Docs"))
    windows.front = CHROMIUM_DOCS
    start_entry(store, now=clock())
    _run(tracker, clock, 2)
    tabs.put(_report("chromium", DOCS_URL + "/part-2", "Guide - Example Docs"))
    _run(tracker, clock, 2)
    tracker.flush()
    # One span: with URLs off a URL change is not even seen.
    assert _with_urls(_spans(store)) == [("chromium", None, 0, 4)]
    assert _plain(_spans(store)) == [("chromium", CHROMIUM_DOCS.title, 0, 4)]


def test_a_derivative_reporting_another_family_matches_by_title() -> None:
    tabs = LatestTabs()
    tabs.put(_report("chrome", DOCS_URL, "Guide - Example Docs"))
    assert tabs.url_for(ActiveWindow("chromium", "Guide - Example Docs - Chromium")) == DOCS_URL
    assert tabs.url_for(ActiveWindow("chromium", "Something else - Chromium")) is None
    assert tabs.url_for(ActiveWindow("chromium", None)) is None  # no title, no own report
    tabs.put(_report("chromium", "https://own.example/", None))  # sent while titles were off
    assert tabs.url_for(ActiveWindow("chromium", "Own page - Chromium")) == "https://own.example/"


@pytest.mark.parametrize(
    ("app", "family"),
    [
        ("chromium", "chromium"),
        ("google-chrome", "chrome"),
        ("chrome.exe", "chrome"),
        ("Google Chrome", "chrome"),
        ("firefox-esr", "firefox"),
        ("firefox.exe", "firefox"),
        ("msedge.exe", "edge"),
        ("brave", "brave"),
        ("code", None),
        ("python3.11", None),
    ],
)
def test_browser_family_of_app_names(app: str, family: str | None) -> None:
    assert browser_family(app) == family


@pytest.mark.parametrize(
    ("url", "cleaned"),
    [
        ("https://u:p@example.com/a?b=1#frag", "https://example.com/a?b=1"),
        ("http://[::1]:8080/x", "http://[::1]:8080/x"),
        ("chrome://settings/", "chrome://settings/"),
        ("not a url", None),
        ("http://example.com:99999/", None),
    ],
)
def test_clean_url_drops_credentials_and_fragment(url: str, cleaned: str | None) -> None:
    assert clean_url(url) == cleaned
