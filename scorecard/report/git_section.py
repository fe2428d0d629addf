"""The git part of a team's page: charts of what its scans measured, a line of facts, hotspots and stale flags.

Every metric named here is a metric of :mod:`scorecard.metric_contract` (a test checks), and the facts are worded
by its :func:`~scorecard.metric_contract.describe_metric`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from scorecard.metric_contract import describe_metric
from scorecard.report.charts import SERIES_COLOURS, VERMILION, ChartMaker
from scorecard.report.figure import Figure
from scorecard.report.formatting import moment_text
from scorecard.report.prepared import TeamGitFrames, none_if_nan

METRIC_CHARTS: dict[str, tuple[str, tuple[tuple[str, str], ...]]] = {
    # chart id -> (title, ((quarter metric, legend), ...)); the first metric's latest value is the reading
    "ratios": (
        "Config and tests per line of code",
        (("config_to_code_ratio", "config"), ("test_to_code_ratio", "tests")),
    ),
    "flags": ("Flags alive, and stale (untouched > 180 days)", (("flags.alive", "alive"), ("flags.stale", "stale"))),
    "debt": (
        "Debt comments (TODO, FIXME, HACK, XXX)",
        (("debt_comments.alive", "alive"), ("debt_comments.added", "added")),
    ),
}
FACT_METRICS = ("lines.code", "config_to_code_ratio", "flags.alive", "flags.stale", "debt_comments.alive")
"""The latest metrics said in words above the charts (those a team has)."""
CHURN_KINDS = ("code", "config", "test", "notebook", "ci", "docs", "data", "lock", "other")
FLAG_AGE_BINS = ((0, 90, "<90d"), (90, 180, "90-180d"), (180, 365, "½-1y"), (365, 730, "1-2y"), (730, math.inf, ">2y"))
STALE_BIN = 2  # bins from this one on are older than the 180 days that make a flag stale
STALE_FLAGS_SHOWN = 10


@dataclass(frozen=True)
class GitSection:
    """What a team's page shows of its git scans (nothing but ``scanned_at`` None for a team never scanned)."""

    scanned_at: str | None
    figures: list[Figure]
    facts: list[str]
    hotspots: list[dict[str, Any]]
    """Numbered rows (the numbers of the hotspot chart's points): path, churn, coupling, partner."""
    stale_flags: list[dict[str, Any]]
    stale_flag_count: int


def git_section(git: TeamGitFrames, quarters: Sequence[str], charts: ChartMaker) -> GitSection:
    """A team's git section; charts drawn in page order."""
    if git.scanned_at is None:
        return GitSection(scanned_at=None, figures=[], facts=[], hotspots=[], stale_flags=[], stale_flag_count=0)
    figures = metric_figures(git, quarters, charts)
    for figure in (churn_figure(git, quarters, charts), flag_age_figure(git, charts), hotspot_figure(git, charts)):
        if figure is not None:
            figures.append(figure)
    stale = git.flags.assign(untouched_days=untouched_days(git.flags))
    stale = stale[stale["stale"].astype(bool)].sort_values("untouched_days", ascending=False, kind="stable")
    return GitSection(
        scanned_at=moment_text(git.scanned_at),
        figures=figures,
        facts=[describe_metric(name, git.latest[name]) for name in FACT_METRICS if name in git.latest],
        hotspots=[{"number": i, **row} for i, row in enumerate(git.hotspots.to_dict("records"), start=1)],
        stale_flags=stale.head(STALE_FLAGS_SHOWN).to_dict("records"),
        stale_flag_count=len(stale),
    )


def metric_figures(git: TeamGitFrames, quarters: Sequence[str], charts: ChartMaker) -> list[Figure]:
    """A line chart per entry of :data:`METRIC_CHARTS` that has any value in the report's quarters."""
    values_at = git.metrics.set_index(["metric", "quarter"])["value"].to_dict()
    figures = []
    for key, (title, series) in METRIC_CHARTS.items():
        lines = [[none_if_nan(values_at.get((metric, q))) for q in quarters] for metric, _legend in series]
        if not any(value is not None for line in lines for value in line):
            continue
        figures.append(
            Figure(
                chart=charts.lines(quarters, lines, label=f"{title}, by quarter"),
                title=title,
                kind=f"evidence-{key}",
                legend=tuple(
                    (colour, legend) for colour, (_metric, legend) in zip(SERIES_COLOURS, series, strict=False)
                ),
                reading=_latest_reading(lines[0], key),
            )
        )
    return figures


def churn_figure(git: TeamGitFrames, quarters: Sequence[str], charts: ChartMaker) -> Figure | None:
    """Lines changed per quarter, stacked by file kind."""
    if not len(git.churn):
        return None
    kinds = [kind for kind in CHURN_KINDS if kind in set(git.churn["kind"])]
    churn_at = git.churn.set_index(["kind", "quarter"])["churn"].to_dict()
    parts = [[float(churn_at.get((kind, q), 0.0)) for q in quarters] for kind in kinds]
    return Figure(
        chart=charts.stacked_bars(quarters, parts, label="Lines changed by file kind, by quarter"),
        title="Churn by kind (lines changed)",
        kind="evidence-churn",
        legend=tuple(zip(SERIES_COLOURS, kinds, strict=False)),
    )


def untouched_days(flags: pd.DataFrame) -> pd.Series:
    """Days since each flag last changed (its age where a stored scan has no change time)."""
    return flags["days_since_change"].astype("float64").fillna(flags["age_days"].astype("float64"))


def flag_age_figure(git: TeamGitFrames, charts: ChartMaker) -> Figure | None:
    """How long the flags alive now have gone untouched, the stale ones (untouched 180+ days) in the warning
    colour. Flags of scans from before last-change times were kept count by their age."""
    if not len(git.flags):
        return None
    ages = untouched_days(git.flags)
    counts = [int(((ages >= low) & (ages < high)).sum()) for low, high, _label in FLAG_AGE_BINS]
    return Figure(
        chart=charts.histogram(
            [label for _, _, label in FLAG_AGE_BINS], counts, STALE_BIN, label="Alive flags by days since last change"
        ),
        title="Flags alive now, by time since their last change",
        kind="evidence-flag-ages",
        legend=((SERIES_COLOURS[0], "fresh"), (VERMILION, "stale")),
        reading=f"{len(git.flags)} alive",
    )


def hotspot_figure(git: TeamGitFrames, charts: ChartMaker) -> Figure | None:
    """Churn against coupling of the hotspot files, numbered as in the hotspot table."""
    if not len(git.hotspots):
        return None
    return Figure(
        chart=charts.scatter(
            git.hotspots["churn"].astype(float).tolist(),
            git.hotspots["coupling"].astype(float).tolist(),
            label="Coupling hotspots: churn against coupling degree",
        ),
        title="Coupling hotspots (churn \N{MULTIPLICATION SIGN} coupling)",
        kind="evidence-hotspots",
        reading=f"{len(git.hotspots)} files",
    )


def _latest_reading(values: Sequence[float | None], key: str) -> str:
    known = [value for value in values if value is not None]
    if not known:
        return ""
    return f"{known[-1]:.2f}" if key == "ratios" else f"{known[-1]:,.0f}"
