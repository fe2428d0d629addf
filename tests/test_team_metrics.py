"""A team's metrics over several repositories: ratios are ratios of sums, in the latest values and per quarter."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlite_utils

from scorecard import report
from scorecard.evidence.team import (
    bus_factor,
    languages_count,
    latest_team_metrics,
    quarter_team_metrics,
    roll_up,
    team_flags,
)
from scorecard.metric_contract import QUARTER_METRICS
from scorecard.services.team_metrics import team_metrics
from scorecard.store import Store
from scorecard.store.schema import migrations
from tests.gitrepo import RepoBuilder, run_git

ANSWERS = "team: ranking\nquarter: 2024Q3\nanswers:\n  entanglement-1: automated-checks\n"


def numstat_by_kind(repo: Path) -> tuple[int, int, int]:
    """The oracle from git itself: lines added, deleted, and config lines changed (``.yaml``), all history."""
    out = run_git(repo, "log", "--no-merges", "--numstat", "--format=")
    added = deleted = config = 0
    for line in out.decode().splitlines():
        if line.count("\t") == 2:
            a, d, path = line.split("\t")
            added, deleted = added + int(a), deleted + int(d)
            config += (int(a) + int(d)) if path.endswith(".yaml") else 0
    return added, deleted, config


def two_repositories(tmp_path: Path) -> list[Path]:
    first, second = RepoBuilder(tmp_path / "one"), RepoBuilder(tmp_path / "two")
    first.commit({"a.py": "1\n2\n3\n4\n", "c.yaml": "x: 1\n"}, when="2024-04-02")
    first.commit({"a.py": "1\n"}, when="2024-05-02")  # 3 lines deleted
    second.commit({"b.py": "1\n2\n", "d.yaml": "y: 1\nz: 2\n"}, when="2024-04-10")
    second.commit({"d.yaml": "y: 2\n"}, when="2024-06-01")
    return [first.path, second.path]


def test_a_team_of_two_repositories_keeps_its_ratios_in_every_quarter(tmp_path, cli):
    db = tmp_path / "team.db"
    answers = tmp_path / "answers.yaml"
    answers.write_text(ANSWERS, encoding="utf-8")
    assert cli("survey", "--answers", str(answers), db=db).exit_code == 0
    repos = two_repositories(tmp_path)
    assert cli("scan", *map(str, repos), "--team", "ranking", db=db).exit_code == 0
    document = json.loads(cli("show", "--team", "ranking", "--json", db=db).stdout)
    quarter = document["metrics_by_quarter"]["2024Q2"]
    totals = [numstat_by_kind(repo) for repo in repos]
    added, deleted, config = (sum(column) for column in zip(*totals, strict=True))
    assert quarter["deletion_ratio"] == pytest.approx(deleted / added)
    assert quarter["churn.config_share"] == pytest.approx(config / (added + deleted))
    for values in document["metrics_by_quarter"].values():
        if values.get("churn"):
            assert {"deletion_ratio", "churn.config_share"} <= set(values)
    # The report reads the same roll-up.
    with Store.open(db) as store:
        frame = report.collect_report(store, "ranking").git.metrics
    in_report = frame[frame["quarter"] == "2024Q2"].set_index("metric")["value"]
    assert in_report["deletion_ratio"] == pytest.approx(deleted / added)
    assert in_report["churn.config_share"] == pytest.approx(config / (added + deleted))


def test_a_ratio_is_the_ratio_of_the_summed_parts_not_a_mean_of_ratios():
    per_repo = [{"churn.added": 10.0, "churn.deleted": 10.0}, {"churn.added": 90.0, "churn.deleted": 0.0}]
    team = roll_up(per_repo, QUARTER_METRICS, {})
    assert team["deletion_ratio"] == pytest.approx(0.1)  # a mean of the two ratios would say 0.5
    assert team["churn.added"] == 100.0


def test_a_ratio_stored_without_its_parts_survives_for_one_repository_only():
    old_scan = {"deletion_ratio": 0.25, "churn": 10.0}
    assert roll_up([old_scan], QUARTER_METRICS, {})["deletion_ratio"] == 0.25
    assert "deletion_ratio" not in roll_up([old_scan, old_scan], QUARTER_METRICS, {})


def occurrence(repo, name, introduced, removed=None, changed=None, kind="config_key", path="a.yaml"):
    """A stored flag occurrence as the store reads it back, times in Unix seconds."""
    scanned = datetime(2024, 6, 1, tzinfo=UTC).timestamp()
    return (repo, scanned, "config_toggle", kind, name, path, introduced, removed, changed or introduced)


def test_a_team_flag_median_per_quarter_comes_from_every_flag_alive_then():
    day = 86_400
    start = int(datetime(2024, 1, 1, tzinfo=UTC).timestamp())
    lives = [
        occurrence(1, "use_a", start),
        occurrence(2, "use_a", start + 30 * day),  # another repository: another flag
        occurrence(2, "use_a", start + 40 * day, path="b.yaml"),  # the same flag in another file
        occurrence(2, "use_b", start + 60 * day, start + 70 * day),
    ]
    per_repo = [{"2024Q1": {"flags.alive": 1.0}}, {"2024Q1": {"flags.alive": 1.0}}]
    by_quarter = quarter_team_metrics(per_repo, team_flags(lives), datetime(2024, 6, 1, tzinfo=UTC))
    end = datetime(2024, 4, 1, tzinfo=UTC).timestamp()
    assert by_quarter["2024Q1"]["flags.median_age_days"] == pytest.approx(
        ((end - start) / day + (end - start) / day - 30) / 2
    )
    assert by_quarter["2024Q1"]["flags.alive"] == 2.0


def test_a_teams_latest_flag_medians_count_each_repositorys_flags_once():
    day = 86_400
    start = int(datetime(2024, 1, 1, tzinfo=UTC).timestamp())
    lives = [
        occurrence(1, "use_a", start, changed=start + 100 * day),
        occurrence(1, "use_a", start + 50 * day, path="b.yaml"),
        occurrence(1, "use_gone", start, start + 10 * day),
        occurrence(2, "use_a", start + 120 * day),
    ]
    flags = team_flags(lives)
    assert len(flags.alive()) == 2
    latest = latest_team_metrics([{"flags.alive": 1.0}, {"flags.alive": 1.0}], flags, {}, {})
    assert latest["flags.median_age_days"] == pytest.approx(((152 - 0) + (152 - 120)) / 2)
    assert latest["flags.median_days_since_change"] == pytest.approx(((152 - 100) + (152 - 120)) / 2)


def test_flags_of_a_scan_before_m007_count_without_kind_or_last_change(tmp_path: Path):
    path = tmp_path / "old.db"
    when = "2024-01-01T00:00:00+00:00"
    with sqlite_utils.Database(path) as db:
        migrations.apply(db, stop_before="m007_flag_kinds")
        db["teams"].insert({"id": 1, "name": "ranking", "key": "ranking", "created_at": when})
        db["repos"].insert({"id": 1, "team_id": 1, "path": "/r", "subdir": "", "name": "r", "created_at": when})
        db["scans"].insert(
            {"id": 1, "repo_id": 1, "scanned_at": "2024-07-01T00:00:00+00:00", "head": "a", "mode": "full"}
        )
        db["scan_metrics"].insert({"scan_id": 1, "metric": "flags.alive", "value": 3.0})
        old = {"repo_id": 1, "scan_id": 1, "pattern": "config_toggle", "alive": 1, "stale": 0}
        db["flags"].insert_all(
            [
                {**old, "name": "use_a", "path": "a.yaml", "introduced_at": "2024-01-01T00:00:00+00:00"},
                {**old, "name": "use_a", "path": "b.yaml", "introduced_at": "2024-03-01T00:00:00+00:00"},
                {**old, "name": "use_b", "path": "a.yaml", "introduced_at": "2024-06-01T00:00:00+00:00"},
            ]
        )
    with Store.open(path) as store:
        assert {"kind", "last_changed_at", "days_since_change"} <= set(store.db["flags"].columns_dict)
        found = team_metrics(store, "ranking", per_quarter=True)
    assert found is not None
    assert found.latest["flags.median_age_days"] == pytest.approx((182 + 30) / 2)  # use_a once, from 2024-01-01
    assert "flags.median_days_since_change" not in found.latest


def test_bus_factor_and_languages():
    assert bus_factor([60, 30, 10]) == 1 and bus_factor([40, 40, 20]) == 2 and bus_factor([]) == 0
    assert languages_count({".py": 96, ".sh": 4, ".cu": 0}) == 1
    assert languages_count({".py": 50, ".cc": 30, ".h": 20}) == 3  # .h counts as C
