"""The report's charts: matplotlib drawn to inline SVG that holds only numbers and quarter labels.

Names (areas, files, flags) go in the HTML around a chart, where Jinja escapes them. Draw every chart of a report
with one :class:`ChartMaker` (it reuses figures and frames), never one maker across threads.
"""

from __future__ import annotations

import contextlib
import io
import itertools
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import matplotlib as mpl
from markupsafe import Markup
from matplotlib.axes import Axes
from matplotlib.collections import PolyCollection
from matplotlib.figure import Figure, SubFigure
from matplotlib.lines import Line2D

# Colours that stay apart for the common colour-vision deficiencies, plus greys.
BLUE = "#0072B2"
ORANGE = "#E69F00"
SKY = "#56B4E9"
GREEN = "#009E73"
VERMILION = "#D55E00"
PURPLE = "#CC79A7"
YELLOW = "#F0E442"
GREY = "#8a8f98"
LIGHT_GREY = "#e3e6ea"
INK = "#2b2f36"
SERIES_COLOURS = (BLUE, ORANGE, GREEN, VERMILION, PURPLE, SKY, YELLOW, GREY)

RC: dict[Any, Any] = {
    "svg.fonttype": "none",  # text stays text: the page's font, selectable, a fraction of the bytes
    "svg.hashsalt": "scorecard",  # stable ids, so the same data gives the same bytes
    "text.parse_math": False,  # a "$" is a dollar sign, never TeX
    "font.size": 8,
    "axes.edgecolor": GREY,
    "axes.labelcolor": INK,
    "xtick.color": INK,
    "ytick.color": INK,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.linewidth": 0.6,
    "lines.solid_capstyle": "round",
}

_SMALL = (2.6, 1.45)
_WIDE = (5.4, 1.9)
_HEADER = re.compile(r"^.*?(?=<svg)", re.DOTALL)
_METADATA = re.compile(r"<metadata>.*?</metadata>\s*", re.DOTALL)
_STYLE = re.compile(r"<style[^>]*>.*?</style>\s*", re.DOTALL)
_FONT_FAMILY = re.compile(r"font-family: [^;\"]*;? ?")
_SIZE = re.compile(r'<svg([^>]*?) width="[^"]*" height="[^"]*"')
_ARTIST_ID = re.compile(
    r' id="(?:figure|patch|axes|matplotlib\.axis|xtick|ytick|line2d|text|PolyCollection|'
    r'PathCollection|FillBetweenPolyCollection|LineCollection|BarContainer|legend)_\d+"'
)
_DEF_ID = re.compile(r'(id="|url\(#|xlink:href="#|href="#)([A-Za-z][\w.-]*)')
_BLANK_LINES = re.compile(r"\n\s*")
_NO_ROTATION = re.compile(r' transform="rotate\(-0 [^)]*\)"')
_LONG_DECIMAL = re.compile(r"-?\d+\.\d{3,}")


@dataclass(frozen=True)
class Chart:
    """One inline SVG chart, with the words a screen reader says for it."""

    svg: Markup
    label: str


def short_quarter(quarter: str) -> str:
    """``2026Q3`` -> ``Q3 26``: tick labels that fit eight quarters in a small chart."""
    return f"Q{quarter[-1]} {quarter[2:4]}"


@dataclass(frozen=True)
class Frame:
    """What a chart shares with its neighbours: size, limits, ticks and their labels, grid."""

    size: tuple[float, float]
    xlim: tuple[float, float]
    ylim: tuple[float, float]
    xticks: tuple[tuple[float, str], ...]
    yticks: tuple[tuple[float, str], ...]
    xlog: bool = False
    xgrid: bool = False


