"""charts.py: every kind of chart is an SVG element that parses, holds only numbers and quarter labels, and is the
same bytes for the same data."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ElementTree
from collections.abc import Callable

import pytest

from scorecard.report.charts import Chart, ChartMaker, short_quarter

SVG = "{http://www.w3.org/2000/svg}"
QUARTERS = ["2025Q4", "2026Q1", "2026Q2", "2026Q3"]
HOSTILE = '<script>alert(1)</script>"><img src=x onerror=alert(1)>'
# What a chart may say: numbers (1.2k, 0.25, 50%), quarters (Q3 26), flag-age bins (<90d, ½-1y), version marks (v2).
ALLOWED_TEXT = re.compile(r"[0-9.,]+[kM%]?|Q[1-4] \d\d|<90d|90-180d|½-1y|1-2y|>2y|v\d+")

DRAW: dict[str, Callable[[ChartMaker, str], Chart]] = {
    "area_trend": lambda c, label: c.area_trend(
        QUARTERS, [40, 55, None, 70], [50, 50, 52, 60], 100.0, {"2026Q2": "v2"}, label
    ),
    "band_trend": lambda c, label: c.band_trend(
        QUARTERS, [40, 45, 50, 55], [10, 20, 30, 40], [70, 80, 90, 95], 7.0, label
    ),
    "lines": lambda c, label: c.lines(QUARTERS, [[0.4, 0.5, None, 0.6], [0.2, 0.25, 0.3, 0.3]], label=label),
    "stacked_bars": lambda c, label: c.stacked_bars(QUARTERS, [[120, 300, 0, 500], [0, 40, 60, 0]], label),
    "histogram": lambda c, label: c.histogram(["<90d", "90-180d", "½-1y", "1-2y", ">2y"], [3, 1, 0, 2, 1], 2, label),
    "scatter": lambda c, label: c.scatter([500.0, 420.0, 12_000.0], [0.8, 0.8, 0.55], label),
}


def draw(kind: str, label: str = "a chart") -> Chart:
    with ChartMaker() as charts:
        return DRAW[kind](charts, label)


def parsed(chart: Chart) -> ElementTree.Element:
    return ElementTree.fromstring(str(chart.svg))


@pytest.mark.parametrize("kind", sorted(DRAW))
def test_every_chart_is_an_svg_element_that_parses_with_a_label_for_screen_readers(kind):
    root = parsed(draw(kind, label="Scores by quarter"))
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img" and root.get("aria-label") == "Scores by quarter"
    assert root.get("viewBox") and root.get("width") is None  # the page sizes it
    assert len(list(root.iter(f"{SVG}path"))) >= 5  # axes, grid and data are drawn


@pytest.mark.parametrize("kind", sorted(DRAW))
def test_a_chart_holds_no_user_text_and_its_label_stays_an_attribute(kind):
    chart = draw(kind, label=HOSTILE)
    root = parsed(chart)
    texts = [text.text or "" for text in root.iter(f"{SVG}text")]
    assert texts and [text for text in texts if not ALLOWED_TEXT.fullmatch(text)] == []
    assert root.get("aria-label") == HOSTILE  # escaped in the markup, the same string once parsed
    assert not any(element.tag.endswith(("script", "img", "foreignObject")) for element in root.iter())
    assert "<script>" not in chart.svg


@pytest.mark.parametrize("kind", sorted(DRAW))
def test_the_same_data_gives_the_same_bytes(kind):
    assert draw(kind).svg == draw(kind).svg


def test_ids_are_unique_across_the_charts_of_one_maker():
    with ChartMaker() as charts:
        svgs = [DRAW[kind](charts, kind).svg for kind in sorted(DRAW)] + [DRAW["area_trend"](charts, "again").svg]
    ids = re.findall(r'\sid="([^"]+)"', "".join(svgs))
    assert ids and len(ids) == len(set(ids))


def test_missing_values_leave_a_gap_and_no_value_at_all_still_draws_an_empty_chart():
    gap = parsed(draw("area_trend"))
    assert gap.tag == f"{SVG}svg"
    with ChartMaker() as charts:
        nothing = charts.lines(QUARTERS, [[None] * 4, [None] * 4], label="nothing yet")
        no_reference = charts.area_trend(QUARTERS, [None, None, None, 5.0], None, 7.0, label="one score")
        no_churn = charts.stacked_bars(QUARTERS, [], label="no churn")
        no_points = charts.scatter([], [], label="no hotspots")
    for chart in (nothing, no_reference, no_churn, no_points):
        assert parsed(chart).tag == f"{SVG}svg"
    # With no value the axis still runs from 0 to 1.
    assert [t.text for t in parsed(nothing).iter(f"{SVG}text") if not t.text.startswith("Q")] == ["0", "1"]


def test_charts_are_drawn_only_inside_the_makers_style():
    with pytest.raises(RuntimeError, match="inside `with ChartMaker"):
        ChartMaker().lines(QUARTERS, [[1.0, 2.0, 3.0, 4.0]])


def test_short_quarter_labels():
    assert short_quarter("2026Q3") == "Q3 26"
