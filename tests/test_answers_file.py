"""Answers files: parsing, resolution against a bank, and the exported format."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from scorecard.services.surveys import prepare_import
from scorecard.survey.answers_file import AnswersError, FileAnswer, answers_yaml, read_answers_file, resolve_answers
from scorecard.survey.bank_file import load_bank_file
from scorecard.survey.records import StoredAnswer
from scorecard.team_names import TeamNameError
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


# -- what the file may hold: text where text is meant, each key once, no aliases, bounded sizes ---------------


def write_answers(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "answers.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def refused(tmp_path: Path, text: str) -> str:
    with pytest.raises(AnswersError) as raised:
        read_answers_file(write_answers(tmp_path, text))
    message = str(raised.value)
    assert "\n" not in message and len(message) <= 1000
    return message


@pytest.mark.parametrize(
    ("value", "kind"), [("[a, b]", "a list"), ("no", "a yes/no value (False)"), ("123", "a number (123)")]
)
def test_team_must_be_text_not_a_yaml_list_boolean_or_number(tmp_path, value, kind):
    message = refused(tmp_path, f"team: {value}\nanswers: {{a-1: all}}\n")
    assert f"line 1: team must be text, not {kind}" in message


def test_quarter_must_be_text_not_a_number(tmp_path):
    message = refused(tmp_path, "team: ranking\nquarter: 2026\nanswers: {a-1: all}\n")
    assert "line 2: quarter must be text like 2026Q4, not a number (2026)" in message


def test_bank_must_be_text_not_a_mapping(tmp_path):
    message = refused(tmp_path, "team: ranking\nbank: {x: 1}\nanswers: {a-1: all}\n")
    assert "line 2: bank must be text (a bank id or file), not a mapping" in message


def test_a_key_given_twice_is_refused_at_the_top_under_answers_and_inside_an_answer(tmp_path):
    text = "team: ranking\nteam: search\nanswers:\n  a-1: all\n  a-1: none\n  b-1: {option: all, option: none}\n"
    message = refused(tmp_path, text)
    assert "line 2: team given twice" in message
    assert "line 5: question a-1 given twice" in message
    assert "line 6: b-1: option given twice" in message


def test_an_alias_bomb_is_refused_at_the_first_alias(tmp_path):
    rows = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    rows += [f"a{i}: &a{i} [{','.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 9)]
    text = "\n".join(rows) + "\nteam: ranking\nanswers: {a-1: *a8}\n"
    assert len(text.encode()) < 600  # 9**9 strings once expanded
    message = refused(tmp_path, text)
    assert "line 2: aliases (*name) are not allowed" in message


def test_a_file_over_1_mb_is_refused_before_it_is_parsed(tmp_path):
    text = "team: ranking\nanswers:\n" + "".join(f"  q-{n}: all\n" for n in range(80_000))
    assert len(text) > 1_000_000
    assert "is larger than 1 MB" in refused(tmp_path, text)


def test_a_note_over_2000_characters_is_refused(tmp_path):
    note = "n" * 2_001
    message = refused(tmp_path, f"team: ranking\nanswers:\n  a-1: {{option: all, note: {note}}}\n")
    assert "a-1: note has 2,001 characters, at most 2,000" in message


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("2026-02-30", "cannot read this value as !!timestamp (day is out of range for month)"),
        ("!!int many", "cannot read this value as !!int"),
        ("!!bool perhaps", "cannot read this value as !!bool"),
        ("[" * 2_000, "nested deeper than 32 levels"),
        ("{[a]: 1}", "a key cannot be a list or a mapping"),
    ],
)
def test_values_yaml_cannot_build_are_answers_errors_with_a_line(tmp_path, value, fragment):
    message = refused(tmp_path, f"team: ranking\nanswers:\n  a-1: {value}\n")
    assert f"is not valid YAML (line 3: {fragment}" in message


def test_a_message_quotes_at_most_60_characters_of_a_value(tmp_path):
    message = refused(tmp_path, f"team: ranking\nanswers:\n  a-1: [{'x' * 5_000}]\n")
    assert "a-1: give an option id (text), not ['xxx" in message
    assert "x" * 61 not in message


def test_a_key_too_large_to_print_is_described_not_printed(tmp_path):
    huge = "0x" + "f" * 5_000  # an int of 6,021 digits: str() of it raises ValueError
    message = refused(tmp_path, f"team: ranking\nanswers:\n  ? {huge}\n  : all\n  ? {huge}\n  : none\n")
    assert "line 5: question <an integer of about 6021 digits> given twice" in message


def test_many_problems_are_counted_after_the_first_few(tmp_path):
    text = "team: ranking\nanswers:\n" + "".join(f"  q-{n}: [x]\n" for n in range(1_000))
    message = refused(tmp_path, text)
    assert message.count("give an option id") == 5 and message.endswith("; and 995 more")


def test_many_unknown_ids_are_counted_after_the_first_few(tiny):
    answers = [FileAnswer(f"zz-{n}", "all") for n in range(100)] + [FileAnswer("a-1", "o" * 500)]
    with pytest.raises(AnswersError) as raised:
        resolve_answers(tiny, answers)
    message = str(raised.value)
    assert "unknown question ids for bank tiny: zz-0, zz-1, zz-2, zz-3, zz-4, and 95 more" in message
    assert f"a-1: {'o' * 59}… (choose none|some|all|na|unknown)" in message


def test_an_escape_sequence_in_a_question_id_is_shown_escaped(tmp_path):
    message = refused(tmp_path, 'team: ranking\nanswers:\n  "a\\e]0;pwned\\a": [x]\n')
    assert "a\\x1b]0;pwned\\x07: give an option id" in message


# -- the team of an import: normalised, and --team and team: name one team ------------------------------------


def test_the_file_team_is_normalised(tmp_path, tiny_bank_path):
    path = write_answers(tmp_path, f'team: "  Ranking \\t  team "\nbank: {tiny_bank_path}\nanswers: {{a-1: all}}\n')
    assert prepare_import(path).team == "Ranking team"


@pytest.mark.parametrize(
    ("team", "fragment"),
    [('"rank\\e]0;x\\a"', "invisible or control character U+001B"), ("r" * 101, "at most 100 characters")],
)
def test_a_file_team_that_is_not_a_usable_name_is_refused(tmp_path, team, fragment):
    path = write_answers(tmp_path, f"team: {team}\nanswers: {{a-1: all}}\n")
    with pytest.raises(AnswersError, match=f"answers file .*: team: a team name .*{re.escape(fragment)}"):
        prepare_import(path)


def test_team_option_and_file_team_agree_by_team_key(tmp_path, tiny_bank_path):
    path = write_answers(tmp_path, f"team: ranking\nbank: {tiny_bank_path}\nanswers: {{a-1: all}}\n")
    assert prepare_import(path, team=" RANKING ").team == "RANKING"
    with pytest.raises(AnswersError, match="is for team 'ranking', not 'search'"):
        prepare_import(path, team="search")


def test_the_team_option_goes_through_normalize_team_name(tmp_path):
    path = write_answers(tmp_path, "answers: {a-1: all}\n")
    with pytest.raises(TeamNameError, match=r"--team: a team name cannot contain .* U\+202E"):
        prepare_import(path, team="rank\u202eing")
