"""Debt comments: alive, added and removed per quarter, in code files only."""

from __future__ import annotations

from pathlib import Path

from tests.gitrepo import RepoBuilder, scan_summary


def test_debt_comments_alive_added_and_removed_per_quarter(tmp_path: Path):
    repo = RepoBuilder(tmp_path / "r")
    repo.commit(
        {
            "a.py": "# TODO: a\n# fixme b\nx = 1  # HACK\n# TODOs are not TODO-words? no: TODOs\n",
            "c.js": "// XXX js\nlet mastodon = 1;\n",
            "tests/test_a.py": "# todo in a test\n",
            "notes.md": "TODO in docs does not count\n",
            "s.sql": "-- FIXME sql\n",
        },
        when="2024-01-10",
    )
    repo.commit({"a.py": "# TODO: a\nx = 1  # HACK\n/* todo c */\n"}, when="2024-04-05")
    repo.commit({"c.js": None}, when="2024-04-20")
    summary = scan_summary(repo.path)
    # Line 4 of a.py holds a whole-word TODO ("TODO-words"), so it counts: 7 at first.
    assert summary["debt_comments"] == {"alive": 5, "added": 8, "removed": 3}
    quarters = {q["quarter"]: q["debt_comments_alive"] for q in summary["quarters"]}
    assert quarters == {"2024Q1": 7, "2024Q2": 5, "2024Q3": 5}
    assert summary["metrics"]["debt_comments.added_last_quarter"] == 1
