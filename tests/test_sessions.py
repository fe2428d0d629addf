"""Opening a survey session: a new quarter's survey and its carry-over are one transaction."""

from __future__ import annotations

import pytest

from scorecard.services.sessions import open_session
from scorecard.survey.records import AnswerInput


def test_a_new_quarter_carries_the_last_confirmed_answers_over(store, tiny_bank):
    store.import_answers("ranking", "2026Q2", "tiny", 1, [AnswerInput("b-1", "half", 0.5)], complete=False)
    store.import_answers("ranking", "2026Q3", "tiny", 1, [AnswerInput("a-1", "all", 1.0)], complete=False)
    session = open_session(store, tiny_bank, "ranking", "2026Q4")
    carried = {q: a.option_id for q, a in session.answers.items() if a.carried_over}
    assert carried == {"a-1": "all"}  # from the most recent earlier survey only


def test_a_crash_while_carrying_over_leaves_no_survey_behind(store, tiny_bank, monkeypatch):
    store.import_answers(
        "ranking", "2026Q3", "tiny", 1, [AnswerInput("a-1", "all", 1.0), AnswerInput("b-1", "none", 0.0)], False
    )
    written = []
    real_upsert = store._upsert_answer

    def dies_on_the_second(survey_id, answer, now):
        if written:
            raise KeyboardInterrupt  # the process is stopped half way through the carry-over
        written.append(answer)
        return real_upsert(survey_id, answer, now)

    monkeypatch.setattr(store, "_upsert_answer", dies_on_the_second)
    with pytest.raises(KeyboardInterrupt):
        open_session(store, tiny_bank, "ranking", "2026Q4")
    monkeypatch.undo()
    # Either no survey or a survey with its whole carry-over: here, none; so the next start carries over.
    assert store.find_survey("ranking", "2026Q4", "tiny") is None
    session = open_session(store, tiny_bank, "ranking", "2026Q4")
    assert {q for q, a in session.answers.items() if a.carried_over} == {"a-1", "b-1"}


def test_questions_the_bank_no_longer_has_are_not_carried_over(store, tiny_bank):
    store.import_answers("ranking", "2026Q3", "tiny", 1, [AnswerInput("gone-1", "all", 1.0)], complete=False)
    session = open_session(store, tiny_bank, "ranking", "2026Q4")
    assert session.answers == {}
