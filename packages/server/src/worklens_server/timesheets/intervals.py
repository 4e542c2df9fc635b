"""Stretches of time as half-open intervals [start, end): their union, what lies outside others,
and how much two overlap. Pure: the counts of changes and the checks that no second counts twice
both use them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

Interval = tuple[dt.datetime, dt.datetime]


def merged(intervals: Iterable[Interval]) -> list[Interval]:
    """The union of `intervals`, as sorted intervals that neither overlap nor touch."""
    out: list[Interval] = []
    for start, end in sorted(intervals):
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out


def minus(intervals: Iterable[Interval], cuts: Iterable[Interval]) -> list[Interval]:
    """What of `intervals` lies outside every cut."""
    cut_list = merged(cuts)
    out: list[Interval] = []
    for start, end in merged(intervals):
        for cut_start, cut_end in cut_list:
            if cut_end <= start or cut_start >= end:
                continue
            if cut_start > start:
                out.append((start, cut_start))
            start = max(start, cut_end)
            if start >= end:
                break
        if start < end:
            out.append((start, end))
    return out


def overlap_seconds(interval: Interval, others: Iterable[Interval]) -> int:
    start, end = interval
    return sum(
        int((min(end, other_end) - max(start, other_start)).total_seconds())
        for other_start, other_end in others
        if other_start < end and other_end > start
    )
