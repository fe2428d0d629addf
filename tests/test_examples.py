"""Examples: what is behind each latest metric, most telling first; a team's merged from its repositories."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from scorecard.evidence.examples import coupling_examples, in_contract_order, team_examples
from scorecard.metric_contract import LATEST
from tests.gitrepo import RepoBuilder, numbered_lines, scan_summary


def build_coupled_repo(path: Path) -> RepoBuilder:
    repo = RepoBuilder(path)
    for day in range(1, 7):
        who = ("Ada", "ada@example.com") if day < 6 else ("Bob", "bob@example.com")
        repo.commit(
            {"src/a.py": f"a = {day}\n# TODO a{day}\n", "src/b.py": f"b = {day}\n", "conf.yaml": f"day: {day}\n"},
            when=f"2024-05-0{day}",
            author=who,
        )
    repo.commit({"src/solo.py": numbered_lines(30) + "# FIXME solo\n", "README.md": "hi\n"}, when="2024-05-20")
    return repo


def test_examples_of_lines_debt_coupling_ownership_and_languages(tmp_path: Path):
    examples = scan_summary(build_coupled_repo(tmp_path / "r").path)["examples"]
    assert examples["lines.code"] == ["src/solo.py (31 lines)", "src/a.py (2 lines)", "src/b.py (1 line)"]
    assert examples["lines.config"] == examples["config_to_code_ratio"] == ["conf.yaml (1 line)"]
    assert examples["debt_comments.alive"] == ["src/a.py (1 comment)", "src/solo.py (1 comment)"]
    # Each commit rewrote a.py's TODO line: one removed and one added, six times.
    assert examples["debt_comments.added_last_quarter"] == ["src/a.py (6 comments)", "src/solo.py (1 comment)"]
    assert examples["coupling.strong_pairs"] == [
        "conf.yaml <-> src/a.py (6 commits together)",
        "conf.yaml <-> src/b.py (6 commits together)",
        "src/a.py <-> src/b.py (6 commits together)",
    ]
    assert examples["ownership.single_author_share"] == [
        "src/solo.py (one author, 31 lines changed)",
        "README.md (one author, 1 line changed)",
    ]
    assert examples["ownership.bus_factor"] == ["Ada (89% of churn)", "Bob (11% of churn)"]
    assert examples["languages.count"] == ["Python (100% of code lines)"]
    assert "test_to_code_ratio" not in examples and "commits.last_quarter" not in examples
    assert all(name in LATEST and 0 < len(strings) <= 10 for name, strings in examples.items())


def test_strong_pairs_with_most_commits_together_come_first():
    pairs = pd.DataFrame(
        {
            "file_a": ["a", "c", "e", "g"],
            "file_b": ["b", "d", "f", "h"],
            "shared": [5, 9, 9, 20],
            "commits_a": [5, 18, 9, 100],
            "commits_b": [5, 18, 9, 100],
            "degree": [1.0, 0.5, 1.0, 0.2],
        }
    )
    assert coupling_examples(pairs)["coupling.strong_pairs"] == [
        "e <-> f (9 commits together)",
        "c <-> d (9 commits together)",
        "a <-> b (5 commits together)",
    ]


def test_examples_keep_the_contracts_order_and_at_most_ten():
    merged = in_contract_order(
        {"lines.test": ["t"] * 12, "not.a.metric": ["x"], "lines.code": []}, {"lines.code": ["c"]}
    )
    assert merged == {"lines.code": ["c"], "lines.test": ["t"] * 10}


def test_a_teams_examples_take_turns_between_its_repositories():
    rows = [("b", "m", f"b{i}") for i in range(8)] + [("a", "m", f"a{i}") for i in range(8)] + [("a", "n", "only")]
    assert team_examples(rows, 2) == {
        "m": ["a: a0", "b: b0", "a: a1", "b: b1", "a: a2", "b: b2", "a: a3", "b: b3", "a: a4", "b: b4"],
        "n": ["a: only"],
    }
    assert team_examples([("a", "m", "x"), ("a", "m", "y")], 1) == {"m": ["x", "y"]}
    assert team_examples([], 3) == {}
