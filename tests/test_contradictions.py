"""Where git evidence contradicts an answer: rules checked against a team's metrics."""

from __future__ import annotations

import pytest

from scorecard.survey.bank_file import load_bank_file
from scorecard.survey.contradictions import find_contradictions, rule_holds
from tests.banks import write_bank


@pytest.fixture
def tiny(tmp_path):
    return load_bank_file(write_bank(tmp_path))


def test_contradiction_when_rule_holds_for_the_chosen_option(tiny):
    [found] = find_contradictions(tiny, {"a-1": "all"}, {"coupling.strong_pairs": 4})
    assert (found.question_id, found.option_id, found.value, found.op, found.threshold) == ("a-1", "all", 4.0, ">=", 3)
    assert found.message == "Coupled files."


@pytest.mark.parametrize(
    ("chosen", "metrics"),
    [
        ({"a-1": "some"}, {"coupling.strong_pairs": 10}),  # the rule does not name this option
        ({"a-1": "all"}, {"coupling.strong_pairs": 2}),  # the rule does not hold
        ({"a-1": "all"}, {}),  # no scan: no evidence is not evidence of a problem
        ({}, {"coupling.strong_pairs": 10}),  # no answer
    ],
)
def test_no_contradiction(tiny, chosen, metrics):
    assert find_contradictions(tiny, chosen, metrics) == []


def test_operators():
    assert rule_holds(3, ">=", 3) and not rule_holds(3, ">", 3)
    assert rule_holds(0.1, "<", 0.2) and rule_holds(1, "!=", 2) and rule_holds(2, "==", 2.0)
