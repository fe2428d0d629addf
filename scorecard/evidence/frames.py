"""A repository's history as pandas frames: its commits, its file changes, and HEAD's first-parent chain.

The rows come from the history stream (:mod:`scorecard.evidence.history`) or from the store, in the column
order below. Text stays in object columns: hashing (groupby, merge, isin) is as fast, and reading values
back out for the replays costs nothing, where pandas' string arrays box every element.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd

from scorecard.evidence.history import END_OF_POSSIBLE_TIME, FIRST_POSSIBLE_TIME
from scorecard.evidence.patterns import ScanSettings

COMMIT_COLUMNS = ("sha", "first_parent", "parent_count", "committed_at", "author_name", "author_email")
CHANGE_COLUMNS = ("sha", "path", "old_path", "status", "added", "deleted", "blob", "blob_lines", "keyword_hit")


def _object_frame(rows: Iterable[Sequence[Any]], columns: Sequence[str]) -> pd.DataFrame:
    data = list(rows)
    values = list(zip(*data, strict=True)) if data else [() for _ in columns]
    return pd.DataFrame({name: pd.Series(list(v), dtype=object) for name, v in zip(columns, values, strict=True)})


def commits_frame(rows: Iterable[Sequence[Any]]) -> pd.DataFrame:
    """Commits as a frame with :data:`COMMIT_COLUMNS` and a ``quarter`` column (committer time, UTC)."""
    frame = _object_frame(rows, COMMIT_COLUMNS)
    frame["committed_at"] = frame["committed_at"].astype("int64")
    frame["parent_count"] = frame["parent_count"].astype("int64")
    frame["quarter"] = quarters_of(frame["committed_at"])
    return frame


def changes_frame(rows: Iterable[Sequence[Any]]) -> pd.DataFrame:
    """File changes with :data:`CHANGE_COLUMNS`; ``added``/``deleted`` are NaN for binary files."""
    frame = _object_frame(rows, CHANGE_COLUMNS)
    for column in ("added", "deleted", "blob_lines"):
        frame[column] = pd.to_numeric(frame[column], errors="coerce").astype("float64")
    # 1 or 0 from git -G; NaN when the -G pass did not read the commit (then it is evaluated, see scan).
    frame["keyword_hit"] = pd.to_numeric(frame["keyword_hit"], errors="coerce").astype("float64")
    return frame


def quarters_of(seconds: pd.Series) -> pd.Series:
    """Calendar quarters (``2024Q3``, UTC) of Unix times (1970 to 2999: the reading puts every commit there)."""
    # Clipped all the same, so that a time stored by an earlier scorecard cannot overflow pandas.
    possible = seconds.astype("int64").clip(FIRST_POSSIBLE_TIME, END_OF_POSSIBLE_TIME - 1)
    moments = pd.to_datetime(possible, unit="s", utc=True)
    return (moments.dt.year.astype(str) + "Q" + moments.dt.quarter.astype(str)).astype(object)


def map_unique(values: pd.Series, function: Callable[[Any], Any]) -> pd.Series:
    """``function`` of each value, called once per distinct value (paths repeat a lot)."""
    unique = pd.unique(values)
    return values.map(dict(zip(unique, (function(value) for value in unique), strict=True)))


def map_unique_array(values: np.ndarray, function: Callable[[Any], Any]) -> np.ndarray:
    """:func:`map_unique` for an array, as an object array."""
    if not len(values):
        return np.empty(0, dtype=object)
    local, uniques = pd.factorize(values)
    return np.array([function(value) for value in uniques], dtype=object)[local]


def ratio(numerator: float, denominator: float) -> float | None:
    """``numerator / denominator``, or None when the denominator is 0: no value, rather than 0 or infinity."""
    return float(numerator) / float(denominator) if denominator else None


@dataclass
class History:
    """A repository's records, ready for the metrics: all commits, all changes, and HEAD's chain."""

    commits: pd.DataFrame
    changes: pd.DataFrame
    chain: list[str]  # HEAD's first-parent chain, newest first

    @cached_property
    def chain_changes(self) -> pd.DataFrame:
        """Changes of commits on the chain, oldest commit first (the order the state is replayed in)."""
        order = pd.Series(np.arange(len(self.chain) - 1, -1, -1), index=pd.Index(self.chain, name="sha"))
        on_chain = self.changes[self.changes["sha"].isin(order.index)].copy()
        on_chain["chain_position"] = on_chain["sha"].map(order).astype("int64")
        times = self.commits.set_index("sha")["committed_at"]
        on_chain["committed_at"] = on_chain["sha"].map(times).astype("int64")
        return on_chain.sort_values("chain_position", kind="stable")


def activity_commits(commits: pd.DataFrame, settings: ScanSettings) -> pd.DataFrame:
    """Non-merge commits minus excluded commits and authors (path exclusions: see the checkpoint's advance)."""
    commits = commits[commits["parent_count"] <= 1]
    if settings.exclude_commits:
        excluded = tuple(settings.exclude_commits)
        commits = commits[~commits["sha"].map(lambda sha: sha.startswith(excluded))]
    if settings.exclude_authors:
        identity = commits["author_name"] + " <" + commits["author_email"] + ">"
        commits = commits[~map_unique(identity, settings.author_excluded()).astype(bool)]
    return commits
