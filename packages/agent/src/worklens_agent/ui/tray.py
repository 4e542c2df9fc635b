"""The tray icon (pystray). Its menu is `model.menu_entries`; clicks become actions on a queue
that the Tk main loop drains, because Tk must only be touched from the thread that created it.

pystray's X11 backend (used when neither AppIndicator nor GTK bindings are installed) draws the
icon but has no menu and no notifications: there a click opens the WorkLens window, which holds
the same menu, and notices appear as small Tk windows instead.
"""

from __future__ import annotations

import logging
import queue
import sys
from collections.abc import Callable
from typing import Any

from worklens_agent.desktop.display import display_problem
from worklens_agent.ui.icons import state_icon
from worklens_agent.ui.model import Action, MenuEntry, Snapshot, menu_entries

log = logging.getLogger(__name__)

ICON_NAME = "WorkLens"


def tray_host_present() -> bool:
    """Whether an icon would be seen: always on Windows and macOS; on X11 only when a system
    tray (the owner of the _NET_SYSTEM_TRAY_S<screen> selection) is running."""
    if sys.platform in ("win32", "darwin"):
        return True
    if display_problem() is not None:
        return False
    try:
        from Xlib import X
        from Xlib.display import Display
        from Xlib.error import DisplayError
    except ImportError:
        return False
    from worklens_agent.desktop.xlib_errors import skip_misregistered_extensions

    # Before the first display of the process: python-xlib shares its error table between
    # displays, so one opened with RandR loaded breaks BadValue handling for all (pystray's too).
    skip_misregistered_extensions()
    try:
        display = Display()
    except (DisplayError, OSError) as exc:
        log.warning("cannot open the X display: %s", exc)
        return False
    try:
        atom = display.intern_atom(f"_NET_SYSTEM_TRAY_S{display.get_default_screen()}")
        owner = display.get_selection_owner(atom)
        return bool(owner != X.NONE)
    finally:
        display.close()


class TrayIcon:
    """The pystray icon, updated from the Tk thread with each new snapshot."""

    def __init__(self, actions: queue.Queue[Action], snapshot: Snapshot) -> None:
        import pystray

        self._pystray: Any = pystray
        self._actions = actions
        self._snapshot = snapshot
        self._icon: Any = pystray.Icon(
            ICON_NAME, state_icon(snapshot.state), snapshot.title, menu=self._menu(snapshot)
        )

        self._listen_for_clicks()

    def _listen_for_clicks(self) -> None:
        """pystray's X11 icon window asks only for expose and structure events, so a click
        never reaches its click handler; add button presses to what the window listens for."""
        window, display = (
            getattr(self._icon, "_window", None),
            getattr(self._icon, "_display", None),
        )
        if window is None or display is None:
            return
        from Xlib import X

        window.change_attributes(
            event_mask=X.ExposureMask | X.StructureNotifyMask | X.ButtonPressMask
        )
        display.flush()

    @property
    def has_menu(self) -> bool:
        return bool(self._icon.HAS_MENU)

    @property
    def has_notifications(self) -> bool:
        return bool(self._icon.HAS_NOTIFICATION)

    def _post(self, action: Action) -> Callable[[], None]:
        def post() -> None:
            self._actions.put(action)

        return post

    def _menu(self, snapshot: Snapshot) -> Any:
        pystray = self._pystray
        items = [
            pystray.MenuItem("Open WorkLens", self._post(Action.OPEN), default=True, visible=False),
            pystray.MenuItem(
                lambda _item: self._snapshot.status_line().replace("\n", " — "),
                None,
                enabled=False,
            ),
            pystray.Menu.SEPARATOR,
        ]
        entries: list[MenuEntry] = menu_entries(snapshot)
        for entry in entries:
            if entry.action is Action.QUIT:
                items.append(pystray.Menu.SEPARATOR)
            items.append(
                pystray.MenuItem(entry.label, self._post(entry.action), enabled=entry.enabled)
            )
        return pystray.Menu(*items)

    def start(self) -> None:
        self._icon.run_detached()

    def show(self, snapshot: Snapshot) -> None:
        """Redraw what changed since the last snapshot."""
        previous, self._snapshot = self._snapshot, snapshot
        if previous.state is not snapshot.state:
            self._icon.icon = state_icon(snapshot.state)
        if previous.title != snapshot.title:
            self._icon.title = snapshot.title
        if self.has_menu and menu_entries(previous) != menu_entries(snapshot):
            self._icon.menu = self._menu(snapshot)

    def notify(self, message: str) -> None:
        self._icon.notify(message, "WorkLens")

    def stop(self) -> None:
        self._icon.stop()
