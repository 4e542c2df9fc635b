"""Strict skips: a run cannot pass by skipping.

With `WORKLENS_STRICT_SKIPS=1` (scripts/test.sh sets it, and CI runs scripts/test.sh), every
test that did not run (skipped by `skipif`, `pytest.skip`, `pytest.importorskip`, a module-level
skip, or marked `xfail`, whether it failed or passed) fails the session unless it is on the
allow-list, `tests/skips_allowed.toml`. At the end of the run the failing session lists each
such test with the reason it gave. A missing Xvfb or Chromium is therefore a failure here, not a
quiet skip: install what the tests need (scripts/test.sh does) or put the test on the list.

The allow-list is short and committed; every entry says why the skip is expected:

    [[allowed]]
    test = "test_memory.py::test_freed_capture_sized_buffers_go_back_to_the_system"
    platforms = ["darwin", "win32"]     # optional: the entry holds only on these platforms
    reason = "measures glibc's allocator; other systems have none"

`test` is matched (fnmatch, `*` matches anything) against the test's file name and its name in
the file, without parameters, e.g. `test_memory.py::test_freed_...` or
`test_ui.py::TestTray::test_*`; moving a file to another folder keeps its entries. A pattern with
a `/` is matched against the whole node id instead (`tests/agent/**/test_x.py::test_y`). A
whole module skipped at import is `test_x.py::*`. `platforms` entries are prefixes of
`sys.platform` ("linux", "win32", "darwin").

Without the variable the plugin does nothing, so `pytest tests/...` by hand behaves as usual.
Under pytest-xdist it works in the controller, which sees every worker's reports.
"""

from __future__ import annotations

import dataclasses
import fnmatch
import os
import sys
import tomllib
from collections.abc import Generator, Iterable
from pathlib import Path
from typing import Any

import pytest

ENV_VAR = "WORKLENS_STRICT_SKIPS"
DEFAULT_ALLOW_LIST = "tests/skips_allowed.toml"
_ENTRY_KEYS = {"test", "reason", "platforms"}


@dataclasses.dataclass(frozen=True)
class Allowed:
    test: str
    reason: str
    platforms: tuple[str, ...] = ()

    def holds_here(self) -> bool:
        return not self.platforms or any(sys.platform.startswith(p) for p in self.platforms)

    def matches(self, node_id: str) -> bool:
        if "/" in self.test:
            return fnmatch.fnmatchcase(_without_params(node_id), self.test)
        return fnmatch.fnmatchcase(_short_id(node_id), self.test)


@dataclasses.dataclass(frozen=True)
class Skip:
    node_id: str
    kind: str  # "skipped", "xfailed", "xpassed"
    reason: str


def _without_params(node_id: str) -> str:
    """`tests/a/test_x.py::test_y[1-2]` -> `tests/a/test_x.py::test_y`."""
    path, sep, rest = node_id.partition("::")
    if sep and rest.endswith("]") and "[" in rest:
        rest = rest[: rest.index("[")]
    return f"{path}{sep}{rest}"


def _short_id(node_id: str) -> str:
    """The node id without its folders or parameters: `test_x.py::Class::test_y`."""
    path, sep, rest = _without_params(node_id).partition("::")
    return f"{path.rsplit('/', 1)[-1]}{sep}{rest}" if sep else f"{path.rsplit('/', 1)[-1]}::*"


def load_allow_list(path: Path) -> list[Allowed]:
    """The entries of the allow-list at `path`; a missing file is an empty list."""
    if not path.exists():
        return []
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise pytest.UsageError(f"{path}: {exc}") from None
    unknown_tables = set(data) - {"allowed"}
    if unknown_tables:
        raise pytest.UsageError(f"{path}: unknown table(s) {sorted(unknown_tables)}")
    entries = []
    for index, raw in enumerate(data.get("allowed", [])):
        where = f"{path}: allowed[{index}]"
        if not isinstance(raw, dict):
            raise pytest.UsageError(f"{where} is not a table")
        if unknown := set(raw) - _ENTRY_KEYS:
            raise pytest.UsageError(f"{where}: unknown key(s) {sorted(unknown)}")
        test, reason = raw.get("test"), raw.get("reason")
        if not isinstance(test, str) or "::" not in test:
            raise pytest.UsageError(f"{where}: `test` must be 'file.py::test_name' (a glob)")
        if not isinstance(reason, str) or not reason.strip():
            raise pytest.UsageError(f"{where} ({test}): every entry needs a `reason`")
        platforms = raw.get("platforms", [])
        if not isinstance(platforms, list) or not all(isinstance(p, str) for p in platforms):
            raise pytest.UsageError(f"{where} ({test}): `platforms` must be a list of strings")
        entries.append(Allowed(test=test, reason=reason.strip(), platforms=tuple(platforms)))
    return entries


