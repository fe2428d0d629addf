"""Where git evidence contradicts an answer: the bank's evidence rules checked against a team's evidence.

Pure: takes a bank, the chosen options, the team's :class:`Evidence` and its dismissals; returns contradictions.
Evidence from git is a proxy, never a proof, so a contradiction is a prompt for discussion, not a correction of
the score; a team that has discussed one can dismiss it with a reason (:mod:`scorecard.survey.dismissals`).

How a rule's condition is measured (the format is in ``docs/bank-format.md``):

- plain: the latest metric's value;
- ``per: P`` (``each: E``, default 1): ``value / (P / E)``, e.g. literals per 1,000 code lines; nothing when
  ``P`` is missing or 0;
- ``trend: N`` on a quarter metric: the last complete quarter's value (the quarter before the scan's) against
  the mean of the ``N`` quarters before it; ``change: absolute`` is their difference, ``relative`` the difference
  over the mean. Nothing when any of those quarters has no value (history shorter than ``N + 1`` quarters) or,
  for ``relative``, when the mean is 0.

A rule fires when each of its ``when`` guards is met (the latest metric at least its minimum) and every
condition holds. A metric that was not measured never fires anything: no evidence is not evidence.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from scorecard.metric_contract import LATEST
from scorecard.quarters import QuarterError, previous_quarter
from scorecard.survey.bank import OPERATORS, Bank, Condition, EvidenceRule
from scorecard.survey.dismissals import Dismissal, dismissal_holds, latest_dismissals

MAX_EXAMPLES = 10


@dataclass(frozen=True)
class Evidence:
    """What git says about a team, as the rules read it."""

    latest: Mapping[str, float | None]
    """Citable metric -> value at the latest scans."""
    by_quarter: Mapping[str, Mapping[str, float | None]] = field(default_factory=dict)
    """Quarter -> quarter metric -> value (what trends read)."""
    last_quarter: str | None = None
    """The last complete quarter: the quarter before the one the scan ran in."""
    examples: Mapping[str, Sequence[str]] = field(default_factory=dict)
    """Metric -> the files or flags behind its value, most telling first."""


def as_evidence(evidence: Evidence | Mapping[str, float | None] | None) -> Evidence:
    """``evidence`` itself, or a plain mapping of latest metrics (the older callers' argument) as evidence."""
    if isinstance(evidence, Evidence):
        return evidence
    return Evidence(dict(evidence or {}))


@dataclass(frozen=True)
class MeasuredCondition:
    """One condition of a rule as measured on a team's evidence."""

    metric: str
    value: float
    """After normalisation (``per``) or as a trend's change."""
    op: str
    threshold: float
    description: str
    """What was measured, in words, with the comparison: ``7.2 per 1000 lines.code (rule: >= 5)``."""
    reading: str
    """What was measured, in words, alone: ``4 file pairs that change together (degree >= 0.5)``."""
    subject: str
    """The condition's :attr:`~scorecard.survey.bank.Condition.subject` (what a dismissal keeps)."""
    holds: bool


@dataclass(frozen=True)
class Contradiction:
    """An answer that the team's evidence argues against. ``metric``, ``value``, ``op`` and ``threshold`` are the
    first condition's (what a rule of one condition had); ``conditions`` has every one."""

    question_id: str
    area: str
    option_id: str
    metric: str
    value: float
    op: str
    threshold: float
    message: str
    claim: str = ""
    conditions: tuple[MeasuredCondition, ...] = ()
    examples: tuple[str, ...] = ()
    """Up to :data:`MAX_EXAMPLES` files or flags behind the evidence (the rule's ``examples`` metric)."""
    dismissed: bool = False
    reason: str | None = None
    """The reason of the dismissal in force (None when not dismissed)."""
    lapsed_reason: str | None = None
    """The reason of a dismissal that no longer holds: the evidence moved past its margin since."""
    rule: str = ""
    """The rule's conditions as the bank writes them: ``coupling.strong_pairs >= 10``."""


def rule_holds(value: float, op: str, threshold: float) -> bool:
    """Whether ``value op threshold`` is true (``op`` one of :data:`OPERATORS`)."""
    return OPERATORS[op](value, threshold)


def _plain(number: float) -> str:
    return f"{number:,.0f}" if float(number).is_integer() else f"{number:,.3g}"


def _trend_value(condition: Condition, evidence: Evidence) -> tuple[float, str] | None:
    """The change of a quarter metric from the mean of ``trend`` quarters to the last complete one."""
    last, count = evidence.last_quarter, condition.trend or 0
    if last is None:
        return None
    quarters = [last]
    try:
        for _ in range(count):
            quarters.append(previous_quarter(quarters[-1]))
    except QuarterError:  # before 1970Q1: no such quarters, so no trend
        return None
    values = [evidence.by_quarter.get(quarter, {}).get(condition.metric) for quarter in quarters]
    if any(value is None for value in values):
        return None
    now, before = float(values[0] or 0.0), [float(value or 0.0) for value in values[1:]]
    mean = sum(before) / len(before)
    span = f"{quarters[-1]}..{quarters[1]}" if count > 1 else quarters[1]
    if condition.change == "relative":
        if not mean:
            return None
        change = (now - mean) / mean
        return change, f"{condition.metric} {last}: {_plain(now)}, {change:+.0%} on the mean {_plain(mean)} of {span}"
    change = now - mean
    return change, f"{condition.metric} {last}: {_plain(now)}, {change:+,.3g} on the mean {_plain(mean)} of {span}"


def condition_value(condition: Condition, evidence: Evidence) -> tuple[float, str] | None:
    """The condition's value on ``evidence`` and what it is in words; None when it cannot be measured."""
    if condition.trend is not None:
        return _trend_value(condition, evidence)
    raw = evidence.latest.get(condition.metric)
    if raw is None:
        return None
    if condition.per is None:
        metric = LATEST.get(condition.metric)
        return float(raw), metric.describe(float(raw)) if metric else f"{condition.metric} {_plain(raw)}"
    per = evidence.latest.get(condition.per)
    if not per:
        return None
    value = float(raw) / (float(per) / condition.each)
    words = f"{_plain(value)} {condition.metric} per {condition.each:g} {condition.per} ({_plain(raw)} / {_plain(per)})"
    return value, words


def measure_condition(condition: Condition, evidence: Evidence) -> MeasuredCondition | None:
    """The condition measured on ``evidence`` and whether it holds; None when it cannot be measured."""
    found = condition_value(condition, evidence)
    if found is None:
        return None
    value, words = found
    return MeasuredCondition(
        metric=condition.metric,
        value=value,
        op=condition.op,
        threshold=condition.threshold,
        description=f"{words} (rule: {condition.op} {condition.threshold:g})",
        reading=words,
        subject=condition.subject,
        holds=rule_holds(value, condition.op, condition.threshold),
    )


def guards_met(rule: EvidenceRule, evidence: Evidence) -> bool:
    """Whether every ``when`` metric is measured and at least its minimum."""
    for metric, minimum in rule.when:
        value = evidence.latest.get(metric)
        if value is None or float(value) < minimum:
            return False
    return True


def rule_fires(rule: EvidenceRule, evidence: Evidence) -> tuple[MeasuredCondition, ...] | None:
    """The rule's measured conditions when it fires on ``evidence`` (guards met, every condition holds)."""
    if not guards_met(rule, evidence):
        return None
    measured = [measure_condition(condition, evidence) for condition in rule.conditions]
    if any(found is None or not found.holds for found in measured):
        return None
    return tuple(found for found in measured if found is not None)


def current_values(rule: EvidenceRule, evidence: Evidence) -> list[tuple[str, float | None]]:
    """``(subject, value)`` of each condition of ``rule`` on ``evidence``, fired or not (None: not measured)."""
    values: list[tuple[str, float | None]] = []
    for condition in rule.conditions:
        found = condition_value(condition, evidence)
        values.append((condition.subject, found[0] if found else None))
    return values


def rule_examples(rule: EvidenceRule, evidence: Evidence) -> tuple[str, ...]:
    """Up to :data:`MAX_EXAMPLES` examples behind the rule's ``examples`` metric, as text."""
    return tuple(str(example) for example in list(evidence.examples.get(rule.examples_metric, ()))[:MAX_EXAMPLES])


def find_contradictions(
    bank: Bank,
    chosen: Mapping[str, str],
    evidence: Evidence | Mapping[str, float | None] | None,
    dismissals: Iterable[Dismissal] = (),
) -> list[Contradiction]:
    """Every (question, rule) that fires on ``evidence`` against the option chosen for the question.

    ``chosen`` maps question id -> option id; questions without an answer yield nothing. ``dismissals`` are the
    team's: a contradiction whose rule's newest dismissal still holds comes back ``dismissed`` with its reason.
    """
    seen = as_evidence(evidence)
    newest = latest_dismissals([d for d in dismissals if d.bank_id == bank.id])
    found: list[Contradiction] = []
    for question in bank.questions:
        option_id = chosen.get(question.id)
        if option_id is None:
            continue
        for rule in question.evidence:
            if option_id not in rule.contradicts:
                continue
            measured = rule_fires(rule, seen)
            if measured is None:
                continue
            dismissal = newest.get((bank.id, question.id, rule.claim))
            holds = dismissal is not None and dismissal_holds(dismissal, [(m.subject, m.value) for m in measured])
            first = measured[0]
            found.append(
                Contradiction(
                    question_id=question.id,
                    area=question.area,
                    option_id=option_id,
                    metric=first.metric,
                    value=first.value,
                    op=first.op,
                    threshold=first.threshold,
                    message=rule.message,
                    claim=rule.claim,
                    conditions=measured,
                    examples=rule_examples(rule, seen),
                    dismissed=holds,
                    reason=dismissal.reason if dismissal is not None and holds else None,
                    lapsed_reason=dismissal.reason if dismissal is not None and not holds else None,
                    rule=rule.expression,
                )
            )
    return found
