"""Actions and dismissals per system (issue 12, migration m011): ``actions add|list --system``, the kept/missed
rule reading the action's own system's surveys, a system's answers file carrying its actions, ``evidence
dismiss|list --system`` (a system's dismissal covers its surveys, the team's covers every system), and old rows
staying team level."""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from scorecard.services.surveys import score_survey
from scorecard.store import Store
from scorecard.survey.contradictions import Evidence
from scorecard.survey.dismissals import Dismissal, DismissedValue
from tests.banks import EVIDENCE_BANK, write_bank
from tests.runner import run_cli as run
from tests.test_cli_actions import on_the_test_clock, survey  # noqa: F401 (the fixture is used by name)

FIXTURE_DB = Path(__file__).parent / "fixtures" / "v1-surveys.db"


pytestmark = pytest.mark.usefixtures("on_the_test_clock")  # every store the command line opens, on the test's clock


@pytest.fixture
def bank_path(tmp_path: Path) -> Path:
    return write_bank(tmp_path, EVIDENCE_BANK, "evidence-bank.yaml")


@pytest.fixture
def db(tmp_path: Path, bank_path: Path) -> Path:
    """Team ranking with 2026Q4 surveys of systems Ranker and Feeds and of the team level, nothing good yet."""
    path = tmp_path / "a.db"
    for system in ("Ranker", "Feeds", None):
        survey(path, bank_path, "2026Q4", "a-1: none, a-2: none", system)
    return path


def add(db: Path, bank_path: Path, *extra: str) -> dict:
    result = run("actions", "add", "--team", "ranking", "--question", "a-1", "--target", "some", "--due", "2027Q1",
                 "--bank", str(bank_path), *extra, "--json", db=db)  # fmt: skip
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def listed(db: Path, bank_path: Path, *extra: str) -> dict[int, tuple[str, str]]:
    result = run("actions", "list", "--team", "ranking", "--bank", str(bank_path), *extra, "--json", db=db)
    assert result.exit_code == 0, result.output
    return {item["id"]: (item["system"], item["status"]) for item in json.loads(result.stdout)}


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_each_systems_action_is_kept_by_that_systems_surveys_only(db, bank_path, clock):
    ranker, feeds, team = (
        add(db, bank_path, "--system", "ranker"),
        add(db, bank_path, "--system", "Feeds"),
        add(db, bank_path),
    )
    assert (ranker["system"], feeds["system"], team["system"]) == ("Ranker", "Feeds", "")  # the stored spelling
    assert listed(db, bank_path) == {1: ("Ranker", "open"), 2: ("Feeds", "open"), 3: ("", "open")}
    assert listed(db, bank_path, "--system", "RANKER") == {1: ("Ranker", "open")}
    people = run("actions", "list", "--team", "ranking", "--system", "ranker", db=db).stdout
    assert people.startswith("#1 [Ranker] a-1: at least some by 2027Q1") and "#3" not in people

    clock.now = datetime(2027, 2, 15, tzinfo=UTC)
    survey(db, bank_path, "2027Q1", "a-1: all", "Feeds")  # Feeds reached it: Ranker's and the team's did not
    assert listed(db, bank_path) == {1: ("Ranker", "open"), 2: ("Feeds", "kept"), 3: ("", "open")}
    survey(db, bank_path, "2027Q1", "a-1: some")
    assert listed(db, bank_path) == {1: ("Ranker", "open"), 2: ("Feeds", "kept"), 3: ("", "kept")}
    clock.now = datetime(2027, 4, 2, tzinfo=UTC)
    assert listed(db, bank_path, "--system", "Ranker") == {1: ("Ranker", "missed")}


def test_a_systems_answers_file_carries_its_own_actions_back(db, bank_path, tmp_path):
    add(db, bank_path, "--system", "Ranker", "--owner", "Ana")
    add(db, bank_path, "--note", "the team's")
    exported = tmp_path / "ranker.yaml"
    result = run("answers", "export", "--team", "ranking", "--system", "ranker", "--bank", str(bank_path),
                 "-o", str(exported), db=db)  # fmt: skip
    assert result.exit_code == 0, result.output
    text = exported.read_text(encoding="utf-8")
    assert "system: Ranker" in text and "owner: Ana" in text and "the team's" not in text

    other = tmp_path / "other.db"
    result = run("survey", "--answers", str(exported), "--bank", str(bank_path), db=other)
    assert result.exit_code == 0, result.output
    assert listed(other, bank_path) == {1: ("Ranker", "open")}
    again = run("survey", "--answers", str(exported), "--bank", str(bank_path), db=other)
    assert again.exit_code == 0 and len(listed(other, bank_path)) == 1  # imported once


