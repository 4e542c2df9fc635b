"""`worklens-agent ui`: the tray icon when a tray exists, else the WorkLens window.

Tk runs on the main thread and owns the store connection. The tray icon (its own thread) and the
project refresh (its own thread and connection) only put messages on queues that the Tk loop
drains every POLL_MS; the store is re-read every REFRESH_MS, so a start or stop from the CLI,
or an upload failure in `worklens-agent run`, shows up within a second.
"""

from __future__ import annotations

import logging
import queue
import subprocess
import sys
import threading
import tkinter as tk
import uuid
import webbrowser
from pathlib import Path

from worklens_agent.clock import utcnow
from worklens_agent.desktop.commands import idle_dialog_command
from worklens_agent.desktop.display import display_problem
from worklens_agent.journal.notices import Notice, take_unshown
from worklens_agent.journal.projects import cached_projects
from worklens_agent.journal.screenshot_files import ScreenshotError, ScreenshotFiles
from worklens_agent.journal.store import Store
from worklens_agent.journal.tracking import current_entry
from worklens_agent.recording.entries import TrackingError
from worklens_agent.ui.chooser import ChooserWindow
from worklens_agent.ui.main_window import MainWindow
from worklens_agent.ui.model import (
    Action,
    Selection,
    collected_url,
    delete_screenshot,
    last_selection,
    queued_items,
    read_snapshot,
    start_tracking,
    stop_tracking,
    waiting_screenshots,
)
from worklens_agent.ui.queue_window import QueueWindow
from worklens_agent.ui.toast import Toast
from worklens_agent.ui.tray import TrayIcon, tray_host_present
from worklens_agent.upload.projects import member_projects

log = logging.getLogger(__name__)

POLL_MS = 200
REFRESH_MS = 1000


def run_ui(home: Path, *, force_window: bool = False) -> int:
    problem = display_problem() if sys.platform.startswith("linux") else None
    if problem is not None:
        print(f"worklens-agent: {problem}", file=sys.stderr)
        return 1
    use_tray = not force_window and tray_host_present()
    with Store(home) as store:
        app = UiApp(home, store, use_tray=use_tray)
        try:
            app.root.mainloop()
        except KeyboardInterrupt:
            app.quit()
    return 0


