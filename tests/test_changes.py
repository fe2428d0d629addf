"""changes.py against the hand-worked history of :mod:`tests.history`: answers changed, unknowns, bank versions."""

from __future__ import annotations

import pandas as pd
import pytest

from scorecard.report import changes, trends
from scorecard.store import Store
from tests.history import NOTE, answers_of, history_bank, resolver


@pytest.fixture(scope="module")
def answers() -> pd.DataFrame:
    return answers_of()


@pytest.fixture(scope="module")
def bank_for(tmp_path_factory):
    return resolver(history_bank(tmp_path_factory.mktemp("bank")))


def test_answers_changed_since_the_previous_survey(answers, bank_for):
    changed = changes.answer_changes(answers, bank_for)
    got = {
        (r.team, r.quarter, r.question_id): (
            None if pd.isna(r.from_option) else r.from_option,
            r.to_option,
            None if pd.isna(r.points_change) else r.points_change,
        )
        for r in changed.itertuples()
    }
    assert got == {
        ("ranking", "2026Q2", "a-1"): ("some", "all", 0.5),
        ("ranking", "2026Q2", "b-1"): ("half", "unknown", -0.5),
        ("ranking", "2026Q3", "a-1"): ("all", "some", -0.5),
        ("ranking", "2026Q3", "a-2"): ("none", "all", 1.0),
        ("ranking", "2026Q3", "b-2"): (None, "na", None),
        ("search", "2026Q3", "a-1"): ("none", "all", 1.0),
        ("search", "2026Q3", "b-1"): ("all", "na", None),
        ("search", "2026Q3", "b-2"): (None, "all", None),
    }
    noted = changed[changed["question_id"] == "a-2"].iloc[0]
    assert noted.note == NOTE and noted.from_label == "Nothing." and noted.to_label == "All."
    assert noted.question_text == "Second question?" and noted.area == "alpha"
    assert noted.previous_quarter == "2026Q2"


def test_questions_still_unknown_and_for_how_long(answers, bank_for):
    unknowns = changes.unknown_answers(answers, bank_for)
    assert unknowns[["team", "quarter", "question_id", "quarters_unknown", "since"]].to_numpy().tolist() == [
        ["ranking", "2026Q3", "b-1", 2, "2026Q2"]
    ]


def test_bank_version_change_names_the_questions_added_and_removed(answers, bank_for):
    found = changes.bank_changes(answers, bank_for)
    assert found.to_numpy().tolist() == [
        ["ranking", "tiny", "2026Q3", "2026Q2", 1, 2, ("b-2",), ("b-old",), ()],
        ["search", "tiny", "2026Q3", "2026Q1", 1, 2, ("b-2",), ("b-old",), ()],
    ]


def test_a_survey_without_answers_changes_nothing(bank_for):
    with Store.memory() as store:
        store.start_survey("empty", "2026Q1", "tiny", 2)
        frame = trends.answers_frame(store.survey_answer_rows())
    assert changes.answer_changes(frame, bank_for).empty
    assert changes.unknown_answers(frame, bank_for).empty
    assert changes.bank_changes(frame, bank_for).empty
    assert list(changes.answer_changes(frame, bank_for).columns) == changes.CHANGE_COLUMNS
