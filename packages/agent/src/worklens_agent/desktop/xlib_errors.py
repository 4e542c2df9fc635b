"""Keeps python-xlib from turning core X errors into a 100 % CPU stall.

python-xlib 0.32 and 0.33 register the RandR and DAMAGE extensions' errors at codes 0-2 instead of
at the extension's first error code, so every connection to a server with those extensions parses
a core BadRequest (1) or BadValue (2) as `BadRRCrtcError`/`BadRRModeError`, plain Exceptions
without `sequence_number`. `parse_error_response` then raises AttributeError half way, and the
connection's next request spins forever at 100 % CPU (python-xlib issue 241; what made
ActivityWatch pin 0.31, aw-watcher-window issue 89). A BadValue is ordinary: reading a window
title in two requests while the title shrinks gives one.

The agent uses neither extension, so their modules are simply never loaded: `python-xlib` loads
only the extension modules listed in `Xlib.ext.__extensions__` when a display is opened. The
error classes live in ONE dict shared by every connection of the process (a class attribute of
`Xlib.protocol.display.Display`), so a display opened earlier by other code may already have
overwritten the core codes: they are put back as well.
"""

from __future__ import annotations

UNUSED_EXTENSIONS = frozenset({"randr", "damage"})


def skip_misregistered_extensions() -> None:
    from Xlib import error, ext
    from Xlib.protocol import display

    ext.__extensions__[:] = [
        (name, module) for name, module in ext.__extensions__ if module not in UNUSED_EXTENSIONS
    ]
    display.Display.error_classes.update(error.xerror_class)
