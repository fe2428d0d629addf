"""Debt comments: TODO, FIXME, XXX and HACK comment lines in code, added, removed and alive.

Definition: a *debt comment* is a line of a file with a code suffix for which
:func:`scorecard.evidence.findings.is_debt_comment` holds (a comment marker, then one of the words in any case).
They are counted along HEAD's first-parent chain: a line is *added* by the commit whose version of the file
first holds it and *removed* by the one whose version no longer does, so added minus removed is alive.

Why it matters: each is debt someone wrote down and meant to pay; their count and trend say whether it is.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from scorecard.evidence.frames import quarters_of
from scorecard.evidence.patterns import ScanSettings
from scorecard.evidence.replay import ReplayState


@dataclass
class DebtComments:
    """The debt-comment changes on the chain (after path exclusions), and the comments alive at HEAD."""

    changes: pd.DataFrame  # committed_at, path, added, removed, quarter
    alive: int
    added_per_quarter: pd.Series
    removed_per_quarter: pd.Series
    _times: np.ndarray  # change times, sorted...
    _alive_after: np.ndarray  # ...and the comments alive after each

    @classmethod
    def from_replay(cls, replay: ReplayState, settings: ScanSettings) -> DebtComments:
        excluded = settings.path_excluded()
        changes = pd.DataFrame(
            [(d.committed_at, d.path, d.added, d.removed) for d in replay.debt_changes],
            columns=["committed_at", "path", "added", "removed"],
        ).astype({"committed_at": "int64", "added": "int64", "removed": "int64"})
        if settings.exclude_paths and len(changes):
            changes = changes[~changes["path"].map(excluded)]
        changes = changes.assign(quarter=quarters_of(changes["committed_at"]))
        alive = sum(count for path, count in replay.debt_alive().items() if not excluded(path))
        times = changes["committed_at"].to_numpy()
        order = np.argsort(times, kind="stable")
        net = (changes["added"] - changes["removed"]).to_numpy()
        return cls(
            changes=changes,
            alive=alive,
            added_per_quarter=changes.groupby("quarter")["added"].sum(),
            removed_per_quarter=changes.groupby("quarter")["removed"].sum(),
            _times=times[order],
            _alive_after=np.cumsum(net[order]),
        )

    def alive_before(self, moment: int) -> int:
        """Debt comments alive just before ``moment`` (Unix seconds)."""
        position = int(np.searchsorted(self._times, moment, side="left"))
        return int(self._alive_after[position - 1]) if position else 0

    def quarter_metrics(self, quarter: str, end: int) -> dict[str, float | None]:
        """``debt_comments.*`` of a quarter: alive at its end, added and removed in it."""
        return {
            "debt_comments.alive": float(self.alive_before(end)),
            "debt_comments.added": float(self.added_per_quarter.get(quarter, 0)),
            "debt_comments.removed": float(self.removed_per_quarter.get(quarter, 0)),
        }

    def latest_metrics(self, last_quarter: str) -> dict[str, float | None]:
        return {
            "debt_comments.alive": float(self.alive),
            "debt_comments.added_last_quarter": float(self.added_per_quarter.get(last_quarter, 0)),
        }

    def summary(self) -> dict[str, Any]:
        """The scan summary's ``debt_comments``: alive at HEAD, added and removed over the whole chain."""
        return {
            "alive": int(self.alive),
            "added": int(self.changes["added"].sum()),
            "removed": int(self.changes["removed"].sum()),
        }
