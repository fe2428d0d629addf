"""git_section.py: the git part of a team's page names only metrics of the contract, in the contract's words."""

from __future__ import annotations

import pandas as pd

from scorecard.metric_contract import LATEST, PER_QUARTER, describe_metric
from scorecard.report import trends
from scorecard.report.charts import ChartMaker
from scorecard.report.git_section import FACT_METRICS, METRIC_CHARTS, git_section
from scorecard.report.prepared import TeamGitFrames

QUARTERS = ("2026Q1", "2026Q2")


def team_git_frames(**changes: object) -> TeamGitFrames:
    frames = {
        "scanned_at": "2026-06-20T10:00:00+00:00",
        "latest": {"lines.code": 12000.0, "flags.stale": 3.0},
        "metrics": trends.metrics_frame({"t": {"2026Q2": {"flags.alive": 5.0, "flags.stale": 3.0}}}),
        "churn": pd.DataFrame(columns=["team", "quarter", "kind", "churn"]),
        "flags": pd.DataFrame(columns=["team", "kind", "name", "path", "age_days", "stale", "days_since_change"]),
        "hotspots": pd.DataFrame(columns=trends.HOTSPOT_COLUMNS),
    }
    return TeamGitFrames(**{**frames, **changes})


def test_every_metric_the_report_charts_is_a_quarter_metric_of_the_contract():
    charted = {metric for _title, series in METRIC_CHARTS.values() for metric, _legend in series}
    assert charted and charted <= set(PER_QUARTER)


def test_every_fact_the_report_states_is_a_latest_metric_of_the_contract():
    assert set(FACT_METRICS) <= set(LATEST)


def test_facts_are_worded_by_the_contract_and_charts_skip_metrics_without_values():
    with ChartMaker() as charts:
        section = git_section(team_git_frames(), QUARTERS, charts)
    assert section.scanned_at == "2026-06-20 10:00 UTC"
    assert section.facts == [describe_metric("lines.code", 12000.0), describe_metric("flags.stale", 3.0)]
    assert [figure.kind for figure in section.figures] == ["evidence-flags"]  # no ratios, no debt comments
    assert section.figures[0].reading == "5"


def test_a_team_never_scanned_has_an_empty_section():
    with ChartMaker() as charts:
        section = git_section(team_git_frames(scanned_at=None), QUARTERS, charts)
    assert section.scanned_at is None and section.figures == [] and section.facts == []
