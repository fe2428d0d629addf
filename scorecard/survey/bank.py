"""Question banks as typed records: areas, questions, options with points, levels, evidence rules.

A bank is data (a YAML file in ``questions/``, read and validated by :mod:`scorecard.survey.bank_file`);
these records are what the rest of the program works with. Nothing here reads a file.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import cached_property
from pathlib import Path
from typing import Any

DEFAULT_BANK = "sculley2015"
AGGREGATIONS = ("mean", "min_section_sum")

# The comparisons an evidence rule may make between a metric and its threshold.
OPERATORS: dict[str, Callable[[float, float], bool]] = {
    ">": operator.gt,
    ">=": operator.ge,
    "<": operator.lt,
    "<=": operator.le,
    "==": operator.eq,
    "!=": operator.ne,
}

NA = "na"
UNKNOWN = "unknown"


@dataclass(frozen=True)
class Option:
    id: str
    label: str
    points: float | None
    """Points in [0, 1]; None for ``na``, which is left out of every score."""


# Every question accepts these two, whatever its bank says: "not applicable" leaves the question out of the
# score; "don't know" scores 0 because not knowing is itself debt.
UNIVERSAL_OPTIONS: tuple[Option, ...] = (
    Option(NA, "Not applicable to our system", None),
    Option(UNKNOWN, "Don't know", 0.0),
)
UNIVERSAL_IDS = frozenset(option.id for option in UNIVERSAL_OPTIONS)


TREND_CHANGES = ("absolute", "relative")
"""How a trend compares last quarter with the quarters before it: their difference, or it over their mean."""
MAX_TREND = 8
"""The most quarters a trend may look back (two years)."""


@dataclass(frozen=True)
class Condition:
    """One comparison of an evidence rule: a metric's value (as measured, normalised or as a trend) against a
    threshold. The value is computed by :mod:`scorecard.survey.contradictions`; this is its definition."""

    metric: str
    op: str
    threshold: float
    per: str | None = None
    """Normalise by this latest metric: the value is ``metric / (per / each)``."""
    each: float = 1.0
    trend: int | None = None
    """Compare the quarter metric's last complete quarter with the mean of the ``trend`` quarters before it."""
    change: str = "absolute"
    """With ``trend``: ``absolute`` (the difference) or ``relative`` (the difference over that mean)."""

    @property
    def subject(self) -> str:
        """What the condition measures, without its comparison: a dismissal compares values of one subject."""
        if self.trend is not None:
            return f"{self.metric} {self.change} change vs mean of {self.trend} quarters before"
        if self.per is not None:
            return f"{self.metric} per {self.each:g} {self.per}"
        return self.metric

    @property
    def expression(self) -> str:
        """The condition as a rule reads: ``thresholds.literals per 1000 lines.code >= 5``."""
        return f"{self.subject} {self.op} {self.threshold:g}"


@dataclass(frozen=True)
class EvidenceRule:
    """When every condition holds (and every ``when`` guard is met) for the team's evidence, the options in
    ``contradicts`` are suspect. ``claim`` says, in one sentence, which claim of those options the rule tests
    and why its metrics bear on it; a rule is known by its question and its claim."""

    conditions: tuple[Condition, ...]
    contradicts: tuple[str, ...]
    message: str
    claim: str = ""
    when: tuple[tuple[str, float], ...] = ()
    """Guards: (latest metric, minimum); the rule fires only when each metric is at least its minimum."""
    examples: str | None = None
    """The metric whose examples (files, flags) a contradiction lists; None: the first condition's."""

    @property
    def metric(self) -> str:
        """The first condition's metric (what a rule of one condition was, and old callers read)."""
        return self.conditions[0].metric

    @property
    def op(self) -> str:
        return self.conditions[0].op

    @property
    def threshold(self) -> float:
        return self.conditions[0].threshold

    @property
    def examples_metric(self) -> str:
        return self.examples or self.metric

    @property
    def expression(self) -> str:
        """Every condition, joined by ``and``."""
        return " and ".join(condition.expression for condition in self.conditions)


@dataclass(frozen=True)
class QuestionHelp:
    why: str
    source: str
    good: str


@dataclass(frozen=True)
class Question:
    id: str
    area: str
    topics: tuple[str, ...]
    text: str
    help: QuestionHelp
    options: tuple[Option, ...]
    """The bank's own options, worst first; :attr:`all_options` adds ``na`` and ``unknown``."""
    evidence: tuple[EvidenceRule, ...] = ()

    @property
    def all_options(self) -> tuple[Option, ...]:
        return self.options + UNIVERSAL_OPTIONS

    def option(self, option_id: str) -> Option | None:
        return next((o for o in self.all_options if o.id == option_id), None)

    @property
    def best_option(self) -> Option:
        return max(self.options, key=lambda o: o.points or 0.0)


@dataclass(frozen=True)
class Area:
    id: str
    title: str
    description: str


@dataclass(frozen=True)
class Level:
    id: str
    label: str
    description: str
    max: float | None
    """Inclusive upper bound of the band; None for the top band."""


@dataclass(frozen=True)
class Topic:
    id: str
    title: str
    section: str = ""


@dataclass(frozen=True)
class CarryRule:
    """Where a question's answer comes from in the previous version: ``source`` (a question id there) and, when
    the option ids changed, ``options`` (old option -> new option; an old option not listed does not carry)."""

    question: str
    source: str
    options: tuple[tuple[str, str], ...] | None = None


