"""What the command line promises a hostile user: nothing written where it should not be, one clean line."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from tests.gitrepo import RepoBuilder

ANSWERS = "team: ranking\nquarter: 2026Q4\nanswers:\n  entanglement-1: automated-checks\n"


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def seeded(tmp_path, cli) -> Path:
    db = tmp_path / "x.db"
    answers = tmp_path / "answers.yaml"
    answers.write_text(ANSWERS, encoding="utf-8")
    assert cli("survey", "--answers", str(answers), db=db).exit_code == 0
    return db


@pytest.mark.parametrize(
    "command",
    [("report", "--all", "-o"), ("answers", "export", "--team", "ranking", "-o")],
    ids=["report", "answers-export"],
)
def test_an_output_that_is_the_database_is_refused_and_the_database_kept(seeded, cli, command):
    before = digest(seeded)
    result = cli(*command, str(seeded), db=seeded)
    assert result.exit_code == 1 and "it is the scorecard database" in result.stderr
    assert digest(seeded) == before
    assert json.loads(cli("show", "--team", "ranking", "--json", db=seeded).stdout)["answered"] == 1


@pytest.mark.parametrize(
    "command",
    [("teams",), ("show", "--team", "ranking"), ("answers", "export", "--team", "ranking"), ("report", "--all", "-o")],
    ids=["teams", "show", "export", "report"],
)
def test_read_only_commands_create_no_database(tmp_path, cli, command):
    typo = tmp_path / "folder" / "typo.db"
    args = [*command, str(tmp_path / "out.html")] if command[0] == "report" else list(command)
    result = cli(*args, db=typo)
    assert result.exit_code == 1 and "no scorecard database at" in result.stderr
    assert not typo.exists() and not typo.parent.exists()


@pytest.mark.parametrize(
    "command",
    [("teams",), ("show", "--team", "ranking"), ("answers", "export", "--team", "ranking"), ("report", "--all", "-o")],
    ids=["teams", "show", "export", "report"],
)
def test_read_only_commands_leave_an_empty_file_empty(tmp_path, cli, command):
    empty = tmp_path / "empty.db"
    empty.touch()
    args = [*command, str(tmp_path / "out.html")] if command[0] == "report" else list(command)
    result = cli(*args, db=empty)
    assert result.exit_code == 1 and f"no scorecard database at {empty}" in result.stderr
    assert empty.stat().st_size == 0 and not (tmp_path / "empty.db-wal").exists()


def test_writing_commands_create_the_database_in_an_empty_file(tmp_path, cli):
    empty = tmp_path / "empty.db"
    empty.touch()
    answers = tmp_path / "answers.yaml"
    answers.write_text(ANSWERS, encoding="utf-8")
    assert cli("survey", "--answers", str(answers), db=empty).exit_code == 0
    assert json.loads(cli("show", "--team", "ranking", "--json", db=empty).stdout)["answered"] == 1
    scanned = tmp_path / "scanned.db"
    scanned.touch()
    repo = RepoBuilder(tmp_path / "repo")
    repo.commit({"train.py": "x = 1\n"}, when="2026-10-01")
    assert cli("scan", str(repo.path), "--team", "ranking", db=scanned).exit_code == 0
    assert "ranking" in cli("teams", db=scanned).stdout


def test_the_tui_refuses_a_bad_quarter_before_opening_the_database(tmp_path, cli):
    db = tmp_path / "new.db"
    result = cli("survey", "--team", "ranking", "--quarter", "2026Q9", db=db)
    assert result.exit_code == 1 and "2026Q9" in result.stderr
    assert not db.exists()


def test_user_text_in_a_message_cannot_retitle_the_terminal_or_split_the_line(tmp_path, cli):
    hostile = tmp_path / "\x1b]0;owned\x07\nsecond line.yaml"
    result = cli("survey", "--answers", str(hostile), db=tmp_path / "x.db")
    assert result.exit_code == 1
    [line] = result.stderr.splitlines()
    assert "\x1b" not in line and "\\x1b]0;owned\\x07\\x0asecond line.yaml" in line
    named = cli("show", "--team", "\x1b]0;owned\x07team", db=tmp_path / "x.db")
    assert named.exit_code == 1 and "U+001B" in named.stderr and "\x1b" not in named.stderr


def test_a_team_is_found_however_its_name_is_typed(seeded, cli):
    for typed in (" ranking ", "RANKING", "Ranking"):
        shown = cli("show", "--team", typed, "--json", db=seeded)
        assert shown.exit_code == 0 and json.loads(shown.stdout)["team"] == "ranking"
    blank = cli("scan", str(seeded.parent), "--team", "  ", db=seeded)
    assert blank.exit_code == 1 and "team name cannot be empty" in blank.stderr


def test_show_gives_the_evidence_of_a_team_scanned_but_not_surveyed(tmp_path, cli):
    repo = RepoBuilder(tmp_path / "repo")
    repo.commit({"a.py": "x = 1\n", "conf.yaml": "use_cache: true\n"}, when="2026-10-01")
    db = tmp_path / "scan.db"
    assert cli("scan", str(repo.path), "--team", "search", db=db).exit_code == 0
    document = json.loads(cli("show", "--team", "search", "--json", db=db).stdout)
    assert document["team"] == "search" and document["quarter"] is None and document["overall"] is None
    assert document["metrics"]["lines.code"] == 1 and document["metrics"]["flags.alive"] == 1
    text = cli("show", "--team", "search", db=db).stdout
    assert "no survey yet" in text and "1 lines of code" in text


def test_a_scan_of_a_bad_path_creates_no_database(tmp_path, cli):
    good = RepoBuilder(tmp_path / "good")
    good.commit({"a.py": "x = 1\n"})
    db = tmp_path / "new.db"
    result = cli("scan", str(good.path), str(tmp_path / "missing"), "--team", "t", db=db)
    assert result.exit_code == 1 and "does not exist" in result.stderr
    assert not db.exists()


def test_a_repository_folder_whose_name_is_not_utf8_is_refused_in_one_line(tmp_path, cli):
    import os

    folder = os.path.join(os.fsencode(tmp_path), b"caf\xe9")
    os.mkdir(folder)
    RepoBuilder(Path(os.fsdecode(folder))).commit({"a.py": "x = 1\n"})
    db = tmp_path / "x.db"
    result = cli("scan", os.fsdecode(folder), "--team", "t", db=db)
    assert result.exit_code == 1 and "is not valid UTF-8" in result.stderr and "caf\\xe9" in result.stderr
    assert not db.exists()
