"""The status of an action and the checks of a new one (scorecard/survey/actions.py): pure, on the tiny bank."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scorecard.quarters import next_quarter, quarter_range
from scorecard.survey.actions import (
    DROPPED,
    KEPT,
    MAX_NOTE,
    MISSED,
    OPEN,
    Action,
    ActionError,
    SurveyOutcome,
    action_status,
    check_due,
    check_note,
    check_owner,
    check_reason,
    new_action,
)
from scorecard.survey.bank_file import load_bank_file
from tests.banks import write_bank


@pytest.fixture(scope="module")
def bank(tmp_path_factory):
    return load_bank_file(write_bank(tmp_path_factory.mktemp("bank")))


def action(target: str = "some", created: str = "2026Q4", due: str = "2027Q1", **changes) -> Action:
    fields = dict(id=1, team="ranking", bank_id="tiny", question_id="a-1", target=target, due=due, owner=None,
                  note=None, created=created, created_at="2026-11-26T12:00:00+00:00")  # fmt: skip
    return Action(**{**fields, **changes})


def survey(quarter: str, option: str | None, complete: bool = False, contradicted: bool = False) -> SurveyOutcome:
    return SurveyOutcome(quarter, complete, option, contradicted)


def status(bank, found: Action, surveys, now: str = "2026Q4") -> tuple[str, str | None]:
    state = action_status(found, bank, surveys, now)
    assert state.action is found
    return state.status, state.kept_in


# -- the rule ----------------------------------------------------------------------------------------------


def test_an_action_without_surveys_is_open_until_its_due_quarter_is_over(bank):
    assert status(bank, action(), []) == (OPEN, None)
    assert status(bank, action(), [], now="2027Q1") == (OPEN, None)
    assert status(bank, action(), [], now="2027Q2") == (MISSED, None)


def test_a_survey_at_or_above_the_targets_points_keeps_it_in_its_quarter(bank):
    assert status(bank, action(), [survey("2027Q1", "some")]) == (KEPT, "2027Q1")
    assert status(bank, action(), [survey("2027Q1", "all")]) == (KEPT, "2027Q1")
    assert status(bank, action(), [survey("2027Q1", "none")]) == (OPEN, None)
    # Still kept once its due quarter is over: it was kept in time.
    assert status(bank, action(), [survey("2027Q1", "all")], now="2030Q1") == (KEPT, "2027Q1")


def test_kept_in_is_the_first_quarter_that_kept_it_whatever_the_order_given(bank):
    surveys = [survey("2027Q1", "all"), survey("2026Q4", "some"), survey("2027Q2", "all")]
    assert status(bank, action(due="2027Q2"), surveys) == (KEPT, "2026Q4")


def test_only_surveys_from_the_created_to_the_due_quarter_count(bank):
    before, after = survey("2026Q3", "all", complete=True), survey("2027Q2", "all", complete=True)
    assert status(bank, action(), [before, after], now="2027Q2") == (MISSED, None)
    assert status(bank, action(), [before], now="2027Q1") == (OPEN, None)


def test_na_unknown_and_unanswered_never_keep(bank):
    for option in ("na", "unknown", None):
        assert status(bank, action(target="none"), [survey("2027Q1", option)]) == (OPEN, None)
    # "unknown" scores 0 like "none", but a team that does not know has not shown it reached anything.
    assert status(bank, action(target="none"), [survey("2027Q1", "none")]) == (KEPT, "2027Q1")


def test_a_live_contradiction_keeps_an_answer_from_keeping_it(bank):
    contradicted = [survey("2027Q1", "all", complete=True, contradicted=True)]
    assert status(bank, action(), contradicted) == (MISSED, None)
    assert status(bank, action(due="2027Q2"), contradicted, now="2027Q1") == (OPEN, None)


def test_a_complete_survey_of_the_due_quarter_misses_it_before_the_quarter_ends(bank):
    assert status(bank, action(), [survey("2027Q1", "none", complete=False)], now="2027Q1") == (OPEN, None)
    assert status(bank, action(), [survey("2027Q1", "none", complete=True)], now="2027Q1") == (MISSED, None)
    # A complete survey of an earlier quarter is no last word on the due quarter.
    assert status(bank, action(), [survey("2026Q4", "none", complete=True)], now="2027Q1") == (OPEN, None)


def test_a_dropped_action_is_dropped_whatever_the_surveys_say(bank):
    dropped = action(dropped_at="2026-12-01T00:00:00+00:00", drop_reason="not worth it")
    assert status(bank, dropped, [survey("2027Q1", "all")]) == (DROPPED, None)


def test_without_its_bank_or_question_nothing_keeps_an_action(bank):
    assert status(None, action(), [survey("2027Q1", "all")]) == (OPEN, None)
    assert status(bank, action(question_id="gone"), [survey("2027Q1", "all")], now="2027Q2") == (MISSED, None)


QUARTERS = quarter_range("2026Q1", "2028Q4")
OPTIONS = ("none", "some", "all", "na", "unknown", None)


@st.composite
def histories(draw):
    created = draw(st.sampled_from(QUARTERS[:6]))
    due = draw(st.sampled_from([q for q in QUARTERS if q >= created]))
    quarters = draw(st.lists(st.sampled_from(QUARTERS), unique=True, max_size=6))
    surveys = [survey(q, draw(st.sampled_from(OPTIONS)), draw(st.booleans()), draw(st.booleans())) for q in quarters]
    return action(target=draw(st.sampled_from(("none", "some", "all"))), created=created, due=due), surveys


@given(history=histories(), now=st.sampled_from(QUARTERS))
def test_the_status_is_the_documented_rule(bank, history, now):
    found, surveys = history
    points = {"none": 0.0, "some": 0.5, "all": 1.0}
    keeping = sorted(
        s.quarter
        for s in surveys
        if found.created <= s.quarter <= found.due
        and s.option_id in points
        and points[s.option_id] >= points[found.target]
        and not s.contradicted
    )
    state = action_status(found, bank, surveys, now)
    if keeping:
        assert (state.status, state.kept_in) == (KEPT, keeping[0])
    elif now > found.due or any(s.quarter == found.due and s.complete for s in surveys):
        assert (state.status, state.kept_in) == (MISSED, None)
    else:
        assert (state.status, state.kept_in) == (OPEN, None)


# -- the checks of a new action --------------------------------------------------------------------------


def test_a_new_action_is_checked_against_the_bank(bank):
    made = new_action(bank, "ranking", "a-1", " all ", "2027q1", "2026Q4", owner=" Ana ", note="  wire the CI  ")
    assert (made.question_id, made.target, made.due, made.owner, made.note, made.id) == (
        "a-1",
        "all",
        "2027Q1",
        "Ana",
        "wire the CI",
        0,
    )
    assert new_action(bank, "ranking", "a-1", "all", "2026Q4", "2026Q4", note="   ").note is None


@pytest.mark.parametrize(
    ("question", "target", "due", "owner", "message"),
    [
        ("zz-9", "all", "2027Q1", None, "bank tiny has no question 'zz-9'"),
        ("a-1", "most", "2027Q1", None, "question a-1 has no option 'most' to aim for (choose none|some|all)"),
        ("a-1", "na", "2027Q1", None, "has no option 'na'"),
        ("a-1", "unknown", "2027Q1", None, "has no option 'unknown'"),
        ("a-1", "all", "2026Q3", None, "due quarter 2026Q3 is before 2026Q4, the quarter the action is recorded in"),
        ("a-1", "all", "next year", None, "due quarter: malformed quarter 'next year'"),
        ("a-1", "all", "2027Q1", "  ", "owner: an owner cannot be empty"),
        ("a-1", "all", "2027Q1", "a\u202eb", "owner: an owner cannot contain the invisible or control character"),
    ],
)
def test_a_bad_action_is_one_clear_line(bank, question, target, due, owner, message):
    with pytest.raises(ActionError) as raised:
        new_action(bank, "ranking", question, target, due, "2026Q4", owner=owner)
    assert message in str(raised.value) and "\n" not in str(raised.value)


def test_a_note_and_a_reason_have_limits():
    assert check_note("x" * MAX_NOTE) == "x" * MAX_NOTE
    with pytest.raises(ActionError, match="at most 2,000"):
        check_note("x" * (MAX_NOTE + 1))
    with pytest.raises(ActionError, match="needs a reason"):
        check_reason(" \t\n")
    with pytest.raises(ActionError, match="at most 2,000"):
        check_reason("x" * 2001)
    assert check_reason("  moved to the platform team ") == "moved to the platform team"


@given(st.text(max_size=12))
def test_any_due_text_is_a_quarter_or_one_line_error(text):
    try:
        due = check_due(text, "2026Q4")
    except ActionError as error:
        assert "\n" not in str(error)
    else:
        assert due >= "2026Q4" and next_quarter(due)


@given(st.text(max_size=120))
def test_any_owner_text_is_a_name_or_one_line_error(text):
    try:
        owner = check_owner(text)
    except ActionError as error:
        assert str(error).startswith("owner: ") and "\n" not in str(error)
    else:
        assert owner and owner == owner.strip() and len(owner) <= 100
