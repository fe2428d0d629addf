"""Git evidence against answers: the metric names banks may cite, and where evidence contradicts an answer.

Pure: takes a bank, the chosen options and a mapping of metric values; returns contradictions. Evidence from
git is a proxy, never a proof, so a contradiction is a prompt for discussion, not a correction of the score.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from scorecard.survey.bank import Bank

# The metric names of the git-evidence contract: evidence rules and reports refer to these, nothing else.
METRIC_NAMES: tuple[str, ...] = (
    "commits.last_quarter",
    "churn.last_quarter",
    "churn.config_share",
    "lines.code",
    "lines.config",
    "lines.test",
    "config_to_code_ratio",
    "test_to_code_ratio",
    "flags.alive",
    "flags.stale",
    "flags.median_age_days",
    "flags.removed_last_quarter",
    "debt_comments.alive",
    "debt_comments.added_last_quarter",
    "coupling.strong_pairs",
    "ownership.single_author_share",
    "ownership.bus_factor",
    "languages.count",
    "deletion_ratio.last_quarter",
)

# How the survey's evidence panel says each metric in words ("14 flags alive").
METRIC_PHRASES: dict[str, str] = {
    "commits.last_quarter": "{value:,.0f} commits last quarter",
    "churn.last_quarter": "{value:,.0f} lines changed last quarter",
    "churn.config_share": "{value:.0%} of last quarter's churn in config",
    "lines.code": "{value:,.0f} lines of code",
    "lines.config": "{value:,.0f} lines of config",
    "lines.test": "{value:,.0f} lines of tests",
    "config_to_code_ratio": "{value:.2f} config lines per code line",
    "test_to_code_ratio": "{value:.2f} test lines per code line",
    "flags.alive": "{value:,.0f} flags alive",
    "flags.stale": "{value:,.0f} flags older than 180 days",
    "flags.median_age_days": "median flag age {value:,.0f} days",
    "flags.removed_last_quarter": "{value:,.0f} flags removed last quarter",
    "debt_comments.alive": "{value:,.0f} TODO/FIXME/HACK/XXX comments",
    "debt_comments.added_last_quarter": "{value:,.0f} debt comments added last quarter",
    "coupling.strong_pairs": "{value:,.0f} file pairs that change together (degree >= 0.5)",
    "ownership.single_author_share": "{value:.0%} of files with a single author",
    "ownership.bus_factor": "bus factor {value:,.0f}",
    "languages.count": "{value:,.0f} languages with 5%+ of code",
    "deletion_ratio.last_quarter": "{value:.2f} lines deleted per line added last quarter",
}


def describe_metric(name: str, value: float) -> str:
    """A metric value in words, e.g. ``flags.stale`` 9 -> "9 flags older than 180 days"."""
    return METRIC_PHRASES.get(name, name + " {value:g}").format(value=value)


OPERATORS: dict[str, Callable[[float, float], bool]] = {
    ">": operator.gt,
    ">=": operator.ge,
    "<": operator.lt,
    "<=": operator.le,
    "==": operator.eq,
    "!=": operator.ne,
}


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
