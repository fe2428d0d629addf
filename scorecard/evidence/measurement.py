"""Measuring one repository: every metric of the contract, per quarter and latest, from its checkpoint.

Pure: a checkpoint in, numbers out, no git and no I/O. Each analysis has its module (churn, lines,
coupling, ownership, flags, debt comments); this one puts their values together under the names of
:mod:`scorecard.metric_contract`, in its order, with the scan summary's parts.

- *Activity* (commits, churn, coupling, ownership) counts non-merge commits, minus opt-in exclusions
  (paths, authors, commits).
- *State* (lines, flags, debt comments) follows HEAD's first-parent chain. Only path exclusions apply to
  state: an excluded author's lines still exist.
- "Last quarter" is the last complete calendar quarter (UTC) before the scan time.
- A commit dated where no quarter is (before 1970, after 2999, or a date git cannot read) keeps its lines
  and churn and counts in the quarter of the scan that first read it, with a warning: its date is no
  evidence of when the work happened, and the scan's quarter is where a reader looks for what is new.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import pandas as pd

from scorecard.evidence import coupling, examples, lines, ownership
from scorecard.evidence.checkpoint import Checkpoint
from scorecard.evidence.churn import Activity
from scorecard.evidence.debt_comments import DebtComments
from scorecard.evidence.flags import FlagHistory, flags_frame, flags_summary
from scorecard.evidence.history import END_OF_POSSIBLE_TIME, FIRST_POSSIBLE_TIME
from scorecard.evidence.ml_metrics import HeadInventory, ml_examples, ml_latest_metrics, notebook_quarter_metrics
from scorecard.evidence.patterns import ScanSettings
from scorecard.metric_contract import LATEST_METRICS, QUARTER_METRICS, Metric
from scorecard.quarters import current_quarter, previous_quarter, quarter_end, quarter_of, quarter_range

Values = dict[str, float | None]


@dataclass
class RepoMeasurement:
    """One repository's measurement: metric values, per-quarter snapshots and the JSON summary parts."""

    metrics: Values  # the latest metrics banks cite
    components: Values  # the latest metrics stored for team roll-ups only
    quarters: list[dict[str, Any]]
    quarter_metrics: dict[str, Values]
    lines: pd.DataFrame  # kind, ext, files, binary_files, lines at HEAD
    flags: pd.DataFrame  # the flags' occurrences, see scorecard.evidence.flags.flags_frame
    summary: dict[str, Any] = field(default_factory=dict)
    examples: dict[str, list[str]] = field(default_factory=dict)  # latest metric -> what is behind its value


@dataclass
class _Analyses:
    """What each analysis derives from the checkpoint once, before the metrics are read per quarter."""

    settings: ScanSettings
    activity: Activity
    head_lines: pd.DataFrame
    line_events: pd.DataFrame
    flags: FlagHistory
    debt: DebtComments
    pairs: pd.DataFrame
    owners: pd.DataFrame
    bus_factor: int
    language_shares: pd.Series
    files: pd.DataFrame  # every file at HEAD after path exclusions, see lines.files_at_head
    inventory: HeadInventory
    notebook_changes: dict[str, dict[int, int]]  # quarter -> notebook (path code) -> commits

    @classmethod
    def of(cls, checkpoint: Checkpoint, settings: ScanSettings, now: datetime) -> _Analyses:
        state = checkpoint.line_state
        excluded = settings.path_excluded()
        if settings.exclude_paths and checkpoint.line_events_seen:
            state = {path: value for path, value in state.items() if not excluded(path)}
        owned = (checkpoint.owner_path, checkpoint.owner_author, checkpoint.owner_churn)
        flags = FlagHistory(flags_frame(checkpoint.replay.flags, settings, now), now, settings.stale_days)
        files = lines.files_at_head(state, settings.kind_rules)
        head_lines = lines.lines_at_head(files)
        return cls(
            settings=settings,
            activity=Activity.from_tallies(checkpoint.commits_by_quarter, checkpoint.churn),
            head_lines=head_lines,
            line_events=checkpoint.events(),
            flags=flags,
            debt=DebtComments.from_replay(checkpoint.replay, settings),
            pairs=coupling.coupling_pairs(checkpoint.touched_commit, checkpoint.touched_path, checkpoint.paths),
            owners=ownership.file_owners(*owned, checkpoint.path_codes(state.keys())),
            bus_factor=ownership.bus_factor(*owned),
            language_shares=lines.language_shares(head_lines),
            files=files,
            inventory=HeadInventory(files, checkpoint.head_files, excluded),
            notebook_changes=checkpoint.notebook_changes,
        )


