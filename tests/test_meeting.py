"""The review meeting's service: which survey, the order of its questions, each item, and the team answer."""

from __future__ import annotations

import pytest

from scorecard.services.actions import add_action
from scorecard.services.meeting import MeetingError, find_meeting_survey, meeting, record_team_answer
from scorecard.services.surveys import SurveyNotFound, score_survey
from scorecard.survey.bank_file import load_bank_file
from scorecard.survey.records import AnswerInput
from tests.banks import MEAN_BANK, write_bank

EXTRA = """\
  - id: c-1
    area: beta
    topics: [reproducibility]
    text: Fourth question?
    help: {why: Because., source: Paper 4., good: Good.}
    options:
      - {id: none, label: Nothing., points: 0}
      - {id: all, label: All., points: 1}
  - id: c-2
    area: beta
    topics: [reproducibility]
    text: Fifth question?
    help: {why: Because., source: Paper 5., good: Good.}
    options:
      - {id: none, label: Nothing., points: 0}
      - {id: all, label: All., points: 1}
  - id: c-3
    area: beta
    topics: [reproducibility]
    text: Sixth question?
    help: {why: Because., source: Paper 6., good: Good.}
    options:
      - {id: none, label: Nothing., points: 0}
      - {id: all, label: All., points: 1}
"""
POINTS = {"none": 0.0, "some": 0.5, "half": 0.5, "all": 1.0, "unknown": 0.0, "na": None}
ANA = {"a-1": "all", "a-2": "all", "b-1": "half", "c-1": "unknown", "c-2": "all"}
BO = {"a-1": "none", "a-2": "all", "b-1": "unknown", "c-1": "none"}


@pytest.fixture
def bank(tmp_path):
    return load_bank_file(write_bank(tmp_path, MEAN_BANK + EXTRA, name="six.yaml"))


def answer(store, bank, who, answers, quarter="2026Q4", note=None):
    given = [AnswerInput(q, o, POINTS[o], note) for q, o in answers.items()]
    store.import_answers("ranking", quarter, bank.id, bank.version, given, complete=False, respondent=who)


def test_questions_are_ordered_by_spread_then_dispute_then_one_voice_then_unanswered(store, bank):
    answer(store, bank, "Ana", ANA)
    answer(store, bank, "Bo", BO)
    found = meeting(store, "ranking", bank=bank)
    # a-1 spread 1; b-1 spread 0.5; c-1 spread 0 but disputed ("don't know" against an answer); a-2 spread 0,
    # agreed; c-2 one respondent; c-3 unanswered.
    assert [item.question.id for item in found.items] == ["a-1", "b-1", "c-1", "a-2", "c-2", "c-3"]
    assert [item.spread for item in found.items] == [1.0, 0.5, 0.0, 0.0, None, None]
    assert [item.disputed for item in found.items] == [True, True, True, False, False, False]
    assert found.respondents == ("Ana", "Bo")
    assert found.survey.quarter == "2026Q4"


def test_an_item_holds_the_counted_answer_each_respondent_and_the_evidence(store, bank):
    answer(store, bank, "Ana", {"a-1": "all"}, note="We checked")
    answer(store, bank, "Bo", {"a-1": "none"})
    found = meeting(store, "ranking", bank=bank, evidence={"coupling.strong_pairs": 5})
    first = found.items[0]
    assert (first.answer.option_id, first.answer.source, first.option_label()) == ("none", "respondents", "Nothing.")
    ana, bo = first.respondents
    assert (ana.name, ana.option_id, ana.label, ana.number, ana.points, ana.note) == (
        "Ana",
        "all",
        "All.",
        3,
        1.0,
        "We checked",
    )
    assert (bo.name, bo.label, bo.number, bo.note) == ("Bo", "Nothing.", 1, None)
    # The counted answer (Bo's "none") is not what the rule doubts; Ana's "all" is, and her card says so.
    assert first.contradictions == ()
    assert [c.message for c in ana.contradictions] == ["Coupled files."] and bo.contradictions == ()
    assert {item.answer for item in found.items[1:]} == {None}


def test_record_team_answer_sets_source_team_the_score_and_the_status(store, bank):
    answer(store, bank, "Ana", ANA)
    answer(store, bank, "Bo", BO)
    found = meeting(store, "ranking", bank=bank, evidence={"coupling.strong_pairs": 5})
    before = found.score.card.overall
    survey = record_team_answer(store, found.survey, bank, "a-1", "all", "Settled: Ana showed the checks")
    after = meeting(store, "ranking", bank=bank, evidence={"coupling.strong_pairs": 5})
    settled = next(item for item in after.items if item.question.id == "a-1")
    assert (settled.answer.source, settled.answer.option_id, settled.answer.points) == ("team", "all", 1.0)
    assert settled.answer.note == "Settled: Ana showed the checks" and settled.settled
    assert after.score.card.overall > before
    assert [c.message for c in settled.contradictions] == ["Coupled files."]  # the team's "all" is doubted now
    assert [item.question.id for item in after.items] == [item.question.id for item in found.items]  # stays still
    assert survey.status == "draft"  # c-3 is still unanswered
    survey = record_team_answer(store, survey, bank, "c-3", "na", "")
    assert survey.status == "complete"
    assert store.answers_for(survey.id)["c-3"].note is None
    assert score_survey(store, survey, bank=bank).combined["c-3"].source == "team"


