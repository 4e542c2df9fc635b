"""Builds app spans (application, window title, URL in front) while a time entry is open.

The tracker drives this once per tick. Each poll asks the window source what is in front; a new
span starts whenever (app, title, url) changes, and the finished one is recorded in the journal
at once. The tracker also closes the open span at every slot boundary (the same window carries
on in a new span from the boundary) and when the entry stops or the agent shuts down, so a span
never crosses a slot boundary or a time entry.

A change is seen at the first poll after it, so each boundary is late by less than one tick.
The first span of a slot starts at the slot's start when the slot began less than `catch_up` ago
(the entry was just started, or the previous slot just ended); otherwise (the agent restarted
in the middle of an entry) at the poll that first saw the window, so no span claims time nobody
observed.

Policy: capture_apps off records no spans at all and never polls; capture_titles off leaves the
title None and the backend never reads it. The URL comes from the browser bridge's latest tab
reports (sources/browser_tabs.py) when the window in front is a browser's and capture_urls is on;
a URL change (another tab, a link followed) starts a new span like a title change does. Where no
window source works (Wayland, no display), the source is the browser's reports themselves
(sources/browser_window.py): spans are then the focused browser's only, each with its tab's URL.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from dataclasses import dataclass

from worklens_agent.journal.idle_periods import was_discarded
from worklens_agent.journal.items import record_in
from worklens_agent.journal.store import Store
from worklens_agent.sources.browser_tabs import LatestTabs
from worklens_agent.sources.window import ActiveWindow, WindowSource
from worklens_wire import new_id
from worklens_wire.v1 import AppSpan, Policy

log = logging.getLogger(__name__)

DEFAULT_CATCH_UP = dt.timedelta(seconds=2)


@dataclass(frozen=True)
class _Key:
    app: str
    title: str | None
    url: str | None


@dataclass
class _OpenSpan:
    entry_id: uuid.UUID
    started_at: dt.datetime
    key: _Key


class SpanBuilder:
    def __init__(
        self,
        store: Store,
        source: WindowSource | None,
        *,
        catch_up: dt.timedelta = DEFAULT_CATCH_UP,
        browser: LatestTabs | None = None,
    ) -> None:
        self.store = store
        self.source = source
        self.browser = browser
        self.catch_up = catch_up
        self._open: _OpenSpan | None = None
        #: Where the next span may start: the start of the current slot or the end of the last span.
        self._floor: dt.datetime | None = None

    def begin(self, at: dt.datetime) -> None:
        """A slot of an entry began at `at` (nothing was open before it)."""
        self._floor = at

    def poll(self, now: dt.datetime, entry_id: uuid.UUID, policy: Policy) -> list[AppSpan]:
        """Look at the window in front; returns the span finished (and recorded) by a change."""
        if self.source is None or not policy.capture_apps:  # off means not even looked at
            return self.close(now)
        window = self.source.active_window(read_title=policy.capture_titles)
        key = _key(window, policy, self.browser)
        current = self._open
        if current is not None and current.key == key and current.entry_id == entry_id:
            return []
        finished = self.close(now) if current is not None else []
        if key is not None:
            floor = self._floor
            start = floor if floor is not None and now - floor <= self.catch_up else now
            self._open = _OpenSpan(entry_id, min(start, now), key)
        return finished

    def split(self, at: dt.datetime) -> list[AppSpan]:
        """A slot ended at `at` and the entry goes on: the open span ends there and carries on."""
        current = self._open
        finished = self.close(at)
        if current is not None:
            self._open = _OpenSpan(current.entry_id, at, current.key)
        return finished

    def close(self, at: dt.datetime) -> list[AppSpan]:
        """Record the open span up to `at` (window changed, entry stopped, shutdown, policy off)."""
        current, self._open = self._open, None
        if current is None:
            return []
        self._floor = at
        if at <= current.started_at:
            return []
        span = AppSpan(
            id=new_id(),
            time_entry_id=current.entry_id,
            started_at=current.started_at,
            ended_at=at,
            app=current.key.app,
            title=current.key.title,
            url=current.key.url,
        )
        with self.store.transaction() as conn:
            if was_discarded(conn, span.time_entry_id):  # idle time the employee discarded
                return []
            record_in(conn, span)
        log.debug("span %s recorded: %s for %s", span.id, span.app, at - span.started_at)
        return [span]


def _key(window: ActiveWindow | None, policy: Policy, browser: LatestTabs | None) -> _Key | None:
    if window is None:
        return None
    # A backend handed a title although titles are off must not get it recorded (or compared).
    if not policy.capture_titles:
        window = ActiveWindow(window.app, None)
    url = browser.url_for(window) if browser is not None and policy.capture_urls else None
    return _Key(window.app, window.title, url)