class UiApp:
    def __init__(self, home: Path, store: Store, *, use_tray: bool) -> None:
        self.home = home
        self.store = store
        self.actions: queue.Queue[Action] = queue.Queue()
        self.projects_fetched: queue.Queue[bool] = queue.Queue()
        self.root = tk.Tk(className="WorkLens")
        self.main = MainWindow(self.root, self.actions.put)
        self.chooser: ChooserWindow | None = None
        self.queue_window: QueueWindow | None = None
        self.toasts: list[Toast] = []
        self.snapshot = read_snapshot(store)
        self.main.show(self.snapshot)
        self.tray: TrayIcon | None = None
        if use_tray:
            try:
                self.tray = TrayIcon(self.actions, self.snapshot)
                self.tray.start()
            except Exception:  # no usable tray after all: the window holds the same menu
                log.exception("could not show the tray icon; showing the WorkLens window")
                self.tray = None
        if self.tray is not None:
            self.root.withdraw()
            self.root.protocol("WM_DELETE_WINDOW", self.root.withdraw)
        else:
            self.root.protocol("WM_DELETE_WINDOW", self.quit)
        self.fetch_projects()
        self.root.after(POLL_MS, self._poll)
        self.root.after(REFRESH_MS, self._refresh_loop)

    # --- the loop ------------------------------------------------------------------------------

    def _poll(self) -> None:
        try:
            while True:
                self.perform(self.actions.get_nowait())
        except queue.Empty:
            pass
        try:
            while True:
                self.projects_fetched.get_nowait()
                if self.chooser is not None:
                    self.chooser.reload(cached_projects(self.store))
        except queue.Empty:
            pass
        if self.root.winfo_exists():
            self.root.after(POLL_MS, self._poll)

    def _refresh_loop(self) -> None:
        try:
            self.refresh()
            for notice in take_unshown(self.store):
                self.show_notice(notice)
        except Exception:  # a failed read is logged; the next second tries again
            log.exception("could not refresh the UI from the store")
        self.toasts = [toast for toast in self.toasts if toast.alive]
        self.root.after(REFRESH_MS, self._refresh_loop)

    def refresh(self) -> None:
        self.snapshot = read_snapshot(self.store)
        self.main.show(self.snapshot)
        if self.tray is not None:
            self.tray.show(self.snapshot)

    # --- actions -------------------------------------------------------------------------------

    def perform(self, action: Action) -> None:
        try:
            if action is Action.OPEN:
                self.root.deiconify()
                self.root.lift()
            elif action is Action.START:
                if current_entry(self.store) is None:
                    start_tracking(self.store, last_selection(self.store))
            elif action is Action.STOP:
                stop_tracking(self.store)
            elif action is Action.CHOOSE:
                self.open_chooser()
            elif action is Action.COLLECTED and self.snapshot.server_url:
                webbrowser.open(collected_url(self.snapshot.server_url))
            elif action is Action.QUEUE:
                self.open_queue()
            elif action is Action.UPDATE and self.snapshot.update is not None:
                webbrowser.open(self.snapshot.update.download_url)
            elif action is Action.IDLE:
                subprocess.Popen(idle_dialog_command(self.home))
            elif action is Action.QUIT:
                self.quit()
                return
        except (TrackingError, ScreenshotError, OSError) as exc:
            self.tell(str(exc))
            return
        self.main.tell("")
        self.refresh()

    def tell(self, message: str) -> None:
        """Show a problem where the employee looks: the window, or a notice when it is hidden."""
        log.warning("%s", message)
        self.main.tell(message)
        if self.root.state() == "withdrawn":
            self.toasts.append(Toast(self.root, message))

    def quit(self) -> None:
        if self.tray is not None:
            self.tray.stop()
            self.tray = None
        self.root.destroy()

    # --- projects ------------------------------------------------------------------------------

    def fetch_projects(self) -> None:
        """Refresh the project list from the server without blocking the window."""

        def fetch() -> None:
            try:
                with Store(self.home) as store:
                    member_projects(store)
            except Exception:
                log.exception("could not refresh the project list")
            self.projects_fetched.put(True)

        threading.Thread(target=fetch, name="projects", daemon=True).start()

    def open_chooser(self) -> None:
        if self.chooser is not None:
            self.chooser.lift()
            return
        self.chooser = ChooserWindow(
            self.root,
            projects=cached_projects(self.store),
            selection=last_selection(self.store),
            tracking=self.snapshot.tracking,
            on_start=self._start_from_chooser,
            on_close=self._chooser_closed,
        )
        self.fetch_projects()

    def _start_from_chooser(self, selection: Selection) -> str | None:
        try:
            start_tracking(self.store, selection)
        except TrackingError as exc:
            return str(exc)
        self.refresh()
        return None

    def _chooser_closed(self) -> None:
        self.chooser = None

    # --- what is waiting to be sent ------------------------------------------------------------

    def open_queue(self) -> None:
        if self.queue_window is not None:
            self.queue_window.lift()
            return
        self.queue_window = QueueWindow(
            self.root,
            load=lambda: (queued_items(self.store), waiting_screenshots(self.store)),
            on_delete=self._delete_screenshot,
            on_close=self._queue_closed,
        )

    def _delete_screenshot(self, item_id: uuid.UUID) -> str | None:
        try:
            delete_screenshot(self.store, item_id)
        except ScreenshotError as exc:
            return str(exc)
        self.refresh()
        return None

    def _queue_closed(self) -> None:
        self.queue_window = None

    # --- notices -------------------------------------------------------------------------------

    def show_notice(self, notice: Notice) -> None:
        if self.tray is not None and self.tray.has_notifications:
            self.tray.notify(notice.message)
            return
        shot = None if notice.item_id is None else ScreenshotFiles(self.store).get(notice.item_id)
        item_id = notice.item_id
        on_delete = None
        if shot is not None and item_id is not None and shot.deletable(utcnow()):

            def on_delete() -> str | None:
                problem = self._delete_screenshot(item_id)
                if self.queue_window is not None:
                    self.queue_window.refresh()
                return problem

        self.toasts.append(Toast(self.root, notice.message, on_delete=on_delete))