def test_a_team_answer_keeps_its_link_only_while_the_option_stays(store, bank):
    answer(store, bank, "Ana", ANA)
    survey = find_meeting_survey(store, "ranking")
    store.record_answer(survey.id, AnswerInput("a-1", "all", 1.0, link="https://ci/1"))
    record_team_answer(store, survey, bank, "a-1", "all", "again")
    assert store.answers_for(survey.id)["a-1"].link == "https://ci/1"
    record_team_answer(store, survey, bank, "a-1", "none", None)
    assert store.answers_for(survey.id)["a-1"].link is None


@pytest.mark.parametrize(
    ("question", "option", "message"),
    [("z-9", "all", "bank tiny has no question 'z-9'"), ("a-1", "most", "question a-1 has no option 'most'")],
)
def test_a_team_answer_to_what_the_bank_lacks_is_an_error_and_writes_nothing(store, bank, question, option, message):
    answer(store, bank, "Ana", ANA)
    survey = find_meeting_survey(store, "ranking")
    with pytest.raises(MeetingError, match=message):
        record_team_answer(store, survey, bank, question, option, "note")
    assert store.answers_for(survey.id) == {}


def test_the_meeting_is_this_quarters_survey_else_the_latest_else_the_one_asked_for(store, bank, clock):
    answer(store, bank, "Ana", ANA, quarter="2026Q2")
    assert meeting(store, "ranking", bank=bank).survey.quarter == "2026Q2"  # clock: 2026Q4, no survey yet
    answer(store, bank, "Ana", ANA, quarter="2027Q1")
    answer(store, bank, "Ana", ANA, quarter="2026Q4")
    assert meeting(store, "ranking", bank=bank).survey.quarter == "2026Q4"
    assert meeting(store, "ranking", "2026q2", bank=bank).survey.quarter == "2026Q2"
    assert meeting(store, "ranking", bank=bank, now="2026Q3").survey.quarter == "2027Q1"
    with pytest.raises(SurveyNotFound, match="has no 2025Q1 survey"):
        meeting(store, "ranking", "2025Q1", bank=bank)
    with pytest.raises(SurveyNotFound, match="unknown team 'nobody'"):
        meeting(store, "nobody", bank=bank)
    store.ensure_team("search")
    with pytest.raises(SurveyNotFound, match="has no survey yet"):
        meeting(store, "search", bank=bank)


def test_open_actions_show_on_their_question(store, bank):
    answer(store, bank, "Ana", ANA)
    add_action(store, "ranking", "b-1", "all", "2027Q1", owner="Ana", note="Pin the data", bank=bank)
    found = meeting(store, "ranking", bank=bank)
    by_id = {item.question.id: item for item in found.items}
    [state] = by_id["b-1"].actions
    assert (state.action.target, state.action.due, state.action.owner, state.status) == ("all", "2027Q1", "Ana", "open")
    assert by_id["a-1"].actions == ()


def test_a_systems_meeting_shows_that_systems_actions_and_records_its_answer(store, bank):
    for system in ("Ranker", "Feeds", ""):
        given = [AnswerInput("a-1", "none", 0.0, None)]
        store.import_answers("ranking", "2026Q4", bank.id, bank.version, given, complete=False, system=system)
    for system, owner in (("Ranker", "Ana"), ("Feeds", "Bo"), ("", "Cy")):
        add_action(store, "ranking", "a-1", "all", "2027Q1", owner=owner, bank=bank, system=system)
    found = meeting(store, "ranking", bank=bank, system="ranker")
    assert found.survey.system == "Ranker"
    [state] = {item.question.id: item for item in found.items}["a-1"].actions
    assert (state.action.system, state.action.owner) == ("Ranker", "Ana")
    team_level = {item.question.id: item for item in meeting(store, "ranking", bank=bank).items}["a-1"]
    assert [s.action.owner for s in team_level.actions] == ["Cy"]
    record_team_answer(store, found.survey, bank, "b-1", "all")
    assert set(store.answers_for(found.survey.id)) == {"a-1", "b-1"}  # the system's survey, not the team's
    assert set(store.answers_for(store.latest_survey("ranking").id)) == {"a-1"}
