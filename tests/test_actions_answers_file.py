"""Actions in answers files (scorecard/survey/answers_file.py's ``actions:``): read with line-numbered problems,
checked against the bank before anything is written, imported once, and written back by ``answers_yaml``."""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scorecard.services.actions import actions_for_export, add_action, team_actions
from scorecard.services.surveys import apply_import, prepare_import
from scorecard.survey.actions import Action
from scorecard.survey.answers_file import AnswersError, answers_yaml, read_answers_file
from scorecard.survey.respondents import normalize_respondent
from tests.runner import run_cli as run

HEAD = "team: ranking\nquarter: 2026Q4\nanswers: {a-1: none}\n"


def write(tmp_path: Path, text: str, name: str = "answers.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_actions_are_read_with_their_defaults(tmp_path, tiny_bank_path):
    path = write(
        tmp_path,
        HEAD + "actions:\n"
        "  - {question: a-1, target: all, due: 2027q1, owner: ' Ana ', note: slice checks}\n"
        "  - question: b-1\n    target: half\n    due: 2027Q2\n    created: 2026Q3\n    dropped: ' gave up '\n",
    )
    first, second = read_answers_file(path).actions
    assert (first.line, first.question_id, first.due, first.owner, first.note, first.created) == (
        5,
        "a-1",
        "2027Q1",
        "Ana",
        "slice checks",
        None,
    )
    assert (second.line, second.created, second.dropped) == (6, "2026Q3", "gave up")
    prepared = prepare_import(path, bank_name=str(tiny_bank_path))
    assert [(a.question_id, a.target, a.created, a.drop_reason, a.bank_id) for a in prepared.actions] == [
        ("a-1", "all", "2026Q4", None, "tiny"),  # created: the file's quarter
        ("b-1", "half", "2026Q3", "gave up", "tiny"),
    ]


def test_every_malformed_action_is_named_by_its_line_in_one_error(tmp_path):
    path = write(
        tmp_path,
        HEAD + "actions:\n"
        "  - {question: a-1, due: 2027Q1}\n"
        "  - {question: a-1, target: all, due: 2027Q5, colour: red}\n"
        "  - {question: a-1, target: all, due: 2027Q1, owner: '', note: 3}\n"
        "  - {question: a-1, target: all, due: 2027Q1, dropped: ''}\n"
        "  - just text\n",
    )
    with pytest.raises(AnswersError) as raised:
        read_answers_file(path)
    message = str(raised.value)
    assert "\n" not in message
    for expected in (
        "line 5: action: target is missing",
        "line 6: action: unknown keys colour",
        "line 6: action: due: malformed quarter '2027Q5'",
        "line 7: action: note must be text, not a number (3)",
        "line 7: action: owner: an owner cannot be empty",
    ):
        assert expected in message
    assert "and 2 more" in message  # the empty reason and the entry that is not a mapping


def test_actions_must_be_a_list(tmp_path):
    with pytest.raises(AnswersError, match="line 4: actions must be a list of mappings"):
        read_answers_file(write(tmp_path, HEAD + "actions: {question: a-1}\n"))


def test_actions_are_checked_against_the_bank_with_their_lines(tmp_path, tiny_bank_path):
    path = write(
        tmp_path,
        HEAD + "actions:\n"
        "  - {question: zz-9, target: all, due: 2027Q1}\n"
        "  - {question: a-1, target: unknown, due: 2027Q1}\n"
        "  - {question: a-1, target: all, due: 2026Q3}\n",
    )
    with pytest.raises(AnswersError) as raised:
        prepare_import(path, bank_name=str(tiny_bank_path))
    message = str(raised.value)
    assert "line 5: action: bank tiny has no question 'zz-9'" in message
    assert "line 6: action: question a-1 has no option 'unknown' to aim for (choose none|some|all)" in message
    assert "line 7: action: due quarter 2026Q3 is before 2026Q4" in message


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_an_import_adds_its_actions_once_and_a_bad_one_writes_nothing(tmp_path, tiny_bank_path):
    db = tmp_path / "a.db"
    path = write(tmp_path, HEAD + "actions:\n  - {question: a-1, target: all, due: 2099Q1, owner: Ana}\n")
    for _ in range(2):
        assert run("survey", "--answers", str(path), "--bank", str(tiny_bank_path), db=db).exit_code == 0
    result = run("actions", "list", "--team", "ranking", "--bank", str(tiny_bank_path), "--json", db=db)
    assert [(a["id"], a["owner"], a["status"]) for a in json.loads(result.stdout)] == [(1, "Ana", "open")]

    before = digest(db)
    bad = write(tmp_path, HEAD.replace("none", "all") + "actions:\n  - {question: a-1, target: most, due: 2099Q1}\n")
    result = run("survey", "--answers", str(bad), "--bank", str(tiny_bank_path), db=db)
    assert result.exit_code == 1 and "line 5: action: question a-1 has no option 'most'" in result.stderr
    assert digest(db) == before
    fresh = tmp_path / "fresh.db"
    assert run("survey", "--answers", str(bad), "--bank", str(tiny_bank_path), db=fresh).exit_code == 1
    assert not fresh.exists()


def test_exported_actions_import_as_the_same_actions_elsewhere(tmp_path, store, clock, tiny_bank):
    store.ensure_team("ranking")
    add_action(store, "ranking", "a-1", "all", "2027Q1", owner="Ana", note="slices: in CI", bank=tiny_bank)
    dropped = add_action(store, "ranking", "b-1", "half", "2027Q2", bank=tiny_bank).action
    store.drop_action(dropped.id, "the platform team owns it")
    exported = actions_for_export(store, "ranking", "2026Q4", bank_id="tiny")
    assert actions_for_export(store, "ranking", "2027Q1") == []
    text = answers_yaml("ranking", "2026Q4", tiny_bank, {}, actions=exported)
    assert (
        "actions:\n- {question: a-1, target: all, due: 2027Q1, owner: Ana, note: 'slices: in CI', created: 2026Q4}"
        in text
    )
    prepared = prepare_import(write(tmp_path, text), bank_name=str(tiny_bank.path))
    comparable = [replace(a, id=0, created_at="", dropped_at=None) for a in exported]
    assert list(prepared.actions) == comparable

    with type(store).open(tmp_path / "elsewhere.db", clock=clock) as elsewhere:
        assert apply_import(elsewhere, prepared).actions_added == 2
        assert apply_import(elsewhere, prepared).actions_added == 0
        states = team_actions(elsewhere, "ranking", tiny_bank)
        assert [(s.action.question_id, s.status, s.action.drop_reason) for s in states] == [
            ("a-1", "open", None),
            ("b-1", "dropped", "the platform team owns it"),
        ]


QUARTERS = st.sampled_from(["2026Q4", "2027Q1", "2030Q2"])
TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Cf", "Zl", "Zp", "Co", "Cn")), max_size=30)


@st.composite
def actions(draw) -> Action:
    question, targets = draw(st.sampled_from([("a-1", ["none", "some", "all"]), ("b-1", ["none", "half", "all"])]))
    due = draw(QUARTERS)
    owner = draw(st.one_of(st.none(), TEXT.filter(str.strip).map(normalize_respondent)))
    note, dropped = (draw(st.one_of(st.none(), TEXT.map(str.strip).filter(bool))) for _ in range(2))
    target = draw(st.sampled_from(targets))
    return Action(0, "ranking", "tiny", question, target, due, owner, note, "2026Q4", "", None, dropped)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(written=st.lists(actions(), max_size=4))
def test_any_actions_written_read_back_the_same(tmp_path, tiny_bank, written):
    path = write(tmp_path, answers_yaml("ranking", "2026Q4", tiny_bank, {}, actions=written), "round-trip.yaml")
    prepared = prepare_import(path, bank_name=str(tiny_bank.path))
    assert list(prepared.actions) == written