def measure_repository(checkpoint: Checkpoint, settings: ScanSettings, now: datetime) -> RepoMeasurement:
    """Every metric of the contract for one repository, as of ``now`` (the scan time), from the checkpoint
    of its whole history (flags and debt comments replayed into ``checkpoint.replay``)."""
    analyses = _Analyses.of(checkpoint, settings, now)
    last_quarter = previous_quarter(current_quarter(now))
    quarter_metrics, snapshots = _per_quarter(analyses, checkpoint.first_time, now)
    latest = _in_contract_order(_latest_metrics(analyses, last_quarter), LATEST_METRICS)
    metrics = {metric.name: latest[metric.name] for metric in LATEST_METRICS if not metric.component}
    components = {metric.name: latest[metric.name] for metric in LATEST_METRICS if metric.component}
    summary = {
        **_summary(analyses, checkpoint, metrics),
        "quarters": snapshots,
        "last_quarter": last_quarter,
    }
    return RepoMeasurement(
        metrics=metrics,
        components=components,
        quarters=snapshots,
        quarter_metrics=quarter_metrics,
        lines=analyses.head_lines,
        flags=analyses.flags.occurrences,
        summary=summary,
        examples=_examples(analyses, checkpoint, last_quarter),
    )


def _in_contract_order(values: Mapping[str, float | None], contract: Sequence[Metric]) -> Values:
    """``values``, in the contract's order; they must be named exactly as the contract names its metrics."""
    names = [metric.name for metric in contract]
    if set(values) != set(names):
        unknown, missing = sorted(set(values) - set(names)), sorted(set(names) - set(values))
        raise ValueError(f"metric names differ from the contract: unknown {unknown}, missing {missing}")
    return {name: values[name] for name in names}


# ---------------------------------------------------------------------------------------------------------
# Per quarter


def _per_quarter(
    analyses: _Analyses, first_time: int | None, now: datetime
) -> tuple[dict[str, Values], list[dict[str, Any]]]:
    """Metrics and summary snapshots of every quarter, from the first commit's to the scan's."""
    start = int(first_time if first_time is not None else now.timestamp())
    start = min(max(start, FIRST_POSSIBLE_TIME), END_OF_POSSIBLE_TIME - 1)  # see HistoryReader: always so
    quarters = quarter_range(quarter_of(start), current_quarter(now))
    # A quarter's end, or just after the scan time for the current quarter.
    ends = [min(int(quarter_end(quarter).timestamp()), int(now.timestamp()) + 1) for quarter in quarters]
    events = analyses.line_events
    kinds_at = lines.lines_by_kind_at(events, ends) if len(events) else pd.DataFrame(index=range(len(quarters)))
    quarter_metrics: dict[str, Values] = {}
    snapshots: list[dict[str, Any]] = []
    for index, (quarter, end) in enumerate(zip(quarters, ends, strict=True)):
        kinds = {kind: int(n) for kind, n in kinds_at.iloc[index].items() if n} if len(kinds_at.columns) else {}
        values = _quarter_metrics(analyses, quarter, end, kinds)
        quarter_metrics[quarter] = values
        snapshots.append(_snapshot(quarter, values, kinds))
    return quarter_metrics, snapshots


