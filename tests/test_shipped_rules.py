"""Every evidence rule of the shipped banks can fire, and only past its guards: no rule is dead text.

For each rule, evidence is searched (over a few candidate values per metric, derived from the rule's own
thresholds) that meets its guards and holds every condition; then each guard is lowered below its minimum and
the rule must stay silent. A rule that no evidence can fire (contradictory conditions, a trend that can never
be measured) fails here, as does a guard the engine ignores.
"""

from __future__ import annotations

import itertools

import pytest

from scorecard.survey.bank import EvidenceRule
from scorecard.survey.bank_file import load_bank
from scorecard.survey.contradictions import Evidence, rule_fires

LAST, BEFORE = "2026Q3", ("2025Q3", "2025Q4", "2026Q1", "2026Q2")
PREVIOUS_MEAN = 100.0  # every earlier quarter of a trend's metric holds this

RULES = [
    pytest.param(rule, id=f"{bank_id}:{question.id}:{number}")
    for bank_id in ("sculley2015", "ml-test-score")
    for question in load_bank(bank_id).questions
    for number, rule in enumerate(question.evidence, 1)
]


def candidates(rule: EvidenceRule, metric: str) -> list[float]:
    """Values worth trying for ``metric``: around every threshold that names it, and the guards' minimums."""
    near = {0.0, 1.0, 1000.0}
    for condition in rule.conditions:
        if condition.metric == metric:
            if condition.trend is not None:
                step = condition.threshold * PREVIOUS_MEAN if condition.change == "relative" else condition.threshold
                near |= {PREVIOUS_MEAN + step * k for k in (-2, -1, 0, 1, 2, 4)}
            else:
                near |= {condition.threshold * k for k in (0.5, 1, 2)} | {condition.threshold + d for d in (-1, 1)}
    near |= {minimum for name, minimum in rule.when if name == metric}
    return sorted(value for value in near if value >= 0)


def evidence_of(rule: EvidenceRule, values: dict[str, float]) -> Evidence:
    trends = {c.metric for c in rule.conditions if c.trend is not None}
    by_quarter = {quarter: {metric: PREVIOUS_MEAN for metric in trends} for quarter in BEFORE}
    by_quarter[LAST] = {metric: values[metric] for metric in trends}
    return Evidence(latest=values, by_quarter=by_quarter, last_quarter=LAST)


def firing_evidence(rule: EvidenceRule) -> dict[str, float] | None:
    metrics = sorted({c.metric for c in rule.conditions} | {c.per for c in rule.conditions if c.per})
    guards = dict(rule.when)
    for combination in itertools.product(*(candidates(rule, metric) for metric in metrics)):
        values = {
            **{name: float(minimum) for name, minimum in guards.items()},
            **dict(zip(metrics, combination, strict=True)),
        }
        if all(values[name] >= minimum for name, minimum in guards.items()) and rule_fires(
            rule, evidence_of(rule, values)
        ):
            return values
    return None


@pytest.mark.parametrize("rule", RULES)
def test_the_rule_fires_on_evidence_that_meets_it_and_not_below_a_guard(rule: EvidenceRule):
    values = firing_evidence(rule)
    assert values is not None, f"no evidence fires {rule.claim!r}"
    for guard, minimum in rule.when:
        lowered = {**values, guard: minimum - 1 if minimum >= 1 else minimum / 2}
        if any(c.per == guard or c.metric == guard for c in rule.conditions):
            continue  # the guard's metric is also measured by a condition: lowering it changes that condition too
        assert not rule_fires(rule, evidence_of(rule, lowered)), f"{rule.claim!r} fired below its guard {guard}"


@pytest.mark.parametrize("rule", RULES)
def test_the_rule_is_silent_without_its_metrics(rule: EvidenceRule):
    assert not rule_fires(rule, Evidence(latest={}, by_quarter={}, last_quarter=LAST))


def test_the_shipped_banks_keep_rules_for_the_debts_git_can_see():
    """The questions whose rules the changelog (questions/CHANGELOG.md) lists; a rule lost in an edit fails."""
    with_rules = {
        bank_id: sorted({q.id for q in load_bank(bank_id).questions if q.evidence})
        for bank_id in ("sculley2015", "ml-test-score")
    }
    assert with_rules == {
        "sculley2015": sorted(
            [
                "legacy-features-2",
                "glue-code-1",
                "pipeline-1",
                "dead-code-2",
                "languages-1",
                "config-2",
                "config-5",
                "thresholds-1",
                "reproducibility-2",
                "culture-1",
                "onboarding-1",
            ]
        ),
        "ml-test-score": ["data-7", "infra-2", "infra-3"],
    }


def test_merged_questions_keep_the_rules_of_the_questions_merged_into_them():
    """Version 2's merges moved rules rather than dropping them (questions/CHANGELOG.md says which went where)."""
    metrics = {
        q.id: sorted(sorted({c.metric for c in rule.conditions}) for rule in q.evidence)
        for q in load_bank("sculley2015").questions
        if q.evidence
    }
    assert metrics["dead-code-2"] == [
        ["flags.feature_switches.removed_last_quarter", "flags.feature_switches.stale"],
        ["flags.feature_switches.stale", "flags.median_days_since_change"],
    ]
    assert metrics["culture-1"] == [["debt_comments.alive"], ["deletion_ratio.last_quarter"]]
    assert metrics["onboarding-1"] == [["ownership.bus_factor"], ["ownership.single_author_share"]]
    assert metrics["pipeline-1"] == [["ci.lines"]]
