"""Feature flags: how many are alive, how old they are, and how many get removed.

Definition: a *flag* is a match of a flag pattern (:mod:`scorecard.evidence.patterns`) in a file on HEAD's
first-parent chain, identified by pattern, name and file (it follows renames). It is *introduced* by the
commit whose version first holds it and *removed* by the one whose version no longer does; it is *alive*
while not removed, and *stale* when alive and introduced more than ``stale_days`` (default 180) ago.

Why it matters: a flag is a fork in the code that someone meant to take out; flags that pile up and age
are configuration debt, paths nobody tests any more.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import pandas as pd

from scorecard.evidence.frames import quarters_of
from scorecard.evidence.patterns import ScanSettings
from scorecard.evidence.replay import FlagLife

SECONDS_PER_DAY = 86_400
_LIFE_COLUMNS = ["pattern", "name", "path", "introduced_commit", "introduced_at", "removed_commit", "removed_at"]


def iso_time(seconds: float | None) -> str | None:
    """Unix seconds as an ISO 8601 UTC time; None for no time (None or NaN) or one ``datetime`` cannot hold
    (the reading keeps commit times within 1970 to 2999, see :class:`scorecard.evidence.reading.HistoryReader`)."""
    if seconds is None or (isinstance(seconds, float) and math.isnan(seconds)):
        return None
    try:
        return datetime.fromtimestamp(int(seconds), tz=UTC).isoformat(timespec="seconds")
    except (OverflowError, OSError, ValueError):
        return None


def flags_frame(lives: Sequence[FlagLife], settings: ScanSettings, now: datetime) -> pd.DataFrame:
    """Every flag that lived on the chain, with ``alive``, ``age_days`` (alive ones) and ``stale``."""
    frame = pd.DataFrame(
        [
            (f.pattern, f.name, f.path, f.introduced_commit, f.introduced_at, f.removed_commit, f.removed_at)
            for f in lives
        ],
        columns=_LIFE_COLUMNS,
    )
    if settings.exclude_paths and len(frame):
        frame = frame[~frame["path"].map(settings.path_excluded())]
    frame = frame.copy()
    frame["introduced_at"] = frame["introduced_at"].astype("int64")
    frame["removed_at"] = pd.to_numeric(frame["removed_at"]).astype("float64")
    frame["alive"] = frame["removed_commit"].isna()
    frame["age_days"] = ((now.timestamp() - frame["introduced_at"]) / SECONDS_PER_DAY).where(frame["alive"])
    frame["stale"] = frame["alive"] & (frame["age_days"] > settings.stale_days)
    return frame.sort_values(["pattern", "name", "path", "introduced_at"]).reset_index(drop=True)


def removed_per_quarter(flags: pd.DataFrame) -> pd.Series:
    """How many flags were removed in each quarter."""
    return quarters_of(flags["removed_at"].dropna().astype("int64")).value_counts()


def flag_quarter_metrics(
    flags: pd.DataFrame, removed: pd.Series, quarter: str, end: int, stale_days: int
) -> dict[str, float | None]:
    """``flags.*`` of a quarter: the flags alive just before ``end`` (its end), their ages then, removals."""
    alive = (flags["introduced_at"] < end) & (flags["removed_at"].isna() | (flags["removed_at"] >= end))
    ages = (end - flags.loc[alive, "introduced_at"]) / SECONDS_PER_DAY
    return {
        "flags.alive": float(alive.sum()),
        "flags.stale": float((ages > stale_days).sum()),
        "flags.median_age_days": float(ages.median()) if len(ages) else None,
        "flags.removed": float(removed.get(quarter, 0)),
    }


def latest_flag_metrics(flags: pd.DataFrame, removed: pd.Series, last_quarter: str) -> dict[str, float | None]:
    """The flags alive at HEAD, as of the scan time, and last quarter's removals."""
    alive = flags[flags["alive"]]
    return {
        "flags.alive": float(len(alive)),
        "flags.stale": float(alive["stale"].sum()),
        "flags.median_age_days": float(alive["age_days"].median()) if len(alive) else None,
        "flags.removed_last_quarter": float(removed.get(last_quarter, 0)),
    }


def flags_summary(flags: pd.DataFrame, stale_days: int, median_age_days: float | None) -> dict[str, Any]:
    """The scan summary's ``flags``: counts, and every alive flag with where and when it came."""
    alive = flags[flags["alive"]]
    return {
        "alive": len(alive),
        "stale": int(alive["stale"].sum()),
        "stale_days": stale_days,
        "median_age_days": median_age_days,
        "removed": int((~flags["alive"]).sum()),
        "by_pattern": {pattern: int(count) for pattern, count in alive.groupby("pattern").size().items()},
        "items": [
            {
                "pattern": row.pattern,
                "name": row.name,
                "file": row.path,
                "introduced_commit": row.introduced_commit,
                "introduced_at": iso_time(row.introduced_at),
                "age_days": round(float(row.age_days), 1),
            }
            for row in alive.itertuples(index=False)
        ],
    }


def flag_rows(flags: pd.DataFrame) -> list[tuple[Any, ...]]:
    """Every flag as a row of the store's flags table (``FLAG_COLUMNS``)."""
    return [
        (
            row.pattern,
            row.name,
            row.path,
            row.introduced_commit,
            iso_time(row.introduced_at),
            row.removed_commit if isinstance(row.removed_commit, str) else None,
            iso_time(row.removed_at),
            int(row.alive),
            None if pd.isna(row.age_days) else float(row.age_days),
            int(row.stale),
        )
        for row in flags.itertuples(index=False)
    ]