@dataclass(frozen=True)
class PreviousVersion:
    """A bank's ``previous:``: the older version a new quarter's survey may carry answers over from, and which
    questions keep their meaning (every other question is asked afresh)."""

    version: int
    carry_over: tuple[CarryRule, ...] = ()


@dataclass(frozen=True)
class Bank:
    id: str
    version: int
    title: str
    source: str
    description: str
    aggregation: str
    levels: tuple[Level, ...]
    areas: tuple[Area, ...]
    questions: tuple[Question, ...]
    topics: tuple[Topic, ...] = ()
    offers_na: bool = True
    """Whether a new answer may be ``na``. False for a rubric with no N/A (the ML Test Score v2), where ``na``
    would score 0 while reading as "left out". A stored ``na`` still resolves (:meth:`Question.option`) and
    scores as the aggregation says: old surveys keep their numbers."""
    previous: PreviousVersion | None = None
    rollup: str = "mean"
    """How the team's score comes from its systems' surveys (:func:`scorecard.survey.systems.rollup`): ``mean``
    or ``min``; a file without ``rollup:`` gets ``min`` when its aggregation is a minimum, else ``mean``."""
    path: Path | None = field(default=None, compare=False)

    def question(self, question_id: str) -> Question | None:
        return self._questions_by_id.get(question_id)

    def offered_options(self, question: Question) -> tuple[Option, ...]:
        """The options a new answer may take, in the order people choose them by number: ``all_options``
        without ``na`` when the bank does not offer it."""
        if self.offers_na:
            return question.all_options
        return tuple(option for option in question.all_options if option.id != NA)

    def offers(self, option_id: str) -> bool:
        """Whether a new answer may be ``option_id`` as far as the bank goes (``na`` may be refused)."""
        return self.offers_na or option_id != NA

    def area(self, area_id: str) -> Area | None:
        return next((a for a in self.areas if a.id == area_id), None)

    def questions_in(self, area_id: str) -> tuple[Question, ...]:
        return tuple(q for q in self.questions if q.area == area_id)

    def level_for(self, score: float | None) -> Level | None:
        """The band a score falls in: the first whose ``max`` the score does not exceed."""
        if score is None:
            return None
        for level in self.levels:
            if level.max is None or score <= level.max + 1e-9:
                return level
        return self.levels[-1]

    def scale_max(self, area_id: str | None = None) -> float:
        """The best score possible: 100 under ``mean``; under ``min_section_sum`` an area's question count
        (one point each), and for the overall score the smallest area's (the minimum of the sections)."""
        if self.aggregation != "min_section_sum":
            return 100.0
        if area_id is not None:
            return float(len(self.questions_in(area_id)))
        return float(min(len(self.questions_in(area.id)) for area in self.areas))

    @property
    def score_decimals(self) -> int:
        """Decimals a score is shown with: sums of points (0 to 7) need one, percentages none."""
        return 1 if self.aggregation == "min_section_sum" else 0

    def format_score(self, value: float | None, missing: str = "-") -> str:
        """A score as people read it, halves rounded up as people expect (62.5 -> 63, where Python's own
        formatting says 62); ``missing`` for none yet."""
        if value is None or value != value:
            return missing
        step = Decimal(1).scaleb(-self.score_decimals)
        return str(Decimal(repr(float(value))).quantize(step, rounding=ROUND_HALF_UP))

    def next_level(self, level: Level | None) -> Level | None:
        if level is None:
            return None
        index = self.levels.index(level)
        return self.levels[index + 1] if index + 1 < len(self.levels) else None

    @cached_property
    def _questions_by_id(self) -> dict[str, Question]:
        return {q.id: q for q in self.questions}


def bank_summary(bank: Bank) -> dict[str, Any]:
    """A bank in one JSON object (``questions list --json``)."""
    return {
        "id": bank.id,
        "version": bank.version,
        "title": bank.title,
        "aggregation": bank.aggregation,
        "areas": len(bank.areas),
        "questions": len(bank.questions),
        "path": str(bank.path) if bank.path else None,
    }


def bank_document(bank: Bank) -> dict[str, Any]:
    """A whole bank as JSON (``questions show --json``): its keys are a contract for scripts."""
    return {
        **bank_summary(bank),
        "source": bank.source,
        "description": bank.description,
        "offers_na": bank.offers_na,
        "levels": [
            {"id": lv.id, "label": lv.label, "max": lv.max, "description": lv.description} for lv in bank.levels
        ],
        "areas": [{"id": a.id, "title": a.title, "description": a.description} for a in bank.areas],
        "questions": [_question_document(q, bank.offered_options(q)) for q in bank.questions],
    }


def _question_document(question: Question, options: tuple[Option, ...]) -> dict[str, Any]:
    return {
        "id": question.id,
        "area": question.area,
        "topics": list(question.topics),
        "text": question.text,
        "help": {"why": question.help.why, "source": question.help.source, "good": question.help.good},
        "options": [{"id": o.id, "label": o.label, "points": o.points} for o in options],
        "evidence": [_rule_document(r) for r in question.evidence],
    }


def _rule_document(rule: EvidenceRule) -> dict[str, Any]:
    return {
        "metric": rule.metric,
        "op": rule.op,
        "threshold": rule.threshold,
        "contradicts": list(rule.contradicts),
        "message": rule.message,
        "claim": rule.claim,
        "when": dict(rule.when),
        "conditions": [
            {
                "metric": c.metric,
                "op": c.op,
                "threshold": c.threshold,
                "per": c.per,
                "each": c.each,
                "trend": c.trend,
                "change": c.change if c.trend is not None else None,
            }
            for c in rule.conditions
        ],
        "examples": rule.examples_metric,
    }
