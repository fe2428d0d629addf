"""``scorecard actions add | list | drop`` (scorecard/cli/actions.py over scorecard/services/actions.py), run as a
user would, on a real database whose clock the test moves: the issue's acceptance, and every bad input one line
with nothing written."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from scorecard.store import Store
from tests.banks import EVIDENCE_BANK, write_bank
from tests.gitrepo import RepoBuilder
from tests.runner import run_cli as run


@pytest.fixture(autouse=True)
def on_the_test_clock(monkeypatch, clock):
    """Every store the command line opens reads the test's clock (it starts in 2026Q4)."""
    opened = Store.open.__func__

    def open_on_clock(cls, path, **options):
        return opened(cls, path, **{**options, "clock": clock})

    monkeypatch.setattr(Store, "open", classmethod(open_on_clock))


@pytest.fixture
def bank_path(tmp_path: Path) -> Path:
    return write_bank(tmp_path, EVIDENCE_BANK, "evidence-bank.yaml")


def survey(db: Path, bank_path: Path, quarter: str, answers: str, system: str | None = None) -> None:
    """Import team ranking's answers of ``quarter`` (of its ``system``, if given) with ``survey --answers``."""
    path = db.parent / f"answers-{quarter}-{system or 'team'}.yaml"
    header = f"system: {system}\n" if system else ""
    path.write_text(f"team: ranking\n{header}quarter: {quarter}\nanswers: {{{answers}}}\n", encoding="utf-8")
    result = run("survey", "--answers", str(path), "--bank", str(bank_path), db=db)
    assert result.exit_code == 0, result.output


@pytest.fixture
def db(tmp_path: Path, bank_path: Path) -> Path:
    """Team ranking with a 2026Q4 survey of the tiny evidence bank, nothing good answered yet."""
    path = tmp_path / "a.db"
    survey(path, bank_path, "2026Q4", "a-1: none, a-2: none, b-1: none")
    return path


def add(db: Path, bank_path: Path, question: str, target: str, due: str = "2027Q1", *extra: str) -> dict:
    result = run("actions", "add", "--team", "ranking", "--question", question, "--target", target, "--due", due,
                 "--bank", str(bank_path), *extra, "--json", db=db)  # fmt: skip
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def listed(db: Path, bank_path: Path) -> dict[int, tuple[str, str | None]]:
    result = run("actions", "list", "--team", "RANKING", "--bank", str(bank_path), "--json", db=db)
    assert result.exit_code == 0, result.output
    return {item["id"]: (item["status"], item["kept_in"]) for item in json.loads(result.stdout)}


def test_an_action_is_open_then_kept_by_a_survey_answering_its_target_and_another_missed(db, bank_path, clock):
    kept = add(db, bank_path, "a-1", "some", "2027Q1", "--owner", "Ana", "--note", "slice checks in CI")
    assert kept == {
        "id": 1,
        "team": "ranking",
        "question": "a-1",
        "target": "some",
        "due": "2027Q1",
        "owner": "Ana",
        "note": "slice checks in CI",
        "created": "2026Q4",
        "status": "open",
        "kept_in": None,
        "bank": "tiny-evidence",
        "created_at": "2026-11-26T12:00:00+00:00",
        "dropped_at": None,
        "dropped_reason": None,
        "system": "",
    }
    missed = add(db, bank_path, "b-1", "all")
    assert missed["status"] == "open" and missed["owner"] is None

    clock.now = datetime(2027, 2, 15, tzinfo=UTC)
    survey(db, bank_path, "2027Q1", "a-1: some, b-1: half")  # a draft: a-2 is not answered yet
    assert listed(db, bank_path) == {1: ("kept", "2027Q1"), 2: ("open", None)}

    clock.now = datetime(2027, 4, 2, tzinfo=UTC)
    assert listed(db, bank_path) == {1: ("kept", "2027Q1"), 2: ("missed", None)}
    survey(db, bank_path, "2027Q2", "b-1: all")  # too late: after the due quarter
    assert listed(db, bank_path)[2] == ("missed", None)


def test_a_complete_survey_of_the_due_quarter_misses_it_before_the_quarter_ends(db, bank_path, clock):
    add(db, bank_path, "b-1", "all")
    clock.now = datetime(2027, 1, 10, tzinfo=UTC)
    survey(db, bank_path, "2027Q1", "a-1: none, a-2: none")
    assert listed(db, bank_path) == {1: ("open", None)}
    survey(db, bank_path, "2027Q1", "b-1: half")  # every question answered: the survey is complete
    assert listed(db, bank_path) == {1: ("missed", None)}


