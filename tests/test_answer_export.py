"""``answers export`` (scorecard/services/answer_export.py): the team file carries the quarter's actions, each
respondent gets a file of their own with a safe name, and importing every file elsewhere rebuilds the survey."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scorecard.services.answer_export import respondent_file_path
from scorecard.store import Store
from tests.runner import run_cli as run


@pytest.fixture(autouse=True)
def on_the_test_clock(monkeypatch, clock):
    """Every store the command line opens reads the test's clock (2026Q4), so actions are created in 2026Q4."""
    opened = Store.open.__func__
    monkeypatch.setattr(Store, "open", classmethod(lambda cls, path, **kw: opened(cls, path, **{**kw, "clock": clock})))


def test_actions_and_respondents_round_trip_through_exported_files(tmp_path, tiny_bank_path):
    db, fresh = tmp_path / "a.db", tmp_path / "b.db"
    bank = str(tiny_bank_path)
    for name, option in (("Ana", "all"), ("Bo", "none")):
        path = tmp_path / f"{name}.yaml"
        path.write_text(
            f"team: ranking\nquarter: 2026Q4\nbank: {bank}\nrespondent: {name}\nanswers:\n  a-1: {option}\n",
            encoding="utf-8",
        )
        assert run("survey", "--answers", str(path), db=db).exit_code == 0
    for question, target, owner in (("a-1", "all", "Ana"), ("b-1", "half", "Bo")):
        added = run("actions", "add", "--team", "ranking", "--question", question, "--target", target, "--due",
                    "2027Q2", "--owner", owner, "--note", "from the review", "--bank", bank, db=db)  # fmt: skip
        assert added.exit_code == 0, added.output
    assert run("actions", "drop", "2", "--reason", "not this year", db=db).exit_code == 0

    out = tmp_path / "export" / "ranking.yaml"
    out.parent.mkdir()
    assert run("answers", "export", "--team", "ranking", "--bank", bank, "-o", str(out), db=db).exit_code == 0
    assert "actions:" in out.read_text() and "actions:" not in (out.parent / "ranking.ana.yaml").read_text()
    for path in sorted(out.parent.iterdir()):
        imported = run("survey", "--answers", str(path), "--bank", bank, db=fresh)
        assert imported.exit_code == 0, imported.output

    def actions(where: Path) -> list[dict]:
        listed = json.loads(run("actions", "list", "--team", "ranking", "--bank", bank, "--json", db=where).stdout)
        return [{k: v for k, v in a.items() if k not in ("id", "created_at", "dropped_at")} for a in listed]

    assert actions(fresh) == actions(db) and len(actions(fresh)) == 2
    assert {a["status"] for a in actions(fresh)} == {"open", "dropped"}
    again = run("survey", "--answers", str(out), "--bank", bank, "--json", db=fresh)
    assert json.loads(again.stdout)["actions_added"] == 0  # importing the same file twice adds nothing


def test_respondent_file_names_are_safe_and_never_collide(tmp_path):
    taken: set[Path] = set()
    team = tmp_path / "answers.yaml"
    paths = [respondent_file_path(team, name, taken) for name in ("Ana", "ANA", "../../etc/passwd", "李雷", "Bo Ek")]
    assert [p.name for p in paths] == [
        "answers.ana.yaml",
        "answers.ana-2.yaml",
        "answers.etc-passwd.yaml",
        "answers.respondent.yaml",
        "answers.bo-ek.yaml",
    ]
    assert all(p.parent == tmp_path for p in paths)
