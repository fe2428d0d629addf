"""Scoring rules, checked against numbers worked out by hand."""

from __future__ import annotations

import pytest

from scorecard.survey.bank_file import load_bank, load_bank_file
from scorecard.survey.scoring import score_answers
from tests.banks import write_bank


@pytest.fixture
def tiny(tmp_path):
    return load_bank_file(write_bank(tmp_path))


def test_mean_excludes_na_and_counts_unknown_as_zero(tiny):
    card = score_answers(tiny, {"a-1": "some", "a-2": "unknown", "b-1": "na"})
    # alpha: 100 * mean(0.5, 0) = 25; beta: only na, so no score; overall: mean of scored areas = 25
    assert card.area_scores() == {"alpha": 25.0, "beta": None}
    assert card.overall == 25.0
    assert card.level.id == "high"
    assert card.answered == 3
    assert card.completeness == pytest.approx(1 / 3, abs=1e-4)  # only a-1 has one of its own options
    assert card.weakest_area == "alpha"


def test_mean_overall_is_the_mean_of_area_scores_not_of_questions(tiny):
    card = score_answers(tiny, {"a-1": "all", "a-2": "all", "b-1": "none"})
    # alpha 100, beta 0: the overall is 50 although two of three questions are perfect
    assert card.area_scores() == {"alpha": 100.0, "beta": 0.0}
    assert card.overall == 50.0
    assert card.weakest_area == "beta"


def test_unanswered_questions_are_left_out_of_the_mean(tiny):
    card = score_answers(tiny, {"a-1": "some"})
    assert card.area_scores() == {"alpha": 50.0, "beta": None}
    assert card.overall == 50.0
    assert card.answered == 1


def test_no_answers_no_score(tiny):
    card = score_answers(tiny, {})
    assert card.overall is None and card.level is None and card.weakest_area is None
    assert card.improvements == ()


def test_improvements_rank_by_gain_in_overall_score(tiny):
    card = score_answers(tiny, {"a-1": "some", "a-2": "unknown", "b-1": "na"})
    # a-2 unknown -> all lifts alpha to 75 (+50 overall); a-1 some -> all lifts alpha to 50 (+25); b-1 is na
    assert [(i.question_id, i.to_option, i.gain) for i in card.improvements] == [
        ("a-2", "all", 50.0),
        ("a-1", "all", 25.0),
    ]


def _ml_test_answers(data: int, model: tuple[int, int], infra: int, monitor_manual: int) -> dict[str, str]:
    answers = {f"data-{n}": "automated" for n in range(1, data + 1)}
    automated, manual = model
    answers |= {f"model-{n}": "automated" for n in range(1, automated + 1)}
    answers |= {f"model-{n}": "manual" for n in range(automated + 1, automated + manual + 1)}
    answers |= {f"infra-{n}": "automated" for n in range(1, infra + 1)}
    answers |= {f"monitor-{n}": "manual" for n in range(1, monitor_manual + 1)}
    return answers


def test_ml_test_score_final_score_is_the_minimum_section_sum():
    bank = load_bank("ml-test-score")
    # section sums 3, 2.5, 4, 1 -> final score 1 (the paper's worked rule: raise the weakest section)
    card = score_answers(bank, _ml_test_answers(3, (2, 1), 4, 2))
    assert card.area_scores() == {"data": 3.0, "model": 2.5, "infra": 4.0, "monitor": 1.0}
    assert card.overall == 1.0
    assert card.level.id == bank.level_for(1.0).id == bank.levels[1].id
    assert card.weakest_area == "monitor"
    # Only monitoring answers can lift the final score; manual -> automated is worth +0.5 each. Nothing else
    # lifts it on its own, so nothing else is listed (no "+0.00" suggestions).
    assert [(i.question_id, i.gain) for i in card.improvements] == [("monitor-1", 0.5), ("monitor-2", 0.5)]


def test_ml_test_score_na_and_unknown_count_zero():
    bank = load_bank("ml-test-score")
    answers = {f"{a}-{n}": "automated" for a in ("data", "model", "infra", "monitor") for n in range(1, 8)}
    answers |= {"data-1": "na", "data-2": "unknown", "data-6": "within-2-months"}  # data-6: calendar time (v2)
    card = score_answers(bank, answers)
    assert card.area_scores()["data"] == 5.0
    assert card.overall == 5.0
    assert card.level.id == bank.levels[4].id  # (3, 5]: strong
    answers["data-1"] = answers["data-2"] = "automated"
    assert score_answers(bank, answers).overall == 7.0
    assert score_answers(bank, answers).level.id == bank.levels[5].id  # > 5: exceptional


def test_ml_test_score_sections_tied_at_the_minimum_are_raised_together():
    bank = load_bank("ml-test-score")
    answers = {f"{area}-1": "none" for area in ("data", "model", "infra", "monitor")} | {"data-2": "manual"}
    card = score_answers(bank, answers)
    # data 0.5, model/infra/monitor 0: no single answer lifts the minimum; the three tied sections together do
    assert card.overall == 0.0
    assert [i.question_id for i in card.improvements] == ["model-1", "infra-1", "monitor-1"]
    assert all(i.gain == 0.5 for i in card.improvements)  # then data's 0.5 is the minimum
    assert card.improvements[0].together == ("infra-1", "monitor-1")
    assert not any(i.gain <= 0 for i in card.improvements)


def test_ml_test_score_tied_section_with_nothing_to_raise_suggests_nothing():
    bank = load_bank("ml-test-score")
    # model, infra and monitor have no answer at all: nothing answered there can be raised
    card = score_answers(bank, {"data-1": "manual"})
    assert card.overall == 0.0 and card.improvements == ()


def test_improvements_never_list_a_raise_that_lifts_nothing(tiny_bank):
    card = score_answers(tiny_bank, {"a-1": "none", "a-2": "all", "b-1": "none"})
    assert [(i.question_id, i.gain) for i in card.improvements] == [("b-1", 50.0), ("a-1", 25.0)]
    assert all(i.gain > 0 for i in card.improvements)


def test_ml_test_score_lists_an_na_answer_among_the_raises():
    """Under min_section_sum na is a 0 like any other: "what would raise the score" must not hide it."""
    bank = load_bank("ml-test-score")
    answers = {question.id: question.best_option.id for question in bank.questions} | {"data-1": "na"}
    card = score_answers(bank, answers)
    assert card.area_scores()["data"] == 6.0 and card.overall == 6.0
    assert [(i.question_id, i.from_option, i.to_option, i.gain) for i in card.improvements] == [
        ("data-1", "na", "automated", 1.0)
    ]