def test_a_live_contradiction_keeps_an_answer_from_keeping_the_action_until_dismissed(db, bank_path, clock, tmp_path):
    repo = RepoBuilder(tmp_path / "repo")  # 3 debt comments in 20 code lines: the rule on a-2 fires against "all"
    repo.commit({"model.py": "".join(f"# TODO: part {n}\n" for n in range(3)) + "x = 1\n" * 17}, when="2024-03-01")
    assert run("scan", str(repo.path), "--team", "ranking", db=db).exit_code == 0
    add(db, bank_path, "a-2", "all")
    clock.now = datetime(2027, 2, 15, tzinfo=UTC)
    survey(db, bank_path, "2027Q1", "a-2: all")
    assert listed(db, bank_path) == {1: ("open", None)}
    dismissed = run("evidence", "dismiss", "--team", "ranking", "--question", "a-2", "--reason", "planned v2 API",
                    "--bank", str(bank_path), db=db)  # fmt: skip
    assert dismissed.exit_code == 0, dismissed.output
    assert listed(db, bank_path) == {1: ("kept", "2027Q1")}


def test_without_bank_the_action_takes_the_bank_of_the_latest_survey(tmp_path, clock):
    db = tmp_path / "s.db"
    answers = tmp_path / "answers.yaml"
    answers.write_text("team: ranking\nquarter: 2026Q4\nanswers: {entanglement-1: none}\n", encoding="utf-8")
    assert run("survey", "--answers", str(answers), db=db).exit_code == 0
    result = run("actions", "add", "--team", "ranking", "--question", "entanglement-1", "--target",
                 "automated-checks", "--due", "2027Q1", "--json", db=db)  # fmt: skip
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["bank"] == "sculley2015"
    before = digest(db)
    unknown = run(*replaced(ADD, "--question", "entanglement-99"), db=db)
    assert (unknown.exit_code, unknown.stderr) == (1, "Error: bank sculley2015 has no question 'entanglement-99'\n")
    assert digest(db) == before


def test_people_read_each_action_with_its_status(db, bank_path):
    result = run("actions", "list", "--team", "ranking", db=db)
    assert result.exit_code == 0 and "No actions yet" in result.stdout
    added = run("actions", "add", "--team", "ranking", "--question", "a-1", "--target", "all", "--due", "2027q2",
                "--owner", "Ana", "--note", "[b]markup[/b] stays text", "--bank", str(bank_path), db=db)  # fmt: skip
    assert added.exit_code == 0, added.output
    assert "Recorded action 1 for ranking (tiny-evidence, 2026Q4)" in added.stdout
    assert "#1 a-1: at least all by 2027Q2, owner Ana (open)" in added.stdout
    assert "[b]markup[/b] stays text" in added.stdout
    dropped = run("actions", "drop", "1", "--reason", "  the platform team owns it  ", db=db)
    assert dropped.exit_code == 0, dropped.output
    assert "Dropped action 1 of ranking" in dropped.stdout and "reason: the platform team owns it" in dropped.stdout
    shown = run("actions", "list", "--team", "ranking", "--bank", str(bank_path), db=db).stdout
    assert "#1 a-1: at least all by 2027Q2, owner Ana, recorded 2026Q4 (dropped)" in shown
    assert "dropped: the platform team owns it" in shown
    again = run("actions", "drop", "1", "--reason", "x", "--json", db=db)
    assert (again.exit_code, again.stdout) == (1, "")  # dropped already: an error, no JSON


def test_drop_json_gives_the_dropped_action(db, bank_path):
    add(db, bank_path, "a-1", "all")
    result = run("actions", "drop", "1", "--reason", "not worth it", "--json", db=db)
    assert result.exit_code == 0, result.output
    found = json.loads(result.stdout)
    assert (found["status"], found["dropped_reason"], found["dropped_at"]) == (
        "dropped",
        "not worth it",
        "2026-11-26T12:00:00+00:00",
    )


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


ADD = ("actions", "add", "--team", "ranking", "--question", "a-1", "--target", "all", "--due", "2027Q1")