class ChartMaker:
    """Draws the report's charts; every method returns a :class:`Chart`. Make one per report.

    A chart is two layers drawn by matplotlib on figures of the same size: its *frame* (spines, grid, tick
    labels) and its *data* (lines, bars, points, marks). Laying out tick labels is most of the cost of a
    small chart, and the frames repeat (every area chart of a report shares one; evidence charts share a
    few), so each distinct frame is drawn once and the data layer, drawn with the axes switched off, is
    laid over it in the same SVG viewport. 280 charts draw in about a second instead of four.
    """

    def __init__(self) -> None:
        self._frames: dict[Frame, str] = {}
        self._layers: dict[tuple[object, ...], Axes] = {}
        self._ids = itertools.count(1)
        self._style: contextlib.ExitStack | None = None

    def __enter__(self) -> ChartMaker:
        # One rc_context for all the charts of a report: entering one per chart cost a tenth of the report.
        self._style = contextlib.ExitStack()
        self._style.enter_context(mpl.rc_context(RC))
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._style is not None:
            self._style.close()
            self._style = None

    def _check_style(self) -> None:
        if self._style is None:
            raise RuntimeError("draw charts inside `with ChartMaker() as charts:` (it sets matplotlib's style)")

    # -- plumbing -----------------------------------------------------------------------------------------

    def _frame_svg(self, frame: Frame) -> str:
        cached = self._frames.get(frame)
        if cached is None:
            axes = self._frame_axes(frame)
            axes.set_xlim(*frame.xlim)
            axes.set_ylim(*frame.ylim)
            axes.set_xticks([x for x, _ in frame.xticks], [label for _, label in frame.xticks])
            axes.set_yticks([y for y, _ in frame.yticks], [label for _, label in frame.yticks])
            # Cleaned once; each chart gives the frame's ids its own prefix (a page must not repeat an id).
            cached = self._frames[frame] = _clean_svg(_render(axes.figure), _FRAME_IDS)
        return cached

    def _frame_axes(self, frame: Frame) -> Axes:
        """The figure frames of this size and scale are drawn on (a new matplotlib Axes costs ~20 ms)."""
        key = ("frame", frame.size, frame.xlog, frame.xgrid)
        axes = self._layers.get(key)
        if axes is None:
            figure = Figure(figsize=frame.size)
            figure.patch.set_visible(False)  # the card behind the chart is the background
            axes = figure.add_axes(_AXES_RECT)
            axes.patch.set_visible(False)
            if frame.xlog:
                axes.set_xscale("log")
                axes.xaxis.set_minor_locator(mpl.ticker.NullLocator())
            axes.tick_params(length=0, pad=3)
            axes.grid(axis="both" if frame.xgrid else "y", color=LIGHT_GREY, lw=0.6)
            self._layers[key] = axes
        return axes

    def _data_axes(self, frame: Frame) -> Axes:
        """The data layer's axes for ``frame``: no axis, no background, the frame's limits, emptied."""
        self._check_style()
        key = ("data", frame.size, frame.xlog)
        axes = self._layers.get(key)
        if axes is None:
            figure = Figure(figsize=frame.size)
            figure.patch.set_visible(False)
            axes = figure.add_axes(_AXES_RECT)
            axes.set_axis_off()
            if frame.xlog:
                axes.set_xscale("log")
            self._layers[key] = axes
        for artist in [*axes.lines, *axes.collections, *axes.patches, *axes.texts]:
            artist.remove()
        axes.containers.clear()
        if axes.get_xlim() != frame.xlim or axes.get_ylim() != frame.ylim:
            axes.set_xlim(*frame.xlim)
            axes.set_ylim(*frame.ylim)
        return axes

    def _chart(self, frame: Frame, axes: Axes, label: str) -> Chart:
        number = next(self._ids)
        root, frame_part = _split(self._frame_svg(frame))
        _root, data_part = _split(_clean_svg(_render(axes.figure), f"c{number}d"))
        root = root.replace("<svg ", f'<svg class="chart-svg" role="img" aria-label="{_attribute(label)}" ', 1)
        return Chart(Markup(f"{root}{frame_part.replace(_FRAME_IDS, f'c{number}f')}{data_part}</svg>"), label)

    @staticmethod
    def _quarter_ticks(quarters: Sequence[str], every: int = 2) -> tuple[tuple[float, str], ...]:
        # Eight labels crowd a small chart: label every ``every``-th quarter counting back from the last.
        shown = [i for i in range(len(quarters)) if (len(quarters) - 1 - i) % every == 0]
        return tuple((float(i), short_quarter(quarters[i])) for i in shown)

    @staticmethod
    def _quarter_limits(quarters: Sequence[str]) -> tuple[float, float]:
        return (-0.35, max(len(quarters) - 1, 1) + 0.35)

    @staticmethod
    def _value_ticks(ticks: Sequence[float], percent: bool = False) -> tuple[tuple[float, str], ...]:
        return tuple((float(t), f"{t:.0%}" if percent else _compact(t)) for t in ticks)

    @staticmethod
    def _marks(axes: Axes, quarters: Sequence[str], marks: Mapping[str, str], top: float) -> None:
        """Vertical dotted lines where something changed (a bank's version), labelled at the top."""
        for quarter, text in marks.items():
            if quarter in quarters:
                x = quarters.index(quarter) - 0.5
                axes.axvline(x, color=PURPLE, lw=0.9, ls=(0, (2, 2)))
                axes.text(x + 0.08, top, text, color=PURPLE, fontsize=6.5, va="top", ha="left")

    # -- the charts ---------------------------------------------------------------------------------------

    def area_trend(
        self,
        quarters: Sequence[str],
        scores: Sequence[float | None],
        reference: Sequence[float | None] | None,
        scale: float,
        marks: Mapping[str, str] | None = None,
        label: str = "",
    ) -> Chart:
        """One area's score across quarters (a gap where there is no score), the org median dashed behind it."""
        frame = Frame(
            _SMALL,
            self._quarter_limits(quarters),
            (0.0, scale * 1.04),
            self._quarter_ticks(quarters, every=max(1, len(quarters) - 1)),
            self._value_ticks([0, scale / 2, scale]),
        )
        axes = self._data_axes(frame)
        xs = range(len(quarters))
        if reference is not None:
            _line(axes, xs, reference, color=GREY, lw=1, ls=(0, (3, 2)))
        _line(axes, xs, scores, color=BLUE, lw=1.8, marker="o", ms=3.2)
        self._marks(axes, quarters, marks or {}, scale * 1.03)
        return self._chart(frame, axes, label)

    def band_trend(
        self,
        quarters: Sequence[str],
        middle: Sequence[float | None],
        low: Sequence[float | None],
        high: Sequence[float | None],
        scale: float,
        label: str = "",
    ) -> Chart:
        """A middle line (the org median) over a shaded band (lowest to highest team)."""
        frame = Frame(
            _WIDE,
            self._quarter_limits(quarters),
            (0.0, scale * 1.04),
            self._quarter_ticks(quarters, every=1),
            # Quarters of 100 for percentages; whole points (ML Test Score sums, 0 to 7) need round steps.
            self._value_ticks(
                [0, 25, 50, 75, 100] if scale == 100 else [t for t in _nice_scale(scale)[1] if t <= scale]
            ),
        )
        axes = self._data_axes(frame)
        xs = list(range(len(quarters)))
        axes.fill_between(xs, _nan(low), _nan(high), color=SKY, alpha=0.25, lw=0)
        _line(axes, xs, middle, color=BLUE, lw=2, marker="o", ms=3.5)
        return self._chart(frame, axes, label)

    def lines(
        self,
        quarters: Sequence[str],
        series: Sequence[Sequence[float | None]],
        percent: bool = False,
        label: str = "",
    ) -> Chart:
        """A few series over quarters in :data:`SERIES_COLOURS` order (the legend is HTML, beside the chart)."""
        values = [v for line in series for v in line if v is not None and not math.isnan(v)]
        top, ticks = _nice_scale(max(values, default=0.0))
        frame = Frame(
            _SMALL,
            self._quarter_limits(quarters),
            (0.0, top),
            self._quarter_ticks(quarters),
            self._value_ticks(ticks, percent),
        )
        axes = self._data_axes(frame)
        xs = range(len(quarters))
        for line, colour in zip(series, SERIES_COLOURS, strict=False):
            _line(axes, xs, line, color=colour, lw=1.6, marker="o", ms=2.8)
        return self._chart(frame, axes, label)

    def stacked_bars(self, quarters: Sequence[str], parts: Sequence[Sequence[float]], label: str = "") -> Chart:
        """Bars per quarter, stacked from ``parts`` in :data:`SERIES_COLOURS` order."""
        totals = [sum((values[i] or 0.0) for values in parts) for i in range(len(quarters))]
        top, ticks = _nice_scale(max(totals, default=0.0))
        frame = Frame(
            _SMALL,
            self._quarter_limits(quarters),
            (0.0, top),
            self._quarter_ticks(quarters),
            self._value_ticks(ticks),
        )
        axes = self._data_axes(frame)
        xs: list[float] = []
        bottoms: list[float] = []
        heights: list[float] = []
        colours: list[str] = []
        bottom = [0.0] * len(quarters)
        for values, colour in zip(parts, SERIES_COLOURS, strict=False):
            for index, value in enumerate(values):
                xs.append(float(index))
                bottoms.append(bottom[index])
                heights.append(value or 0.0)
                colours.append(colour)
                bottom[index] += value or 0.0
        _bars(axes, xs, bottoms, heights, 0.62, colours)
        return self._chart(frame, axes, label)

    def histogram(self, bins: Sequence[str], counts: Sequence[int], warn_from: int, label: str = "") -> Chart:
        """Counts per labelled bin; bins from index ``warn_from`` on are drawn in the warning colour."""
        top, ticks = _nice_scale(float(max(counts, default=0)), integer=True)
        frame = Frame(
            _SMALL,
            (-0.5, len(bins) - 0.5),
            (0.0, top),
            tuple((float(i), name) for i, name in enumerate(bins)),
            self._value_ticks(ticks),
        )
        axes = self._data_axes(frame)
        colours = [VERMILION if i >= warn_from else BLUE for i in range(len(bins))]
        _bars(axes, range(len(bins)), [0.0] * len(bins), [float(c) for c in counts], 0.7, colours)
        return self._chart(frame, axes, label)

    def scatter(self, xs: Sequence[float], ys: Sequence[float], label: str = "") -> Chart:
        """Numbered points (1 = the first of ``xs``) on a log x axis of whole decades, y from 0 to 1; the names
        the numbers stand for are listed in HTML beside the chart."""
        low = 10 ** math.floor(math.log10(max(min(xs, default=1.0), 1.0)))
        high = 10 ** math.ceil(math.log10(max(max(xs, default=10.0), 10.0) * 1.5))
        decades = [10**exponent for exponent in range(round(math.log10(low)), round(math.log10(high)) + 1)]
        frame = Frame(
            _SMALL,
            (low / 1.5, high * 1.2),
            (0.0, 1.1),
            tuple((float(d), _compact(d)) for d in decades),
            self._value_ticks([0.0, 0.5, 1.0]),
            xlog=True,
            xgrid=True,
        )
        axes = self._data_axes(frame)
        axes.scatter(xs, ys, s=48, color=VERMILION, alpha=0.85, lw=0)
        for number, (x, y) in enumerate(zip(xs, ys, strict=True), start=1):
            axes.text(x, y, str(number), color="white", fontsize=6, ha="center", va="center", fontweight="bold")
        return self._chart(frame, axes, label)


