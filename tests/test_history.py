"""history.py against real repositories: parsing awkward history, submodules, keyword hits, the chain."""

from __future__ import annotations

from pathlib import Path

import pytest

from scorecard.evidence import git as hardened_git
from scorecard.evidence import history
from tests.gitrepo import RepoBuilder, git_log_churn, git_log_numstat, numbered_lines, run_git, scan_summary


@pytest.fixture
def repo(tmp_path: Path) -> RepoBuilder:
    builder = RepoBuilder(tmp_path / "repo")
    builder.commit({"src/app.py": "print('hi')\n", "README.md": "# app\n"}, when="2024-01-10")
    return builder


def test_awkward_paths_and_authors_survive_the_nul_separated_stream(tmp_path: Path):
    builder = RepoBuilder(tmp_path / "odd")
    names = ["with space.py", "ünïcödé/файл.py", "tab\there.py", "new\nline.py", "-rf", "--output=x.py"]
    sha = builder.commit(
        {**{name: "a\nb\n" for name in names}, b"latin-\xe9.py": "c\n"},
        author=(b"Jos\xe9 Mart\xednez", "jose@example.com"),
    )
    [commit] = list(history.stream_history(hardened_git.open_repository(builder.path)))
    assert commit.sha == sha and commit.parents == ()
    assert commit.author_name == "José Martínez"
    paths = {change.path: (change.added, change.deleted) for change in commit.changes}
    assert paths == {**{name: (2, 0) for name in names}, "latin-\\xe9.py": (1, 0)}


def test_binary_files_renames_and_merges_are_parsed(tmp_path: Path):
    builder = RepoBuilder(tmp_path / "r")
    base = builder.commit({"a.py": "".join(f"line {i}\n" for i in range(20)), "logo.png": b"\x89PNG\0\1\2"})
    builder.commit(renames={"a.py": "b.py"}, files={"logo.png": b"\x89PNG\0\3"}, when="2024-02-01")
    submodule = builder.commit(submodules={"vendor/lib": base}, when="2024-02-02")
    side = builder.commit({"side.py": "s\n"}, branch="feature", parent=base, when="2024-02-03")
    merge = builder.commit({"side.py": "s\n"}, merge=side, when="2024-02-04")
    info = hardened_git.open_repository(builder.path)
    commits = {c.sha: c for c in history.stream_history(info)}
    assert len(commits) == 5
    [rename] = [c for c in commits.values() if any(change.path == "b.py" for change in c.changes)]
    changes = {c.path: c for c in rename.changes}
    assert changes["b.py"].old_path == "a.py" and changes["b.py"].status == "R"
    assert (changes["b.py"].added, changes["b.py"].deleted) == (0, 0)
    assert changes["logo.png"].added is None and changes["logo.png"].blob
    # A submodule is a change like any other: its blob is the commit it points at.
    assert [(c.path, c.added, c.deleted, c.blob) for c in commits[submodule].changes] == [("vendor/lib", 1, 0, base)]
    # The merge is diffed against its first parent: it brings side.py.
    assert commits[merge].parents[1] == side
    assert [(c.path, c.added) for c in commits[merge].changes] == [("side.py", 1)]
    assert history.first_parent_chain(info)[0] == merge
    assert side not in history.first_parent_chain(info)


