"""The SVG charts' module: well-formed, accessible markup holding every figure it was given."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from chart_markup import SVG, bars, texts

from worklens_server.reports.charts import Bar, column_chart, ranked_bars


def _parse(markup: str) -> ET.Element:
    return ET.fromstring(markup)  # noqa: S314 - our own markup, under test


def test_a_column_chart_names_itself_and_holds_each_bar_with_its_label_and_figure() -> None:
    markup = column_chart(
        kind="hours-per-day",
        title="Hours per day",
        description="Counted time per day",
        bars=[Bar("Mon 15", 1800, "0:30:00"), Bar("Tue 16", 2700, "0:45:00"), Bar("Wed 17", 0, "")],
    )
    svg = _parse(markup)
    assert svg.attrib["role"] == "img"
    title, desc = svg.find(f"{SVG}title"), svg.find(f"{SVG}desc")
    assert title is not None
    assert title.text == "Hours per day"
    assert desc is not None
    assert desc.text == "Counted time per day"
    assert svg.attrib["aria-labelledby"] == f"{title.attrib['id']} {desc.attrib['id']}"
    assert bars(markup, "hours-per-day") == [("Mon 15", 1800), ("Tue 16", 2700), ("Wed 17", 0)]
    shown = texts(svg)
    assert shown == ["0:30:00", "Mon 15", "0:45:00", "Tue 16", "Wed 17"]
    heights = {r.attrib["data-label"]: float(r.attrib["height"]) for r in svg.iter(f"{SVG}rect")}
    # The tallest bar reaches the top of the scale, the others in proportion, zero is flat.
    assert heights["Tue 16"] == 2 * heights["Mon 15"] * 2700 / 3600
    assert heights["Wed 17"] == 0


def test_a_fixed_scale_keeps_percentages_in_proportion_to_a_hundred() -> None:
    markup = column_chart(
        kind="activity",
        title="Activity",
        description="per hour",
        bars=[Bar("09", 50, "50 %"), Bar("10", 25, "25 %")],
        scale_max=100,
    )
    rects = list(_parse(markup).iter(f"{SVG}rect"))
    assert float(rects[0].attrib["height"]) == 2 * float(rects[1].attrib["height"])
    half = 220 - 18 - 34
    assert float(rects[0].attrib["height"]) == half / 2


def test_names_are_escaped_and_long_ones_cut_only_on_screen() -> None:
    name = '<script>alert("x")</script> & a very long application name indeed'
    markup = ranked_bars(
        kind="top-apps",
        title="Top <apps>",
        description="d",
        bars=[Bar(name, 3600, "1:00:00", tone="productive"), Bar("vim", 60, "0:01:00")],
    )
    assert "<script>" not in markup
    svg = _parse(markup)
    assert bars(markup, "top-apps") == [(name, 3600), ("vim", 60)]
    first = next(svg.iter(f"{SVG}rect"))
    assert first.attrib["class"] == "chart-bar chart-bar-productive"
    assert texts(svg)[0].endswith("…")
    assert len(texts(svg)[0]) == 30
    widths = [float(r.attrib["width"]) for r in svg.iter(f"{SVG}rect")]
    assert widths[0] == 60 * widths[1]


def test_a_chart_of_nothing_says_so_instead_of_drawing_empty_bars() -> None:
    markup = column_chart(
        kind="hours-per-day",
        title="Hours per day",
        description="d",
        bars=[Bar("Mon", 0, "")],
        empty="No time counted in this period.",
    )
    svg = _parse(markup)
    assert list(svg.iter(f"{SVG}rect")) == []
    assert texts(svg) == ["No time counted in this period."]
    assert _parse(ranked_bars(kind="k", title="t", description="d", bars=[])) is not None


def test_two_charts_have_distinct_ids_and_one_chart_the_same_on_every_page() -> None:
    def ids(title: str) -> str:
        markup = ranked_bars(kind="k", title=title, description="d", bars=[Bar("a", 1, "1")])
        return _parse(markup).attrib["aria-labelledby"]

    assert ids("Top apps") != ids("Top sites")
    assert ids("Top apps") == ids("Top apps")
