"""A team's metrics from its repositories', by the roll-up the metric contract gives each metric.

Pure: values and rows in, numbers out. A sum adds the repositories' values; a ratio divides the sums of its two
parts (a mean of ratios is not a ratio); the ``computed`` metrics come from the team's rows (the ages of every
alive flag, every author's churn, code lines per suffix), since no sum of per-repository values gives them.

A team's flags are its repositories' flags (:mod:`scorecard.evidence.flags`: one per kind and name in a
repository, however many files hold it); the same name in two repositories is two flags, as the sums of the
``flags.*`` counts say. The stored rows are occurrences; :func:`team_flags` deduplicates them per repository,
each as of its latest scan. Rows of a scan by an older scorecard have no kind (their pattern stands in) and no
last change (such flags count in every median but the one of days since change).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np
import pandas as pd

from scorecard.evidence.filekinds import language_of
from scorecard.evidence.flags import alive_spans, deduplicated
from scorecard.metric_contract import LATEST_METRICS, QUARTER_METRICS, Metric
from scorecard.quarters import quarter_end

LANGUAGE_MIN_SHARE = 0.05
SECONDS_PER_DAY = 86_400

Values = Mapping[str, float | None]


def roll_up(per_repo: Sequence[Values], metrics: Iterable[Metric], computed: Values) -> dict[str, float]:
    """Each metric's team value from ``per_repo`` (one mapping per repository) by its contract roll-up.

    ``computed`` holds the values of the ``computed`` metrics. A metric no repository has is left out; so is a
    ratio whose denominator sums to 0. A ratio whose parts were never stored (a scan by an older scorecard)
    falls back to the one repository's own ratio when the team has one repository.
    """
    team: dict[str, float] = {}
    for metric in metrics:
        value = _team_value(metric, per_repo, computed)
        if value is not None:
            team[metric.name] = value
    return team


def _team_value(metric: Metric, per_repo: Sequence[Values], computed: Values) -> float | None:
    rollup = metric.rollup
    if rollup.kind == "computed":
        return computed.get(metric.name)
    if rollup.kind == "ratio":
        denominator = _sum(per_repo, rollup.denominator)
        numerator = _sum(per_repo, rollup.numerator)
        if denominator is not None and numerator is not None:
            return numerator / denominator if denominator else None
        own = [values.get(metric.name) for values in per_repo]
        return own[0] if len(own) == 1 else None
    return _sum(per_repo, metric.name)


def _sum(per_repo: Sequence[Values], name: str) -> float | None:
    present = [values[name] for values in per_repo if values.get(name) is not None]
    return float(sum(present)) if present else None  # type: ignore[arg-type]


FLAG_ROW_COLUMNS = (
    "repo",
    "scanned_at",
    "pattern",
    "kind",
    "name",
    "path",
    "introduced_at",
    "removed_at",
    "last_changed_at",
)
"""The columns of a stored flag occurrence as :func:`team_flags` reads it; times in Unix seconds (None:
alive, or not known), ``scanned_at`` that of the repository's latest scan."""
_TEAM_KEY = ("repo", "kind", "name")


@dataclass(frozen=True)
class TeamFlags:
    """A team's flags (``repo``, ``kind``, ``name``, ages as of each repository's scan) and when each was alive
    (``flag``: a row of ``flags``, ``start``, ``end``)."""

    flags: pd.DataFrame
    spans: pd.DataFrame

    def alive(self) -> pd.DataFrame:
        return self.flags[self.flags["alive"].astype(bool)]


