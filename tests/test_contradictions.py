"""Where git evidence contradicts an answer: rules checked against a team's metrics."""

from __future__ import annotations

import pytest

from scorecard.survey.bank_file import load_bank_file
from scorecard.survey.contradictions import Evidence, find_contradictions, rule_holds
from tests.banks import MEAN_BANK, write_bank


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


# -- the full rule format: guards, normalisation, trends, several conditions -----------------------------------

RULE_LINE = (
    "      - {claim: Everything is claimed decoupled and co-changing files argue against it, "
    'metric: coupling.strong_pairs, op: ">=", threshold: 3, contradicts: [all], message: Coupled files.}'
)


def bank_with(tmp_path, rules: str):
    """The tiny bank whose question a-1 has ``rules`` (YAML, indented as list items under ``evidence:``)."""
    assert RULE_LINE in MEAN_BANK
    return load_bank_file(write_bank(tmp_path, MEAN_BANK.replace(RULE_LINE, rules)))


def fired(bank, evidence, dismissals=()):
    return find_contradictions(bank, {"a-1": "all"}, evidence, dismissals)


PER_RULE = """\
      - claim: Literals are claimed rare, so many of them per 1,000 code lines argue against it.
        metric: debt_comments.alive
        per: lines.code
        each: 1000
        op: ">="
        threshold: 5
        contradicts: [all]
"""


def test_normalisation_divides_by_the_per_metric_in_units_of_each(tmp_path):
    bank = bank_with(tmp_path, PER_RULE)
    [found] = fired(bank, Evidence({"debt_comments.alive": 12, "lines.code": 2000}))
    assert found.value == 6.0  # 12 / (2000 / 1000)
    [condition] = found.conditions
    assert condition.description == "6 debt_comments.alive per 1000 lines.code (12 / 2,000) (rule: >= 5)"
    assert fired(bank, Evidence({"debt_comments.alive": 8, "lines.code": 2000})) == []  # 4 per 1,000
    assert fired(bank, Evidence({"debt_comments.alive": 12, "lines.code": 0})) == []  # nothing to divide by
    assert fired(bank, Evidence({"debt_comments.alive": 12})) == []  # per metric not measured
    assert fired(bank, {"debt_comments.alive": 12, "lines.code": 2000})[0].value == 6.0  # a plain mapping works too


def test_guards_must_all_be_met(tmp_path):
    bank = bank_with(
        tmp_path, RULE_LINE.replace("{claim:", "{when: {lines.code: 5000, commits.last_quarter: 20}, claim:")
    )
    pairs = {"coupling.strong_pairs": 40}
    assert fired(bank, Evidence({**pairs, "lines.code": 5000, "commits.last_quarter": 20}))
    assert fired(bank, Evidence({**pairs, "lines.code": 4999, "commits.last_quarter": 20})) == []
    assert fired(bank, Evidence({**pairs, "lines.code": 9000, "commits.last_quarter": 19})) == []
    assert fired(bank, Evidence({**pairs, "lines.code": 9000})) == []  # a guard metric not measured: no fire


TREND_RULE = """\
      - claim: Debt is claimed flat or falling, so a rising count of debt comments argues against it.
        all:
          - {metric: debt_comments.alive, trend: 2, change: relative, op: ">", threshold: 0.25}
          - {metric: debt_comments.alive, trend: 2, change: absolute, op: ">=", threshold: 20}
        contradicts: [all]
        examples: flags.alive
"""


def quarters(*values, last="2026Q3"):
    """Evidence whose debt_comments.alive was ``values`` in the quarters up to ``last`` (oldest first)."""
    names = ["2025Q4", "2026Q1", "2026Q2", "2026Q3", "2026Q4"]
    end = names.index(last) + 1
    by_quarter = {q: {"debt_comments.alive": v} for q, v in zip(names[end - len(values) : end], values, strict=True)}
    return Evidence({"debt_comments.alive": 1.0}, by_quarter, last)


def test_a_trend_compares_the_last_quarter_with_the_mean_of_the_quarters_before(tmp_path):
    bank = bank_with(tmp_path, TREND_RULE)
    [found] = fired(bank, quarters(90, 110, 150))  # 150 against a mean of 100: +50%, +50
    assert [c.value for c in found.conditions] == [0.5, 50.0]
    assert (found.metric, found.value, found.op, found.threshold) == ("debt_comments.alive", 0.5, ">", 0.25)
    assert found.conditions[0].description == (
        "debt_comments.alive 2026Q3: 150, +50% on the mean 100 of 2026Q1..2026Q2 (rule: > 0.25)"
    )
    assert found.conditions[1].description.startswith("debt_comments.alive 2026Q3: 150, +50 on the mean 100")
    assert found.rule == (
        "debt_comments.alive relative change vs mean of 2 quarters before > 0.25 and "
        "debt_comments.alive absolute change vs mean of 2 quarters before >= 20"
    )


def test_every_condition_must_hold(tmp_path):
    bank = bank_with(tmp_path, TREND_RULE)
    assert fired(bank, quarters(10, 10, 16)) == []  # +60%, but only +6: the absolute condition fails
    assert fired(bank, quarters(1000, 1000, 1100)) == []  # +100, but only +10%: the relative one fails


def test_a_trend_needs_every_quarter_and_a_mean_above_zero(tmp_path):
    bank = bank_with(tmp_path, TREND_RULE)
    assert fired(bank, quarters(100, 150)) == []  # one quarter before the last, the trend wants two
    assert fired(bank, quarters(0, 0, 150)) == []  # relative to a mean of 0: no fire
    moved_on = quarters(90, 110, 150)
    assert fired(bank, Evidence(moved_on.latest, moved_on.by_quarter, "2026Q4")) == []  # no value in the last quarter
    assert fired(bank, Evidence({"debt_comments.alive": 150.0}, {}, None)) == []  # no quarters at all
    assert fired(bank, quarters(90, 110, 150, last="2026Q3"))


def test_examples_come_from_the_rules_examples_metric_up_to_ten(tmp_path):
    bank = bank_with(tmp_path, TREND_RULE)
    evidence = quarters(90, 110, 150)
    flags = [f"src/f{n}.py: --flag-{n}" for n in range(14)]
    [found] = fired(bank, Evidence(evidence.latest, evidence.by_quarter, evidence.last_quarter, {"flags.alive": flags}))
    assert found.examples == tuple(flags[:10])
    pairs = load_bank_file(write_bank(tmp_path, name="plain.yaml"))
    [found] = find_contradictions(
        pairs,
        {"a-1": "all"},
        Evidence({"coupling.strong_pairs": 4}, examples={"coupling.strong_pairs": ["a.py <> b.py"]}),
    )
    assert found.examples == ("a.py <> b.py",)  # by default, the first condition's metric's


def test_a_contradiction_states_its_claim_and_is_not_dismissed_without_a_dismissal(tiny):
    [found] = find_contradictions(tiny, {"a-1": "all"}, Evidence({"coupling.strong_pairs": 4}))
    assert found.claim == "Everything is claimed decoupled and co-changing files argue against it"
    assert (found.dismissed, found.reason, found.lapsed_reason) == (False, None, None)
    assert found.rule == "coupling.strong_pairs >= 3"
