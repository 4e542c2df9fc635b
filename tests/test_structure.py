"""The repository's structural rules, checked on every run: modules stay small, and no module
imports itself back through others (import-linter checks the layers; see docs/architecture.md)."""

from __future__ import annotations

from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parents[1]
#: "About 400 lines": a few over is a long docstring or table, a second job is not.
MAX_LINES = 420
PACKAGES = ("worklens_wire", "worklens_agent", "worklens_server")


def _python_files() -> list[Path]:
    files = []
    for top in ("packages", "bench", "tests", "scripts"):
        files += [
            path
            for path in (ROOT / top).rglob("*.py")
            if "migrations" not in path.parts and ".venv" not in path.parts
        ]
    return sorted(files)


def test_no_module_is_over_about_400_lines() -> None:
    long = {
        str(path.relative_to(ROOT)): count
        for path in _python_files()
        if (count := len(path.read_text().splitlines())) > MAX_LINES
    }
    assert long == {}, f"split these by job (at most ~{MAX_LINES - 20} lines each): {long}"


@pytest.mark.parametrize("package", PACKAGES)
def test_no_module_imports_itself_back(package: str) -> None:
    graph = grimp.build_graph(package, cache_dir=None)
    cycles = set()
    for module in graph.modules:
        for imported in graph.find_modules_directly_imported_by(module):
            chain = graph.find_shortest_chain(importer=imported, imported=module)
            if chain is not None:
                cycles.add(" -> ".join((module, *chain)))
    assert sorted(cycles) == []


def test_no_two_test_modules_share_a_name() -> None:
    """The test folders are not packages, so pytest imports each test module by its file name:
    a second `test_x.py` anywhere under tests/ stops the whole run at collection."""
    by_name: dict[str, list[str]] = {}
    for path in (ROOT / "tests").rglob("test_*.py"):
        by_name.setdefault(path.name, []).append(str(path.relative_to(ROOT)))
    assert {name: paths for name, paths in by_name.items() if len(paths) > 1} == {}
