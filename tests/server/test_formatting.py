"""Durations and percentages as every page shows them (worklens_server.formatting)."""

from __future__ import annotations

import pytest

from worklens_server.formatting import (
    clock,
    duration_in_largest_unit,
    duration_in_words,
    percent,
)


@pytest.mark.parametrize(
    ("seconds", "shown"), [(0, "0:00:00"), (59, "0:00:59"), (3725, "1:02:05"), (90000, "25:00:00")]
)
def test_clock(seconds: int, shown: str) -> None:
    assert clock(seconds) == shown


@pytest.mark.parametrize(
    ("seconds", "shown"),
    [(0, "0 seconds"), (1, "1 second"), (90, "1 minute 30 seconds"), (7200, "2 hours")],
)
def test_duration_in_words(seconds: int, shown: str) -> None:
    assert duration_in_words(seconds) == shown


@pytest.mark.parametrize(
    ("seconds", "shown"),
    [(1209600, "14 days"), (86400, "1 day"), (3600, "1 hour"), (300, "300 seconds")],
)
def test_duration_in_largest_unit(seconds: int, shown: str) -> None:
    assert duration_in_largest_unit(seconds) == shown


def test_percent_rounds_and_has_none_without_a_whole() -> None:
    assert (percent(1, 3), percent(2, 3), percent(5, 5), percent(0, 0)) == (33, 67, 100, None)
