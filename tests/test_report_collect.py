"""collect.py: what a report reads from the store (the window of quarters, one team or all, the git frames)."""

from __future__ import annotations

import pytest

from scorecard import report
from scorecard.report import trends
from scorecard.store import Store
from scorecard.survey.records import AnswerInput


@pytest.fixture
def store():
    with Store.memory() as opened:
        for team, quarter in (("ranking", "2026Q2"), ("ranking", "2026Q3"), ("search", "2026Q3")):
            opened.import_answers(team, quarter, "tiny", 1, [AnswerInput("a-1", "all", 1.0)], complete=True)
        opened.ensure_team("quiet")
        yield opened


def test_the_window_starts_at_the_first_survey_not_before(store):
    data = report.collect_report(store, None, quarters=8)
    assert data.quarters == ["2026Q2", "2026Q3"]
    assert (data.scope, data.title) == ("org", "Technical debt review")
    assert data.teams == ["quiet", "ranking", "search"]  # every team, by name, surveyed or not
    assert data.git.scanned_at == {} and data.git.metrics.empty


def test_the_window_counts_back_from_the_latest_survey(store):
    data = report.collect_report(store, None, quarters=1)
    assert data.quarters == ["2026Q3"]
    assert set(data.answers["quarter"]) == {"2026Q3"}


def test_one_teams_report_reads_only_that_team(store):
    data = report.collect_report(store, "ranking")
    assert (data.teams, data.scope, data.title) == (["ranking"], "team", "Technical debt: ranking")
    assert set(data.answers["team"]) == {"ranking"}


@pytest.mark.parametrize(
    ("team", "message"),
    [("nobody", "unknown team 'nobody' (teams: "), ("quiet", "team 'quiet' has no survey yet")],
)
def test_a_team_without_a_report_is_a_report_error(store, team, message):
    with pytest.raises(report.ReportError, match=message.replace("(", r"\(")):
        report.collect_report(store, team)


def test_git_frames_read_from_the_store_agree_with_the_scan(tmp_path):
    from tests.gitrepo import RepoBuilder, scan_summary

    repo = RepoBuilder(tmp_path / "repo")
    flag = 'parser.add_argument("--use-fast-path", action="store_true")\n'
    repo.commit({"train.py": "import argparse\n" + flag, "configs/a.yaml": "x: 1\n"}, when="2024-01-10")
    for day in range(10, 17):
        repo.commit(
            {"model.py": f"w = {day}\n" * day, "features.py": f"f = {day}\n", "tests/test_m.py": "assert 1\n" * day},
            when=f"2024-04-{day}",
        )
    with Store.memory() as store:
        summary = scan_summary(repo.path, now="2024-07-01", team="t", store=store)
        git = report.collect_git_frames(store, ["t", "never-scanned"], "2023Q1")
    assert set(git.scanned_at) == {"t"}
    by_kind = trends.churn_by_kind(git.churn).groupby("kind")["churn"].sum().to_dict()
    assert by_kind == {kind: c["added"] + c["deleted"] for kind, c in summary["churn"]["by_kind"].items()}
    assert git.flags[["name", "path"]].to_numpy().tolist() == [["--use-fast-path", "train.py"]]
    assert set(git.metrics["quarter"]) >= {"2024Q1", "2024Q2"}
    pairs = {tuple(p["files"]) for p in summary["coupling"]["top_pairs"]}
    assert {(a, b) for a, b in git.pairs[["file_a", "file_b"]].to_numpy().tolist()} == pairs
    assert ("features.py", "model.py") in pairs  # changed together 7 times
