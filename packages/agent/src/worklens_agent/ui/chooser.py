"""Choose project and task…: pick from the member's projects, write notes, start (or switch)."""

from __future__ import annotations

import tkinter as tk
import uuid
from collections.abc import Callable, Sequence

from worklens_agent.ui.model import Selection
from worklens_wire.v1 import ProjectOut

WINDOW_TITLE = "Choose project and task"
NO_PROJECT = "(no project)"
NO_TASK = "(no task)"


class ChooserWindow:
    """Keyboard: the project list has the focus; Tab moves to tasks, then notes; Return starts,
    Escape closes."""

    def __init__(
        self,
        master: tk.Misc,
        *,
        projects: Sequence[ProjectOut],
        selection: Selection,
        tracking: bool,
        on_start: Callable[[Selection], str | None],
        on_close: Callable[[], None],
    ) -> None:
        self.on_start = on_start
        self.on_close = on_close
        self.projects: list[ProjectOut] = list(projects)
        self.window = tk.Toplevel(master)
        self.window.title(WINDOW_TITLE)
        self.window.protocol("WM_DELETE_WINDOW", self.close)
        frame = tk.Frame(self.window, padx=12, pady=10)
        frame.pack(fill="both", expand=True)

        tk.Label(frame, text="Project", anchor="w").grid(row=0, column=0, sticky="w")
        tk.Label(frame, text="Task", anchor="w").grid(row=0, column=1, sticky="w")
        self.project_list = tk.Listbox(frame, exportselection=False, height=8, width=28)
        self.project_list.grid(row=1, column=0, padx=(0, 8), sticky="nsew")
        self.task_list = tk.Listbox(frame, exportselection=False, height=8, width=28)
        self.task_list.grid(row=1, column=1, sticky="nsew")
        tk.Label(frame, text="Notes", anchor="w").grid(row=2, column=0, sticky="w", pady=(8, 0))
        self.notes = tk.Entry(frame, width=58)
        self.notes.grid(row=3, column=0, columnspan=2, sticky="ew")
        self.notes.insert(0, selection.notes)
        self.error = tk.Label(frame, text="", fg="#a02020", anchor="w", justify="left")
        self.error.grid(row=4, column=0, columnspan=2, sticky="ew")
        buttons = tk.Frame(frame)
        buttons.grid(row=5, column=0, columnspan=2, sticky="e", pady=(8, 0))
        self.start_button = tk.Button(
            buttons, text="Switch to this" if tracking else "Start", command=self.start
        )
        self.start_button.pack(side="right")
        tk.Button(buttons, text="Cancel", command=self.close).pack(side="right", padx=(0, 6))

        self.project_list.bind("<<ListboxSelect>>", lambda _event: self._fill_tasks(None))
        self.window.bind("<Return>", lambda _event: self.start())
        self.window.bind("<Escape>", lambda _event: self.close())
        self.reload(self.projects, selection)
        self.project_list.focus_set()

    def reload(self, projects: Sequence[ProjectOut], selection: Selection | None = None) -> None:
        """Show a (newly fetched) list, keeping what is selected unless `selection` is given."""
        if selection is None:
            selection = self.selection()
        self.projects = list(projects)
        self.project_list.delete(0, "end")
        self.project_list.insert("end", NO_PROJECT, *(project.name for project in self.projects))
        index = next(
            (i + 1 for i, p in enumerate(self.projects) if p.id == selection.project_id), 0
        )
        self._select(self.project_list, index)
        self._fill_tasks(selection.task_id)

    @staticmethod
    def _select(listbox: tk.Listbox, index: int) -> None:
        listbox.selection_clear(0, "end")
        listbox.selection_set(index)
        listbox.activate(index)
        listbox.see(index)

    @staticmethod
    def _chosen(listbox: tk.Listbox) -> int:
        """The selected row (0, the "none" row, when nothing is selected)."""
        return next((i for i in range(listbox.size()) if listbox.selection_includes(i)), 0)

    def _project(self) -> ProjectOut | None:
        index = self._chosen(self.project_list)
        return self.projects[index - 1] if index > 0 else None

    def _fill_tasks(self, task_id: uuid.UUID | None) -> None:
        project = self._project()
        tasks = project.tasks if project else []
        self.task_list.delete(0, "end")
        self.task_list.insert("end", NO_TASK, *(task.name for task in tasks))
        index = next((i + 1 for i, t in enumerate(tasks) if t.id == task_id), 0)
        self._select(self.task_list, index)

    def selection(self) -> Selection:
        project = self._project()
        index = self._chosen(self.task_list)
        task = project.tasks[index - 1] if project and index > 0 else None
        return Selection(
            project_id=project.id if project else None,
            task_id=task.id if task else None,
            notes=self.notes.get().strip(),
        )

    def start(self) -> None:
        problem = self.on_start(self.selection())
        if problem is None:
            self.close()
        else:
            self.error.configure(text=problem)

    def lift(self) -> None:
        self.window.deiconify()
        self.window.lift()
        self.project_list.focus_set()

    def close(self) -> None:
        self.window.destroy()
        self.on_close()
