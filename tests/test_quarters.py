import math
from datetime import UTC, datetime

import pytest

from scorecard.quarters import (
    QuarterError,
    current_quarter,
    next_quarter,
    normalize_quarter,
    previous_quarter,
    quarter_end,
    quarter_of,
    quarter_range,
    quarter_window,
)


def test_quarter_of_uses_utc_calendar_quarters():
    assert quarter_of(datetime(2026, 3, 31, 23, 59, tzinfo=UTC)) == "2026Q1"
    assert quarter_of(datetime(2026, 4, 1, tzinfo=UTC)) == "2026Q2"
    assert quarter_of(0) == "1970Q1"
    assert current_quarter(datetime(2026, 11, 26, tzinfo=UTC)) == "2026Q4"


def test_neighbours_and_ranges():
    assert previous_quarter("2026Q1") == "2025Q4"
    assert quarter_end("2026Q4") == datetime(2027, 1, 1, tzinfo=UTC)
    assert quarter_range("2025Q3", "2026Q2") == ["2025Q3", "2025Q4", "2026Q1", "2026Q2"]
    assert quarter_range("2026Q2", "2026Q1") == []


@pytest.mark.parametrize("text", ["2026Q5", "2026-Q4", "Q4 2026", "26Q4", "", "2026"])
def test_malformed_quarters_are_rejected(text):
    with pytest.raises(QuarterError, match="malformed quarter"):
        normalize_quarter(text)


def test_lower_case_is_accepted():
    assert normalize_quarter("2026q4") == "2026Q4"


@pytest.mark.parametrize("text", ["0999Q1", "0001Q4", "0000Q1", "1969Q4", "3000Q1", "9999Q4"])
def test_years_outside_1970_to_2999_are_not_quarters(text):
    with pytest.raises(QuarterError, match=f"quarter {text} is out of range: years 1970 to 2999 only"):
        normalize_quarter(text)


@pytest.mark.parametrize("text", ["\uff12\uff10\uff12\uff16Q4", "\u0662\u0660\u0662\u0666Q4", "2026Q4\n1"])
def test_only_ascii_digits_make_a_year(text):
    with pytest.raises(QuarterError, match="malformed quarter"):
        normalize_quarter(text)


def test_the_first_and_last_quarters_have_no_neighbour_outside_the_range():
    with pytest.raises(QuarterError, match="3000Q1 is out of range"):
        next_quarter("2999Q4")
    with pytest.raises(QuarterError, match="1969Q4 is out of range"):
        previous_quarter("1970Q1")
    assert quarter_end("2999Q4") == datetime(3000, 1, 1, tzinfo=UTC)
    assert quarter_range("2999Q3", "2999Q4") == ["2999Q3", "2999Q4"]
    assert quarter_window("1970Q2", 4) == ["1970Q1", "1970Q2"]


@pytest.mark.parametrize(
    "moment",
    [datetime(9999, 12, 31, tzinfo=UTC), datetime(1969, 12, 31, 23, 59, tzinfo=UTC), 253402300800, -1, 1e20, math.nan],
)
def test_quarter_of_a_time_outside_the_range_is_a_quarter_error(moment):
    with pytest.raises(QuarterError, match=r"^time .* (is outside the years 1970 to 2999|has no quarter)"):
        quarter_of(moment)


def test_a_malformed_quarter_is_quoted_short_and_on_one_line():
    with pytest.raises(QuarterError) as raised:
        normalize_quarter("2026\x1b]0;x\x07" + "Q" * 1_000)
    message = str(raised.value)
    assert message.startswith("malformed quarter '2026\\x1b]0;x\\x07QQQ") and len(message) < 150
