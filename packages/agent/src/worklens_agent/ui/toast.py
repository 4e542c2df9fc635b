"""A notice that shows for a few seconds in the corner of the screen (where the tray cannot
show notifications itself), with Delete for a screenshot still in its review window."""

from __future__ import annotations

import contextlib
import tkinter as tk
from collections.abc import Callable

WINDOW_TITLE = "WorkLens notice"
TOAST_SECONDS = 5.0


class Toast:
    def __init__(
        self,
        master: tk.Misc,
        message: str,
        *,
        on_delete: Callable[[], str | None] | None = None,
        seconds: float = TOAST_SECONDS,
    ) -> None:
        self.on_delete = on_delete
        self.window = tk.Toplevel(master)
        self.window.title(WINDOW_TITLE)
        with contextlib.suppress(tk.TclError):  # a hint for EWMH window managers
            self.window.attributes("-type", "notification")
        self.window.attributes("-topmost", True)
        frame = tk.Frame(self.window, padx=12, pady=8, bg="#fff8d8")
        frame.pack(fill="both", expand=True)
        self.label = tk.Label(frame, text=message, justify="left", wraplength=340, bg="#fff8d8")
        self.label.pack(side="left", fill="x", expand=True)
        self.delete_button: tk.Button | None = None
        if on_delete is not None:
            self.delete_button = tk.Button(frame, text="Delete", underline=0, command=self.delete)
            self.delete_button.pack(side="right", padx=(8, 0))
            self.window.bind("<Alt-d>", lambda _event: self.delete())
        self.window.update_idletasks()
        width = self.window.winfo_reqwidth()
        screen = self.window.winfo_screenwidth()
        self.window.geometry(f"+{max(0, screen - width - 16)}+16")
        self._timer = self.window.after(int(seconds * 1000), self.close)

    @property
    def alive(self) -> bool:
        try:
            return bool(self.window.winfo_exists())
        except tk.TclError:
            return False

    def delete(self) -> None:
        if self.on_delete is None or self.delete_button is None:
            return
        problem = self.on_delete()
        self.delete_button.destroy()
        self.delete_button = None
        self.label.configure(text=problem or "Deleted: that screenshot and its slot's time.")
        self.window.after_cancel(self._timer)
        self._timer = self.window.after(2000, self.close)

    def close(self) -> None:
        if self.alive:
            self.window.destroy()
