"""Measuring a repository: the metric names are the contract's, exclusions are opt-in, nothing is a special case."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from scorecard.evidence.checkpoint import Checkpoint
from scorecard.evidence.measurement import measure_repository
from scorecard.evidence.patterns import ScanSettings
from scorecard.evidence.repository_scan import ScanOptions, scan_repository
from scorecard.metric_contract import CITABLE_METRICS, LATEST_METRICS, QUARTER_METRICS
from tests.gitrepo import RepoBuilder, build_flag_repo, numbered_lines, scan_summary

NOW = datetime(2024, 7, 1, tzinfo=UTC)
COMPONENT_NAMES = {metric.name for metric in LATEST_METRICS if metric.component}
QUARTER_NAMES = {metric.name for metric in QUARTER_METRICS}


def test_produced_metric_names_equal_the_contract(tmp_path: Path):
    repo, _ = build_flag_repo(tmp_path / "flags")
    scanned = scan_repository(repo.path, ScanOptions(team="t", now=NOW), None, None)
    assert list(scanned.record.metrics) == [metric.name for metric in LATEST_METRICS]  # all, in the contract's order
    assert len(scanned.record.quarter_metrics) == 3  # 2024Q1 to the scan's quarter
    for values in scanned.record.quarter_metrics.values():
        assert list(values) == [metric.name for metric in QUARTER_METRICS]
    checkpoint = Checkpoint.from_bytes(scanned.checkpoint or b"")
    assert checkpoint is not None
    measured = measure_repository(checkpoint, ScanSettings(), NOW)
    assert set(measured.metrics) == set(CITABLE_METRICS) and set(measured.components) == COMPONENT_NAMES
    assert set(scanned.summary["metrics"]) == set(CITABLE_METRICS)


def test_an_empty_history_measures_zeros_and_no_ratios():
    measured = measure_repository(Checkpoint(), ScanSettings(), NOW)
    assert set(measured.metrics) == set(CITABLE_METRICS)
    assert measured.metrics["lines.code"] == 0 and measured.metrics["config_to_code_ratio"] is None
    assert list(measured.quarter_metrics) == ["2024Q3"] and set(measured.quarter_metrics["2024Q3"]) == QUARTER_NAMES
    assert measured.summary["quarters"][0]["commits"] == 0 and measured.summary["last_quarter"] == "2024Q2"


def test_exclusions_are_opt_in(tmp_path: Path):
    repo = RepoBuilder(tmp_path / "r")
    repo.commit({"src/a.py": numbered_lines(10), "vendor/lib.py": numbered_lines(100)}, when="2024-04-01")
    bot = repo.commit({"src/a.py": numbered_lines(12)}, author=("renovate[bot]", "bot@x"), when="2024-04-02")
    sweep = repo.commit({"src/a.py": numbered_lines(12, "reformatted")}, when="2024-04-03")
    plain = scan_summary(repo.path)
    assert (plain["commits"], plain["churn"]["added"], plain["lines"]["by_ext"]) == (3, 124, {".py": 112})
    excluded = scan_summary(
        repo.path, exclude_paths=("vendor/*",), exclude_authors=(r"\[bot\]",), exclude_commits=(sweep[:10],)
    )
    assert excluded["commits"] == 1 and excluded["churn"]["added"] == 10
    assert excluded["lines"]["by_ext"] == {".py": 12}  # the bot's and the sweep's lines still exist
    assert bot not in {item["introduced_commit"] for item in excluded["flags"]["items"]}
