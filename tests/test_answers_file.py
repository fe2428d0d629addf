"""Answers files: parsing, resolution against a bank, and the exported format."""

from __future__ import annotations

import pytest

from scorecard.survey.answers_file import AnswersError, FileAnswer, answers_yaml, read_answers_file, resolve_answers
from scorecard.survey.bank_file import load_bank_file
from scorecard.survey.records import StoredAnswer
from tests.banks import write_bank


@pytest.fixture
def tiny(tmp_path):
    return load_bank_file(write_bank(tmp_path))


def test_read_both_answer_forms(tmp_path):
    path = tmp_path / "a.yaml"
    path.write_text("team: ranking\nquarter: 2026q4\nanswers:\n  a-1: all\n  b-1: {option: half, note: so-so}\n")
    parsed = read_answers_file(path)
    assert (parsed.team, parsed.quarter, parsed.bank) == ("ranking", "2026Q4", None)
    assert parsed.answers == (FileAnswer("a-1", "all"), FileAnswer("b-1", "half", "so-so"))


def test_yaml_booleans_are_not_option_ids(tmp_path):
    path = tmp_path / "a.yaml"
    path.write_text("team: ranking\nanswers:\n  a-1: no\n")
    with pytest.raises(AnswersError, match="a-1: give an option id"):
        read_answers_file(path)


def test_resolve_lists_every_unknown_id(tiny):
    answers = [FileAnswer("a-1", "most"), FileAnswer("zz-1", "all"), FileAnswer("b-1", "lots"), FileAnswer("zz-2", "x")]
    with pytest.raises(AnswersError) as raised:
        resolve_answers(tiny, answers)
    message = str(raised.value)
    assert "unknown question ids for bank tiny: zz-1, zz-2" in message
    assert "a-1: most (choose none|some|all|na|unknown)" in message and "b-1: lots" in message


def test_resolve_gives_points(tiny):
    resolved = resolve_answers(tiny, [FileAnswer("a-1", "some"), FileAnswer("b-1", "na"), FileAnswer("a-2", "unknown")])
    assert [(a.question_id, a.points) for a in resolved] == [("a-1", 0.5), ("b-1", None), ("a-2", 0.0)]


def test_export_uses_bank_order_and_leaves_out_unconfirmed_carry_overs(tiny):
    stored = {
        "b-1": StoredAnswer("b-1", "half", 0.5, "a <note>: with colon", "t"),
        "a-1": StoredAnswer("a-1", "all", 1.0, None, "t"),
        "a-2": StoredAnswer("a-2", "none", 0.0, None, "t", carried_over=True),
    }
    text = answers_yaml("ranking", "2026Q4", tiny, stored)
    assert text.splitlines()[3:] == ["answers:", "  a-1: all", "  b-1: {option: half, note: 'a <note>: with colon'}"]
