"""The WorkLens window: the tray menu as buttons, for desktops without a tray (and as what a
click on the X11 tray icon opens)."""

from __future__ import annotations

import functools
import tkinter as tk
from collections.abc import Callable

from worklens_agent.ui.model import Action, MenuEntry, Snapshot, menu_entries

WINDOW_TITLE = "WorkLens"
#: Alt+<letter> presses the button; the letter is underlined in its label.
ACCELERATORS: dict[Action, str] = {
    Action.START: "s",
    Action.STOP: "t",
    Action.CHOOSE: "c",
    Action.COLLECTED: "m",
    Action.QUEUE: "w",
    Action.IDLE: "i",
    Action.UPDATE: "u",
    Action.QUIT: "q",
}


def underline_index(label: str, letter: str) -> int:
    """Where `letter` first starts a word in `label` (else first occurs; -1 when absent)."""
    lowered = label.lower()
    for index, char in enumerate(lowered):
        if char == letter and (index == 0 or not lowered[index - 1].isalnum()):
            return index
    return lowered.find(letter)


class MainWindow:
    def __init__(self, root: tk.Tk, on_action: Callable[[Action], None]) -> None:
        self.root = root
        self.on_action = on_action
        root.title(WINDOW_TITLE)
        root.resizable(False, False)
        frame = tk.Frame(root, padx=12, pady=10)
        frame.pack(fill="both", expand=True)
        self.status = tk.Label(frame, text="", justify="left", anchor="w", width=46)
        self.status.pack(fill="x", pady=(0, 8))
        self.buttons_frame = tk.Frame(frame)
        self.buttons_frame.pack(fill="x")
        self.message = tk.Label(frame, text="", justify="left", anchor="w", fg="#a02020")
        self.message.pack(fill="x", pady=(8, 0))
        self.entries: list[MenuEntry] = []
        self.buttons: dict[Action, tk.Button] = {}
        for action, letter in ACCELERATORS.items():
            root.bind(f"<Alt-{letter}>", functools.partial(self._on_key, action))

    def _on_key(self, action: Action, _event: object) -> None:
        self._press(action)

    def _press(self, action: Action) -> None:
        button = self.buttons.get(action)
        if button is not None and str(button["state"]) != "disabled":
            self.on_action(action)

    def show(self, snapshot: Snapshot) -> None:
        self.status.configure(text=snapshot.status_line())
        entries = menu_entries(snapshot)
        if entries == self.entries:
            return
        same_buttons = [e.action for e in entries] == [e.action for e in self.entries]
        self.entries = entries
        if same_buttons:  # relabel in place: a click in progress is not lost to a rebuild
            for entry in entries:
                self.buttons[entry.action].configure(
                    text=entry.label, state="normal" if entry.enabled else "disabled"
                )
            return
        for button in self.buttons.values():
            button.destroy()
        self.buttons = {}
        for entry in entries:
            letter = ACCELERATORS.get(entry.action, "")
            button = tk.Button(
                self.buttons_frame,
                text=entry.label,
                anchor="w",
                underline=underline_index(entry.label, letter) if letter else -1,
                state="normal" if entry.enabled else "disabled",
                command=functools.partial(self.on_action, entry.action),
            )
            button.pack(fill="x", pady=1)
            self.buttons[entry.action] = button

    def tell(self, message: str) -> None:
        self.message.configure(text=message)
