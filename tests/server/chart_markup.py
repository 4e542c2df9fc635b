"""Reading the dashboard's SVG charts back from a page: each bar's label and value as the
markup holds them (`data-label`, `data-value`), for tests that compare them with the tables."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

SVG = "{http://www.w3.org/2000/svg}"


def chart(page: str, kind: str) -> ET.Element:
    """The page's one chart of `kind` (its class), parsed as XML, so it must be well formed."""
    found = re.findall(rf'<svg class="chart {re.escape(kind)}".*?</svg>', page, flags=re.S)
    assert len(found) == 1, f"{len(found)} charts of kind {kind}"
    return ET.fromstring(found[0])  # noqa: S314 - our own page, under test


def bars(page: str, kind: str) -> list[tuple[str, int]]:
    """(label, value) of each bar of the chart, in drawing order."""
    return [
        (rect.attrib["data-label"], int(rect.attrib["data-value"]))
        for rect in chart(page, kind).iter(f"{SVG}rect")
    ]


def texts(element: ET.Element) -> list[str]:
    return [text.text or "" for text in element.iter(f"{SVG}text")]