def replaced(args: tuple[str, ...], option: str, value: str) -> list[str]:
    found = list(args)
    found[found.index(option) + 1] = value
    return found


BAD_INPUTS = {
    "unknown team": (replaced(ADD, "--team", "search"), 1, "unknown team 'search' (teams: ranking)"),
    "blank team": (replaced(ADD, "--team", "  "), 1, "a team name cannot be empty"),
    "unknown question": (replaced(ADD, "--question", "zz-9"), 1, "bank tiny-evidence has no question 'zz-9'"),
    "unknown option": (replaced(ADD, "--target", "most"), 1, "question a-1 has no option 'most' to aim for"),
    "na target": (replaced(ADD, "--target", "na"), 1, "question a-1 has no option 'na' to aim for"),
    "due before created": (replaced(ADD, "--due", "2026Q3"), 1, "due quarter 2026Q3 is before 2026Q4"),
    "malformed due": (replaced(ADD, "--due", "2027Q5"), 1, "--due: malformed quarter '2027Q5'"),
    "blank owner": ([*ADD, "--owner", " "], 1, "owner: an owner cannot be empty"),
    "long note": ([*ADD, "--note", "x" * 2001], 1, "the note has 2,001 characters: at most 2,000"),
    "missing due": (list(ADD[:-2]), 2, "Missing option '--due'"),
    "unknown bank": ([*ADD, "--bank", "no-such-bank"], 1, "no-such-bank"),
    "list unknown team": (["actions", "list", "--team", "search"], 1, "unknown team 'search'"),
    "drop unknown id": (["actions", "drop", "7", "--reason", "x"], 1, "there is no action 7"),
    "drop blank reason": (["actions", "drop", "1", "--reason", " "], 1, "dropping an action needs a reason"),
    "drop id not a number": (["actions", "drop", "one", "--reason", "x"], 2, "'one' is not a valid integer"),
    "drop id zero": (["actions", "drop", "0", "--reason", "x"], 2, "0 is not in the range"),
}


@pytest.mark.parametrize(("args", "code", "message"), BAD_INPUTS.values(), ids=BAD_INPUTS.keys())
def test_every_bad_input_is_one_line_and_writes_nothing(db, bank_path, args, code, message):
    args = [*args, "--bank", str(bank_path)] if args[1] == "add" and "--bank" not in args else args
    before = digest(db)
    result = run(*args, db=db)
    assert result.exit_code == code, result.output
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1 and message in errors[0], result.stderr
    assert code == 2 or result.stderr.count("\n") == 1
    assert digest(db) == before


def test_dropping_an_action_twice_is_refused_and_the_first_reason_kept(db, bank_path):
    add(db, bank_path, "a-1", "all")
    assert run("actions", "drop", "1", "--reason", "first", db=db).exit_code == 0
    before = digest(db)
    result = run("actions", "drop", "1", "--reason", "second", db=db)
    assert result.exit_code == 1
    assert result.stderr == "Error: action 1 was dropped already on 2026-11-26: first\n"
    assert digest(db) == before


@pytest.mark.parametrize(
    "args",
    [ADD, ("actions", "list", "--team", "ranking"), ("actions", "drop", "1", "--reason", "x")],
    ids=["add", "list", "drop"],
)
def test_no_actions_command_creates_a_database(tmp_path, args):
    typo = tmp_path / "folder" / "typo.db"
    result = run(*args, db=typo)
    assert result.exit_code == 1 and "no scorecard database at" in result.stderr
    assert not typo.exists() and not typo.parent.exists()


def test_a_bad_input_is_refused_before_the_database_is_opened(tmp_path, bank_path):
    typo = tmp_path / "typo.db"
    for args in (
        replaced(ADD, "--due", "soon"),
        [*ADD, "--owner", ""],
        [*ADD, "--bank", str(bank_path), "--target", "x"],
    ):
        result = run(*args, db=typo)
        assert result.exit_code == 1 and "no scorecard database" not in result.stderr, result.stderr


def test_without_bank_a_custom_banks_team_is_told_to_name_the_file_and_nothing_is_written(db):
    before = digest(db)
    result = run(*ADD, db=db)
    assert result.exit_code == 1
    assert "the latest survey of team 'ranking' is of bank 'tiny-evidence', which is not shipped" in result.stderr
    assert digest(db) == before
