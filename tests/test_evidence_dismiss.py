"""``scorecard evidence dismiss`` and ``evidence list`` (scorecard/services/dismissals.py, the CLI over it), and
``show --json``'s contradictions: a real repository scanned, a survey imported, a contradiction dismissed with a
reason, then the code changed and rescanned until the dismissal lapses."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scorecard.store import Store
from tests.banks import EVIDENCE_BANK, write_bank
from tests.gitrepo import RepoBuilder
from tests.runner import run_cli as run

REASON = "The TODOs mark the planned v2 API, tracked in JIRA-12."


def code(lines: int, todos: int = 3) -> str:
    return "".join(f"# TODO: part {n}\n" for n in range(todos)) + "".join(f"x{n} = {n}\n" for n in range(lines - todos))


@pytest.fixture
def bank_path(tmp_path: Path) -> Path:
    return write_bank(tmp_path, EVIDENCE_BANK, "evidence-bank.yaml")


@pytest.fixture
def repo(tmp_path: Path) -> RepoBuilder:
    built = RepoBuilder(tmp_path / "repo")
    built.commit({"model.py": code(20)}, when="2024-03-01")
    return built


@pytest.fixture
def db(tmp_path: Path, bank_path: Path, repo: RepoBuilder) -> Path:
    """Team ranking: its repository scanned (15 debt comments per 100 code lines) and a survey answering "all"."""
    path = tmp_path / "d.db"
    assert run("scan", str(repo.path), "--team", "ranking", db=path).exit_code == 0
    answers = tmp_path / "answers.yaml"
    answers.write_text("team: ranking\nquarter: 2026Q4\nanswers: {a-1: all, a-2: all, b-1: all}\n", encoding="utf-8")
    assert run("survey", "--answers", str(answers), "--bank", str(bank_path), db=path).exit_code == 0
    return path


def show(db: Path, bank_path: Path) -> list[dict]:
    result = run("show", "--team", "ranking", "--bank", str(bank_path), "--json", db=db)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)["contradictions"]


def dismiss(db: Path, bank_path: Path, *extra: str, question: str = "a-2", reason: str = REASON):
    return run("evidence", "dismiss", "--team", "ranking", "--question", question, "--reason", reason,
               "--bank", str(bank_path), *extra, db=db)  # fmt: skip


def test_show_json_gives_each_contradiction_its_claim_examples_and_state(db, bank_path):
    [found] = show(db, bank_path)
    old_keys = {"question", "option", "metric", "value", "rule", "message"}
    assert old_keys | {"claim", "examples", "dismissed", "reason", "conditions"} <= set(found)
    assert (found["question"], found["option"], found["metric"], found["value"]) == (
        "a-2",
        "all",
        "debt_comments.alive",
        15.0,  # 3 debt comments per 20 code lines, per 100
    )
    assert found["rule"] == "debt_comments.alive per 100 lines.code >= 5"
    assert found["claim"].startswith("Everything is claimed clean")
    assert isinstance(found["examples"], list) and len(found["examples"]) <= 10
    assert all(isinstance(example, str) for example in found["examples"])
    assert (found["dismissed"], found["reason"]) == (False, None)
    assert found["conditions"] == [
        {
            "metric": "debt_comments.alive",
            "value": 15.0,
            "op": ">=",
            "threshold": 5.0,
            "description": "15 debt_comments.alive per 100 lines.code (3 / 20) (rule: >= 5)",
        }
    ]


def test_a_dismissal_holds_until_the_metric_moves_past_its_margin(db, bank_path, repo):
    result = dismiss(db, bank_path)
    assert result.exit_code == 0, result.output
    assert "Dismissed a-2 for ranking (tiny-evidence)" in result.stdout and REASON in result.stdout
    [found] = show(db, bank_path)
    assert (found["dismissed"], found["reason"]) == (True, REASON)
    human = run("show", "--team", "ranking", "--bank", str(bank_path), db=db).stdout
    assert "[dismissed]" in human and f"dismissed: {REASON}" in human

    repo.commit({"model.py": code(22)}, when="2024-04-01")  # 13.6 per 100: within 20% of 15, still dismissed
    assert run("scan", str(repo.path), "--team", "ranking", db=db).exit_code == 0
    assert show(db, bank_path)[0]["dismissed"] is True

    repo.commit({"model.py": code(40)}, when="2024-05-01")  # 7.5 per 100: still firing, but half of 15
    assert run("scan", str(repo.path), "--team", "ranking", db=db).exit_code == 0
    [found] = show(db, bank_path)
    assert (found["dismissed"], found["reason"], found["lapsed_reason"]) == (False, None, REASON)
    listed = json.loads(run("evidence", "list", "--team", "ranking", "--bank", str(bank_path), "--json", db=db).stdout)
    assert [(d["question"], d["state"], d["firing"], d["current"]) for d in listed] == [("a-2", "lapsed", True, [7.5])]


def test_dismissing_again_supersedes_and_a_wider_margin_holds_longer(db, bank_path, repo):
    assert dismiss(db, bank_path, reason="first look").exit_code == 0
    assert dismiss(db, bank_path, "--margin", "0.6", "--json").exit_code == 0
    repo.commit({"model.py": code(30)}, when="2024-04-01")  # 10 per 100: a third down, within 60%
    assert run("scan", str(repo.path), "--team", "ranking", db=db).exit_code == 0
    assert show(db, bank_path)[0]["reason"] == REASON
    listed = json.loads(run("evidence", "list", "--team", "ranking", "--bank", str(bank_path), "--json", db=db).stdout)
    assert [(d["reason"], d["state"], d["margin"]) for d in listed] == [
        (REASON, "holding", 0.6),
        ("first look", "superseded", 0.2),
    ]
    assert listed[0]["values"] == [
        {"subject": "debt_comments.alive per 100 lines.code", "value": 15.0, "threshold": 5.0}
    ]
    table = run("evidence", "list", "--team", "ranking", "--bank", str(bank_path), db=db).stdout
    assert "holding (firing)" in table and "superseded" in table


def test_dismiss_json_is_the_stored_dismissal(db, bank_path):
    result = dismiss(db, bank_path, "--json")
    [stored] = json.loads(result.stdout)
    assert (stored["team"], stored["bank"], stored["question"], stored["option"]) == (
        "ranking",
        "tiny-evidence",
        "a-2",
        "all",
    )
    assert stored["claim"].startswith("Everything is claimed clean") and stored["reason"] == REASON
    assert stored["margin"] == 0.2 and stored["quarter"] and stored["created_at"] and stored["id"] >= 1


def test_a_rule_gone_from_the_bank_leaves_its_dismissal_listed_as_such(db, bank_path, tmp_path):
    assert dismiss(db, bank_path).exit_code == 0
    rewritten = write_bank(tmp_path, EVIDENCE_BANK.replace("Everything is claimed clean", "All is clean"), "v2.yaml")
    listed = json.loads(run("evidence", "list", "--team", "ranking", "--bank", str(rewritten), "--json", db=db).stdout)
    assert [d["state"] for d in listed] == ["rule-gone"]
    [found] = show(db, rewritten)
    assert found["dismissed"] is False  # a rewritten claim is a new rule: the old dismissal does not cover it


def rows(db: Path) -> int:
    with Store.open(db, create=False) as store:
        return len(store.all_dismissals())


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--question", "a-2", "--reason", "   "), "Error: a dismissal needs a reason"),
        (("--question", "a-2", "--reason", "x" * 2001), "Error: the reason has 2,001 characters: at most 2,000"),
        (("--question", "a-2", "--reason", "r", "--margin", "-0.1"), "Error: --margin -0.1 must be a fraction from 0"),
        (("--question", "a-2", "--reason", "r", "--margin", "nan"), "Error: --margin nan must be a fraction"),
        (("--question", "z-9", "--reason", "r"), "Error: bank tiny-evidence has no question 'z-9'"),
        (
            ("--question", "b-1", "--reason", "r"),
            "Error: no evidence rule of b-1 fires against the answer of team 'ranking' (all, 2026Q4)",
        ),
        (("--question", "a-1", "--reason", "r"), "Error: no evidence rule of a-1 fires"),  # a rule, but not firing
    ],
)
def test_dismiss_errors_are_one_line_and_write_nothing(db, bank_path, args, message):
    result = run("evidence", "dismiss", "--team", "ranking", "--bank", str(bank_path), *args, db=db)
    assert result.exit_code == 1
    assert result.stderr.startswith(message), result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert rows(db) == 0


def test_unknown_team_a_team_without_a_scan_and_no_database(db, bank_path, tmp_path):
    result = run("evidence", "dismiss", "--team", "nobody", "--question", "a-2", "--reason", "r", db=db)
    assert result.exit_code == 1 and result.stderr.startswith("Error: unknown team 'nobody' (teams: ranking)")
    answers = tmp_path / "search.yaml"
    answers.write_text("team: search\nquarter: 2026Q4\nanswers: {a-2: all}\n", encoding="utf-8")
    assert run("survey", "--answers", str(answers), "--bank", str(bank_path), db=db).exit_code == 0
    result = run("evidence", "dismiss", "--team", "search", "--question", "a-2", "--reason", "r",
                 "--bank", str(bank_path), db=db)  # fmt: skip
    assert result.exit_code == 1 and result.stderr.strip() == (
        "Error: team 'search' has no scan yet: there is no evidence to dismiss"
    )
    missing = tmp_path / "none.db"
    result = run("evidence", "dismiss", "--team", "t", "--question", "a-2", "--reason", "r", db=missing)
    assert result.exit_code == 1 and "no scorecard database" in result.stderr and not missing.exists()
    result = run("evidence", "list", "--team", "nobody", db=db)
    assert result.exit_code == 1 and result.stderr.startswith("Error: unknown team 'nobody'")
    assert rows(db) == 0


def test_usage_errors_exit_2(db):
    assert run("evidence", "dismiss", "--team", "ranking", "--question", "a-2", db=db).exit_code == 2  # no --reason
    result = run(
        "evidence", "dismiss", "--team", "ranking", "--question", "a-2", "--reason", "r", "--margin", "x", db=db
    )
    assert result.exit_code == 2


def test_list_without_dismissals_says_how_to_make_one(db):
    result = run("evidence", "list", "--team", "ranking", db=db)
    assert result.exit_code == 0 and "No dismissals yet" in result.stdout
    assert json.loads(run("evidence", "list", "--team", "ranking", "--json", db=db).stdout) == []


def test_without_bank_the_survey_whose_bank_asks_the_question_is_the_one_dismissed(tmp_path: Path):
    """A team answering both shipped banks names the question; the ML Test Score, imported last, has no
    languages-1, so the sculley2015 survey (the one that asks it) is the one whose contradiction is dismissed."""
    repo = RepoBuilder(tmp_path / "polyglot")
    body = "".join(f"v{n} = {n}\n" for n in range(2000))
    repo.commit({"model.py": body, "serve.go": body, "ui.ts": body}, when="2024-03-01")
    path = tmp_path / "two.db"
    assert run("scan", str(repo.path), "--team", "ranking", db=path).exit_code == 0
    for bank, answers in (("sculley2015", "{languages-1: minimal}"), ("ml-test-score", "{data-1: automated}")):
        file = tmp_path / f"{bank}.yaml"
        file.write_text(f"team: ranking\nquarter: 2026Q4\nbank: {bank}\nanswers: {answers}\n", encoding="utf-8")
        assert run("survey", "--answers", str(file), db=path).exit_code == 0
    result = run("evidence", "dismiss", "--team", "ranking", "--question", "languages-1", "--reason", "UI and server",
                 "--json", db=path)  # fmt: skip
    assert result.exit_code == 0, result.output
    shown = run("show", "--team", "ranking", "--bank", "sculley2015", "--json", db=path)
    [found] = [c for c in json.loads(shown.stdout)["contradictions"] if c["question"] == "languages-1"]
    assert found["dismissed"] is True and found["reason"] == "UI and server"