def _skip_reason(report: pytest.TestReport | pytest.CollectReport) -> str:
    longrepr = report.longrepr
    if isinstance(longrepr, tuple) and len(longrepr) == 3:
        message = str(longrepr[2])
    else:
        message = str(longrepr or "")
    return message.removeprefix("Skipped: ") or "(no reason given)"


class StrictSkips:
    def __init__(self, config: pytest.Config, allow_list_path: Path) -> None:
        self.config = config
        self.allow_list_path = allow_list_path
        self.allowed = [entry for entry in load_allow_list(allow_list_path) if entry.holds_here()]
        self.skips: dict[str, Skip] = {}

    def _note(self, skip: Skip) -> None:
        self.skips.setdefault(skip.node_id, skip)

    @pytest.hookimpl
    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        xfail_reason = getattr(report, "wasxfail", None)
        if xfail_reason is not None and (report.skipped or report.when == "call"):
            kind = "xfailed" if report.skipped else "xpassed"
            self._note(Skip(report.nodeid, kind, f"xfail: {xfail_reason or 'no reason given'}"))
        elif report.skipped:
            self._note(Skip(report.nodeid, "skipped", _skip_reason(report)))

    @pytest.hookimpl
    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        if report.skipped:
            self._note(Skip(report.nodeid, "skipped", _skip_reason(report)))

    def unallowed(self) -> list[Skip]:
        return sorted(
            (
                skip
                for skip in self.skips.values()
                if not any(entry.matches(skip.node_id) for entry in self.allowed)
            ),
            key=lambda skip: skip.node_id,
        )

    def message(self, unallowed: Iterable[Skip]) -> list[str]:
        shown = os.path.relpath(self.allow_list_path, self.config.invocation_params.dir)
        lines = [
            f"{ENV_VAR}=1: these tests did not run, and they are not on the allow-list",
            f"({shown}), so the run fails. Make them run (scripts/test.sh installs the system",
            "packages the desktop and browser tests need), or allow the skip there with a reason.",
        ]
        for skip in unallowed:
            lines.append(f"{skip.kind.upper()} {skip.node_id} - {skip.reason}")
        return lines

    @pytest.hookimpl(wrapper=True, tryfirst=True)
    def pytest_sessionfinish(self, session: pytest.Session) -> Generator[None, Any, Any]:
        # Outermost wrapper: the list is printed after pytest's own summary line, last thing
        # on the screen, and the status set here is what pytest exits with.
        unallowed = self.unallowed()
        if unallowed and session.exitstatus in (
            pytest.ExitCode.OK,
            pytest.ExitCode.NO_TESTS_COLLECTED,
        ):
            session.exitstatus = pytest.ExitCode.TESTS_FAILED
        result = yield
        if unallowed:
            title = f"{len(unallowed)} skipped test(s) not on the allow-list"
            reporter = self.config.pluginmanager.get_plugin("terminalreporter")
            if reporter is not None:
                reporter.write_sep("=", title, red=True, bold=True)
                for line in self.message(unallowed):
                    reporter.write_line(line)
            else:
                print(title, *self.message(unallowed), sep="\n", file=sys.stderr)
        return result


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addini(
        "skips_allowed",
        f"allow-list of skips under {ENV_VAR}=1, relative to the rootdir",
        default=DEFAULT_ALLOW_LIST,
    )


def pytest_configure(config: pytest.Config) -> None:
    if os.environ.get(ENV_VAR, "") in ("", "0"):
        return
    if hasattr(config, "workerinput"):
        return  # an xdist worker: its reports go to the controller, which decides
    path = config.rootpath / str(config.getini("skips_allowed"))
    config.pluginmanager.register(StrictSkips(config, path), "worklens-strict-skips")
