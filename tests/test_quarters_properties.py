"""Quarters by property: any text is a quarter of 1970..2999 or one short QuarterError; neighbours and ends agree."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone

from hypothesis import given, settings
from hypothesis import strategies as st

from scorecard.quarters import (
    QuarterError,
    next_quarter,
    normalize_quarter,
    previous_quarter,
    quarter_end,
    quarter_of,
    quarter_range,
)

VALID = re.compile(r"(19[7-9][0-9]|2[0-9]{3})Q[1-4]")
QUARTERS = st.builds(lambda year, q: f"{year}Q{q}", st.integers(1970, 2999), st.integers(1, 4))
NEAR_MISSES = (
    st.builds("{:04d}Q{}".format, st.integers(0, 9999), st.integers(0, 9))
    | st.from_regex("\\A\\s{0,2}[0-9\u0660-\u0669\uff10-\uff19]{0,6}[qQ-]?[0-9]{0,2}\\s{0,2}\\Z")
    | st.text(max_size=40)
)
MOMENTS = (
    st.floats(allow_nan=True, allow_infinity=True)
    | st.integers(-(10**20), 10**20)
    | st.datetimes(timezones=st.none() | st.builds(timezone, st.timedeltas(timedelta(hours=-23), timedelta(hours=23))))
)


def assert_short_one_line(error: QuarterError) -> None:
    message = str(error)
    assert "\n" not in message and len(message) <= 200


@settings(max_examples=200, deadline=None)
@given(NEAR_MISSES)
def test_any_text_is_a_valid_quarter_or_one_short_quarter_error(text):
    """200 examples: every four-digit year with any digit for the quarter; text shaped like a quarter (ASCII,
    Arabic-Indic and full-width digits, stray spaces and letters); any text."""
    try:
        quarter = normalize_quarter(text)
    except QuarterError as error:
        assert_short_one_line(error)
        return
    assert VALID.fullmatch(quarter) and normalize_quarter(quarter) == quarter


@settings(max_examples=120, deadline=None)
@given(QUARTERS)
def test_neighbours_ends_and_ranges_agree(quarter):
    """120 examples: every quarter of 1970Q1..2999Q4."""
    end = quarter_end(quarter)
    assert quarter_of(end - timedelta(microseconds=1)) == quarter
    assert quarter_range(quarter, quarter) == [quarter]
    if quarter != "2999Q4":
        following = next_quarter(quarter)
        assert previous_quarter(following) == quarter and following > quarter
        assert quarter_of(end) == following
    if quarter != "1970Q1":
        assert next_quarter(previous_quarter(quarter)) == quarter


@settings(max_examples=300, deadline=None)
@given(MOMENTS)
def test_quarter_of_any_moment_is_a_valid_quarter_or_a_quarter_error(moment):
    """300 examples: floats (NaN, infinities), integers far past year 9999, datetimes in any UTC offset."""
    try:
        quarter = quarter_of(moment)
    except QuarterError as error:
        assert_short_one_line(error)
        return
    assert VALID.fullmatch(quarter)
    if isinstance(moment, datetime):
        utc = moment.replace(tzinfo=moment.tzinfo or UTC).astimezone(UTC)
        assert quarter == f"{utc.year}Q{(utc.month - 1) // 3 + 1}"
