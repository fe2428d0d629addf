"""Ownership: single-author files and the bus factor, with git's mailmap applied."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.gitrepo import RepoBuilder, numbered_lines, scan_summary


def test_ownership_applies_the_mailmap_and_finds_the_bus_factor(tmp_path: Path):
    repo = RepoBuilder(tmp_path / "r")
    ann_old, ann, bob, cat = ("Ann", "ann@old.com"), ("Ann Lee", "ann@new.com"), ("Bob", "b@x.com"), ("Cat", "c@x")
    repo.commit({".mailmap": "Ann Lee <ann@new.com> Ann <ann@old.com>\n", "x.py": numbered_lines(10)}, author=ann_old)
    repo.commit({"x.py": numbered_lines(9) + "ten\neleven\n"}, author=ann, when="2024-01-20")
    repo.commit({"y.py": numbered_lines(5)}, author=bob, when="2024-02-01")
    repo.commit(
        {"z.py": numbered_lines(3), "x.py": numbered_lines(9) + "ten\neleven\ntwelve\n"}, author=bob, when="2024-02-02"
    )
    repo.commit({"w.py": numbered_lines(10)}, author=cat, when="2024-02-03")
    ownership = scan_summary(repo.path)["ownership"]
    # Churn: Ann 1 + 10 + 3 = 14, Cat 10, Bob 5 + 3 + 1 = 9; half of 33 needs Ann and Cat.
    assert ownership["authors"] == 3
    assert ownership["bus_factor"] == 2
    assert (ownership["files"], ownership["single_author_files"]) == (5, 4)
    assert ownership["single_author_share"] == pytest.approx(0.8)
