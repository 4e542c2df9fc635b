"""A virtual desktop for end-to-end tests: Xvfb at 1920x1080, openbox (it publishes
_NET_ACTIVE_WINDOW, which the agent reads), and Tk windows, each a separate process, driven with
xdotool as a user would drive them.

Each window runs from its own copy of the Python executable, named after the application it plays:
the agent names an application by its process's /proc/<pid>/exe, so distinct executables give
distinct application names (and `private_apps` can list one of them).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

#: Every window is drawn at the same place and size, so the one in front hides the others.
WINDOW_GEOMETRY = "900x600+200+150"
WINDOW_PIXELS = 900 * 600

COLOUR_WINDOW = f"""
import sys, tkinter
app, title, colour = sys.argv[1:4]
root = tkinter.Tk(className=app)
root.title(title)
root.geometry({WINDOW_GEOMETRY!r})
root.configure(background=colour)
root.mainloop()
"""


@dataclass(frozen=True)
class ColourWindow:
    app: str
    title: str
    rgb: tuple[int, int, int]

    @property
    def colour(self) -> str:
        return "#{:02x}{:02x}{:02x}".format(*self.rgb)


def xdotool(display: str, *args: str) -> str:
    done = subprocess.run(
        ["xdotool", *args],
        env={**os.environ, "DISPLAY": display},
        check=True,
        timeout=30,
        capture_output=True,
        text=True,
    )
    return done.stdout


class VirtualDesktop:
    def __init__(self, display: str, bin_dir: Path) -> None:
        self.display = display
        self.bin_dir = bin_dir
        self.processes: list[subprocess.Popen[bytes]] = []

    def open_window(self, window: ColourWindow) -> None:
        """Start the window as its own process, named `window.app`, and wait until it is mapped."""
        self.bin_dir.mkdir(parents=True, exist_ok=True)
        executable = self.bin_dir / window.app
        shutil.copy2(os.path.realpath(sys.executable), executable)
        self.processes.append(
            subprocess.Popen(
                [str(executable), "-c", COLOUR_WINDOW, window.app, window.title, window.colour],
                env={**os.environ, "DISPLAY": self.display},
            )
        )
        deadline = time.monotonic() + 20
        while not self._visible(window.title):
            assert time.monotonic() < deadline, f"window {window.title!r} never appeared"
            time.sleep(0.1)

    def _visible(self, title: str) -> bool:
        found = subprocess.run(
            ["xdotool", "search", "--onlyvisible", "--name", f"^{title}$"],
            env={**os.environ, "DISPLAY": self.display},
            capture_output=True,
            check=False,
        )
        return found.returncode == 0

    def focus(self, window: ColourWindow) -> None:
        """Bring the window to the front; returns once the window manager has made it active."""
        xdotool(self.display, "search", "--name", f"^{window.title}$", "windowactivate", "--sync")

    def wait_for_window(self, title: str, timeout: float = 60) -> str:
        """The id of the first visible window titled `title`, once there is one."""
        deadline = time.monotonic() + timeout
        while True:
            found = subprocess.run(
                ["xdotool", "search", "--onlyvisible", "--name", f"^{title}$"],
                env={**os.environ, "DISPLAY": self.display},
                capture_output=True,
                text=True,
                check=False,
            )
            if found.returncode == 0 and found.stdout.split():
                return found.stdout.split()[0]
            assert time.monotonic() < deadline, f"window {title!r} never appeared"
            time.sleep(0.2)

    def press(self, window: str, *keys: str) -> None:
        """Give `window` the keyboard focus and press `keys` there (XTEST input, as from a
        keyboard: Tk ignores the synthetic events of `key --window`)."""
        xdotool(self.display, "windowfocus", "--sync", window, "key", "--delay", "50", *keys)

    def type_and_move(self, step: int) -> None:
        """A burst of input: a few keys typed and two pointer moves."""
        x, y = 300 + (step * 97) % 700, 250 + (step * 53) % 400
        xdotool(self.display, "type", "--delay", "15", "work")
        xdotool(self.display, "mousemove", str(x), str(y), "mousemove", str(x + 40), str(y + 30))


@contextlib.contextmanager
def virtual_desktop(bin_dir: Path) -> Iterator[VirtualDesktop]:
    read_fd, write_fd = os.pipe()
    xvfb = subprocess.Popen(
        [
            "Xvfb",
            *("-displayfd", str(write_fd), "-screen", "0", "1920x1080x24"),
            *("-nolisten", "tcp", "-noreset"),
        ],
        pass_fds=(write_fd,),
        stderr=subprocess.DEVNULL,
    )
    os.close(write_fd)
    with os.fdopen(read_fd) as pipe:
        display = f":{pipe.readline().strip()}"
    desktop = VirtualDesktop(display, bin_dir)
    openbox = subprocess.Popen(
        ["openbox"],
        env={**os.environ, "DISPLAY": display},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        time.sleep(0.5)  # openbox takes over the root window before the first client maps
        yield desktop
    finally:
        for process in reversed([openbox, *desktop.processes]):
            process.terminate()
            process.wait(timeout=10)
        xvfb.terminate()
        xvfb.wait(timeout=10)
