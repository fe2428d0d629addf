"""Dismissals (scorecard/survey/dismissals.py): which rule a dismissal covers, and while which values it holds."""

from __future__ import annotations

import pytest

from scorecard.survey.bank_file import load_bank_file
from scorecard.survey.contradictions import Evidence, find_contradictions
from scorecard.survey.dismissals import Dismissal, DismissedValue, dismissal_holds, latest_dismissals, within_margin
from tests.banks import write_bank

CLAIM = "Everything is claimed decoupled and co-changing files argue against it"
SUBJECT = "coupling.strong_pairs"


def dismissal(value: float = 10.0, margin: float = 0.2, claim: str = CLAIM, **fields) -> Dismissal:
    base = {
        "team": "ranking",
        "bank_id": "tiny",
        "question_id": "a-1",
        "claim": claim,
        "option_id": "all",
        "values": (DismissedValue(SUBJECT, value, 3.0),),
        "margin": margin,
        "reason": "The pairs are generated protobuf stubs.",
        "created_at": "2026-11-20T10:00:00+00:00",
        "quarter": "2026Q4",
        "id": 1,
    }
    return Dismissal(**{**base, **fields})


@pytest.mark.parametrize(
    ("then", "now", "holds"),
    [
        (10, 10, True),
        (10, 12, True),  # +20%: the edge of the margin still holds
        (10, 8, True),
        (10, 12.01, False),  # past it, either way
        (10, 7.99, False),
        (0, 0.6, True),  # 0 then: the margin is relative to the threshold (3), so 0.2 x 3 = 0.6
        (0, 0.61, False),
        (10, None, False),  # no longer measured
    ],
)
def test_a_value_is_within_the_margin_relatively(then, now, holds):
    assert within_margin(DismissedValue(SUBJECT, then, 3.0), now, 0.2) is holds


def test_zero_then_and_a_zero_threshold_use_the_margin_itself():
    assert within_margin(DismissedValue("x", 0.0, 0.0), 0.2, 0.2)
    assert not within_margin(DismissedValue("x", 0.0, 0.0), 0.21, 0.2)


def test_every_condition_must_stay_within_the_margin_and_be_the_same_condition():
    two = dismissal(values=(DismissedValue("a", 10, 1), DismissedValue("b", 100, 1)))
    assert dismissal_holds(two, [("a", 11), ("b", 110)])
    assert not dismissal_holds(two, [("a", 11), ("b", 130)])
    assert not dismissal_holds(two, [("a", 11), ("c", 100)])  # the rule's conditions changed under its claim
    assert not dismissal_holds(two, [("a", 11)])


def test_the_newest_dismissal_of_a_rule_is_the_one_in_force():
    old = dismissal(id=1, reason="old")
    new = dismissal(id=2, reason="new", created_at="2026-11-21T10:00:00+00:00")
    other = dismissal(id=3, claim="Another claim.")
    newest = latest_dismissals([new, old, other])
    assert newest["tiny", "a-1", CLAIM].reason == "new"
    assert set(newest) == {("tiny", "a-1", CLAIM), ("tiny", "a-1", "Another claim.")}


# -- contradictions that a dismissal covers --------------------------------------------------------------------


@pytest.fixture
def tiny(tmp_path):
    return load_bank_file(write_bank(tmp_path))


def check(tiny, pairs: float, *dismissals: Dismissal):
    [found] = find_contradictions(tiny, {"a-1": "all"}, Evidence({SUBJECT: pairs}), dismissals)
    return found


def test_a_holding_dismissal_marks_the_contradiction_dismissed_with_its_reason(tiny):
    found = check(tiny, 11, dismissal(10))
    assert found.dismissed and found.reason == "The pairs are generated protobuf stubs."
    assert found.lapsed_reason is None


def test_once_the_metric_moves_past_the_margin_the_contradiction_shows_again(tiny):
    found = check(tiny, 13, dismissal(10))
    assert not found.dismissed and found.reason is None
    assert found.lapsed_reason == "The pairs are generated protobuf stubs."  # the record says it lapsed
    assert check(tiny, 13, dismissal(10, margin=0.5)).dismissed  # a wider margin still covers it


def test_a_rewritten_claim_is_a_new_rule_no_old_dismissal_covers(tiny):
    found = check(tiny, 10, dismissal(10, claim="Co-changing files argue against it."))
    assert not found.dismissed and found.lapsed_reason is None


def test_another_banks_or_questions_dismissal_covers_nothing(tiny):
    assert not check(tiny, 10, dismissal(10, bank_id="sculley2015")).dismissed
    assert not check(tiny, 10, dismissal(10, question_id="a-2")).dismissed


def test_dismissing_again_replaces_the_reason_and_the_values(tiny):
    first = dismissal(10, id=1, reason="first look")
    again = dismissal(20, id=2, reason="looked again", created_at="2026-11-27T10:00:00+00:00")
    assert check(tiny, 20, first, again).reason == "looked again"
    found = check(tiny, 10, first, again)  # back at the first value, but the newest dismissal is the one in force
    assert not found.dismissed and found.lapsed_reason == "looked again"