def team_flags(rows: Iterable[Sequence[Any]]) -> TeamFlags:
    """The team's flags from its stored occurrences (rows of :data:`FLAG_ROW_COLUMNS`)."""
    found = pd.DataFrame(list(rows), columns=list(FLAG_ROW_COLUMNS))
    found["kind"] = found["kind"].where(found["kind"].notna(), found["pattern"])
    for column in ("introduced_at", "removed_at", "last_changed_at", "scanned_at"):
        found[column] = pd.to_numeric(found[column]).astype("float64")
    found["alive"] = found["removed_at"].isna()
    flags = deduplicated(found, 0.0, 0, _TEAM_KEY).reset_index(drop=True)
    if len(flags):
        scanned = found.groupby("repo")["scanned_at"].max().reindex(flags["repo"]).to_numpy(dtype="float64")
        alive = flags["alive"].astype(bool)
        flags["age_days"] = ((scanned - flags["introduced_at"]) / SECONDS_PER_DAY).where(alive)
        flags["days_since_change"] = ((scanned - flags["last_changed_at"]) / SECONDS_PER_DAY).where(alive)
    return TeamFlags(flags, alive_spans(found, flags, _TEAM_KEY))


def _median(values: Iterable[float]) -> float | None:
    known = [float(value) for value in values if value == value]  # NaN: not known
    return float(np.median(known)) if known else None


def latest_team_metrics(
    per_repo: Sequence[Values],
    flags: TeamFlags,
    author_churn: Mapping[str, float],
    code_lines_by_suffix: Mapping[str, float],
) -> dict[str, float]:
    """The citable latest metrics of a team (components left out: they are parts, not evidence)."""
    if not per_repo:
        return {}
    alive = flags.alive()
    computed = {
        "flags.median_age_days": _median(alive["age_days"]),
        "flags.median_days_since_change": _median(alive["days_since_change"]),
        "ownership.bus_factor": bus_factor(author_churn.values()),
        "languages.count": languages_count(code_lines_by_suffix),
    }
    return roll_up(per_repo, (m for m in LATEST_METRICS if not m.component), computed)


def quarter_team_metrics(
    per_repo_quarters: Sequence[Mapping[str, Values]], flags: TeamFlags, now: datetime
) -> dict[str, dict[str, float]]:
    """Quarter -> the team's quarter metrics, from each repository's quarter -> metric -> value.

    The median age of the team's flags alive at each quarter's end (the scan time for the quarter not yet
    over) is computed from ``flags``, as one repository's own scan does.
    """
    quarters = sorted({quarter for repo in per_repo_quarters for quarter in repo})
    spans = flags.spans
    introduced = flags.flags["introduced_at"].to_numpy(dtype="float64")[spans["flag"].to_numpy(dtype=np.int64)]
    start, stop = spans["start"].to_numpy(dtype="float64"), spans["end"].to_numpy(dtype="float64")
    result: dict[str, dict[str, float]] = {}
    for quarter in quarters:
        end = min(quarter_end(quarter).timestamp(), now.timestamp() + 1)
        alive = (start < end) & (stop >= end)
        ages = (end - introduced[alive]) / SECONDS_PER_DAY
        computed = {"flags.median_age_days": float(np.median(ages)) if len(ages) else None}
        per_repo = [repo.get(quarter, {}) for repo in per_repo_quarters]
        result[quarter] = roll_up([values for values in per_repo if values], QUARTER_METRICS, computed)
    return result


def bus_factor(churn_per_author: Iterable[float]) -> float:
    """The fewest authors who together made half of all churn (0 with no churn at all)."""
    churns = sorted((float(c) for c in churn_per_author), reverse=True)
    total = sum(churns)
    if not total:
        return 0.0
    return float(np.searchsorted(np.cumsum(churns), total / 2, side="left") + 1)


def languages_count(code_lines_by_suffix: Mapping[str, float]) -> float:
    """Languages with at least 5% of the code lines."""
    by_language: dict[str, float] = {}
    for suffix, lines in code_lines_by_suffix.items():
        language = language_of(f"x{suffix}")
        if language:
            by_language[language] = by_language.get(language, 0.0) + float(lines)
    total = sum(by_language.values())
    return float(sum(1 for lines in by_language.values() if total and lines / total >= LANGUAGE_MIN_SHARE))
