"""A team's git evidence from the store: its latest metrics and its metrics per quarter, over its repositories."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from scorecard.evidence.team import latest_team_metrics, quarter_team_metrics
from scorecard.store import Store


@dataclass(frozen=True)
class TeamMetrics:
    """A team's metrics from the latest scan of each of its repositories."""

    team: str
    scanned_at: str
    """The oldest of the latest scans: the evidence is at least this fresh."""
    repos: list[str]
    latest: dict[str, float]
    """Citable metric -> value (see :mod:`scorecard.metric_contract`)."""
    by_quarter: dict[str, dict[str, float]] = field(default_factory=dict)
    """Quarter -> quarter metric -> value."""


def _seconds(moment: str | None) -> int | None:
    return None if moment is None else int(datetime.fromisoformat(moment).timestamp())


def team_metrics(store: Store, team: str, per_quarter: bool = False) -> TeamMetrics | None:
    """The team's latest metrics (and, with ``per_quarter``, its quarter metrics); None if never scanned."""
    repos = store.latest_repo_metrics(team)
    if not repos:
        return None
    lives = store.flag_lives(team)
    latest = latest_team_metrics(
        [repo.metrics for repo in repos],
        [age for _introduced, removed, age in lives if removed is None and age is not None],
        store.author_churn(team),
        store.code_lines_by_suffix(team),
    )
    scanned_at = min(repo.scanned_at for repo in repos)
    by_quarter: dict[str, dict[str, float]] = {}
    if per_quarter:
        by_repo: dict[str, dict[str, dict[str, float | None]]] = {}
        for repo, quarter, metric, value in store.quarter_metric_rows(team):
            by_repo.setdefault(repo, {}).setdefault(quarter, {})[metric] = value
        flag_times = [(int(_seconds(introduced) or 0), _seconds(removed)) for introduced, removed, _ in lives]
        by_quarter = quarter_team_metrics(list(by_repo.values()), flag_times, datetime.fromisoformat(scanned_at))
    return TeamMetrics(team, scanned_at, [repo.repo for repo in repos], latest, by_quarter)


def latest_metrics(store: Store, team: str) -> tuple[dict[str, float], str | None]:
    """The team's latest metrics and when they were scanned ({} and None before any scan)."""
    found = team_metrics(store, team)
    return (dict(found.latest), found.scanned_at) if found else ({}, None)
