"""Where git evidence contradicts an answer: the bank's evidence rules checked against a team's metrics.

Pure: takes a bank, the chosen options and a mapping of metric values; returns contradictions. Evidence from
git is a proxy, never a proof, so a contradiction is a prompt for discussion, not a correction of the score.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from scorecard.survey.bank import OPERATORS, Bank


@dataclass(frozen=True)
class Contradiction:
    """An answer that a metric from the team's latest scan argues against."""

    question_id: str
    area: str
    option_id: str
    metric: str
    value: float
    op: str
    threshold: float
    message: str


def rule_holds(value: float, op: str, threshold: float) -> bool:
    """Whether ``value op threshold`` is true (``op`` one of :data:`OPERATORS`)."""
    return OPERATORS[op](value, threshold)


def find_contradictions(
    bank: Bank, chosen: Mapping[str, str], metrics: Mapping[str, float | None]
) -> list[Contradiction]:
    """Every (question, rule) where the metric is known, the rule holds and the chosen option is one it contradicts.

    ``chosen`` maps question id -> option id; questions without an answer, or metrics the scan did not
    produce, yield nothing (no evidence is not evidence of a problem).
    """
    found: list[Contradiction] = []
    for question in bank.questions:
        option_id = chosen.get(question.id)
        if option_id is None:
            continue
        for rule in question.evidence:
            value = metrics.get(rule.metric)
            if value is None or option_id not in rule.contradicts:
                continue
            if rule_holds(float(value), rule.op, rule.threshold):
                found.append(
                    Contradiction(
                        question_id=question.id,
                        area=question.area,
                        option_id=option_id,
                        metric=rule.metric,
                        value=float(value),
                        op=rule.op,
                        threshold=rule.threshold,
                        message=rule.message,
                    )
                )
    return found