_AXES_RECT = (0.11, 0.17, 0.86, 0.76)
_FRAME_IDS = "frame-id-prefix"


def _bars(
    axes: Axes,
    xs: Iterable[float],
    bottoms: Sequence[float],
    heights: Sequence[float],
    width: float,
    colours: Sequence[str],
) -> None:
    """Bars as one collection of rectangles: what ``Axes.bar`` draws, without a patch (and a limits update)
    per bar, which made bar charts the slowest of the report."""
    boxes = [
        [
            (x - width / 2, bottom),
            (x - width / 2, bottom + height),
            (x + width / 2, bottom + height),
            (x + width / 2, bottom),
        ]
        for x, bottom, height in zip(xs, bottoms, heights, strict=True)
        if height
    ]
    shown = [colour for colour, height in zip(colours, heights, strict=True) if height]
    axes.add_collection(PolyCollection(boxes, facecolors=shown, linewidths=0), autolim=False)


def _render(figure: Figure | SubFigure) -> str:
    buffer = io.StringIO()
    figure.figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    return buffer.getvalue()


def _split(svg: str) -> tuple[str, str]:
    """An ``<svg>`` element's opening tag, and what is inside it."""
    opening_end = svg.index(">") + 1
    return svg[:opening_end], svg[opening_end : svg.rindex("</svg>")]


