"""What is waiting to be sent: the queued outbox items by kind and time, and the screenshots
still on this device as thumbnails, each with Delete while its review window is open."""

from __future__ import annotations

import datetime as dt
import functools
import logging
import tkinter as tk
import uuid
from collections.abc import Callable, Sequence
from tkinter import ttk

from worklens_agent.clock import utcnow
from worklens_agent.journal.screenshot_files import HeldScreenshot
from worklens_agent.ui.images import thumbnail_png, tk_image_data
from worklens_agent.ui.model import QueuedItem, queued_counts

log = logging.getLogger(__name__)

WINDOW_TITLE = "What is waiting to be sent"


def screenshot_caption(shot: HeldScreenshot, now: dt.datetime) -> str:
    taken = shot.taken_at.astimezone()
    line = f"{taken:%Y-%m-%d %H:%M:%S}, monitor {shot.monitor + 1}, {shot.bytes // 1024} KB\n"
    if shot.deletable(now):
        line += f"you can delete it until {shot.hold_until.astimezone():%H:%M:%S}"
    elif shot.confirmed:
        line += "confirmed: it goes with the next upload"
    else:
        line += "review window over: it goes with the next upload"
    if shot.state == "rejected":
        line += f"\nrefused by the server: {shot.detail}"
    return line


class QueueWindow:
    def __init__(
        self,
        master: tk.Misc,
        *,
        load: Callable[[], tuple[list[QueuedItem], list[HeldScreenshot]]],
        on_delete: Callable[[uuid.UUID], str | None],
        on_close: Callable[[], None],
    ) -> None:
        self.load = load
        self.on_delete = on_delete
        self.on_close = on_close
        self.window = tk.Toplevel(master)
        self.window.title(WINDOW_TITLE)
        self.window.geometry("720x640")
        self.window.protocol("WM_DELETE_WINDOW", self.close)
        self.window.bind("<Escape>", lambda _event: self.close())
        self.window.bind("<F5>", lambda _event: self.refresh())

        top = tk.Frame(self.window, padx=10, pady=8)
        top.pack(fill="x")
        self.summary = tk.Label(top, text="", anchor="w", justify="left")
        self.summary.pack(side="left", fill="x", expand=True)
        tk.Button(top, text="Refresh", command=self.refresh).pack(side="right")

        table = tk.Frame(self.window, padx=10)
        table.pack(fill="both", expand=True)
        self.items = ttk.Treeview(table, columns=("kind", "recorded"), show="headings", height=10)
        self.items.heading("kind", text="Kind")
        self.items.heading("recorded", text="Recorded at")
        self.items.column("kind", width=220)
        self.items.column("recorded", width=300)
        scroll = ttk.Scrollbar(table, orient="vertical", command=self.items.yview)
        self.items.configure(yscrollcommand=scroll.set)
        self.items.pack(side="left", fill="both", expand=True)
        scroll.pack(side="right", fill="y")

        self.shots_label = tk.Label(self.window, text="", anchor="w", padx=10, pady=6)
        self.shots_label.pack(fill="x")
        shots = tk.Frame(self.window, padx=10, pady=4)
        shots.pack(fill="both", expand=True)
        self.canvas = tk.Canvas(shots, highlightthickness=0, height=260)
        shot_scroll = ttk.Scrollbar(shots, orient="vertical", command=self.canvas.yview)
        self.canvas.configure(yscrollcommand=shot_scroll.set)
        self.canvas.pack(side="left", fill="both", expand=True)
        shot_scroll.pack(side="right", fill="y")
        self.shots_frame = tk.Frame(self.canvas)
        self.canvas.create_window((0, 0), window=self.shots_frame, anchor="nw")
        self.shots_frame.bind(
            "<Configure>",
            lambda _event: self.canvas.configure(scrollregion=self.canvas.bbox("all")),
        )
        self.error = tk.Label(self.window, text="", fg="#a02020", anchor="w", padx=10)
        self.error.pack(fill="x")
        #: Kept so Tk does not drop the images; also what the tests count.
        self.thumbnails: list[tk.PhotoImage] = []
        self.delete_buttons: dict[uuid.UUID, tk.Button] = {}
        self.refresh()

    def refresh(self) -> None:
        queued, shots = self.load()
        self._show_items(queued)
        self._show_screenshots(shots)

    def _show_items(self, queued: Sequence[QueuedItem]) -> None:
        self.items.delete(*self.items.get_children())
        for item in queued:
            recorded = item.recorded_at.astimezone()
            self.items.insert("", "end", values=(item.kind_label, f"{recorded:%Y-%m-%d %H:%M:%S}"))
        counts = ", ".join(f"{count} {kind}" for kind, count in queued_counts(queued).items())
        self.summary.configure(
            text=f"{len(queued)} items waiting" + (f": {counts}" if counts else "")
            if queued
            else "Nothing is waiting: the server has everything recorded so far."
        )

    def _show_screenshots(self, shots: Sequence[HeldScreenshot]) -> None:
        for child in self.shots_frame.winfo_children():
            child.destroy()
        self.thumbnails = []
        self.delete_buttons = {}
        self.shots_label.configure(text=f"Screenshots on this device: {len(shots)}")
        now = utcnow()
        # Newest first: the one just taken, still deletable, is the one the employee looks for.
        newest_first = sorted(shots, key=lambda shot: (-shot.taken_at.timestamp(), shot.monitor))
        for row, shot in enumerate(newest_first):
            try:
                image: tk.PhotoImage | None = tk.PhotoImage(
                    master=self.window, data=tk_image_data(thumbnail_png(shot.path))
                )
            except (OSError, ValueError, tk.TclError) as exc:
                log.warning("no thumbnail for %s: %s", shot.path, exc)
                image = None
            if image is not None:
                self.thumbnails.append(image)
                tk.Label(self.shots_frame, image=image).grid(row=row, column=0, pady=3)
            else:
                tk.Label(self.shots_frame, text="(image unreadable)").grid(row=row, column=0)
            tk.Label(
                self.shots_frame, text=screenshot_caption(shot, now), justify="left", anchor="w"
            ).grid(row=row, column=1, sticky="w", padx=8)
            if shot.deletable(now):
                button = tk.Button(
                    self.shots_frame,
                    text="Delete",
                    command=functools.partial(self.delete, shot.id),
                )
                button.grid(row=row, column=2, padx=4)
                self.delete_buttons[shot.id] = button

    def delete(self, item_id: uuid.UUID) -> None:
        problem = self.on_delete(item_id)
        self.error.configure(text=problem or "")
        self.refresh()

    def lift(self) -> None:
        self.window.deiconify()
        self.window.lift()
        self.refresh()

    def close(self) -> None:
        self.window.destroy()
        self.on_close()