def _quarter_metrics(analyses: _Analyses, quarter: str, end: int, kinds: dict[str, int]) -> Values:
    values = {
        **analyses.activity.quarter_metrics(quarter),
        **lines.line_metrics(kinds),
        **analyses.flags.quarter_metrics(quarter, end),
        **analyses.debt.quarter_metrics(quarter, end),
        **notebook_quarter_metrics(analyses.notebook_changes, quarter),
    }
    return _in_contract_order(values, QUARTER_METRICS)


def _snapshot(quarter: str, values: Values, kinds: dict[str, int]) -> dict[str, Any]:
    """A quarter as the scan summary lists it."""
    return {
        "quarter": quarter,
        "commits": int(values["commits"] or 0),
        "churn": {"added": int(values["churn.added"] or 0), "deleted": int(values["churn.deleted"] or 0)},
        "lines_by_kind": kinds,
        "config_to_code_ratio": values["config_to_code_ratio"],
        "flags_alive": int(values["flags.alive"] or 0),
        "debt_comments_alive": int(values["debt_comments.alive"] or 0),
    }


# ---------------------------------------------------------------------------------------------------------
# Latest: HEAD, the scan time, and the last complete quarter


def _latest_metrics(analyses: _Analyses, last_quarter: str) -> Values:
    return {
        **analyses.activity.latest_metrics(last_quarter),
        **lines.line_metrics(lines.text_lines_by_kind(analyses.head_lines)),
        "languages.count": lines.languages_count(analyses.language_shares),
        **analyses.flags.latest_metrics(last_quarter),
        **analyses.debt.latest_metrics(last_quarter),
        "coupling.strong_pairs": coupling.strong_pairs(analyses.pairs),
        **ownership.ownership_metrics(analyses.owners, analyses.bus_factor),
        **ml_latest_metrics(analyses.inventory, len(analyses.notebook_changes.get(last_quarter, {}))),
    }


def _examples(analyses: _Analyses, checkpoint: Checkpoint, last_quarter: str) -> dict[str, list[str]]:
    """What is behind each latest metric (see :mod:`scorecard.evidence.examples`)."""
    names = checkpoint.paths
    notebooks = {names[code]: count for code, count in analyses.notebook_changes.get(last_quarter, {}).items()}
    excluded = analyses.settings.path_excluded()
    debt_alive = {path: n for path, n in checkpoint.replay.debt_alive().items() if not excluded(path)}
    return examples.in_contract_order(
        examples.line_examples(analyses.files),
        analyses.flags.examples(last_quarter),
        examples.debt_examples(debt_alive, analyses.debt.changes, last_quarter),
        examples.coupling_examples(analyses.pairs),
        examples.ownership_examples(
            analyses.owners, names, checkpoint.authors, checkpoint.owner_author, checkpoint.owner_churn
        ),
        examples.language_examples(analyses.language_shares),
        ml_examples(analyses.inventory, notebooks),
    )


def _summary(analyses: _Analyses, checkpoint: Checkpoint, metrics: Values) -> dict[str, Any]:
    """The scan summary's analysis parts, in the order ``scorecard scan --json`` prints them."""
    return {
        "commits": sum(analyses.activity.commits.values()),
        "merges": checkpoint.merges,
        "churn": analyses.activity.summary(),
        "lines": lines.lines_summary(analyses.head_lines),
        "config_to_code_ratio": metrics["config_to_code_ratio"],
        "test_to_code_ratio": metrics["test_to_code_ratio"],
        "flags": flags_summary(analyses.flags, metrics),
        "debt_comments": analyses.debt.summary(),
        "coupling": coupling.coupling_summary(analyses.pairs),
        "ownership": ownership.ownership_summary(analyses.owners, analyses.bus_factor, checkpoint.owner_author),
        "languages": {language: round(float(share), 4) for language, share in analyses.language_shares.items()},
    }
