"""Commits and churn, with exact numbers on a small real repository checked against ``git log --numstat``.

The scan time is pinned to 2024-07-01 (current quarter 2024Q3, "last quarter" 2024Q2).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.gitrepo import RepoBuilder, build_merged_repo, git_log_churn, scan_summary


@pytest.fixture
def merged_repo(tmp_path: Path) -> RepoBuilder:
    return build_merged_repo(tmp_path / "merged")


def test_churn_counts_non_merge_commits_like_git_log(merged_repo: RepoBuilder):
    summary = scan_summary(merged_repo.path)
    assert summary["commits"] == 4 and summary["merges"] == 1
    churn = summary["churn"]
    # c1: 10 + 6 lines; c2: rename with +2 -1; feature: +4, model.py +1 -1; main: README +1, model.py +1 -1.
    assert (churn["added"], churn["deleted"], churn["binary_changes"]) == (25, 3, 2)
    assert (churn["added"], churn["deleted"], churn["binary_changes"]) == git_log_churn(merged_repo.path)
    assert churn["by_kind"] == {"code": {"added": 24, "deleted": 3}, "docs": {"added": 1, "deleted": 0}}
    assert summary["metrics"]["commits.last_quarter"] == 2  # the feature commit and README, in 2024Q2
    assert summary["metrics"]["churn.last_quarter"] == 9
    assert summary["metrics"]["deletion_ratio.last_quarter"] == pytest.approx(2 / 7)
