"""A team's git evidence from the store: its latest metrics and its metrics per quarter, over its repositories.

Which repositories (``system``): the team level (None, the default) reads ALL the team's repositories, tied to a
system or not, as before systems existed; a system reads only the repositories tied to it (``scan --system``). A
system with no repository tied to it has no evidence (None here, "no scan" wherever it is shown): another
system's code says nothing about it, so nothing is borrowed from the team.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from scorecard.evidence.examples import team_examples
from scorecard.evidence.team import latest_team_metrics, quarter_team_metrics, team_flags
from scorecard.quarters import previous_quarter, quarter_of
from scorecard.store import Store
from scorecard.survey.contradictions import Evidence


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
    examples: dict[str, list[str]] = field(default_factory=dict)
    """Metric -> the files or flags behind its value (what a contradiction lists for the team to check)."""

    def evidence(self) -> Evidence:
        """The metrics as evidence rules read them; the last complete quarter is the one before the scan's."""
        last = previous_quarter(quarter_of(datetime.fromisoformat(self.scanned_at)))
        return Evidence(self.latest, self.by_quarter, last, self.examples)


def _seconds(moment: str | None) -> int | None:
    return None if moment is None else int(datetime.fromisoformat(moment).timestamp())


def team_metrics(store: Store, team: str, per_quarter: bool = False, system: str | None = None) -> TeamMetrics | None:
    """The team's latest metrics (and, with ``per_quarter``, its quarter metrics); None if never scanned.
    ``system``: of the repositories tied to that system only (see the module's rule)."""
    repos = store.latest_repo_metrics(team, system)
    if not repos:
        return None
    flags = team_flags(
        (repo, _seconds(scanned), pattern, kind, name, path, *map(_seconds, times))
        for repo, scanned, pattern, kind, name, path, *times in store.flag_occurrences(team, system)
    )
    latest = latest_team_metrics(
        [repo.metrics for repo in repos],
        flags,
        store.author_churn(team, system),
        store.code_lines_by_suffix(team, system),
    )
    scanned_at = min(repo.scanned_at for repo in repos)
    by_quarter: dict[str, dict[str, float]] = {}
    if per_quarter:
        by_repo: dict[str, dict[str, dict[str, float | None]]] = {}
        for repo, quarter, metric, value in store.quarter_metric_rows(team, system):
            by_repo.setdefault(repo, {}).setdefault(quarter, {})[metric] = value
        by_quarter = quarter_team_metrics(list(by_repo.values()), flags, datetime.fromisoformat(scanned_at))
    examples = team_examples(store.latest_examples(team, system), len(repos))
    return TeamMetrics(team, scanned_at, [repo.repo for repo in repos], latest, by_quarter, examples)


def latest_metrics(store: Store, team: str) -> tuple[dict[str, float], str | None]:
    """The team's latest metrics and when they were scanned ({} and None before any scan)."""
    found = team_metrics(store, team)
    return (dict(found.latest), found.scanned_at) if found else ({}, None)


def team_evidence(store: Store, team: str, system: str | None = None) -> Evidence | None:
    """The team's evidence as rules read it (latest metrics, metrics per quarter, examples); None if never scanned.
    ``system``: the evidence of that system's repositories only."""
    found = team_metrics(store, team, per_quarter=True, system=system)
    return found.evidence() if found else None


def evidence_and_scan_time(store: Store, team: str, system: str | None = None) -> tuple[Evidence, str | None]:
    """The team's evidence and when it was scanned (empty evidence and None before any scan): what a survey in
    the terminal shows beside each question. ``system``: of that system's repositories only."""
    found = team_metrics(store, team, per_quarter=True, system=system)
    return (found.evidence(), found.scanned_at) if found else (Evidence({}), None)