def _nice_scale(top: float, integer: bool = False) -> tuple[float, list[float]]:
    """An axis top a little above ``top`` and two or three round steps (1, 2, 2.5 or 5 x 10^k) under it:
    few enough labels for a small chart, fine enough that the data fills most of the height."""
    if top <= 0:
        return 1.05, [0.0, 1.0]
    magnitude = 10 ** math.floor(math.log10(top))
    steps = [m * magnitude / 10 for m in (1, 2, 2.5, 5)] + [m * magnitude for m in (1, 2, 2.5, 5, 10)]
    step = next(candidate for candidate in steps if candidate * 3 >= top)
    if integer:
        step = float(max(1, math.ceil(step)))
    count = max(1, math.ceil(top / step - 1e-9))
    return count * step * 1.06, [index * step for index in range(count + 1)]


def _line(axes: Axes, xs: Iterable[float], ys: Sequence[float | None], **style: Any) -> None:
    """A line on fixed limits: ``Axes.plot`` without its argument parsing and autoscaling (3x faster)."""
    axes.add_line(Line2D(list(xs), _nan(ys), solid_capstyle="round", **style))


def _nan(values: Sequence[float | None]) -> list[float]:
    return [math.nan if v is None else float(v) for v in values]


def _compact(value: float, _position: object = None) -> str:
    """Tick labels: 1200 -> 1.2k, 3400000 -> 3.4M, 0.25 -> 0.25."""
    for limit, suffix in ((1e6, "M"), (1e3, "k")):
        if abs(value) >= limit:
            return f"{value / limit:.3g}{suffix}"
    return f"{value:.3g}"


