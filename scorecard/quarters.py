"""Calendar quarters in UTC, written like ``2026Q4``: the unit of every trend in scorecard.

Only the years :data:`FIRST_YEAR` to :data:`LAST_YEAR` are quarters: every quarter is written with four digits
(so text order is time order) and has a next and a previous one a datetime can hold, and a timestamp outside
them (a commit dated 9999) is a :class:`QuarterError`, not a crash.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

from scorecard.errors import ScorecardError, describe

QUARTER_PATTERN = re.compile(r"([0-9]{4})Q([1-4])")
FIRST_YEAR = 1970
LAST_YEAR = 2999


class QuarterError(ScorecardError, ValueError):
    """A string that is not a quarter like ``2026Q4``."""


def parse_quarter(text: str) -> tuple[int, int]:
    """Return ``(year, quarter)`` for ``"2026Q4"``; raise :class:`QuarterError` for anything else."""
    match = QUARTER_PATTERN.fullmatch(str(text).strip().upper())
    if not match:
        raise QuarterError(f"malformed quarter {describe(str(text))}: expected a year and quarter like 2026Q4")
    year = int(match.group(1))
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise QuarterError(f"quarter {match.group(0)} is out of range: years {FIRST_YEAR} to {LAST_YEAR} only")
    return year, int(match.group(2))


def normalize_quarter(text: str) -> str:
    """``"2026q4"`` -> ``"2026Q4"``; raises :class:`QuarterError` when malformed."""
    year, quarter = parse_quarter(text)
    return f"{year}Q{quarter}"


def quarter_of(moment: datetime | float | int) -> str:
    """The UTC calendar quarter of a datetime or a Unix timestamp; :class:`QuarterError` outside the years
    1970 to 2999 (and for a timestamp no datetime can hold)."""
    try:
        if not isinstance(moment, datetime):
            moment = datetime.fromtimestamp(moment, tz=UTC)
        elif moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        moment = moment.astimezone(UTC)
    except (OverflowError, ValueError, OSError) as error:
        raise QuarterError(f"time {describe(moment)} has no quarter ({type(error).__name__})") from None
    if not FIRST_YEAR <= moment.year <= LAST_YEAR:
        raise QuarterError(f"time {moment.isoformat()} is outside the years {FIRST_YEAR} to {LAST_YEAR}")
    return f"{moment.year}Q{(moment.month - 1) // 3 + 1}"


def current_quarter(now: datetime | None = None) -> str:
    """The quarter that contains ``now`` (default: the present moment)."""
    return quarter_of(now or datetime.now(UTC))


def previous_quarter(quarter: str) -> str:
    """``"2026Q1"`` -> ``"2025Q4"``; :class:`QuarterError` before 1970Q1."""
    year, q = parse_quarter(quarter)
    return normalize_quarter(f"{year - 1}Q4" if q == 1 else f"{year}Q{q - 1}")


def next_quarter(quarter: str) -> str:
    """``"2025Q4"`` -> ``"2026Q1"``; :class:`QuarterError` after 2999Q4."""
    year, q = parse_quarter(quarter)
    return normalize_quarter(f"{year + 1}Q1" if q == 4 else f"{year}Q{q + 1}")


def quarter_end(quarter: str) -> datetime:
    """The first instant after ``quarter`` (UTC): lines "at a quarter's end" are counted before it."""
    year, q = parse_quarter(quarter)
    return datetime(year + 1, 1, 1, tzinfo=UTC) if q == 4 else datetime(year, 3 * q + 1, 1, tzinfo=UTC)


def quarter_range(first: str, last: str) -> list[str]:
    """Every quarter from ``first`` to ``last`` inclusive, in order (empty if ``first`` is after ``last``)."""
    quarters: list[str] = []
    current = normalize_quarter(first)
    last = normalize_quarter(last)
    if parse_quarter(current) > parse_quarter(last):
        return quarters
    quarters.append(current)
    while current != last:  # stops at ``last``: the quarter after 2999Q4 does not exist
        current = next_quarter(current)
        quarters.append(current)
    return quarters


def quarter_window(last: str, count: int) -> list[str]:
    """The ``count`` quarters ending with ``last``, oldest first (fewer when they would start before 1970Q1)."""
    quarters = [normalize_quarter(last)]
    while len(quarters) < count and parse_quarter(quarters[0]) > (FIRST_YEAR, 1):
        quarters.insert(0, previous_quarter(quarters[0]))
    return quarters
