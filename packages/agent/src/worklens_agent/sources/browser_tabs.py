"""The latest tab each browser reported, and which of them the window in front is showing.

The browser extension reports the active tab of a browser (its URL and title) whenever it changes;
the bridge (browser_bridge.py) keeps the latest report per browser here. The span builder asks
`url_for(window)` on each poll: a URL is attached only when the application in front is a browser
and a report fits it. When the window title is known, a report fits only when the window shows its
title (browsers title their windows "<tab title> - Chromium", "<tab title> — Mozilla Firefox"), so
a report from another browser window or profile is never attached to the wrong one; without
titles (the policy has them off), the latest report of that browser is the best knowledge there is.

Where no window source works (Wayland, no display), the reports themselves say what is in front
(`tab_in_front`, used by browser_window.py): each report says whether its browser has the focus,
the extension says when it loses it, and repeats the focused tab every minute, so a browser that
has not said a word for `STALE_AFTER` (more than two heartbeats) quit or crashed while in front.
"""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

from worklens_agent.sources.window import ActiveWindow

MAX_URL_LENGTH = 2048  # what the wire's AppSpan.url accepts
#: A browser silent for longer than this is taken as gone: the extension repeats the focused tab
#: every minute, so two heartbeats may go missing (a busy or sleeping service worker) first.
STALE_AFTER = dt.timedelta(seconds=150)

#: Executable or application names (lowercase, without ".exe") of browsers, by the family name the
#: extension reports for itself.
BROWSER_APPS: dict[str, frozenset[str]] = {
    "chromium": frozenset({"chromium", "chromium-browser", "chromium-freeworld"}),
    "chrome": frozenset(
        {"chrome", "google-chrome", "google-chrome-stable", "google-chrome-beta", "google chrome"}
    ),
    "firefox": frozenset({"firefox", "firefox-esr", "firefox-bin", "firefox-developer-edition"}),
    "brave": frozenset({"brave", "brave-browser", "brave browser"}),
    "edge": frozenset({"msedge", "microsoft-edge", "microsoft-edge-stable", "microsoft edge"}),
    "vivaldi": frozenset({"vivaldi", "vivaldi-bin", "vivaldi-stable"}),
    "opera": frozenset({"opera"}),
}
#: A family name is an application name too: the tab source (browser_window.py) names the
#: application in front after the family its extension reported.
_FAMILY_OF_APP = {family: family for family in BROWSER_APPS} | {
    app: family for family, apps in BROWSER_APPS.items() for app in apps
}


def browser_family(app: str) -> str | None:
    """The browser family an application name belongs to, or None when it is not a browser."""
    name = app.strip().lower()
    name = name.removesuffix(".exe").removesuffix(".app")
    return _FAMILY_OF_APP.get(name)


def clean_url(url: str) -> str | None:
    """The URL without credentials (user:password@) or fragment, cut to what the wire accepts."""
    try:
        parts = urlsplit(url.strip())
        host = parts.hostname or ""
        port = parts.port
    except ValueError:
        return None
    if not parts.scheme:
        return None
    if ":" in host:  # an IPv6 literal keeps its brackets
        host = f"[{host}]"
    netloc = host if port is None else f"{host}:{port}"
    cleaned = urlunsplit((parts.scheme, netloc, parts.path, parts.query, ""))
    return cleaned[:MAX_URL_LENGTH] or None


@dataclass(frozen=True)
class TabReport:
    browser: str
    url: str | None
    title: str | None
    tab_id: int | None
    reported_at: dt.datetime  # when the extension says the tab changed
    received_at: dt.datetime  # when the bridge received it


@dataclass(frozen=True)
class BrowserFocus:
    """What a browser's latest report said about its focus, and when the bridge received it."""

    focused: bool
    received_at: dt.datetime


def title_matches(window_title: str, tab_title: str) -> bool:
    """Whether a browser window titled `window_title` is showing a tab titled `tab_title`."""
    return bool(tab_title) and window_title.startswith(tab_title)


class LatestTabs:
    """The latest tab report and focus per browser family. Written by the bridge's thread, read by
    the tracker."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._latest: dict[str, TabReport] = {}
        self._focus: dict[str, BrowserFocus] = {}

    def put(self, report: TabReport, *, focused: bool = True) -> None:
        """A tab report (an extension older than focus reports only reports tabs in front)."""
        with self._lock:
            self._latest[report.browser] = report
            self._focus[report.browser] = BrowserFocus(focused, report.received_at)

    def lose_focus(self, browser: str, *, received_at: dt.datetime) -> None:
        """The browser said another application came to the front. Its latest tab is kept: a
        window source that sees it in front again needs the URL before the extension repeats it."""
        with self._lock:
            self._focus[browser] = BrowserFocus(False, received_at)

    def clear(self) -> None:
        """Forget every report (URLs were turned off: nothing already received may be used)."""
        with self._lock:
            self._latest.clear()
            self._focus.clear()

    def focus(self) -> dict[str, BrowserFocus]:
        with self._lock:
            return dict(self._focus)

    def tab_in_front(
        self, now: dt.datetime, *, stale_after: dt.timedelta = STALE_AFTER
    ) -> TabReport | None:
        """The tab of the browser that most recently reported having the focus, among those whose
        latest report says so and is recent; otherwise None (another application is in front, or
        every browser went quiet). Not simply the last browser to speak: when the focus moves from
        one browser to another, the one losing it may be heard after the one gaining it."""
        with self._lock:
            in_front = [
                (focus.received_at, browser)
                for browser, focus in self._focus.items()
                if focus.focused and now - focus.received_at <= stale_after
            ]
            if not in_front:
                return None
            _, browser = max(in_front)
            return self._latest.get(browser)

    def snapshot(self) -> dict[str, TabReport]:
        with self._lock:
            return dict(self._latest)

    def url_for(self, window: ActiveWindow) -> str | None:
        """The URL of the tab `window` shows, when it is a browser window and a report fits it."""
        reports = self.snapshot()
        family = browser_family(window.app)
        if family is None and window.app in reports:
            # A browser the table does not know, which reported itself under this very name.
            family = window.app
        if family is None:
            return None
        own = reports.get(family)
        if own is not None and (window.title is None or own.title is None):
            return own.url  # nothing to compare (titles off, now or then): the latest report
        if window.title is None:
            return None
        # The browser's own report first; another family's only when the window shows its title
        # (an extension may name a Chromium derivative differently from its executable).
        candidates = [own] if own is not None else []
        candidates += [report for name, report in reports.items() if name != family]
        for report in candidates:
            if report.title is not None and title_matches(window.title, report.title):
                return report.url
        return None