def test_submodules_are_counted_as_git_log_and_git_diff_count_them(tmp_path: Path):
    builder = RepoBuilder(tmp_path / "r")
    files = {"a.py": numbered_lines(3), "assets/model.bin": b"\0weights", "tools/vendored.py": b"\0compiled"}
    first = builder.commit(files, when="2024-01-10")
    second = builder.commit({"a.py": numbered_lines(4) + "# TODO later\n"}, when="2024-01-11")
    added = builder.commit(submodules={"vendor/lib": first, "vendor/gone": first}, when="2024-02-01")
    moved = builder.commit(submodules={"vendor/lib": second}, when="2024-02-02")
    # Binary files replaced by submodules (one at a commit of this repository, one at a commit it lacks: its
    # id is no object here), and a submodule removed.
    replaced = builder.commit(
        {"vendor/gone": None},
        submodules={"assets/model.bin": first, "tools/vendored.py": "f" * 40},
        when="2024-02-03",
    )
    changes = {
        (commit.sha, change.path): (change.added, change.deleted)
        for commit in history.stream_history(hardened_git.open_repository(builder.path))
        for change in commit.changes
    }
    assert changes == git_log_numstat(builder.path)
    assert changes[(added, "vendor/lib")] == (1, 0) and changes[(moved, "vendor/lib")] == (1, 1)
    assert changes[(replaced, "vendor/gone")] == (0, 1) and changes[(replaced, "assets/model.bin")] == (None, None)

    summary = scan_summary(builder.path)
    churn = summary["churn"]
    assert (churn["added"], churn["deleted"], churn["binary_changes"]) == git_log_churn(builder.path)
    oracle = builder.numstat_at_head()
    assert oracle == {"a.py": 5, "vendor/lib": 1, "assets/model.bin": 1, "tools/vendored.py": 1}
    assert summary["lines"]["by_ext"] == {".py": 6, "(none)": 1, ".bin": 1}
    assert summary["lines"]["binary_files"] == 0
    assert summary["debt_comments"]["alive"] == 1


def test_keyword_hits_see_added_and_removed_keyword_lines_only(tmp_path: Path):
    builder = RepoBuilder(tmp_path / "r")
    first = builder.commit({"a.py": "x = 1\n", "b.py": "# todo: later\n", "c.md": "TODO\n"})
    second = builder.commit({"a.py": "x = 2\n", "b.py": "# todo: later\ny = 1\n"})
    third = builder.commit({"b.py": "y = 1\n"})
    info = hardened_git.open_repository(builder.path)
    hits = history.keyword_hits(info, "[Tt][Oo][Dd][Oo]|FIXME", {".py"})
    assert hits == {(first, "b.py"), (third, "b.py")}
    assert second not in {sha for sha, _ in hits}
    assert history.keyword_hits(info, "[Tt][Oo][Dd][Oo]", {".py"}, since=second) == {(third, "b.py")}


def test_is_ancestor(repo: RepoBuilder):
    first = hardened_git.open_repository(repo.path).head
    repo.commit({"x.py": "1\n"}, when="2024-02-01")
    info = hardened_git.open_repository(repo.path)
    assert history.is_ancestor(info, first)
    assert not history.is_ancestor(info, "0" * 40)


def test_first_parent_chain_since_a_commit(repo: RepoBuilder):
    first = repo.heads["main"]
    second = repo.commit({"x.py": "1\n"}, when="2024-02-01")
    side = repo.commit({"y.py": "2\n"}, branch="side", parent=second, when="2024-02-02")
    merge = repo.commit({"z.py": "3\n"}, merge=side, when="2024-02-03")
    info = hardened_git.open_repository(repo.path)
    assert history.first_parent_chain_since(info, first) == [merge, second]
    assert history.first_parent_chain_since(info, merge) == []
    # An ancestor reached through a second parent only is not on the chain.
    assert history.first_parent_chain_since(info, side) is None
    # HEAD moves to a branch that merged the old head as its second parent: the old head left the chain.
    other = repo.commit({"w.py": "4\n"}, branch="other", parent=first, when="2024-02-04")
    repo.commit({"w.py": "5\n"}, branch="other", parent=other, merge=merge, when="2024-02-05")
    run_git(repo.path, "checkout", "-q", "other")
    moved = hardened_git.open_repository(repo.path)
    assert history.is_ancestor(moved, merge) and history.first_parent_chain_since(moved, merge) is None
    assert history.first_parent_chain_since(moved, first) == [moved.head, other]
