"""A chart as the page shows it: the SVG with its caption, an optional reading and change, and an HTML legend."""

from __future__ import annotations

from dataclasses import dataclass

from scorecard.report.charts import Chart


@dataclass(frozen=True)
class Figure:
    """A chart with its caption, an optional one-line reading of it, and an HTML legend."""

    chart: Chart
    title: str
    kind: str
    reading: str = ""
    legend: tuple[tuple[str, str], ...] = ()
    """(colour, label) pairs."""
    key: str = ""
    """What the chart is of, for a reader of the HTML (an area id)."""
    delta_text: str = ""
    delta_class: str = "none"