def _clean_svg(text: str, prefix: str) -> str:
    """matplotlib's SVG document -> an ``<svg>`` element for an HTML page.

    Drops the XML header, metadata and the per-chart style sheet (the page has one rule for all), lets the
    page's font apply, makes the size follow the page (the viewBox keeps the proportions), and prefixes ids
    so that hundreds of charts in one page never share one. The document holds only numbers and quarter
    labels drawn by us (see the module docstring), so these rewrites cannot touch user text.
    """
    text = _HEADER.sub("", text, count=1)
    text = _METADATA.sub("", text)
    text = _STYLE.sub("", text)
    text = _FONT_FAMILY.sub("", text)
    text = _ARTIST_ID.sub("", text)
    text = _DEF_ID.sub(lambda m: f"{m.group(1)}{prefix}-{m.group(2)}", text)
    text = _SIZE.sub(r"<svg\1", text, count=1)
    text = _BLANK_LINES.sub(" ", text).replace("> <", "><").replace("<defs></defs>", "")
    # Smaller, same picture: no-op rotations and empty groups go, and coordinates keep two decimals (a
    # hundredth of a point, far below a pixel).
    text = _NO_ROTATION.sub("", text).replace("<g/>", "").replace("  ", " ")
    return _LONG_DECIMAL.sub(lambda m: f"{float(m.group(0)):.2f}".rstrip("0").rstrip("."), text).strip()


def _attribute(text: str) -> str:
    return str(Markup.escape(text))
