"""Calendar quarters in UTC, written like ``2026Q4``: the unit of every trend in scorecard."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from scorecard.errors import ScorecardError

QUARTER_PATTERN = re.compile(r"^(\d{4})Q([1-4])$")


class QuarterError(ScorecardError, ValueError):
    """A string that is not a quarter like ``2026Q4``."""


def parse_quarter(text: str) -> tuple[int, int]:
    """Return ``(year, quarter)`` for ``"2026Q4"``; raise :class:`QuarterError` for anything else."""
    match = QUARTER_PATTERN.match(str(text).strip().upper())
    if not match:
        raise QuarterError(f"malformed quarter {text!r}: expected a year and quarter like 2026Q4")
    return int(match.group(1)), int(match.group(2))


def normalize_quarter(text: str) -> str:
    """``"2026q4"`` -> ``"2026Q4"``; raises :class:`QuarterError` when malformed."""
    year, quarter = parse_quarter(text)
    return f"{year}Q{quarter}"


def quarter_of(moment: datetime | float | int) -> str:
    """The UTC calendar quarter of a datetime or a Unix timestamp."""
    if not isinstance(moment, datetime):
        moment = datetime.fromtimestamp(moment, tz=UTC)
    elif moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    moment = moment.astimezone(UTC)
    return f"{moment.year}Q{(moment.month - 1) // 3 + 1}"


def current_quarter(now: datetime | None = None) -> str:
    """The quarter that contains ``now`` (default: the present moment)."""
    return quarter_of(now or datetime.now(UTC))


def previous_quarter(quarter: str) -> str:
    """``"2026Q1"`` -> ``"2025Q4"``."""
    year, q = parse_quarter(quarter)
    return f"{year - 1}Q4" if q == 1 else f"{year}Q{q - 1}"


def next_quarter(quarter: str) -> str:
    """``"2025Q4"`` -> ``"2026Q1"``."""
    year, q = parse_quarter(quarter)
    return f"{year + 1}Q1" if q == 4 else f"{year}Q{q + 1}"


def quarter_end(quarter: str) -> datetime:
    """The first instant after ``quarter`` (UTC): lines "at a quarter's end" are counted before it."""
    year, q = parse_quarter(next_quarter(quarter))
    return datetime(year, 3 * (q - 1) + 1, 1, tzinfo=UTC)


def quarter_range(first: str, last: str) -> list[str]:
    """Every quarter from ``first`` to ``last`` inclusive, in order (empty if ``first`` is after ``last``)."""
    quarters: list[str] = []
    current = normalize_quarter(first)
    last = normalize_quarter(last)
    while parse_quarter(current) <= parse_quarter(last):
        quarters.append(current)
        current = next_quarter(current)
    return quarters


def quarter_window(last: str, count: int) -> list[str]:
    """The ``count`` quarters ending with ``last``, oldest first."""
    quarters = [normalize_quarter(last)]
    while len(quarters) < count:
        quarters.insert(0, previous_quarter(quarters[0]))
    return quarters
