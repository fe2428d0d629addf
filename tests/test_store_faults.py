"""Faults of the file and its disk, made for real where this machine allows: each is one sentence a person can
act on (a :class:`StoreError`, never "internal error"), and the database is left as it was.

A read-only file or folder is made with ``chmod`` for a normal user, and for root (whom permission bits do not
stop) with a read-only bind mount; an immutable file with ``chattr +i``; a full disk with a small ``tmpfs``. Where
mounting or ``chattr`` is not allowed the test is skipped, or (the full disk) falls back to SQLite's
``max_page_count``, which fails the same way.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from scorecard.errors import ScorecardError
from scorecard.store import Store, StoreError
from scorecard.survey.records import AnswerInput
from tests.disks import fill, run_tool, small_disk
from tests.runner import run_cli

ANSWER = [AnswerInput("q-1", "all", 1.0)]


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def seeded(path: Path) -> Path:
    """A real scorecard database with one survey, closed (its write-ahead log folded in)."""
    with Store.open(path) as store:
        store.import_answers("ranking", "2026Q3", "tiny", 1, [AnswerInput("q-1", "none", 0.0)], complete=True)
    return path


def attempt_a_write(path: Path) -> StoreError:
    """Open the database and import a survey; the fault it meets, on opening or on writing."""
    with pytest.raises(StoreError) as raised, Store.open(path) as store:
        store.import_answers("search", "2026Q4", "tiny", 1, ANSWER, complete=False)
    assert isinstance(raised.value, ScorecardError) and "internal error" not in str(raised.value)
    return raised.value


# -- making faults for real --------------------------------------------------------------------------------------


@contextmanager
def mounted(*arguments: str) -> Iterator[None]:
    """``mount ARGUMENTS`` (its last one the mount point) for the block; skip the test when not allowed."""
    reason = run_tool("mount", *arguments)
    if reason:
        pytest.skip(f"cannot mount here ({reason})")
    try:
        yield
    finally:
        if run_tool("umount", arguments[-1]):
            run_tool("umount", "--lazy", arguments[-1])


@contextmanager
def read_only_bind(path: Path) -> Iterator[None]:
    """``path`` (a file or folder) seen through a read-only bind mount of itself: read-only even for root."""
    with mounted("--bind", str(path), str(path)):
        reason = run_tool("mount", "-o", "remount,bind,ro", str(path))
        if reason:
            pytest.skip(f"cannot remount read-only here ({reason})")
        yield


@contextmanager
def without_write_permission(path: Path) -> Iterator[None]:
    mode = path.stat().st_mode
    path.chmod(mode & ~0o222)
    try:
        yield
    finally:
        path.chmod(mode)


def as_root() -> bool:
    return os.geteuid() == 0


# -- the faults --------------------------------------------------------------------------------------------------


def test_a_read_only_database_file_is_a_sentence_and_unchanged(tmp_path):
    db = seeded(tmp_path / "store.db")
    before = digest(db)
    with read_only_bind(db) if as_root() else without_write_permission(db):
        error = attempt_a_write(db)
    assert re.fullmatch(
        rf"the database {re.escape(str(db))} is read-only: the file cannot be written .*\(SQLite says: .*readonly.*\)",
        str(error),
    )
    assert digest(db) == before


def test_a_read_only_folder_is_a_sentence_and_the_database_unchanged(tmp_path):
    """The file may be written, its folder not: WAL needs to create store.db-wal and store.db-shm there."""
    real = tmp_path / "real"
    real.mkdir()
    db = seeded(real / "store.db")
    before = digest(db)
    if as_root():
        # A read-only view of the folder, and the (writable) file mounted back into it.
        view = tmp_path / "view"
        view.mkdir()
        with (
            mounted("--bind", str(real), str(view)),
            read_only_bind_folder(view),
            mounted("--bind", str(db), str(view / "store.db")),
        ):
            error = attempt_a_write(view / "store.db")
            folder = view
    else:
        with without_write_permission(real):
            error = attempt_a_write(db)
            folder = real
    assert f"its folder {folder} cannot be written, and SQLite must create store.db-wal and store.db-shm" in str(error)
    assert str(error).startswith("cannot open or write the database ")
    assert digest(db) == before


@contextmanager
def read_only_bind_folder(view: Path) -> Iterator[None]:
    reason = run_tool("mount", "-o", "remount,bind,ro", str(view))
    if reason:
        pytest.skip(f"cannot remount read-only here ({reason})")
    yield


def test_an_immutable_database_file_is_a_sentence_and_unchanged(tmp_path):
    db = seeded(tmp_path / "store.db")
    before = digest(db)
    reason = run_tool("chattr", "+i", str(db))
    if reason:
        pytest.skip(f"chattr +i does not work here ({reason})")
    try:
        error = attempt_a_write(db)
    finally:
        run_tool("chattr", "-i", str(db))
    assert f"the database {db} is read-only: the file cannot be written" in str(error)
    assert "an immutable attribute" in str(error)
    assert digest(db) == before


def test_a_full_disk_is_a_sentence_and_nothing_is_half_written(tmp_path):
    disk = tmp_path / "disk"
    disk.mkdir()
    with small_disk(disk) as real:
        db = seeded(disk / "store.db")
        before = digest(db)
        with Store.open(db) as store:
            dump = list(store.db.conn.iterdump())
            if real:
                fill(disk)
            else:  # simulated: the database may not grow by one page
                pages = store.db.execute("PRAGMA page_count").fetchone()[0]
                store.db.execute(f"PRAGMA max_page_count = {pages}")
            notes = [AnswerInput(f"q-{n}", "all", 1.0, note="x" * 50_000) for n in range(20)]
            with pytest.raises(StoreError) as raised:
                store.import_answers("search", "2026Q4", "tiny", 1, notes, complete=False)
            assert list(store.db.conn.iterdump()) == dump
        (disk / "filler").unlink(missing_ok=True)
        assert digest(db) == before
    assert re.fullmatch(
        rf"the disk holding {re.escape(str(db))} is full \(SQLite says: .*\): free some space, then try again",
        str(raised.value),
    )


def corrupt(db: Path, table: str = "answers") -> None:
    """Overwrite the page holding ``table`` (a page inside the file, not its header) with garbage."""
    with Store.open(db) as store:
        page = store.db.execute("select rootpage from sqlite_master where name = ?", [table]).fetchone()[0]
        size = store.db.execute("PRAGMA page_size").fetchone()[0]
    assert 1 < page < db.stat().st_size // size
    with open(db, "r+b") as file:
        file.seek((page - 1) * size)
        file.write(b"\xa5" * 512)


def test_a_damaged_page_is_a_sentence_for_reads_writes_and_the_command_line(tmp_path, tiny_bank_path):
    db = seeded(tmp_path / "store.db")
    corrupt(db)
    before = digest(db)
    damaged = (
        rf"{re.escape(str(db))} is damaged \(SQLite says: database disk image is malformed\): restore it from a backup"
    )
    refused = rf"{re.escape(str(db))} is damaged \(PRAGMA quick_check says: Page \d+: .+\): nothing was written; "
    assert re.fullmatch(refused + "restore it from a backup", str(attempt_a_write(db)))
    with Store.open(db, create=False) as store, pytest.raises(StoreError, match=damaged):
        store.answers_for(1)
    shown = run_cli("answers", "export", "--team", "ranking", "--bank", str(tiny_bank_path), db=db)
    assert shown.exit_code == 1 and "Error: " in shown.output and "is damaged" in shown.output
    assert "internal error" not in shown.output
    assert digest(db) == before


ANSWERS = "team: ranking\nquarter: 2026Q4\nanswers:\n  entanglement-1: automated-checks\n"


@pytest.mark.parametrize(
    ("damaged_table", "command"),
    [("scan_examples", "survey"), ("answers", "scan")],
    ids=["survey-beside-a-damaged-scan-table", "scan-beside-damaged-answers"],
)
def test_a_write_that_would_miss_the_damaged_page_is_refused_too(tmp_path, damaged_table, command):
    """A write that never reads the bad page would succeed into a file that fails ``integrity_check``: every
    writing command checks the file first (``PRAGMA quick_check``) and writes nothing."""
    from tests.gitrepo import RepoBuilder

    answers = tmp_path / "answers.yaml"
    answers.write_text(ANSWERS, encoding="utf-8")
    db = tmp_path / "store.db"
    assert run_cli("survey", "--answers", str(answers), db=db).exit_code == 0
    corrupt(db, damaged_table)
    before = digest(db)
    if command == "survey":
        answers.with_name("other.yaml").write_text(ANSWERS.replace("ranking", "search"), encoding="utf-8")
        result = run_cli("survey", "--answers", str(answers.with_name("other.yaml")), db=db)
    else:
        repo = RepoBuilder(tmp_path / "repo")
        repo.commit({"train.py": "x = 1\n"}, when="2026-10-01")
        result = run_cli("scan", str(repo.path), "--team", "search", db=db)
    assert result.exit_code == 1
    assert re.search(
        rf"{re.escape(str(db))} is damaged \(PRAGMA quick_check says: .+\): nothing was written; restore it from a "
        "backup",
        result.output,
    )
    assert digest(db) == before
