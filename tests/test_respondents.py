"""Several respondents make one team answer: the lower median, disputes, spread and disagreement (pure)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scorecard.survey.bank import Bank
from scorecard.survey.bank_file import load_bank_file
from scorecard.survey.records import StoredAnswer
from scorecard.survey.respondents import (
    RespondentError,
    chosen_options,
    combine_answers,
    disagreement,
    normalize_respondent,
    respondent_key,
    respondent_names,
)
from tests.banks import write_bank

AT = "2026-11-26T12:00:00+00:00"


def answer(bank: Bank, question_id: str, option_id: str, note: str | None = None, carried: bool = False):
    option = bank.question(question_id).option(option_id)  # type: ignore[union-attr]
    return StoredAnswer(question_id, option_id, option.points, note, AT, carried)  # type: ignore[union-attr]


def people(bank: Bank, question_id: str, **options: str) -> dict[str, dict[str, StoredAnswer]]:
    return {name: {question_id: answer(bank, question_id, option)} for name, option in options.items()}


def test_two_respondents_count_the_lower_and_are_disputed_by_their_spread(tiny_bank):
    combined = combine_answers(tiny_bank, {}, people(tiny_bank, "a-1", Ana="all", Bo="some"))
    found = combined["a-1"]
    assert (found.option_id, found.source, found.spread, found.disputed) == ("some", "respondents", 0.5, True)
    assert list(found.by_respondent) == ["Ana", "Bo"]


def test_three_respondents_count_the_middle_one(tiny_bank):
    found = combine_answers(tiny_bank, {}, people(tiny_bank, "a-1", Ana="all", Bo="none", Cy="some"))["a-1"]
    assert found.option_id == "some" and found.spread == 1.0


def test_a_spread_under_half_a_point_is_not_a_dispute(tiny_bank):
    found = combine_answers(tiny_bank, {}, people(tiny_bank, "a-1", Ana="all", Bo="all"))["a-1"]
    assert found.spread == 0.0 and not found.disputed


def test_dont_know_beside_an_answer_is_a_dispute_and_a_real_option_wins_a_tie(tiny_bank):
    found = combine_answers(tiny_bank, {}, people(tiny_bank, "a-1", Ana="none", Bo="unknown"))["a-1"]
    assert found.disputed and found.option_id == "none"  # both 0 points: the real option is the team's


def test_not_applicable_is_left_out_of_the_median_but_disputes(tiny_bank):
    found = combine_answers(tiny_bank, {}, people(tiny_bank, "a-1", Ana="na", Bo="all"))["a-1"]
    assert found.option_id == "all" and found.disputed and found.spread is None
    every_na = combine_answers(tiny_bank, {}, people(tiny_bank, "a-1", Ana="na", Bo="na"))["a-1"]
    assert every_na.option_id == "na" and not every_na.disputed


def test_the_team_answer_wins_but_the_dispute_stays_visible(tiny_bank):
    team = {"a-1": answer(tiny_bank, "a-1", "all", note="we agreed")}
    found = combine_answers(tiny_bank, team, people(tiny_bank, "a-1", Ana="all", Bo="none"))["a-1"]
    assert (found.option_id, found.source, found.note, found.disputed) == ("all", "team", "we agreed", True)


def test_an_unconfirmed_carry_over_gives_way_to_the_respondents(tiny_bank):
    team = {"a-1": answer(tiny_bank, "a-1", "all", carried=True), "a-2": answer(tiny_bank, "a-2", "all", carried=True)}
    combined = combine_answers(tiny_bank, team, people(tiny_bank, "a-1", Ana="none"))
    assert chosen_options(combined) == {"a-1": "none"}  # a-2's carry-over does not count, as before


def test_disagreement_is_the_mean_spread_of_questions_two_people_scored(tiny_bank):
    respondents = people(tiny_bank, "a-1", Ana="all", Bo="none")
    respondents["Ana"]["b-1"] = answer(tiny_bank, "b-1", "half")
    respondents["Bo"]["b-1"] = answer(tiny_bank, "b-1", "all")
    respondents["Ana"]["a-2"] = answer(tiny_bank, "a-2", "all")  # one respondent: no spread
    found = disagreement(tiny_bank, combine_answers(tiny_bank, {}, respondents))
    assert found.overall == 0.75 and found.by_area == {"alpha": 1.0, "beta": 0.5}
    assert disagreement(tiny_bank, {}).overall is None


def test_questions_the_bank_does_not_have_are_left_out(tiny_bank):
    stray = StoredAnswer("gone-1", "x", 1.0, None, AT)
    assert combine_answers(tiny_bank, {"gone-1": stray}, {"Ana": {"gone-1": stray}}) == {}


def test_names_follow_the_rules_of_team_names_and_one_person_has_one_key():
    assert normalize_respondent("  Ana   Lima ") == "Ana Lima"
    assert respondent_key("ANA") == respondent_key("ana")
    assert respondent_names({"bo": {"a": StoredAnswer("a", "x", 1.0, None, AT)}, "Ana": {}}) == ["bo"]
    for bad, reason in (("", "empty"), ("a\u200bb", "invisible"), (3, "text"), ("x" * 101, "at most")):
        with pytest.raises(RespondentError, match=reason) as raised:
            normalize_respondent(bad)
        assert "respondent name" in str(raised.value) or reason == "text"


@pytest.fixture(scope="module")
def shared_bank(tmp_path_factory: pytest.TempPathFactory) -> Bank:
    """The tiny bank once per module (Hypothesis runs a test many times on one fixture value)."""
    return load_bank_file(write_bank(tmp_path_factory.mktemp("bank")))


OPTIONS = st.sampled_from(["none", "some", "all", "na", "unknown"])


@given(st.dictionaries(st.text("abcdefgh", min_size=1, max_size=4), OPTIONS, min_size=1, max_size=8))
def test_the_counted_answer_is_one_a_respondent_gave_and_never_above_the_median(shared_bank, chosen):
    bank = shared_bank
    respondents = people(bank, "a-1", **chosen)
    found = combine_answers(bank, {}, respondents)["a-1"]
    assert found.option_id in chosen.values()
    scored = sorted(bank.question("a-1").option(o).points or 0.0 for o in chosen.values() if o != "na")  # type: ignore[union-attr]
    if scored:
        assert (found.points or 0.0) <= scored[len(scored) // 2]  # the lower median: at most the upper one
        assert found.spread == (round(scored[-1] - scored[0], 4) if len(scored) >= 2 else None)
        assert found.disputed == (
            (found.spread or 0.0) >= 0.5
            or ("unknown" in chosen.values() and bool(set(chosen.values()) - {"na", "unknown"}))
            or ("na" in chosen.values() and len(set(chosen.values())) > 1)
        )
