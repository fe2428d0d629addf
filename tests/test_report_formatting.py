"""formatting.py: scores, changes and colours as the report's page shows them."""

from __future__ import annotations

import math
import re

import pytest

from scorecard.report.formatting import (
    MINUS,
    NO_SCORE_COLOURS,
    NO_VALUE,
    format_delta,
    gain_text,
    heat_colours,
    level_colours,
    moment_text,
    points_to_go,
    rounded,
    score_text,
)
from scorecard.survey.bank import Bank
from tests.banks import MEAN_BANK, write_bank
from tests.history import history_bank


@pytest.fixture(scope="module")
def mean_bank(tmp_path_factory) -> Bank:
    return history_bank(tmp_path_factory.mktemp("mean"))


@pytest.fixture(scope="module")
def sums_bank(tmp_path_factory) -> Bank:
    from scorecard.survey.bank_file import load_bank_file

    text = MEAN_BANK.replace("aggregation: mean", "aggregation: min_section_sum")
    return load_bank_file(write_bank(tmp_path_factory.mktemp("sums"), text, "sums.yaml"))


@pytest.mark.parametrize(
    ("value", "digits", "text"), [(37.5, 0, "38"), (12.5, 0, "13"), (0.25, 1, "0.3"), (2.0, 1, "2.0")]
)
def test_halves_round_up(value, digits, text):
    assert rounded(value, digits) == text


def test_scores_take_the_decimals_of_their_bank(mean_bank, sums_bank):
    assert score_text(62.5, mean_bank) == "63"
    assert score_text(1.25, sums_bank) == "1.3"
    assert score_text(None, mean_bank) == score_text(math.nan, mean_bank) == NO_VALUE


def test_changes_have_an_arrow_a_sign_and_a_class():
    assert format_delta(12.5, 0) == ("▲ +13", "up")
    assert format_delta(-3.0, 0) == (f"▼ {MINUS}3", "down")
    assert format_delta(0.4, 0) == ("= 0", "flat")  # too small to show is no change
    assert format_delta(None, 0) == format_delta(math.nan, 0) == ("", "none")


def test_gains_are_one_decimal_finer_than_scores(mean_bank, sums_bank):
    assert gain_text(50.0, mean_bank) == "+50.0"
    assert gain_text(0.5, sums_bank) == "+0.50"


def test_points_to_go_and_moments():
    assert points_to_go(12.5) == "12.5" and points_to_go(0.01) == "less than 0.1" and points_to_go(None) == NO_VALUE
    assert moment_text("2026-09-20T12:00:00+02:00") == "2026-09-20 10:00 UTC"
    assert moment_text("yesterday") == "yesterday" and moment_text(None) is None


def test_heat_colours_run_from_debt_to_health_with_legible_text():
    low, high = heat_colours(0.0, 100.0), heat_colours(100.0, 100.0)
    assert low != high and all(re.fullmatch(r"#[0-9a-f]{6}", colour) for colour in (*low, *high))
    assert heat_colours(150.0, 100.0) == high  # past the scale is the scale's end
    assert heat_colours(None, 100.0) == heat_colours(math.nan, 100.0) == NO_SCORE_COLOURS


def test_level_colours_follow_the_levels_order(mean_bank):
    worst, best = mean_bank.levels[0], mean_bank.levels[-1]
    assert level_colours(mean_bank, worst) == heat_colours(0.0, 1.0)
    assert level_colours(mean_bank, best) == heat_colours(1.0, 1.0)
    assert level_colours(mean_bank, None) == NO_SCORE_COLOURS