SYSTEM_ERRORS = {
    "add blank system": (
        ["actions", "add", "--question", "a-1", "--target", "all", "--due", "2027Q1", "--system", " "],
        "--system: a system name cannot be empty",
    ),
    "add unknown system": (
        ["actions", "add", "--question", "a-1", "--target", "all", "--due", "2027Q1", "--system", "Scorer"],
        "team 'ranking' has no system 'Scorer' (systems: Feeds, Ranker)",
    ),
    "list bad system": (["actions", "list", "--system", "a\x07b"], "--system:"),
    "list unknown system": (["actions", "list", "--system", "Scorer"], "team 'ranking' has no system 'Scorer'"),
    "dismiss bad system": (
        ["evidence", "dismiss", "--question", "a-2", "--reason", "r", "--system", ""],
        "--system: a system name cannot be empty",
    ),
    "dismiss unknown system": (
        ["evidence", "dismiss", "--question", "a-2", "--reason", "r", "--system", "Scorer"],
        "survey for system 'Scorer' yet",
    ),
}


@pytest.mark.parametrize(("args", "message"), SYSTEM_ERRORS.values(), ids=SYSTEM_ERRORS.keys())
def test_a_bad_system_is_one_line_and_writes_nothing(db, bank_path, args, message):
    before = digest(db)
    result = run(*args[:2], "--team", "ranking", "--bank", str(bank_path), *args[2:], db=db)
    assert result.exit_code == 1, result.output
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("Error: ") and message in result.stderr
    assert digest(db) == before


def dismissal(system: str, reason: str) -> Dismissal:
    value = (DismissedValue("coupling.strong_pairs", 5.0, 3.0),)
    return Dismissal("ranking", "tiny-evidence", "a-1", CLAIM, "all", value, 0.2, reason, "", "", system=system)


CLAIM = "Everything is claimed decoupled and co-changing files argue against it"


def test_a_systems_dismissal_covers_its_surveys_and_the_teams_covers_every_system(db, bank_path, clock):
    from scorecard.survey.bank_file import load_bank

    bank = load_bank(str(bank_path))
    for system in ("Ranker", "Feeds", None):
        survey(db, bank_path, "2026Q4", "a-1: all", system)
    evidence = Evidence({"coupling.strong_pairs": 5.0})
    with Store.open(db, clock=clock) as store:

        def dismissed(system: str) -> list[bool]:
            found = store.latest_survey("ranking", system=system)
            return [c.dismissed for c in score_survey(store, found, evidence, bank=bank).contradictions]

        assert (dismissed("Ranker"), dismissed("Feeds"), dismissed("")) == ([False], [False], [False])
        [stored] = store.add_dismissals([dismissal("RANKER", "the ranker's pairs are generated code")])
        assert stored.system == "Ranker"
        assert (dismissed("Ranker"), dismissed("Feeds"), dismissed("")) == ([True], [False], [False])
        store.add_dismissals([dismissal("", "the whole team vendors this library")])
        assert (dismissed("Ranker"), dismissed("Feeds"), dismissed("")) == ([True], [True], [True])
        assert [d.system for d in store.dismissals_for("ranking", system="feeds")] == [""]
        assert [d.system for d in store.dismissals_for("ranking")] == ["Ranker", ""]
        assert [d.system for d in store.all_dismissals()] == [""]  # the report's team rows
    listed_json = run("evidence", "list", "--team", "ranking", "--bank", str(bank_path), "--json", db=db)
    assert [(d["system"], d["state"]) for d in json.loads(listed_json.stdout)] == [("", "lapsed"), ("Ranker", "lapsed")]
    of_feeds = run("evidence", "list", "--team", "ranking", "--system", "feeds", "--json", db=db)
    assert [d["system"] for d in json.loads(of_feeds.stdout)] == [""]


def test_m011_keeps_the_actions_and_dismissals_of_a_v1_database_team_level(tmp_path):
    path = tmp_path / "v1.db"
    shutil.copyfile(FIXTURE_DB, path)
    with sqlite3.connect(path) as conn:  # rows as the release before systems wrote them
        team_id = conn.execute("select id from teams where name = 'ranking'").fetchone()[0]
        conn.execute(
            "insert into actions (team_id, bank_id, question_id, target_option, due, created_quarter, created_at) "
            "values (?, 'sculley2015', 'entanglement-1', 'some', '2026Q4', '2026Q3', '2026-08-01T00:00:00+00:00')",
            [team_id],
        )
        conn.execute(
            "insert into dismissals (team_id, bank_id, question_id, claim, condition_values, margin, reason, "
            "created_at) values (?, 'sculley2015', 'entanglement-1', 'c', '[]', 0.2, 'r', '2026-08-01')",
            [team_id],
        )
    conn.close()
    with Store.open(path) as store:
        [action] = store.actions_for("ranking")
        assert (action.system, store.actions_for("ranking", "")) == ("", [action])
        [kept] = store.dismissals_for("ranking")
        assert kept.system == "" and store.dismissals_for("ranking", system="Anything") == [kept]
