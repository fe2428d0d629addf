"""Evidence rules as a bank file writes them, checked and built: the ``evidence:`` list of one question.

The format (``docs/bank-format.md``): a rule states its ``claim`` (one sentence, required), the options it
``contradicts``, a ``message``, optional ``when`` guards (latest metric -> minimum), an optional ``examples``
metric, and one or more conditions: either at the rule's top level (``metric``, ``op``, ``threshold``, and
``per``/``each`` or ``trend``/``change``), the shorthand of one condition, or as a list under ``all:``.

:func:`parse_rules` reports every problem through a callback (the bank checker turns them into problems with
the file, line and question) and returns the rules that are valid. Nothing here reads a file.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable, Iterable
from difflib import get_close_matches
from typing import Any

from scorecard.errors import describe
from scorecard.metric_contract import CITABLE_METRICS, PER_QUARTER
from scorecard.survey.bank import MAX_TREND, OPERATORS, TREND_CHANGES, UNIVERSAL_IDS, Condition, EvidenceRule

CONDITION_KEYS = ("metric", "op", "threshold", "per", "each", "trend", "change")
RULE_KEYS = ("claim", "when", "all", "contradicts", "message", "examples", *CONDITION_KEYS)
MAX_CONDITIONS = 8
MAX_CLAIM = 500
"""A claim is one sentence; it is also half of a rule's identity, stored with every dismissal."""

Report = Callable[[str, Any], None]
"""Called with a problem's message and the YAML node it is about (for its line)."""


