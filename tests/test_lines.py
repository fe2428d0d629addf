"""Lines at HEAD and per quarter, checked against ``git diff --numstat <empty tree> HEAD``; ratios, languages.

The scan time is pinned to 2024-07-01 (current quarter 2024Q3, "last quarter" 2024Q2).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from scorecard.evidence import git as hardened_git
from scorecard.evidence.filekinds import kind_of
from tests.gitrepo import EMPTY_TREE, RepoBuilder, build_merged_repo, numbered_lines, run_git, scan_summary


@pytest.fixture
def merged_repo(tmp_path: Path) -> RepoBuilder:
    return build_merged_repo(tmp_path / "merged")


def test_lines_at_head_equal_git_diff_numstat_from_the_empty_tree(merged_repo: RepoBuilder):
    summary = scan_summary(merged_repo.path)
    oracle = merged_repo.numstat_at_head()
    by_ext: Counter[str] = Counter()
    by_kind: Counter[str] = Counter()
    for path, count in oracle.items():
        if count is not None:
            by_ext[Path(path).suffix.lower() or "(none)"] += count
            by_kind[kind_of(path)] += count
    assert summary["lines"]["by_ext"] == dict(by_ext) == {".py": 22, ".md": 1}
    assert summary["lines"]["by_kind"] == dict(by_kind) == {"code": 15, "config": 7, "docs": 1}
    assert summary["lines"]["binary_files"] == 1
    # model.py moved from code to config in the merge: config_to_code_ratio follows.
    assert summary["config_to_code_ratio"] == pytest.approx(7 / 15)
    quarters = {q["quarter"]: q for q in summary["quarters"]}
    assert quarters["2024Q1"]["lines_by_kind"] == {"code": 17}
    assert quarters["2024Q2"]["lines_by_kind"] == {"code": 15, "config": 7, "docs": 1}


def test_lines_follow_binary_to_text_and_gitattributes(tmp_path: Path):
    repo = RepoBuilder(tmp_path / "r")
    repo.commit({"blob.txt": b"\0binary", "nb.ipynb": "{\n}\n", ".gitattributes": "*.ipynb -diff\n"})
    repo.commit({"blob.txt": "now\ntext\nthree\n"}, when="2024-02-01")
    repo.commit({"blob.txt": "now\ntext\n", "nb.ipynb": '{\n "a": 1\n}\n'}, when="2024-03-01")
    summary = scan_summary(repo.path)
    oracle = {path: n for path, n in repo.numstat_at_head().items() if n is not None}
    assert oracle == {"blob.txt": 2, ".gitattributes": 1}
    assert summary["lines"]["by_ext"] == {".txt": 2, "(none)": 1}
    assert summary["lines"]["binary_files"] == 1


def test_subdir_limits_commits_churn_and_lines(merged_repo: RepoBuilder):
    summary = scan_summary(merged_repo.path, subdir="src")
    assert summary["repo"] == "merged/src"
    assert summary["commits"] == 4  # every non-merge commit touched src/
    assert summary["lines"]["by_ext"] == {".py": 11}
    oracle = merged_repo.numstat_at_head("src")
    assert sum(n for n in oracle.values() if n) == 11


def test_config_and_test_to_code_ratios(tmp_path: Path):
    repo = RepoBuilder(tmp_path / "r")
    repo.commit(
        {
            "src/a.py": numbered_lines(10),
            "configs/default.py": numbered_lines(4),
            "params.yaml": numbered_lines(2),
            "tests/test_a.py": numbered_lines(5),
            ".github/workflows/ci.yml": numbered_lines(3),
        }
    )
    metrics = scan_summary(repo.path)["metrics"]
    assert (metrics["lines.code"], metrics["lines.config"], metrics["lines.test"]) == (10, 6, 5)
    assert metrics["config_to_code_ratio"] == pytest.approx(0.6)
    assert metrics["test_to_code_ratio"] == pytest.approx(0.5)


def test_languages_with_at_least_five_percent_of_code_lines(tmp_path: Path):
    repo = RepoBuilder(tmp_path / "r")
    repo.commit(
        {
            "a.py": numbered_lines(90),
            "k.cu": numbered_lines(6),
            "run.sh": numbered_lines(4),
            "conf.yaml": numbered_lines(50),
        }
    )
    summary = scan_summary(repo.path)
    assert summary["languages"] == {"CUDA": 0.06, "Python": 0.9, "Shell": 0.04}
    assert summary["metrics"]["languages.count"] == 2


def test_head_tree_oracle_helper_matches_git(tmp_path: Path):
    repo = RepoBuilder(tmp_path / "r")
    repo.commit({"a.py": "1\n2\n"})
    assert repo.numstat_at_head() == {"a.py": 2}
    assert run_git(repo.path, "cat-file", "-t", EMPTY_TREE).strip() == b"tree"
    assert hardened_git.open_repository(repo.path).head


def test_a_config_file_is_data_while_it_is_too_large_to_be_hand_written(tmp_path: Path):
    repo = RepoBuilder(tmp_path / "r")
    repo.commit({"params.yaml": numbered_lines(900), "model.py": numbered_lines(10)}, when="2024-01-10")
    repo.commit({"params.yaml": numbered_lines(1_200)}, when="2024-02-10")  # grows past 1,000 lines: data
    repo.commit(renames={"params.yaml": "conf.json"}, when="2024-04-10")  # renamed: still data
    repo.commit({"conf.json": numbered_lines(40), "results/r.yaml": numbered_lines(3)}, when="2024-04-20")
    summary = scan_summary(repo.path)
    oracle = {path: n for path, n in repo.numstat_at_head().items() if n is not None}
    assert (
        summary["lines"]["by_ext"]
        == {".json": 40, ".py": 10, ".yaml": 3}
        == {Path(path).suffix: n for path, n in oracle.items()}
    )
    assert summary["lines"]["by_kind"] == {"code": 10, "config": 40, "data": 3}
    quarters = {q["quarter"]: q["lines_by_kind"] for q in summary["quarters"]}
    assert quarters["2024Q1"] == {"code": 10, "data": 1_200}
    assert quarters["2024Q2"] == {"code": 10, "config": 40, "data": 3}


def test_version_kinds_apply_the_size_rule_per_version():
    import numpy as np

    from scorecard.evidence.filekinds import KindRules
    from scorecard.evidence.lines import version_kinds

    paths = np.array(["a.yaml", "a.yaml", "b.py", "c.json", "package-lock.json"], dtype=object)
    lines = np.array([10, -1_001, 5_000, 1_000, 9_000])
    assert version_kinds(KindRules(), paths, lines).tolist() == ["config", "data", "code", "config", "lock"]
    assert version_kinds(KindRules(config_max_lines=0), paths, lines).tolist()[1] == "config"
