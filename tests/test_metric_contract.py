"""The metric contract: one name per metric, consistent roll-ups, and every bank citing only its names."""

from __future__ import annotations

import json

import pytest

from scorecard.metric_contract import (
    CITABLE_METRICS,
    LATEST,
    LATEST_METRICS,
    PER_QUARTER,
    QUARTER_METRICS,
    contract_document,
    describe_metric,
)
from scorecard.survey.bank_file import shipped_banks


def test_every_name_is_unique_within_its_scope():
    assert len(LATEST) == len(LATEST_METRICS) and len(PER_QUARTER) == len(QUARTER_METRICS)


@pytest.mark.parametrize("metric", [*LATEST_METRICS, *QUARTER_METRICS], ids=lambda m: m.name)
def test_each_metric_is_defined_phrased_and_rolled_up_from_known_parts(metric):
    scope = LATEST if metric.name in LATEST and LATEST[metric.name] is metric else PER_QUARTER
    assert metric.definition.endswith(".") and metric.unit
    assert metric.describe(0.25)  # the phrase formats a number
    if metric.rollup.kind == "ratio":
        assert metric.rollup.numerator in scope and metric.rollup.denominator in scope
    if metric.of_quarter is not None:
        assert metric.of_quarter in PER_QUARTER


def test_components_are_not_citable():
    assert all(not LATEST[name].component for name in CITABLE_METRICS)
    assert "churn.added_last_quarter" in LATEST and "churn.added_last_quarter" not in CITABLE_METRICS


def test_every_rule_of_every_shipped_bank_cites_the_contract():
    cited = {rule.metric for bank in shipped_banks() for q in bank.questions for rule in q.evidence}
    assert cited and cited <= set(CITABLE_METRICS)


def test_a_metric_is_described_in_words():
    assert describe_metric("flags.stale", 9) == "9 flags untouched for 180+ days"
    assert describe_metric("churn.config_share", 0.25) == "25% of last quarter's churn in config"
    assert describe_metric("not.a.metric", 2) == "not.a.metric 2"


def test_questions_metrics_lists_the_contract(cli):
    document = json.loads(cli("questions", "metrics", "--json").stdout)
    assert document == contract_document()
    names = {(item["scope"], item["name"]) for item in document}
    assert ("latest", "deletion_ratio.last_quarter") in names and ("quarter", "deletion_ratio") in names
    text = cli("questions", "metrics").stdout
    assert "flags.median_age_days" in text and "Per quarter" in text


def test_a_rule_citing_an_unknown_metric_is_told_the_known_ones(tmp_path, cli):
    from tests.banks import MEAN_BANK, write_bank

    path = write_bank(tmp_path, MEAN_BANK.replace("metric: coupling.strong_pairs", "metric: coupling.pairs"))
    result = cli("questions", "lint", str(path))
    assert result.exit_code == 1
    assert "unknown metric 'coupling.pairs' (did you mean 'coupling.strong_pairs'? `scorecard questions metrics`" in (
        result.output
    )
