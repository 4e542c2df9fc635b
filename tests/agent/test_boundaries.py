"""The agent's boundaries: it never loads Django or the server, nor any X library or GUI toolkit
at import (only `worklens-agent ui` loads Tk and pystray); SQL only in journal/, WORKLENS_*
settings only in settings.py; and its tests in folders that mirror its layers."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

from worklens_agent.settings import ENV_SETTINGS


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


PACKAGE = Path(__file__).resolve().parents[2] / "packages" / "agent" / "src" / "worklens_agent"


def _modules(*, outside: str | None = None) -> dict[str, ast.Module]:
    return {
        str(path.relative_to(PACKAGE)): ast.parse(path.read_text())
        for path in sorted(PACKAGE.rglob("*.py"))
        if outside is None or path.relative_to(PACKAGE).parts[0] != outside
    }


def test_sql_is_written_only_in_the_journal() -> None:
    """journal/ is the one place that reads and writes the store's tables: elsewhere no SQL is
    run, no connection is touched and sqlite3 is not imported."""
    found = []
    for name, tree in _modules(outside="journal").items():
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and node.attr in {"execute", "executemany", "conn"}:
                found.append(f"{name}:{node.lineno} .{node.attr}")
            if isinstance(node, ast.Import | ast.ImportFrom):
                modules = [alias.name for alias in node.names] + [getattr(node, "module", None)]
                if "sqlite3" in modules:
                    found.append(f"{name}:{node.lineno} imports sqlite3")
    assert found == []


def test_worklens_environment_settings_are_read_only_in_settings() -> None:
    """Every WORKLENS_* variable the agent reads is one of settings.ENV_SETTINGS, documented
    there, and no other module reads one itself."""
    documented = {setting.name for setting in ENV_SETTINGS}
    named: set[str] = set()
    readers = []
    for name, tree in _modules().items():
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                named |= set(re.findall(r"\bWORKLENS_[A-Z_]+\b", node.value))
            reads = isinstance(node, ast.Attribute) and node.attr in {"environ", "getenv"}
            if reads and name != "settings.py":
                readers.append(f"{name}:{node.lineno}")
    assert named <= documented, f"undocumented settings: {sorted(named - documented)}"
    assert all(setting.meaning for setting in ENV_SETTINGS)
    # The OS's own variables (DISPLAY, XDG_*, DOTNET_ROOT) are read where they are used.
    others = {
        "desktop/display.py",
        "desktop/home.py",
        "desktop/autostart.py",
        "desktop/device.py",
        "sources/__init__.py",
    }
    assert {reader.split(":")[0] for reader in readers} <= others


def test_agent_tests_mirror_the_package() -> None:
    tests = Path(__file__).resolve().parent
    folders = {
        path.name for path in tests.iterdir() if path.is_dir() and path.name != "__pycache__"
    }
    layers = {
        path.name for path in PACKAGE.iterdir() if path.is_dir() and (path / "__init__.py").exists()
    }
    assert folders == layers


def test_every_environment_setting_is_in_the_user_guide() -> None:
    guide = (PACKAGE.parents[3] / "docs" / "using.md").read_text()
    assert [s.name for s in ENV_SETTINGS if f"`{s.name}`" not in guide] == []
