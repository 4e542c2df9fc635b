"""Root of the test suite. `tests.strict_skips` makes a skipped test fail the run under
WORKLENS_STRICT_SKIPS=1 (set by scripts/test.sh) unless tests/skips_allowed.toml allows it."""

from __future__ import annotations

import pytest

pytest_plugins = ["tests.strict_skips"]


def _allowed_seconds(item: pytest.Item) -> float:
    marker = item.get_closest_marker("timeout")
    return float(marker.args[0]) if marker is not None and marker.args else 0.0


def _first_chunk(tests: int, workers: int) -> int:
    """How many tests pytest-xdist's load scheduler hands each worker at the start: a quarter of
    a worker's share, at least two (xdist/scheduler/load.py, without --maxschedchunk)."""
    return max((tests // workers) // 4, 2)


def _spread(items: list[pytest.Item], workers: int) -> list[pytest.Item]:
    """The long tests (first in `items`) placed one at the head of each worker's first chunk,
    the rest of each chunk filled with short tests; long tests beyond one per worker follow the
    first chunks, for the first worker that runs short."""
    long = [item for item in items if _allowed_seconds(item) > 0]
    short = items[len(long) :]
    chunk = _first_chunk(len(items), workers)
    ordered: list[pytest.Item] = []
    for worker in range(workers):
        head = long[worker : worker + 1]
        take = chunk - len(head)
        ordered += head + short[:take]
        short = short[take:]
    return ordered + long[workers:] + short


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests that declare a longer timeout than the default start first, longest first, each on
    a worker of its own.

    The desktop acceptance tests wait on real time for minutes (the input flags' for ten).
    pytest-xdist hands tests out in collection order, in consecutive chunks: sorted first but
    side by side, they all went to the first worker, which ran them one after another while the
    others sat idle. Each now heads another worker's first chunk and runs beside everything else.
    The rest keep their order.
    """
    items.sort(key=lambda item: -_allowed_seconds(item))
    workers = int(getattr(config, "workerinput", {}).get("workercount", 1))
    if workers > 1:
        items[:] = _spread(items, workers)
