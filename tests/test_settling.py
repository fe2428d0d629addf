"""settling.py: changes git printed no line for are text or binary exactly as git's numstat says."""

from __future__ import annotations

from pathlib import Path

import pytest

from scorecard.evidence import git as hardened_git
from scorecard.evidence import history, settling
from scorecard.evidence.git import MiningError
from scorecard.evidence.patterns import ScanSettings
from tests.gitrepo import RepoBuilder, run_git
from tests.test_reading import assert_same, read_new


def test_attributes_drivers_and_the_big_file_threshold_decide_as_for_numstat(tmp_path: Path):
    repo = RepoBuilder(tmp_path / "r")
    attributes = "*.dat -diff\n*.cfg diff=custom\n*.ini diff=plain\n"
    repo.commit(
        {".gitattributes": attributes, "x.cfg": "a\n", "p.ini": "b\n", "keep.py": "c\n", "big.py": "d\n" * 50},
        when="2024-01-10",
    )
    run_git(repo.path, "config", "diff.custom.binary", "true")
    run_git(repo.path, "config", "core.bigFileThreshold", "64")  # big.py (100 bytes) is binary to git
    repo.commit(
        {"e.dat": "", "e.py": ""},  # empty: binary by attribute, text
        renames={"x.cfg": "y.cfg", "p.ini": "q.ini", "keep.py": "kept.py", "big.py": "bigger.py"},
        when="2024-01-11",
    )
    info = hardened_git.open_repository(repo.path)
    changes = assert_same(info).set_index("path")
    assert changes.loc[["e.dat", "y.cfg", "bigger.py"], "added"].isna().all()
    assert list(changes.loc[["e.py", "q.ini", "kept.py"], "added"]) == [0.0, 0.0, 0.0]


def test_a_type_change_is_counted_by_git(tmp_path: Path):
    repo = RepoBuilder(tmp_path / "r")
    repo.commit({"a.py": "one\ntwo\n", "b.py": "x\n"}, when="2024-01-10")
    changed = repo.commit(symlinks={"a.py": "one"}, when="2024-01-11")
    info = hardened_git.open_repository(repo.path)
    assert settling.numstat_of(info, [changed], []) == {(changed, "a.py"): (1, 2)}
    changes = assert_same(info)
    assert changes.loc[changes["sha"] == changed, ["status", "added", "deleted"]].values.tolist() == [["T", 1, 2]]


def test_replaced_blobs_are_counted_as_numstat_counts_them(tmp_path: Path):
    """Snapshots replace missing blobs by one placeholder: versions with the same contents, no patch line."""
    repo = RepoBuilder(tmp_path / "r")
    repo.commit({"t.txt": "one\n", "b.bin": "big1\n"}, when="2024-01-10")
    second = repo.commit({"t.txt": "two\n", "b.bin": "big2\n"}, when="2024-01-11")
    placeholder = run_git(repo.path, "hash-object", "-w", "--stdin", input=b"placeholder\0\n").decode().strip()

    def blob(name: str) -> str:
        return run_git(repo.path, "rev-parse", name).decode().strip()

    run_git(repo.path, "replace", blob("HEAD~1:t.txt"), blob("HEAD:t.txt"))  # two ids, one text
    run_git(repo.path, "replace", blob("HEAD~1:b.bin"), placeholder)
    run_git(repo.path, "replace", blob("HEAD:b.bin"), placeholder)
    info = hardened_git.open_repository(repo.path)
    # numstat prints "- -" for the placeholder and nothing for the text: the old pass could not go on.
    with pytest.raises(MiningError, match="raw and numstat differ"):
        list(history.stream_history(info))
    changes = read_new(info, ScanSettings())[1]
    found = changes[changes["sha"] == second].set_index("path")
    assert found.loc["b.bin", ["added", "deleted"]].isna().all()
    assert list(found.loc["t.txt", ["added", "deleted"]]) == [0.0, 0.0]


def test_renamed_versions_hit_as_a_deletion_plus_an_addition_did(tmp_path: Path):
    repo = RepoBuilder(tmp_path / "r")
    repo.commit(
        {"notes.txt": "# TODO later\n", "a.py": "# todo\n" + "x\n" * 20, "bin.py": b"\0todo", "c.md": "todo\n"},
        when="2024-01-10",
    )
    renamed = repo.commit(
        renames={"notes.txt": "notes.py", "a.py": "b.py", "bin.py": "bin2.py", "c.md": "c.txt"}, when="2024-01-11"
    )
    info = hardened_git.open_repository(repo.path)
    changes = assert_same(info)
    hits = changes[changes["sha"] == renamed].set_index("path")["keyword_hit"].to_dict()
    # Into a scanned suffix, within one: hits; a binary version, or no scanned suffix on either side: none.
    assert hits == {"notes.py": 1.0, "b.py": 1.0, "bin2.py": 0.0, "c.txt": 0.0}


def test_binary_settings_read_the_repository_configuration(tmp_path: Path):
    repo = RepoBuilder(tmp_path / "r")
    repo.commit({"a.py": "x\n"})
    info = hardened_git.open_repository(repo.path)
    assert settling.binary_settings(info) == (settling.DEFAULT_BIG_FILE_THRESHOLD, {})
    run_git(repo.path, "config", "core.bigFileThreshold", "2k")
    run_git(repo.path, "config", "diff.one.binary", "yes")
    run_git(repo.path, "config", "diff.two.binary", "false")
    assert settling.binary_settings(info) == (2048, {"one": True, "two": False})
