"""The browser's tab in front as the window source, where no real window source works.

On Wayland, without a display, or when the OS backend fails, the agent cannot see which
application is in front, and would record no app spans at all. The browser extension still knows
while its browser has the focus: it reports the tab in front, says when the browser loses the focus
and repeats the tab every minute (browser_tabs.py, `LatestTabs.tab_in_front`). This source turns
that into an ActiveWindow named after the browser family ("chromium", "firefox"), titled with the
tab's title, so the span builder records browser time (with its URL, from `url_for`) and nothing
for any other application, rather than nothing at all.

It knows only what the policy let the bridge keep: with URLs off the extension sends nothing and
the bridge stores nothing, so there is no browser-only span either; with titles off the reports
have no title. `worklens-agent status` and the devices page say the window source is unavailable
and that app spans come from browser tabs only (`stand_in_availability`). `worklens-agent run`
opens it only when the real window source did not open and the bridge did (`stand_in_for_window`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from worklens_agent.clock import utcnow
from worklens_agent.sources import OpenedSources
from worklens_agent.sources.browser_bridge import Wanted
from worklens_agent.sources.browser_tabs import STALE_AFTER, LatestTabs
from worklens_agent.sources.window import ActiveWindow, active_window, print_window_every_second
from worklens_wire.v1 import CaptureSource, Policy

MAX_REASON_LENGTH = 255  # what the wire's CaptureSource.reason accepts
BROWSER_TABS_ONLY = "app spans come from browser tabs only (the WorkLens extension)"


class BrowserTabWindowSource:
    """A WindowSource answering with the focused browser's tab, or None for anything else."""

    def __init__(
        self,
        tabs: LatestTabs,
        *,
        clock: Callable[[], dt.datetime] = utcnow,
        stale_after: dt.timedelta = STALE_AFTER,
    ) -> None:
        self._tabs = tabs
        self._clock = clock
        self._stale_after = stale_after

    def active_window(self, *, read_title: bool = True) -> ActiveWindow | None:
        tab = self._tabs.tab_in_front(self._clock(), stale_after=self._stale_after)
        if tab is None:
            return None
        return active_window(tab.browser, tab.title if read_title else None)

    def close(self) -> None:
        return None  # the bridge that fills the tabs is stopped by its owner


def stand_in_for_window(opened: OpenedSources, tabs: LatestTabs | None, policy: Policy) -> None:
    """Let browser tabs stand in when no window source opened and the bridge did (`tabs`)."""
    if opened.window is not None or tabs is None:
        return
    opened.window = BrowserTabWindowSource(tabs)
    opened.availability = [
        stand_in_availability(source, policy) if source.name == "window" else source
        for source in opened.availability
    ]


def stand_in_availability(window: CaptureSource, policy: Policy) -> CaptureSource:
    """The window source's availability once browser tabs stand in for it: still unavailable, with
    its reason, and, when the policy lets URLs through, that app spans come from browser tabs."""
    if not Wanted.by(policy).url:
        return window  # the bridge keeps nothing then: no span comes from the tabs either
    reason = f"{window.reason}; {BROWSER_TABS_ONLY}" if window.reason else BROWSER_TABS_ONLY
    return CaptureSource(name="window", available=False, reason=reason[:MAX_REASON_LENGTH])


def main() -> None:
    """Run by hand: the bridge on the paired port of this user's agent home (stop the agent
    first: it holds the port), printing the window this source sees each second."""
    from worklens_agent.desktop.home import resolve_home
    from worklens_agent.journal.policy import cached_policy
    from worklens_agent.journal.store import Store
    from worklens_agent.sources.browser_bridge import open_browser_bridge

    with Store(resolve_home()) as store:
        bridge, availability = open_browser_bridge(store, cached_policy(store))
    if bridge is None:
        raise SystemExit(availability.reason)
    try:
        print_window_every_second(BrowserTabWindowSource(bridge.tabs))
    finally:
        bridge.stop()


if __name__ == "__main__":
    main()
