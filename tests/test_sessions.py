"""Opening a survey session: a new quarter's survey and its carry-over are one transaction."""

from __future__ import annotations

import pytest

from scorecard.services.actions import add_action, drop_action
from scorecard.services.sessions import open_session, survey_actions
from scorecard.survey.records import AnswerInput
from scorecard.survey.respondents import RespondentError


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


def test_a_respondent_answers_blind_into_their_own_answers(store, tiny_bank):
    store.import_answers("ranking", "2026Q3", "tiny", 1, [AnswerInput("a-1", "all", 1.0)], complete=True)
    team = open_session(store, tiny_bank, "ranking", "2026Q4")
    team.choose("some")  # the team's own answer to a-1
    bob = open_session(store, tiny_bank, "ranking", "2026Q4", respondent="Bob")
    bob.choose("none")
    ana = open_session(store, tiny_bank, "ranking", "2026Q4", respondent="  Ana ")
    # Blind: nothing of the team's answer, Bob's, or last quarter's (no carry-over for a respondent).
    assert ana.answers == {} and ana.respondent == "Ana" and ana.index == 0
    ana.choose("all")
    ana.set_link("https://tickets.example.com/ML-1")
    assert {q: a.option_id for q, a in ana.answers.items()} == {"a-1": "all"}
    survey_id = ana.survey.id
    assert {q: a.option_id for q, a in store.answers_for(survey_id).items()} == {"a-1": "some"}  # untouched
    by_name = store.respondent_answers_for(survey_id)
    assert {name: {q: a.option_id for q, a in answers.items()} for name, answers in by_name.items()} == {
        "Ana": {"a-1": "all"},
        "Bob": {"a-1": "none"},
    }
    assert by_name["Ana"]["a-1"].link == "https://tickets.example.com/ML-1"


def test_a_respondent_is_found_by_any_spelling_of_their_name(store, tiny_bank):
    open_session(store, tiny_bank, "ranking", "2026Q4", respondent="Ana").choose("all")
    again = open_session(store, tiny_bank, "ranking", "2026Q4", respondent="ANA")
    assert again.answers["a-1"].option_id == "all" and again.index == 1  # resumes at the first unanswered
    again.choose("none")
    assert list(store.respondent_answers_for(again.survey.id)) == ["Ana"]  # one person, first spelling shown


def test_a_bad_respondent_name_opens_nothing(store, tiny_bank):
    with pytest.raises(RespondentError, match="cannot be empty"):
        open_session(store, tiny_bank, "ranking", "2026Q4", respondent="  ")
    assert store.find_survey("ranking", "2026Q4", "tiny") is None


def test_completing_follows_every_answer_stored_combined(store, tiny_bank):
    ana = open_session(store, tiny_bank, "ranking", "2026Q4", respondent="Ana")
    ana.choose("all")
    ana.complete()  # Ana answered one question of three: the survey is not complete
    assert store.find_survey("ranking", "2026Q4", "tiny").status == "draft"
    bob = open_session(store, tiny_bank, "ranking", "2026Q4", respondent="Bob")
    for option in ("none", "all", "half"):
        bob.choose(option)
        bob.go_to(bob.index + 1)
    bob.complete()
    assert store.find_survey("ranking", "2026Q4", "tiny").status == "complete"


def test_the_actions_a_survey_answers_to(store, tiny_bank, clock):
    """Recorded by the survey's quarter, due in it or later, not dropped, not kept before it; whatever this
    survey's own answers say (they would otherwise tell a blind respondent what the others answered)."""
    clock.now = clock.now.replace(year=2026, month=5)  # 2026Q2
    early = add_action(store_with_team(store), "ranking", "a-1", "all", "2026Q3", bank=tiny_bank)
    store.import_answers("ranking", "2026Q3", "tiny", 1, [AnswerInput("a-1", "all", 1.0)], complete=True)
    clock.now = clock.now.replace(month=11)  # 2026Q4
    due_now = add_action(store, "ranking", "a-1", "some", "2026Q4", owner="Ana", bank=tiny_bank)
    later = add_action(store, "ranking", "b-1", "all", "2027Q2", bank=tiny_bank)
    dropped = add_action(store, "ranking", "a-2", "all", "2027Q1", bank=tiny_bank)
    drop_action(store, dropped.action.id, "not worth it")
    ana = open_session(store, tiny_bank, "ranking", "2026Q4", respondent="Ana")
    ana.choose("all")  # keeps `due_now` in 2026Q4: it still shows while the survey is answered
    found = survey_actions(store, ana.survey, tiny_bank)
    assert {q: [s.action.id for s in states] for q, states in found.items()} == {
        "a-1": [due_now.action.id],
        "b-1": [later.action.id],
    }
    assert early.action.id not in [s.action.id for states in found.values() for s in states]  # kept in 2026Q3
    in_its_quarter = survey_actions(store, store.find_survey("ranking", "2026Q3", "tiny"), tiny_bank)
    assert {q: [s.action.id for s in states] for q, states in in_its_quarter.items()} == {"a-1": [early.action.id]}


def store_with_team(store):
    store.ensure_team("ranking")
    return store
