"""The "you were idle" dialog (Tk): keep, discard, or keep as another task.

Shown by `worklens-agent idle dialog` (which `worklens-agent run` starts as a child process when
the employee comes back, and the tray may start too). The window's title is TITLE and its
buttons have fixed labels and keyboard shortcuts, so a person without a mouse (and an
xdotool-driven test) can answer:

    Alt+K  Keep                   the idle time stays in the task it was tracked on
    Alt+D  Discard                the idle time is not counted: what was recorded in it never
                                  leaves this computer, only its start and end go to the
                                  server, so the timesheet shows it as discarded idle time
    Alt+A  Keep as another task   the idle time goes to the project / task / notes chosen above
    Escape (or closing the window) decide later: the time stays held on this computer

From a script: `xdotool search --sync --onlyvisible --name "WorkLens: you were idle"`, then
`xdotool windowfocus --sync WINDOW key alt+d`. (`key --window` sends synthetic events, which Tk
only acts on while it has the focus, so give it the focus first.) The window also closes by
itself when the period is decided elsewhere (CLI, tray) while it is open.

Run by hand: `python -m worklens_agent.ui.idle_dialog` shows it for a made-up period and prints
the answer.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable

from worklens_agent.journal.idle_periods import IdlePeriod
from worklens_agent.recording.idle import Decision
from worklens_wire.v1 import ProjectOut

__all__ = ["SHORTCUTS", "TITLE", "Decision", "ask_idle_decision"]

TITLE = "WorkLens: you were idle"
NO_TASK = "(no task)"
#: Button label -> the Alt+letter that presses it, and where that letter is underlined.
#: What Discard does, said where the choice is made (docs/privacy.md says the same).
DISCARD_NOTE = (
    "Discard: this time is not counted. What was recorded in it (activity, applications, window "
    "titles, URLs, screenshots) never leaves this computer; only its start and end go to the "
    "server, so your timesheet shows the gap as discarded idle time."
)
SHORTCUTS = {"Keep": ("k", 0), "Discard": ("d", 0), "Keep as another task": ("a", 8)}
POLL_MS = 1000


def _duration(seconds: int) -> str:
    hours, rest = divmod(seconds, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}"


def _on_key(action: Callable[[], None]) -> Callable[[object], None]:
    def handler(_event: object) -> None:
        action()

    return handler


def describe(period: IdlePeriod, now: dt.datetime | None = None) -> str:
    start = period.started_at.astimezone()
    if period.ended_at is None:
        end_text = "now"
        end = now or dt.datetime.now(dt.UTC)
    else:
        end = period.ended_at
        end_text = f"{end.astimezone():%H:%M:%S}"
    seconds = max(0, int((end - period.started_at).total_seconds()))
    return (
        f"No keyboard or mouse input from {start:%H:%M:%S} to {end_text} "
        f"({_duration(seconds)}) while the timer was running.\n"
        "What should happen to this time?"
    )


def ask_idle_decision(
    period: IdlePeriod,
    projects: list[ProjectOut],
    *,
    still_pending: Callable[[], bool] | None = None,
    current_project: uuid.UUID | None = None,
) -> Decision | None:
    """Ask about one idle period; None when the window is closed without an answer (or the
    period was decided elsewhere meanwhile, which `still_pending` reports)."""
    import tkinter as tk
    from tkinter import ttk

    answer: list[Decision] = []
    root = tk.Tk()
    root.title(TITLE)
    root.resizable(False, False)
    frame = ttk.Frame(root, padding=16)
    frame.grid(sticky="nsew")
    ttk.Label(frame, text=describe(period), wraplength=460, justify="left").grid(
        row=0, column=0, columnspan=3, sticky="w", pady=(0, 12)
    )

    names = [project.name for project in projects]
    ttk.Label(frame, text="Project:").grid(row=1, column=0, sticky="w")
    project_box = ttk.Combobox(frame, values=names, state="readonly", width=36)
    project_box.grid(row=1, column=1, columnspan=2, sticky="we", pady=2)
    ttk.Label(frame, text="Task:").grid(row=2, column=0, sticky="w")
    task_box = ttk.Combobox(frame, values=[NO_TASK], state="readonly", width=36)
    task_box.grid(row=2, column=1, columnspan=2, sticky="we", pady=2)
    ttk.Label(frame, text="Notes:").grid(row=3, column=0, sticky="w")
    notes = ttk.Entry(frame, width=38)
    notes.grid(row=3, column=1, columnspan=2, sticky="we", pady=2)

    def chosen_project() -> ProjectOut | None:
        index = project_box.current()
        return projects[index] if 0 <= index < len(projects) else None

    def on_project(_event: object = None) -> None:
        project = chosen_project()
        task_box.configure(values=[NO_TASK, *(t.name for t in (project.tasks if project else []))])
        task_box.current(0)

    project_box.bind("<<ComboboxSelected>>", on_project)
    if projects:
        ids = [project.id for project in projects]
        project_box.current(ids.index(current_project) if current_project in ids else 0)
    on_project()

    def finish(decision: Decision | None) -> None:
        if decision is not None:
            answer.append(decision)
        root.destroy()

    def reassign() -> None:
        project = chosen_project()
        if project is None:
            return
        task_index = task_box.current()
        task_id = project.tasks[task_index - 1].id if task_index >= 1 else None
        finish(Decision("reassign", project.id, task_id, notes.get().strip()))

    ttk.Label(frame, text=DISCARD_NOTE, wraplength=460, justify="left").grid(
        row=5, column=0, columnspan=3, sticky="w", pady=(12, 0)
    )
    buttons = ttk.Frame(frame)
    buttons.grid(row=4, column=0, columnspan=3, sticky="e", pady=(12, 0))
    actions: dict[str, Callable[[], None]] = {
        "Keep": lambda: finish(Decision("keep")),
        "Discard": lambda: finish(Decision("discard")),
        "Keep as another task": reassign,
    }
    for column, (label, action) in enumerate(actions.items()):
        button = ttk.Button(buttons, text=label, command=action, underline=SHORTCUTS[label][1])
        button.grid(row=0, column=column, padx=4)
        if label == "Keep as another task" and not projects:
            button.state(["disabled"])  # no project list (never fetched, and offline)
            continue
        letter = SHORTCUTS[label][0]
        for key in (letter, letter.upper()):
            root.bind(f"<Alt-{key}>", _on_key(action))
    root.bind("<Escape>", lambda _event: finish(None))
    root.protocol("WM_DELETE_WINDOW", lambda: finish(None))

    def poll() -> None:
        if still_pending is not None and not still_pending():
            finish(None)
            return
        root.after(POLL_MS, poll)

    root.after(POLL_MS, poll)
    root.attributes("-topmost", True)
    root.deiconify()
    root.lift()
    # Focus can only be given to a mapped window; asked for earlier it is silently refused and
    # keys then go nowhere (without a window manager nobody else gives it).
    root.wait_visibility()
    root.focus_force()
    notes.focus_set()
    root.mainloop()
    return answer[0] if answer else None


def main() -> None:
    now = dt.datetime.now(dt.UTC)
    period = IdlePeriod(uuid.uuid4(), uuid.uuid4(), now - dt.timedelta(minutes=7), now)
    project = ProjectOut(id=uuid.uuid4(), name="Website", tasks=[])
    print(ask_idle_decision(period, [project]))


if __name__ == "__main__":
    main()
