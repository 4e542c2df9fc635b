"""Charts as SVG drawn on the server: pure functions from figures to markup.

Drawn here rather than by a chart library in the browser: the pages stay readable without
JavaScript, the figures are the page's own (each chart is given exactly what its table shows,
by the same selector), and no script has to be shipped, pinned and audited for four bar charts.

Every chart is accessible and testable from its markup alone: the <svg> has role="img", a
<title> and a <desc> (named by aria-labelledby), each bar carries its label and value as text
and as `data-label` / `data-value` attributes (the value in the unit the table counts, seconds
or percent, never a rounded figure), and colours come from the stylesheet (classes `chart`,
`bar`, `bar-<tone>`), so a chart follows the page's palette.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

#: Drawing units of the viewBox; the SVG scales to its container's width.
WIDTH = 720
COLUMN_HEIGHT = 220
ROW_HEIGHT = 22
LABEL_WIDTH = 200
#: Margins of a column chart: room for the value above a bar and the label below it.
TOP, BOTTOM, SIDE = 18, 34, 8


@dataclass(frozen=True)
class Bar:
    """One bar: what it is, how much (in the table's unit), and that figure as the page says it."""

    label: str
    value: int
    shown: str
    #: A class suffix for its colour ("productive", "idle"); the accent colour when empty.
    tone: str = ""


def _chart_id(kind: str, title: str, description: str, bars: Sequence[Bar]) -> str:
    """An id for aria-labelledby from what the chart shows: two charts of one page differ, and
    the same figures draw the same markup on every page (the member day page and "What is
    collected about me" must be identical)."""
    content = repr((kind, title, description, [(bar.label, bar.value) for bar in bars]))
    return f"{kind}-{hashlib.sha256(content.encode()).hexdigest()[:10]}"


def _open(
    kind: str, title: str, description: str, height: int, bars: Sequence[Bar] = ()
) -> tuple[str, str]:
    chart_id = _chart_id(kind, title, description, bars)
    head = (
        f'<svg class="chart {kind}" role="img" viewBox="0 0 {WIDTH} {height}" '
        f'preserveAspectRatio="xMinYMin meet" aria-labelledby="{chart_id}-t {chart_id}-d" '
        f'xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{chart_id}-t">{escape(title)}</title>'
        f'<desc id="{chart_id}-d">{escape(description)}</desc>'
    )
    return chart_id, head


def _bar_class(bar: Bar) -> str:
    # Not "bar": that class is the progress bar of tables, whose CSS width and height would
    # override an SVG rect's own (CSS geometry properties apply to SVG in browsers).
    return f"chart-bar chart-bar-{escape(bar.tone)}" if bar.tone else "chart-bar"


def _bar_rect(bar: Bar, x: float, y: float, width: float, height: float) -> str:
    return (
        f'<rect class="{_bar_class(bar)}" x="{x:.1f}" y="{y:.1f}" width="{width:.1f}" '
        f'height="{height:.1f}" data-label="{escape(bar.label)}" data-value="{bar.value}">'
        f"<title>{escape(bar.label)}: {escape(bar.shown)}</title></rect>"
    )


def _empty(kind: str, title: str, description: str, message: str) -> SafeString:
    _, head = _open(kind, title, description, 40)
    text = f'<text class="chart-empty" x="{SIDE}" y="24">{escape(message)}</text>'
    return mark_safe(head + text + "</svg>")  # noqa: S308 - every text above is escaped


def column_chart(
    *,
    kind: str,
    title: str,
    description: str,
    bars: Sequence[Bar],
    scale_max: int | None = None,
    empty: str = "Nothing to show.",
) -> SafeString:
    """Vertical bars side by side (days of a period, hours of a day), each with its label below
    and its figure above. `scale_max` fixes the top of the scale (100 for percentages); else the
    tallest bar reaches it. A chart of nothing but zeros says `empty` instead of drawing none."""
    if not bars or not any(bar.value for bar in bars):
        return _empty(kind, title, description, empty)
    top = max(scale_max or 0, max(bar.value for bar in bars), 1)
    plot_height = COLUMN_HEIGHT - TOP - BOTTOM
    slot = (WIDTH - 2 * SIDE) / len(bars)
    width = max(slot * 0.7, 1.0)
    # Figures above narrow bars would overlap; they stay in each bar's tooltip and data-value.
    figures = slot >= 44
    # Labels too: on a quarter's 92 days every few days is named; each bar keeps its data-label.
    every = max(1, math.ceil(20 / slot))
    _, head = _open(kind, title, description, COLUMN_HEIGHT, bars)
    parts = [
        head,
        f'<line class="axis" x1="{SIDE}" x2="{WIDTH - SIDE}" y1="{TOP + plot_height}" '
        f'y2="{TOP + plot_height}"/>',
    ]
    for index, bar in enumerate(bars):
        height = plot_height * bar.value / top
        x = SIDE + index * slot + (slot - width) / 2
        y = TOP + plot_height - height
        centre = x + width / 2
        parts.append('<g class="column">')
        parts.append(_bar_rect(bar, x, y, width, height))
        if figures and bar.value:
            parts.append(
                f'<text class="figure" x="{centre:.1f}" y="{y - 4:.1f}" '
                f'text-anchor="middle">{escape(bar.shown)}</text>'
            )
        if index % every == 0:
            parts.append(
                f'<text class="label" x="{centre:.1f}" y="{COLUMN_HEIGHT - BOTTOM + 16}" '
                f'text-anchor="middle">{escape(bar.label)}</text>'
            )
        parts.append("</g>")
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped


def ranked_bars(
    *, kind: str, title: str, description: str, bars: Sequence[Bar], empty: str = "Nothing to show."
) -> SafeString:
    """Horizontal bars, one row each in the order given (largest first, as the tables list
    them), the label at the left and the figure after the bar; the longest bar fills the row."""
    if not bars or not any(bar.value for bar in bars):
        return _empty(kind, title, description, empty)
    top = max(max(bar.value for bar in bars), 1)
    height = len(bars) * ROW_HEIGHT + 2 * SIDE
    room = WIDTH - LABEL_WIDTH - 2 * SIDE - 90  # 90: the figure after the longest bar
    _, head = _open(kind, title, description, height, bars)
    parts = [head]
    for index, bar in enumerate(bars):
        y = SIDE + index * ROW_HEIGHT
        length = room * bar.value / top
        parts.append('<g class="row">')
        parts.append(
            f'<text class="label" x="{LABEL_WIDTH - 6}" y="{y + 15}" '
            f'text-anchor="end">{escape(_shorten(bar.label))}</text>'
        )
        parts.append(_bar_rect(bar, LABEL_WIDTH, y + 3, max(length, 1.0), ROW_HEIGHT - 6))
        parts.append(
            f'<text class="figure" x="{LABEL_WIDTH + length + 6:.1f}" y="{y + 15}">'
            f"{escape(bar.shown)}</text>"
        )
        parts.append("</g>")
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped


def _shorten(label: str, limit: int = 30) -> str:
    """A long name cut to fit its column; the whole name stays in data-label and the tooltip."""
    return label if len(label) <= limit else label[: limit - 1] + "…"
