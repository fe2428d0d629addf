"""Files written for the user: whole or not at all (a full disk included), and never over the database."""

from __future__ import annotations

import errno
import os
import re
import stat
from pathlib import Path

import pytest

from scorecard.errors import ScorecardError
from scorecard.files import refuse_overwriting_database, write_text_atomically
from tests.disks import full_disk


def leftovers(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir() if path.name.endswith(".tmp"))


def test_a_new_file_gets_the_umask_mode_and_an_existing_one_keeps_its_own(tmp_path):
    fresh, kept = tmp_path / "fresh.yaml", tmp_path / "kept.yaml"
    kept.write_text("old\n")
    kept.chmod(0o600)
    previous = os.umask(0o027)
    try:
        write_text_atomically(fresh, "team: ranking\n")
        write_text_atomically(kept, "new ✓\n")
    finally:
        os.umask(previous)
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o640 and fresh.read_text() == "team: ranking\n"
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600 and kept.read_text(encoding="utf-8") == "new ✓\n"
    assert leftovers(tmp_path) == []


def test_a_symbolic_link_is_followed_and_stays_a_link(tmp_path):
    target, link = tmp_path / "target.yaml", tmp_path / "link.yaml"
    target.write_text("old\n")
    link.symlink_to(target)
    write_text_atomically(link, "new\n")
    assert link.is_symlink() and target.read_text() == "new\n"


def test_a_full_disk_keeps_the_old_file_and_leaves_no_temporary_file(tmp_path, monkeypatch):
    """On a real 1 MiB tmpfs filled to the brim where mounting is allowed, else with os.write failing ENOSPC."""
    disk = tmp_path / "disk"
    disk.mkdir()
    output = disk / "answers.yaml"
    with full_disk(disk, monkeypatch, prepare=output, old="the old answers\n"):
        with pytest.raises(ScorecardError, match=re.escape(f"cannot write {output}: the disk holding {disk} is full")):
            write_text_atomically(output, "x" * 2_000_000)
        assert output.read_text() == "the old answers\n" and leftovers(disk) == []


def test_a_failure_after_writing_removes_the_temporary_file(tmp_path, monkeypatch):
    output = tmp_path / "answers.yaml"
    output.write_text("old\n")

    def refuse(source: object, destination: object) -> None:
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES))

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(ScorecardError, match=r"cannot write .*: permission denied"):
        write_text_atomically(output, "new\n")
    assert output.read_text() == "old\n" and leftovers(tmp_path) == []


def test_a_missing_folder_or_a_directory_is_a_sentence(tmp_path):
    missing = tmp_path / "nowhere" / "answers.yaml"
    with pytest.raises(
        ScorecardError, match=re.escape(f"cannot write {missing}: folder {missing.parent} does not exist")
    ):
        write_text_atomically(missing, "x\n")
    assert not missing.parent.exists()
    with pytest.raises(ScorecardError, match=re.escape(f"cannot write {tmp_path}: it is a directory")):
        write_text_atomically(tmp_path, "x\n")


@pytest.mark.parametrize("suffix", ["", "-wal", "-shm", "-journal"])
def test_writing_onto_the_database_or_its_companions_is_refused(tmp_path, suffix):
    database = tmp_path / "scorecard.db"
    database.write_bytes(b"SQLite format 3\0")
    output = tmp_path / f"scorecard.db{suffix}"
    with pytest.raises(
        ScorecardError, match=re.escape(f"refusing to write {output}: it is the scorecard database {database}")
    ):
        refuse_overwriting_database(output, database)
    # Spelled another way: through "..", or through a symbolic link to the folder.
    (tmp_path / "sub").mkdir()
    (tmp_path / "alias").symlink_to(tmp_path)
    for other in (tmp_path / "sub" / ".." / output.name, tmp_path / "alias" / output.name):
        with pytest.raises(ScorecardError, match="refusing to write"):
            refuse_overwriting_database(other, database)


def test_a_hard_link_to_the_database_is_refused_and_other_files_are_not(tmp_path):
    database = tmp_path / "scorecard.db"
    database.write_bytes(b"SQLite format 3\0")
    twin = tmp_path / "twin.yaml"
    os.link(database, twin)
    with pytest.raises(ScorecardError, match="refusing to write"):
        refuse_overwriting_database(twin, database)
    refuse_overwriting_database(tmp_path / "answers.yaml", database)
    refuse_overwriting_database(tmp_path / "scorecard.db-other", database)
    (tmp_path / "report.html").write_text("x")
    refuse_overwriting_database(tmp_path / "report.html", database)
