"""Evidence rules as bank files write them (scorecard/survey/rule_file.py): the shorthand and the full form
parsed into conditions, and every mistake refused by lint in one line naming the question and the rule."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from scorecard.survey.bank import Condition
from scorecard.survey.bank_file import lint_bank_file, load_bank_file
from scorecard.survey.rule_file import parse_rules
from tests.banks import MEAN_BANK, write_bank
from tests.runner import run_cli

OPTIONS = {"none", "some", "all"}
CLAIM = "All is claimed, and the metric argues against it."


def parse(rules: Any) -> tuple[list[Any], list[str]]:
    problems: list[str] = []
    found = parse_rules(rules, OPTIONS, lambda message, _node: problems.append(message))
    return found, problems


def one_problem(rule: dict[str, Any]) -> str:
    found, problems = parse([rule])
    assert found == [] and len(problems) == 1, problems
    return problems[0]


def rule(**fields: Any) -> dict[str, Any]:
    base = {"claim": CLAIM, "metric": "lines.code", "op": ">=", "threshold": 5, "contradicts": ["all"]}
    base.update(fields)
    return {key: value for key, value in base.items() if value is not None}


def test_the_shorthand_is_one_condition():
    [found], problems = parse([rule(message="Too many lines.")])
    assert problems == []
    assert found.conditions == (Condition("lines.code", ">=", 5.0),)
    assert (found.metric, found.op, found.threshold) == ("lines.code", ">=", 5.0)  # what old callers read
    assert found.claim == CLAIM and found.message == "Too many lines." and found.contradicts == ("all",)
    assert found.when == () and found.examples_metric == "lines.code"


def test_the_full_form_with_guards_normalisation_trends_and_examples():
    text = """
- claim: "  Thresholds are claimed
    reviewed,   and literals spreading argue against it. "
  when: {lines.code: 5000, commits.last_quarter: 20}
  all:
    - {metric: debt_comments.alive, per: lines.code, each: 1000, op: ">=", threshold: 5}
    - {metric: debt_comments.alive, trend: 4, change: relative, op: ">", threshold: 0.25}
    - {metric: debt_comments.added, trend: 2, change: absolute, op: ">=", threshold: 20}
  contradicts: [some, all]
  examples: flags.alive
