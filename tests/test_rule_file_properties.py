"""Evidence rules by property (scorecard/survey/rule_file.py): any value gives rules or one-line problems, never an
exception; any well-formed rule is read back as exactly the conditions it writes."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from scorecard.metric_contract import CITABLE_METRICS, PER_QUARTER
from scorecard.survey.bank import MAX_TREND, OPERATORS, TREND_CHANGES, Condition
from scorecard.survey.rule_file import CONDITION_KEYS, RULE_KEYS, parse_rules

OPTIONS = {"none", "some", "all"}
TEXT = st.text(max_size=20)
KEYS = st.sampled_from(RULE_KEYS) | TEXT | st.integers()
VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | TEXT | st.sampled_from([*CITABLE_METRICS, *OPERATORS]),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(KEYS, inner, max_size=5),
    max_leaves=15,
)
NUMBERS = st.integers(-(10**6), 10**6) | st.floats(allow_nan=False, allow_infinity=False, width=32)


def parse(raw: Any) -> tuple[list[Any], list[str]]:
    problems: list[str] = []
    return parse_rules(raw, OPTIONS, lambda message, _node: problems.append(message)), problems


@given(st.lists(st.dictionaries(KEYS, VALUES, max_size=8) | VALUES, max_size=4) | VALUES)
def test_any_value_gives_rules_or_one_line_problems(raw):
    rules, problems = parse(raw)
    assert all("\n" not in p and len(p) <= 700 for p in problems)
    if not isinstance(raw, list):
        assert rules == [] and problems
    else:
        assert len(rules) <= len(raw)
        assert all(rule.claim and rule.conditions and rule.contradicts for rule in rules)


@st.composite
def conditions(draw: st.DrawFn) -> tuple[dict[str, Any], Condition]:
    """A well-formed condition as a bank writes it, and the Condition it must be read as."""
    op, threshold = draw(st.sampled_from(list(OPERATORS))), draw(NUMBERS)
    shape = draw(st.sampled_from(["plain", "per", "trend"]))
    if shape == "trend":
        metric, trend, change = (
            draw(st.sampled_from(list(PER_QUARTER))),
            draw(st.integers(1, MAX_TREND)),
            draw(st.sampled_from(TREND_CHANGES)),
        )
        written = {"metric": metric, "op": op, "threshold": threshold, "trend": trend, "change": change}
        return written, Condition(metric, op, float(threshold), trend=trend, change=change)
    metric = draw(st.sampled_from(CITABLE_METRICS))
    written = {"metric": metric, "op": op, "threshold": threshold}
    if shape == "plain":
        return written, Condition(metric, op, float(threshold))
    per, each = draw(st.sampled_from(CITABLE_METRICS)), draw(st.none() | st.integers(1, 10**6))
    written |= {"per": per} | ({"each": each} if each is not None else {})
    return written, Condition(metric, op, float(threshold), per=per, each=float(each or 1))


@given(
    st.lists(conditions(), min_size=1, max_size=8),
    st.booleans(),
    st.dictionaries(st.sampled_from(CITABLE_METRICS), NUMBERS, max_size=3),
    st.lists(st.sampled_from(sorted(OPTIONS | {"na", "unknown"})), min_size=1, max_size=3),
    st.text(st.characters(categories=["L", "N", "Zs"]), min_size=1, max_size=80).filter(str.strip),
)
def test_well_formed_rules_read_back_exactly(written, shorthand, when, contradicts, claim):
    rule: dict[str, Any] = {"claim": claim, "when": when, "contradicts": contradicts}
    if shorthand:
        written = written[:1]
        rule |= written[0][0]
    else:
        rule["all"] = [condition for condition, _expected in written]
    [found], problems = parse([rule])
    assert problems == []
    assert found.conditions == tuple(expected for _written, expected in written)
    assert found.claim == " ".join(claim.split())
    assert found.when == tuple((metric, float(minimum)) for metric, minimum in when.items())
    assert found.contradicts == tuple(contradicts)
    assert set(CONDITION_KEYS) <= set(RULE_KEYS)
