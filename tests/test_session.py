"""The headless survey session: position, answers, skips, notes, carry-over and review, with no Textual."""

from __future__ import annotations

import pytest

from scorecard.services.sessions import open_session
from scorecard.survey.records import AnswerInput


def test_a_new_session_starts_at_the_first_question_with_nothing_answered(store, tiny_bank):
    session = open_session(store, tiny_bank, "ranking", "2026Q4")
    assert (session.index, session.question.id, session.answered_count, session.total) == (0, "a-1", 0, 3)
    assert session.review_items() == [("a-1", "unanswered"), ("a-2", "unanswered"), ("b-1", "unanswered")]


def test_choosing_saves_at_once_and_keeps_the_note(store, tiny_bank, clock):
    session = open_session(store, tiny_bank, "ranking", "2026Q4")
    session.choose("some")
    session.set_note("half the pipelines")
    clock.tick()
    session.choose("all")  # a new option keeps the note already written
    stored = store.answers_for(session.survey.id)["a-1"]
    assert (stored.option_id, stored.points, stored.note) == ("all", 1.0, "half the pipelines")


def test_an_option_the_question_does_not_have_is_refused(store, tiny_bank):
    session = open_session(store, tiny_bank, "ranking", "2026Q4")
    with pytest.raises(ValueError, match="no option 'half'"):
        session.choose("half")  # b-1's option, not a-1's
    assert store.answers_for(session.survey.id) == {}


def test_a_note_needs_an_answer_first(store, tiny_bank):
    session = open_session(store, tiny_bank, "ranking", "2026Q4")
    with pytest.raises(ValueError, match="answer the question"):
        session.set_note("why")


def test_skip_and_back_move_without_answering(store, tiny_bank):
    session = open_session(store, tiny_bank, "ranking", "2026Q4")
    session.skip()
    assert session.question.id == "a-2" and ("a-1", "skipped") in session.review_items()
    session.back()
    session.back()  # stays on the first question
    assert session.index == 0
    session.go_to(99)
    assert session.at_end and session.question.id == "b-1"


def test_jumps_land_on_a_question_or_an_areas_first_open_one(store, tiny_bank):
    session = open_session(store, tiny_bank, "ranking", "2026Q4")
    session.choose("all")
    session.jump_to_area("alpha")
    assert session.question.id == "a-2"  # a-1 is answered
    session.jump_to_question("b-1")
    assert (session.question.id, session.area_index) == ("b-1", 1)
    assert session.area_progress("alpha") == (1, 2)


def test_carried_over_answers_count_only_once_confirmed(store, tiny_bank):
    store.import_answers("ranking", "2026Q3", "tiny", 1, [AnswerInput("a-1", "all", 1.0, "q3 note")], complete=False)
    session = open_session(store, tiny_bank, "ranking", "2026Q4")
    assert session.answer_for("a-1").carried_over and not session.is_answered("a-1")
    assert ("a-1", "carried over") in session.review_items()
    assert session.scorecard().overall is None
    assert session.confirm_carried_over()
    assert session.is_answered("a-1") and session.answer_for("a-1").note == "q3 note"
    assert not session.confirm_carried_over()  # nothing left to confirm on this question


def test_resume_lands_on_the_first_unanswered_question(store, tiny_bank):
    first = open_session(store, tiny_bank, "ranking", "2026Q4")
    first.choose("all")
    resumed = open_session(store, tiny_bank, "ranking", "2026Q4")
    assert resumed.question.id == "a-2" and resumed.answered_count == 1


def test_complete_marks_the_survey_complete(store, tiny_bank):
    session = open_session(store, tiny_bank, "ranking", "2026Q4")
    for option in ("all", "none", "half"):
        session.choose(option)
        session.go_to(session.index + 1)
    session.complete()
    assert session.survey.status == "complete" and session.review_items() == []
    assert session.scorecard().overall == pytest.approx((50 + 50) / 2)


def test_contradictions_follow_the_metrics_given(store, tiny_bank):
    session = open_session(store, tiny_bank, "ranking", "2026Q4", metrics={"coupling.strong_pairs": 5})
    session.choose("all")
    [found] = session.contradiction_for("a-1")
    assert (found.metric, found.value, found.message) == ("coupling.strong_pairs", 5.0, "Coupled files.")


def test_a_link_is_saved_kept_by_a_new_option_and_a_note_and_removed_when_empty(store, tiny_bank, clock):
    session = open_session(store, tiny_bank, "ranking", "2026Q4")
    with pytest.raises(ValueError, match="answer the question"):
        session.set_link("https://ci.example.com/job/1")
    session.choose("some")
    session.set_link("  https://ci.example.com/job/1 ")
    clock.tick()
    session.choose("all")
    session.set_note("checked")
    stored = store.answers_for(session.survey.id)["a-1"]
    assert (stored.option_id, stored.note, stored.link) == ("all", "checked", "https://ci.example.com/job/1")
    session.set_link("")
    assert store.answers_for(session.survey.id)["a-1"].link is None
    assert session.answer_for("a-1").note == "checked"


def test_a_bank_without_na_neither_offers_nor_confirms_it_but_scores_a_stored_one_zero(store):
    """ml-test-score v2 does not offer na (its rubric has no N/A); an na stored before still scores 0."""
    from scorecard.survey.bank_file import load_bank

    bank = load_bank("ml-test-score")
    assert not bank.offers_na
    stored_na = [AnswerInput("data-1", "na", None), AnswerInput("data-2", "automated", 1.0)]
    store.import_answers("ranking", "2026Q3", bank.id, bank.version, stored_na, complete=False)
    old = open_session(store, bank, "ranking", "2026Q3")
    assert old.scorecard().area_scores()["data"] == 1.0  # na counts 0, as it always did
    session = open_session(store, bank, "ranking", "2026Q4")
    assert [option.id for option in session.options] == ["none", "manual", "automated", "unknown"]
    assert session.answer_for("data-1").option_id == "na" and session.answer_for("data-1").carried_over
    assert not session.confirm_carried_over()  # asked afresh: the bank no longer offers na
    with pytest.raises(ValueError, match="offers no option 'na'"):
        session.choose("na")
    assert session.answer_for("data-1").carried_over
