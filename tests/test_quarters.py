from datetime import UTC, datetime

import pytest

from scorecard.quarters import (
    QuarterError,
    current_quarter,
    normalize_quarter,
    previous_quarter,
    quarter_end,
    quarter_of,
    quarter_range,
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
