"""Commits and churn: what a team changed, quarter by quarter.

Definition: *commits* are non-merge commits after the opt-in exclusions; *churn* is the lines they added plus
the lines they deleted, as ``git log --no-merges -M --numstat`` counts them (a binary change has no lines and
is counted apart). Churn is tallied per calendar quarter (UTC, committer time) and file kind.

Why it matters: churn is where the effort goes. A large share of it in config files means behaviour is
changed by editing configuration rather than code; many lines deleted per line added means code is being
paid down rather than piled up.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from scorecard.evidence.frames import ratio

# The four counts kept per (quarter, kind): text changes, lines added, lines deleted, binary changes.
TEXT_CHANGES, ADDED, DELETED, BINARY_CHANGES = range(4)
Tallies = dict[tuple[str, str], list[int]]


def add_churn(
    tallies: Tallies, quarter: np.ndarray, kind: np.ndarray, added: np.ndarray, deleted: np.ndarray, binary: np.ndarray
) -> None:
    """Add file changes (one element each; binary ones with 0 lines) to the per (quarter, kind) tallies."""
    summed = (
        pd.DataFrame(
            {
                "quarter": quarter,
                "kind": kind,
                "text": (~binary).astype(np.int64),
                "added": added,
                "deleted": deleted,
                "binary": binary.astype(np.int64),
            }
        )
        .groupby(["quarter", "kind"], sort=False)[["text", "added", "deleted", "binary"]]
        .sum()
    )
    for key, values in zip(summed.index, summed.to_numpy().tolist(), strict=True):
        counts = tallies.setdefault(key, [0, 0, 0, 0])
        for number, value in enumerate(values):
            counts[number] += int(value)


@dataclass
class Activity:
    """Commits and churn per quarter, and churn per kind over the whole history."""

    commits: dict[str, int]
    added: dict[str, int]
    deleted: dict[str, int]
    config: dict[str, int]  # churn of config files
    by_kind: dict[str, list[int]]  # the four counts, summed over quarters

    @classmethod
    def from_tallies(cls, commits_by_quarter: dict[str, int], tallies: Tallies) -> Activity:
        activity = cls(commits_by_quarter, {}, {}, {}, {})
        for (quarter, kind), counts in tallies.items():
            activity.added[quarter] = activity.added.get(quarter, 0) + counts[ADDED]
            activity.deleted[quarter] = activity.deleted.get(quarter, 0) + counts[DELETED]
            if kind == "config":
                activity.config[quarter] = activity.config.get(quarter, 0) + counts[ADDED] + counts[DELETED]
            totals = activity.by_kind.setdefault(kind, [0, 0, 0, 0])
            for number, value in enumerate(counts):
                totals[number] += value
        return activity

    def quarter_metrics(self, quarter: str) -> dict[str, float | None]:
        """The quarter's ``commits``, ``churn``, ``churn.*`` and ``deletion_ratio``: counts 0 for a quiet quarter,
        its ratios None (no value: nothing was changed, so there is no share to give)."""
        added = float(self.added.get(quarter, 0))
        deleted = float(self.deleted.get(quarter, 0))
        churn = added + deleted
        config = float(self.config.get(quarter, 0))
        return {
            "commits": float(self.commits.get(quarter, 0)),
            "churn": churn,
            "churn.added": added,
            "churn.deleted": deleted,
            "churn.config": config,
            "churn.config_share": ratio(config, churn),
            "deletion_ratio": ratio(deleted, added),
        }

    def latest_metrics(self, last_quarter: str) -> dict[str, float | None]:
        """Last quarter's activity under the latest metrics' names, components included."""
        last = self.quarter_metrics(last_quarter)
        return {
            "commits.last_quarter": last["commits"],
            "churn.last_quarter": last["churn"],
            "churn.config_share": last["churn.config_share"],
            "deletion_ratio.last_quarter": last["deletion_ratio"],
            "churn.added_last_quarter": last["churn.added"],
            "churn.deleted_last_quarter": last["churn.deleted"],
            "churn.config_last_quarter": last["churn.config"],
        }

    def summary(self) -> dict[str, Any]:
        """The scan summary's ``churn``: totals over the whole history, and per kind with text changes."""
        totals = self.by_kind.values()
        return {
            "added": sum(counts[ADDED] for counts in totals),
            "deleted": sum(counts[DELETED] for counts in totals),
            "binary_changes": sum(counts[BINARY_CHANGES] for counts in totals),
            "by_kind": {
                kind: {"added": counts[ADDED], "deleted": counts[DELETED]}
                for kind, counts in sorted(self.by_kind.items())
                if counts[TEXT_CHANGES]
            },
        }
