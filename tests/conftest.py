"""Root of the test suite. `tests.strict_skips` makes a skipped test fail the run under
WORKLENS_STRICT_SKIPS=1 (set by scripts/test.sh) unless tests/skips_allowed.toml allows it."""

from __future__ import annotations

import pytest

pytest_plugins = ["tests.strict_skips"]


def _allowed_seconds(item: pytest.Item) -> float:
    marker = item.get_closest_marker("timeout")
    return float(marker.args[0]) if marker is not None and marker.args else 0.0


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests that declare a longer timeout than the default start first, longest first.

    The desktop acceptance test waits on real time for about four minutes. pytest-xdist hands
    tests out in collection order, where it came in the middle: the run then waited for it alone
    at its end. Started first, it runs beside everything else. The rest keep their order.
    """
    items.sort(key=lambda item: -_allowed_seconds(item))