def is_number(value: Any) -> bool:
    """A finite int or float (not a bool); an int too large for a float is not a number here."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    return abs(value) <= sys.float_info.max if isinstance(value, int) else math.isfinite(value)


def claim_text(value: Any) -> str:
    """A claim as it is kept and compared: its words joined by single spaces (YAML folding aside)."""
    return " ".join(value.split()) if isinstance(value, str) else ""


def _unknown(kind: str, value: Any, names: Iterable[str]) -> str:
    """``unknown metric 'x'``, with the closest known name when there is one (the list is too long to print)."""
    close = get_close_matches(value, list(names), n=1) if isinstance(value, str) else []
    hint = f"did you mean {close[0]!r}? " if close else ""
    return f"unknown {kind} {describe(value)} ({hint}`scorecard questions metrics` lists them)"


def parse_rules(raw: Any, option_ids: set[str], report: Report) -> list[EvidenceRule]:
    """The valid rules of one question's ``evidence:`` list; every problem goes to ``report``.

    ``option_ids``: the question's own options (``na`` and ``unknown`` are always known). Two rules of one
    question may not share a claim: the question and the claim are how a dismissal finds its rule.
    """
    if not isinstance(raw, list):
        report("evidence must be a list of rules", raw)
        return []
    rules: list[EvidenceRule] = []
    claims: set[str] = set()
    for index, item in enumerate(raw, start=1):
        rule = _RuleChecker(f"evidence rule {index}", report).rule(item, option_ids)
        if rule is None:
            continue
        if rule.claim in claims:
            report(f"evidence rule {index}: another rule of this question has the same claim", item)
            continue
        claims.add(rule.claim)
        rules.append(rule)
    return rules


class _RuleChecker:
    """Checks one rule, reporting each problem prefixed with where it is (``evidence rule 2``, ``all[1]``)."""

    def __init__(self, where: str, report: Report):
        self.where = where
        self.report = report
        self.ok = True

    def problem(self, message: str, node: Any, where: str | None = None) -> None:
        self.ok = False
        self.report(f"{where or self.where}: {message}", node)

    def keys(self, node: dict[Any, Any], allowed: tuple[str, ...], where: str) -> None:
        for key, _line in getattr(node, "duplicates", ()):
            self.problem(f"key {describe(key)} given twice", node, where)
        for key in node:
            if key not in allowed:
                self.problem(f"unknown key {describe(key)} (known keys: {', '.join(allowed)})", node, where)

    def rule(self, item: Any, option_ids: set[str]) -> EvidenceRule | None:
        if not isinstance(item, dict):
            self.problem("an evidence rule must be a mapping", item)
            return None
        self.keys(item, RULE_KEYS, self.where)
        claim = claim_text(item.get("claim"))
        if not claim:
            self.problem(
                "needs a claim: one sentence naming the option's claim it tests and why its metric bears on it", item
            )
        elif len(claim) > MAX_CLAIM:
            self.problem(f"claim has {len(claim)} characters: one sentence of at most {MAX_CLAIM}", item)
        conditions = self.conditions(item)
        when = self.when(item.get("when", {}), item)
        contradicts = self.contradicts(item.get("contradicts"), option_ids, item)
        examples = self.examples(item.get("examples"), item)
        if not self.ok or not conditions:
            return None
        expression = " and ".join(condition.expression for condition in conditions)
        message = item.get("message")
        message = message.strip() if isinstance(message, str) and message.strip() else expression
        return EvidenceRule(tuple(conditions), tuple(contradicts), message, claim, tuple(when), examples)

    def conditions(self, item: dict[Any, Any]) -> list[Condition]:
        if "all" not in item:
            own = self.condition(item, self.where, in_rule=True)
            return [own] if own else []
        if any(key in item for key in CONDITION_KEYS):
            self.problem("give the conditions at the rule's top level or under all:, not both", item)
            return []
        raw = item["all"]
        if not isinstance(raw, list) or not raw or len(raw) > MAX_CONDITIONS:
            self.problem(f"all: must be a list of 1 to {MAX_CONDITIONS} conditions", item)
            return []
        found = [self.condition(node, f"{self.where} all[{n}]") for n, node in enumerate(raw, start=1)]
        return [condition for condition in found if condition is not None]

    def condition(self, node: Any, where: str, in_rule: bool = False) -> Condition | None:
        """One condition (``in_rule``: the rule's own top-level keys, whose other keys were checked already)."""
        if not isinstance(node, dict):
            self.problem("a condition must be a mapping of metric, op and threshold", node, where)
            return None
        if not in_rule:
            self.keys(node, CONDITION_KEYS, where)
        before = self.ok
        self.ok = True
        trend = self.trend(node, where)
        metric = node.get("metric")
        names = tuple(PER_QUARTER) if trend is not None else CITABLE_METRICS
        kind = "quarter metric" if trend is not None else "metric"
        if not isinstance(metric, str) or metric not in names:
            self.problem(_unknown(kind, metric, names), node, where)
        op = node.get("op")
        if not isinstance(op, str) or op not in OPERATORS:
            self.problem(f"unknown comparison {describe(op)} (use {' '.join(OPERATORS)})", node, where)
        threshold = node.get("threshold")
        if not is_number(threshold):
            self.problem(f"threshold {describe(threshold)} is not a number", node, where)
        per, each = self.per(node, where, trend is not None)
        valid, self.ok = self.ok, before and self.ok
        if not valid or not isinstance(threshold, int | float):
            return None
        change = str(node.get("change", "absolute"))
        return Condition(str(metric), str(op), float(threshold), per, each, trend, change)

    def trend(self, node: dict[Any, Any], where: str) -> int | None:
        trend, change = node.get("trend"), node.get("change")
        if trend is None:
            if change is not None:
                self.problem("change: needs trend: (the quarters a trend compares with)", node, where)
            return None
        if isinstance(trend, bool) or not isinstance(trend, int) or not 1 <= trend <= MAX_TREND:
            self.problem(
                f"trend {describe(trend)} must be a whole number of quarters from 1 to {MAX_TREND}", node, where
            )
            return None
        if change not in TREND_CHANGES:
            self.problem(f"trend needs change: {' or '.join(TREND_CHANGES)}, not {describe(change)}", node, where)
        return trend

    def per(self, node: dict[Any, Any], where: str, trend: bool) -> tuple[str | None, float]:
        per, each = node.get("per"), node.get("each")
        if per is None:
            if each is not None:
                self.problem("each: needs per: (the metric it normalises by)", node, where)
            return None, 1.0
        if trend:
            self.problem("per: and trend: cannot be combined (a relative trend is already normalised)", node, where)
        if not isinstance(per, str) or per not in CITABLE_METRICS:
            self.problem("per: " + _unknown("metric", per, CITABLE_METRICS), node, where)
        if each is None:
            return str(per), 1.0
        if not is_number(each) or each <= 0:
            self.problem(f"each {describe(each)} must be a number above 0", node, where)
            return str(per), 1.0
        return str(per), float(each)

    def when(self, raw: Any, item: Any) -> list[tuple[str, float]]:
        if not isinstance(raw, dict):
            self.problem("when: must be a mapping of metric -> minimum, e.g. {lines.code: 5000}", item)
            return []
        for key, _line in getattr(raw, "duplicates", ()):
            self.problem(f"when: key {describe(key)} given twice", item)
        guards = []
        for metric, minimum in raw.items():
            if not isinstance(metric, str) or metric not in CITABLE_METRICS:
                self.problem("when: " + _unknown("metric", metric, CITABLE_METRICS), item)
            elif not is_number(minimum):
                self.problem(f"when: minimum of {metric} {describe(minimum)} is not a number", item)
            else:
                guards.append((metric, float(minimum)))
        return guards

    def contradicts(self, raw: Any, option_ids: set[str], item: Any) -> list[str]:
        if not isinstance(raw, list) or not raw:
            self.problem("needs contradicts: a list of option ids", item)
            return []
        for option_id in raw:
            if not isinstance(option_id, str) or (option_id not in option_ids and option_id not in UNIVERSAL_IDS):
                self.problem(f"contradicts unknown option {describe(option_id)}", item)
        return [str(option_id) for option_id in raw]

    def examples(self, raw: Any, item: Any) -> str | None:
        if raw is None:
            return None
        names = (*CITABLE_METRICS, *(name for name in PER_QUARTER if name not in CITABLE_METRICS))
        if not isinstance(raw, str) or raw not in names:
            self.problem("examples: " + _unknown("metric", raw, names), item)
            return None
        return raw