"""
    [found], problems = parse(yaml.safe_load(text))
    assert problems == []
    assert found.claim == "Thresholds are claimed reviewed, and literals spreading argue against it."  # folded
    assert found.when == (("lines.code", 5000.0), ("commits.last_quarter", 20.0))
    assert found.conditions == (
        Condition("debt_comments.alive", ">=", 5.0, per="lines.code", each=1000.0),
        Condition("debt_comments.alive", ">", 0.25, trend=4, change="relative"),
        Condition("debt_comments.added", ">=", 20.0, trend=2, change="absolute"),
    )
    assert found.examples_metric == "flags.alive"
    assert found.expression == (
        "debt_comments.alive per 1000 lines.code >= 5 and "
        "debt_comments.alive relative change vs mean of 4 quarters before > 0.25 and "
        "debt_comments.added absolute change vs mean of 2 quarters before >= 20"
    )
    assert found.message == found.expression  # no message: the rule's own words


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"claim": None}, "evidence rule 1: needs a claim"),
        ({"claim": "   "}, "evidence rule 1: needs a claim"),
        ({"claim": "x" * 501}, "evidence rule 1: claim has 501 characters: one sentence of at most 500"),
        ({"metric": "lines.cod"}, "evidence rule 1: unknown metric 'lines.cod' (did you mean 'lines.code'?"),
        ({"metric": "commits", "trend": None}, "evidence rule 1: unknown metric 'commits'"),
        ({"op": "=>"}, "evidence rule 1: unknown comparison '=>' (use > >= < <= == !=)"),
        ({"threshold": "5"}, "evidence rule 1: threshold '5' is not a number"),
        ({"threshold": True}, "evidence rule 1: threshold True is not a number"),
        ({"trend": 0, "change": "relative"}, "evidence rule 1: trend 0 must be a whole number of quarters from 1 to 8"),
        ({"trend": 9, "change": "relative"}, "evidence rule 1: trend 9 must be a whole number"),
        ({"trend": 2.5, "change": "relative"}, "evidence rule 1: trend 2.5 must be a whole number"),
        ({"trend": 2}, "evidence rule 1: trend needs change: absolute or relative, not None"),
        ({"trend": 2, "change": "percent"}, "evidence rule 1: trend needs change: absolute or relative, not 'percent'"),
        ({"change": "relative"}, "evidence rule 1: change: needs trend:"),
        ({"metric": "lines.config", "trend": 2, "change": "absolute", "per": "lines.code"}, "per: and trend:"),
        (
            {"metric": "ownership.bus_factor", "trend": 2, "change": "absolute"},
            "evidence rule 1: unknown quarter metric",
        ),
        ({"per": "nope"}, "evidence rule 1: per: unknown metric 'nope'"),
        ({"each": 1000}, "evidence rule 1: each: needs per:"),
        ({"per": "lines.test", "each": 0}, "evidence rule 1: each 0 must be a number above 0"),
        ({"when": [["lines.code", 5]]}, "evidence rule 1: when: must be a mapping of metric -> minimum"),
        ({"when": {"lines.codes": 5}}, "evidence rule 1: when: unknown metric 'lines.codes'"),
        ({"when": {"lines.code": "many"}}, "evidence rule 1: when: minimum of lines.code 'many' is not a number"),
        ({"contradicts": ["everything"]}, "evidence rule 1: contradicts unknown option 'everything'"),
        ({"contradicts": []}, "evidence rule 1: needs contradicts: a list of option ids"),
        ({"examples": "files"}, "evidence rule 1: examples: unknown metric 'files'"),
        ({"threshhold": 5}, "evidence rule 1: unknown key 'threshhold' (known keys: claim, when, all,"),
        (
            {"all": [{"metric": "lines.code", "op": ">", "threshold": 1}]},
            "at the rule's top level or under all:, not both",
        ),
    ],
)
def test_every_mistake_is_one_line_naming_the_rule(fields, expected):
    problem = one_problem(rule(**fields))
    assert problem.startswith("evidence rule 1: ") and expected in problem, problem
    assert "\n" not in problem and len(problem) < 300


@pytest.mark.parametrize(
    ("conditions", "expected"),
    [
        ([], "evidence rule 1: all: must be a list of 1 to 8 conditions"),
        ("lines.code >= 5", "evidence rule 1: all: must be a list of 1 to 8 conditions"),
        ([{"metric": "lines.code", "op": ">", "threshold": 1}] * 9, "evidence rule 1: all: must be a list of 1 to 8"),
        (["lines.code"], "evidence rule 1 all[1]: a condition must be a mapping of metric, op and threshold"),
        ([{"metric": "lines.code", "op": ">", "threshold": 1, "claim": "x"}], "evidence rule 1 all[1]: unknown key 'claim'"),
        ([{"metric": "lines.code", "op": ">", "threshold": 1}, {"metric": "x", "op": ">", "threshold": 1}],
         "evidence rule 1 all[2]: unknown metric 'x'"),
    ],
)  # fmt: skip
def test_conditions_under_all_are_checked_each(conditions, expected):
    fields = {"claim": CLAIM, "all": conditions, "contradicts": ["all"]}
    assert one_problem(fields).startswith(expected)


def test_rules_of_one_question_need_distinct_claims():
    found, problems = parse([rule(), rule(metric="lines.test"), rule(claim="Another claim.")])
    assert [r.claim for r in found] == [CLAIM, "Another claim."]
    assert problems == ["evidence rule 2: another rule of this question has the same claim"]


def test_not_a_list_or_not_a_mapping():
    assert parse({"metric": "lines.code"})[1] == ["evidence must be a list of rules"]
    assert parse(["lines.code >= 5"])[1] == ["evidence rule 1: an evidence rule must be a mapping"]


def test_a_key_given_twice_in_a_rule_is_a_problem(tmp_path):
    text = MEAN_BANK.replace("message: Coupled files.}", "message: Coupled files., op: '<'}")
    [problem] = [str(p) for p in lint_bank_file(write_bank(tmp_path, text))]
    assert "question a-1: evidence rule 1: key 'op' given twice" in problem


def test_lint_names_the_file_line_question_and_rule(tmp_path):
    text = MEAN_BANK.replace("claim: Everything is claimed decoupled and co-changing files argue against it, ", "")
    result = run_cli("questions", "lint", str(write_bank(tmp_path, text)))
    assert result.exit_code == 1
    first = result.output.splitlines()[0]
    assert first.endswith("tiny.yaml:22: question a-1: evidence rule 1: needs a claim: one sentence naming the "
                          "option's claim it tests and why its metric bears on it")  # fmt: skip


def test_questions_show_json_gives_each_rule_whole(tmp_path):
    import json

    result = run_cli("questions", "show", str(write_bank(tmp_path)), "--json")
    [rule_json] = json.loads(result.output)["questions"][0]["evidence"]
    assert rule_json["metric"] == "coupling.strong_pairs" and rule_json["threshold"] == 3  # the old keys
    assert rule_json["claim"].startswith("Everything is claimed decoupled")
    assert rule_json["when"] == {} and rule_json["examples"] == "coupling.strong_pairs"
    assert rule_json["conditions"] == [
        {"metric": "coupling.strong_pairs", "op": ">=", "threshold": 3, "per": None, "each": 1.0, "trend": None,
         "change": None}
    ]  # fmt: skip


def test_shipped_banks_state_a_claim_for_every_rule():
    for name in ("sculley2015", "ml-test-score"):
        bank = load_bank_file(f"questions/{name}.yaml")
        rules = [rule for question in bank.questions for rule in question.evidence]
        assert rules and all(rule.claim for rule in rules)
