"""The agent's import boundary: it never loads Django or the server, nor any X library or GUI
toolkit at import (only `worklens-agent ui` loads Tk and pystray)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def test_agent_modules_import_without_django_server_or_display() -> None:
    code = (
        "import sys\n"
        "import worklens_agent.cli, worklens_agent.run.runner, worklens_agent.sources\n"
        "import worklens_agent.ui.model\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in "
        "('django', 'worklens_server', 'pynput', 'Xlib', 'ninja',"
        " 'tkinter', '_tkinter', 'pystray'))\n"
        "print(','.join(bad))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin"},
        check=True,
        timeout=60,
    )
    assert result.stdout.strip() == ""


def test_installing_the_agent_alone_installs_no_django() -> None:
    """The agent's pinned environment (what scripts/demo.sh installs) holds no server code."""
    root = Path(__file__).resolve().parents[2]
    pins = (root / "requirements" / "agent.txt").read_text().lower()
    pinned = {line.split("==")[0] for line in pins.splitlines() if "==" in line}
    assert pinned, "requirements/agent.txt pins nothing"
    assert not {"django", "django-ninja", "psycopg", "gunicorn"} & pinned
    project = (root / "packages" / "agent" / "pyproject.toml").read_text().lower()
    assert "django" not in project
