"""From mined records to evidence: pandas frames and the metric values of the git-evidence contract.

Pure: records in, frames and numbers out, no git and no I/O. The definitions (commits, churn, lines, ratios,
flags, debt comments, coupling, ownership, languages) are those of the git-evidence issue and the README.

- *Activity* (commits, churn, coupling, ownership) counts non-merge commits, minus opt-in exclusions
  (paths, authors, commits).
- *State* (lines, flags, debt comments) follows HEAD's first-parent chain, each commit's diff against its
  first parent, so lines at HEAD equal ``git diff --numstat <empty tree> HEAD`` (binary files excluded).
  Only path exclusions apply to state: an excluded author's lines still exist.
- "Last quarter" is the last complete calendar quarter (UTC) before the scan time.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd

from scorecard.filekinds import kind_of, language_of, suffix_of
from scorecard.patterns import EvidenceConfig, ReplayResult
from scorecard.quarters import current_quarter, previous_quarter, quarter_end, quarter_of, quarter_range

COMMIT_COLUMNS = ("sha", "first_parent", "parent_count", "committed_at", "author_name", "author_email")
CHANGE_COLUMNS = ("sha", "path", "old_path", "status", "added", "deleted", "blob", "blob_lines", "keyword_hit")

COUPLING_MIN_SHARED = 5
COUPLING_MAX_FILES = 30
COUPLING_STRONG = 0.5
LANGUAGE_MIN_SHARE = 0.05
TOP_PAIRS = 10
SECONDS_PER_DAY = 86_400

# Parts stored beside the metrics so that a team's values can be summed over its repositories.
COMPONENT_NAMES = (
    "churn.added_last_quarter",
    "churn.deleted_last_quarter",
    "churn.config_last_quarter",
    "ownership.files",
    "ownership.single_author_files",
)


def _ratio(numerator: float, denominator: float) -> float | None:
    return float(numerator) / float(denominator) if denominator else None


# ---------------------------------------------------------------------------------------------------------
# Frames


def _object_frame(rows: Iterable[Sequence[Any]], columns: Sequence[str]) -> pd.DataFrame:
    # Text stays in object columns: hashing (groupby, merge, isin) is as fast, and reading values back out
    # for the replays costs nothing, where pandas' string arrays box every element.
    data = list(rows)
    values = list(zip(*data, strict=True)) if data else [() for _ in columns]
    return pd.DataFrame({name: pd.Series(list(v), dtype=object) for name, v in zip(columns, values, strict=True)})


def commits_frame(rows: Iterable[Sequence[Any]]) -> pd.DataFrame:
    """Commits as a frame with :data:`COMMIT_COLUMNS` and a ``quarter`` column (committer time, UTC)."""
    frame = _object_frame(rows, COMMIT_COLUMNS)
    frame["committed_at"] = frame["committed_at"].astype("int64")
    frame["parent_count"] = frame["parent_count"].astype("int64")
    frame["quarter"] = _quarters(frame["committed_at"])
    return frame


def changes_frame(rows: Iterable[Sequence[Any]]) -> pd.DataFrame:
    """File changes with :data:`CHANGE_COLUMNS`; ``added``/``deleted`` are NaN for binary files."""
    frame = _object_frame(rows, CHANGE_COLUMNS)
    for column in ("added", "deleted", "blob_lines"):
        frame[column] = pd.to_numeric(frame[column], errors="coerce").astype("float64")
    # 1 or 0 from git -G; NaN when the -G pass did not read the commit (then it is evaluated, see scan).
    frame["keyword_hit"] = pd.to_numeric(frame["keyword_hit"], errors="coerce").astype("float64")
    return frame


def _quarters(seconds: pd.Series) -> pd.Series:
    moments = pd.to_datetime(seconds.astype("int64"), unit="s", utc=True)
    return (moments.dt.year.astype(str) + "Q" + moments.dt.quarter.astype(str)).astype(object)


def _kind_series(paths: pd.Series) -> pd.Series:
    unique = pd.unique(paths)
    return paths.map(dict(zip(unique, (kind_of(p) for p in unique), strict=True)))


def _suffix_series(paths: pd.Series) -> pd.Series:
    unique = pd.unique(paths)
    return paths.map(dict(zip(unique, (suffix_of(p) for p in unique), strict=True)))


@dataclass
class History:
    """A repository's records, ready for the metrics: all commits, all changes, and HEAD's chain."""

    commits: pd.DataFrame
    changes: pd.DataFrame
    chain: list[str]  # HEAD's first-parent chain, newest first

    def changes_updated(self) -> None:
        """Forget frames derived from ``changes`` (call after changing it in place)."""
        self.__dict__.pop("chain_changes", None)

    @cached_property
    def chain_changes(self) -> pd.DataFrame:
        """Changes of commits on the chain, oldest commit first (the order the state is replayed in)."""
        order = pd.Series(np.arange(len(self.chain) - 1, -1, -1), index=pd.Index(self.chain, name="sha"))
        on_chain = self.changes[self.changes["sha"].isin(order.index)].copy()
        on_chain["chain_position"] = on_chain["sha"].map(order).astype("int64")
        times = self.commits.set_index("sha")["committed_at"]
        on_chain["committed_at"] = on_chain["sha"].map(times).astype("int64")
        return on_chain.sort_values("chain_position", kind="stable")


def activity_commits(history: History, config: EvidenceConfig) -> pd.DataFrame:
    """Non-merge commits minus excluded commits and authors (path exclusions: see activity_changes)."""
    commits = history.commits[history.commits["parent_count"] <= 1]
    if config.exclude_commits:
        excluded = tuple(config.exclude_commits)
        commits = commits[~commits["sha"].map(lambda sha: sha.startswith(excluded))]
    if config.exclude_authors:
        pattern = re.compile("|".join(f"(?:{regex})" for regex in config.exclude_authors))
        identity = commits["author_name"] + " <" + commits["author_email"] + ">"
        commits = commits[~identity.map(lambda text: pattern.search(text) is not None)]
    return commits


def activity_changes(history: History, config: EvidenceConfig) -> pd.DataFrame:
    """File changes of non-merge commits after exclusions, with author, time, quarter, kind and churn."""
    commits = activity_commits(history, config)
    changes = history.changes.merge(
        commits[["sha", "author_name", "committed_at", "quarter"]], on="sha", how="inner", validate="many_to_one"
    )
    excluded_path = config.path_excluded()
    if config.exclude_paths:
        changes = changes[~changes["path"].map(excluded_path)]
    changes = changes.copy()
    changes["binary"] = changes["added"].isna()
    changes["churn"] = changes["added"].fillna(0) + changes["deleted"].fillna(0)
    changes["kind"] = _kind_series(changes["path"])
    return changes


# ---------------------------------------------------------------------------------------------------------
# Lines: the chain replayed, as (commit time, kind, suffix, +/- lines) events


def line_events(history: History, config: EvidenceConfig) -> tuple[pd.DataFrame, dict[str, tuple[int, bool]]]:
    """Changes in line totals along the chain, and the text/binary state of every file at HEAD.

    Returns a frame of events (``committed_at``, ``path``, ``lines``: signed) and ``{path: (lines, binary)}``
    at HEAD. A path's lines follow it through renames, across kinds too; a binary file counts no lines.
    """
    chain = history.chain_changes
    excluded = config.path_excluded()
    state: dict[str, tuple[int, bool]] = {}
    event_time: list[int] = []
    event_path: list[str] = []
    event_lines: list[int] = []
    columns = ["sha", "path", "old_path", "status", "added", "deleted", "blob_lines", "committed_at"]
    rows = zip(*(chain[name].to_numpy(dtype=object).tolist() for name in columns), strict=True)
    batch: list[tuple] = []

    def apply(batch: list[tuple]) -> None:
        olds = [state.pop(old_path if isinstance(old_path, str) else path, None) for _, path, old_path, *_ in batch]
        for (_sha, path, old_path, status, added, deleted, blob_lines, when), old in zip(batch, olds, strict=True):
            if old is not None and not old[1] and old[0]:
                event_time.append(when)
                event_path.append(old_path if isinstance(old_path, str) else path)
                event_lines.append(-old[0])
            if status == "D":
                continue
            if math.isnan(added):  # binary in git's eyes: the blob decides whether it is text now
                new = (int(blob_lines), False) if not math.isnan(blob_lines) else (0, True)
            else:
                base = old[0] if old is not None and not old[1] else 0
                new = (base + int(added) - int(deleted), False)
            state[path] = new
            if not new[1] and new[0]:
                event_time.append(when)
                event_path.append(path)
                event_lines.append(new[0])

    for row in rows:
        if batch and row[0] != batch[0][0]:
            apply(batch)
            batch = []
        batch.append(row)
    if batch:
        apply(batch)
    events = pd.DataFrame({"committed_at": event_time, "path": event_path, "lines": event_lines})
    events = events.astype({"committed_at": "int64", "lines": "int64"})
    if config.exclude_paths and len(events):
        events = events[~events["path"].map(excluded)]
        state = {path: value for path, value in state.items() if not excluded(path)}
    events = events.copy()
    events["kind"] = _kind_series(events["path"]) if len(events) else pd.Series(dtype=str)
    events["ext"] = _suffix_series(events["path"]) if len(events) else pd.Series(dtype=str)
    return events, state


def lines_at_head(state: dict[str, tuple[int, bool]]) -> pd.DataFrame:
    """Text lines and files at HEAD by kind and suffix (binary files listed with ``binary_files``)."""
    frame = pd.DataFrame(
        {
            "path": list(state),
            "lines": [lines for lines, _ in state.values()],
            "binary": [binary for _, binary in state.values()],
        }
    )
    if frame.empty:
        return pd.DataFrame(columns=["kind", "ext", "files", "binary_files", "lines"])
    frame["kind"] = _kind_series(frame["path"])
    frame["ext"] = _suffix_series(frame["path"])
    frame["text"] = ~frame["binary"]
    grouped = frame.groupby(["kind", "ext"], as_index=False).agg(
        files=("text", "sum"), binary_files=("binary", "sum"), lines=("lines", "sum")
    )
    return grouped.astype({"files": "int64", "binary_files": "int64", "lines": "int64"})


def lines_by_kind_at(events: pd.DataFrame, moments: Sequence[int]) -> pd.DataFrame:
    """Lines per kind just before each moment (Unix seconds): rows = moments, columns = kinds."""
    totals = events.groupby(["committed_at", "kind"])["lines"].sum().unstack(fill_value=0).sort_index().cumsum()
    positions = np.searchsorted(totals.index.to_numpy(), np.asarray(moments, dtype="int64"), side="left") - 1
    result = pd.DataFrame(0, index=range(len(moments)), columns=totals.columns, dtype="int64")
    has = positions >= 0
    if has.any():
        result.loc[has, :] = totals.to_numpy()[positions[has]]
    return result


# ---------------------------------------------------------------------------------------------------------
# Coupling and ownership


def coupling_pairs(changes: pd.DataFrame) -> pd.DataFrame:
    """File pairs changed together in >= 5 commits, with ``degree`` = shared / mean(commits of each)."""
    columns = ["file_a", "file_b", "shared", "commits_a", "commits_b", "degree"]
    touched = changes[["sha", "path"]].drop_duplicates()
    size = touched.groupby("sha")["path"].transform("size")
    touched = touched[size <= COUPLING_MAX_FILES]
    per_file = touched.groupby("path")["sha"].size()
    # A file in fewer than 5 commits cannot share 5 with another: drop it before the self-join.
    candidates = touched[touched["path"].map(per_file) >= COUPLING_MIN_SHARED]
    pairs = candidates.merge(candidates, on="sha", suffixes=("_a", "_b"))
    pairs = pairs[pairs["path_a"] < pairs["path_b"]]
    if pairs.empty:
        return pd.DataFrame(columns=columns)
    shared = pairs.groupby(["path_a", "path_b"], as_index=False).size().rename(columns={"size": "shared"})
    shared = shared[shared["shared"] >= COUPLING_MIN_SHARED]
    shared = shared.rename(columns={"path_a": "file_a", "path_b": "file_b"})
    shared["commits_a"] = shared["file_a"].map(per_file).astype("int64")
    shared["commits_b"] = shared["file_b"].map(per_file).astype("int64")
    shared["degree"] = shared["shared"] / ((shared["commits_a"] + shared["commits_b"]) / 2)
    return shared.sort_values(["degree", "shared", "file_a", "file_b"], ascending=[False, False, True, True])[
        columns
    ].reset_index(drop=True)


def ownership(changes: pd.DataFrame, files_at_head: Iterable[str]) -> tuple[pd.DataFrame, int]:
    """Per file at HEAD: authors, top author's share of its churn, single-author; and the bus factor.

    The bus factor is the fewest authors who together made half of all churn (all files, all history).
    """
    present = changes[changes["path"].isin(set(files_at_head))]
    per_author = present.groupby(["path", "author_name"], as_index=False)["churn"].sum()
    files = per_author.groupby("path").agg(
        authors=("author_name", "nunique"), churn=("churn", "sum"), top_churn=("churn", "max")
    )
    files["top_author_share"] = (files["top_churn"] / files["churn"]).where(files["churn"] > 0)
    files["single_author"] = files["authors"] == 1
    totals = changes.groupby("author_name")["churn"].sum().sort_values(ascending=False)
    total = float(totals.sum())
    bus_factor = int(np.searchsorted(totals.cumsum().to_numpy(), total / 2, side="left") + 1) if total else 0
    return files.drop(columns="top_churn").reset_index(), bus_factor


# ---------------------------------------------------------------------------------------------------------
# Everything for one repository


@dataclass
class Evidence:
    """The evidence of one scan: metric values, per-quarter snapshots and the JSON summary parts."""

    metrics: dict[str, float | None]
    components: dict[str, float]
    quarters: list[dict[str, Any]]
    quarter_metrics: dict[str, dict[str, float | None]]
    lines: pd.DataFrame  # kind, ext, files, binary_files, lines at HEAD
    flags: pd.DataFrame  # pattern, name, path, introduced_commit, introduced_at, removed_*, alive, age_days
    summary: dict[str, Any] = field(default_factory=dict)


def _iso(seconds: float | None) -> str | None:
    if seconds is None or (isinstance(seconds, float) and math.isnan(seconds)):
        return None
    return datetime.fromtimestamp(int(seconds), tz=UTC).isoformat(timespec="seconds")


def flags_frame(replayed: ReplayResult, config: EvidenceConfig, now: datetime) -> pd.DataFrame:
    """Every flag that lived on the chain, with ``alive``, ``age_days`` (alive ones) and ``stale``."""
    frame = pd.DataFrame(
        [
            (f.pattern, f.name, f.path, f.introduced_commit, f.introduced_at, f.removed_commit, f.removed_at)
            for f in replayed.flags
        ],
        columns=["pattern", "name", "path", "introduced_commit", "introduced_at", "removed_commit", "removed_at"],
    )
    if config.exclude_paths and len(frame):
        frame = frame[~frame["path"].map(config.path_excluded())]
    frame = frame.copy()
    frame["introduced_at"] = frame["introduced_at"].astype("int64")
    frame["removed_at"] = pd.to_numeric(frame["removed_at"]).astype("float64")
    frame["alive"] = frame["removed_commit"].isna()
    frame["age_days"] = ((now.timestamp() - frame["introduced_at"]) / SECONDS_PER_DAY).where(frame["alive"])
    frame["stale"] = frame["alive"] & (frame["age_days"] > config.stale_days)
    return frame.sort_values(["pattern", "name", "path", "introduced_at"]).reset_index(drop=True)


@dataclass
class Precomputed:
    """The parts of the evidence that need no blob contents (a scan computes them while git still runs)."""

    activity: pd.DataFrame
    events: pd.DataFrame
    state: dict[str, tuple[int, bool]]
    pairs: pd.DataFrame
    owners: pd.DataFrame
    bus_factor: int


def precompute(history: History, config: EvidenceConfig) -> Precomputed:
    """Churn, lines, coupling and ownership frames for :func:`compute_evidence`."""
    activity = activity_changes(history, config)
    events, state = line_events(history, config)
    owners, bus_factor = ownership(activity, state.keys())
    return Precomputed(activity, events, state, coupling_pairs(activity), owners, bus_factor)


def compute_evidence(
    history: History,
    replayed: ReplayResult,
    config: EvidenceConfig,
    now: datetime,
    precomputed: Precomputed | None = None,
) -> Evidence:
    """Every metric of the contract for one repository, as of ``now`` (the scan time)."""
    parts = precomputed or precompute(history, config)
    activity, events, state = parts.activity, parts.events, parts.state
    pairs, owners, bus_factor = parts.pairs, parts.owners, parts.bus_factor
    head_lines = lines_at_head(state)
    flags = flags_frame(replayed, config, now)
    excluded = config.path_excluded()
    debt_changes = pd.DataFrame(
        [(d.committed_at, d.path, d.added, d.removed) for d in replayed.debt_changes],
        columns=["committed_at", "path", "added", "removed"],
    ).astype({"committed_at": "int64", "added": "int64", "removed": "int64"})
    if config.exclude_paths and len(debt_changes):
        debt_changes = debt_changes[~debt_changes["path"].map(excluded)]
    debt_changes = debt_changes.assign(quarter=_quarters(debt_changes["committed_at"]))
    debt_alive = sum(count for path, count in replayed.debt_alive.items() if not excluded(path))

    last_quarter = previous_quarter(current_quarter(now))
    text = activity[~activity["binary"]]
    by_kind = head_lines[head_lines["files"] > 0].groupby("kind")["lines"].sum()
    lines = {kind: int(by_kind.get(kind, 0)) for kind in ("code", "config", "test")}

    # Per-quarter snapshots, from the first commit's quarter to the scan's.
    first_time = int(history.commits["committed_at"].min())
    quarters = quarter_range(quarter_of(first_time), current_quarter(now))
    ends = [min(int(quarter_end(q).timestamp()), int(now.timestamp()) + 1) for q in quarters]
    kinds_at = lines_by_kind_at(events, ends) if len(events) else pd.DataFrame(index=range(len(quarters)))
    activity_by_quarter = text.groupby("quarter").agg(added=("added", "sum"), deleted=("deleted", "sum"))
    config_churn = text[text["kind"] == "config"].groupby("quarter")["churn"].sum()
    counted = activity_commits(history, config)
    if config.exclude_paths:
        # A commit that only touched excluded paths is not counted (one without any change still is).
        with_changes = set(history.changes["sha"])
        counted = counted[counted["sha"].isin(set(activity["sha"])) | ~counted["sha"].isin(with_changes)]
    commits_by_quarter = counted.groupby("quarter").size()
    debt_added = debt_changes.groupby("quarter")["added"].sum()
    debt_removed = debt_changes.groupby("quarter")["removed"].sum()
    debt_net_times = debt_changes["committed_at"].to_numpy()
    debt_net = (debt_changes["added"] - debt_changes["removed"]).to_numpy()
    order = np.argsort(debt_net_times, kind="stable")
    debt_cum = np.cumsum(debt_net[order])
    debt_sorted_times = debt_net_times[order]
    flag_removed_q = _quarters(flags["removed_at"].dropna().astype("int64")).value_counts()

    snapshots: list[dict[str, Any]] = []
    quarter_metrics: dict[str, dict[str, float | None]] = {}
    for index, (quarter, end) in enumerate(zip(quarters, ends, strict=True)):
        kinds = {k: int(v) for k, v in kinds_at.iloc[index].items() if v} if len(kinds_at.columns) else {}
        alive_mask = (flags["introduced_at"] < end) & (flags["removed_at"].isna() | (flags["removed_at"] >= end))
        ages = (end - flags.loc[alive_mask, "introduced_at"]) / SECONDS_PER_DAY
        position = int(np.searchsorted(debt_sorted_times, end, side="left"))
        debt_alive_then = int(debt_cum[position - 1]) if position else 0
        added = float(activity_by_quarter["added"].get(quarter, 0.0))
        deleted = float(activity_by_quarter["deleted"].get(quarter, 0.0))
        churn = added + deleted
        ratio = _ratio(kinds.get("config", 0), kinds.get("code", 0))
        snapshots.append(
            {
                "quarter": quarter,
                "commits": int(commits_by_quarter.get(quarter, 0)),
                "churn": {"added": int(added), "deleted": int(deleted)},
                "lines_by_kind": kinds,
                "config_to_code_ratio": ratio,
                "flags_alive": int(alive_mask.sum()),
                "debt_comments_alive": debt_alive_then,
            }
        )
        quarter_metrics[quarter] = {
            "commits": float(commits_by_quarter.get(quarter, 0)),
            "churn": churn,
            "churn.config_share": _ratio(float(config_churn.get(quarter, 0.0)), churn),
            "lines.code": float(kinds.get("code", 0)),
            "lines.config": float(kinds.get("config", 0)),
            "lines.test": float(kinds.get("test", 0)),
            "config_to_code_ratio": ratio,
            "test_to_code_ratio": _ratio(kinds.get("test", 0), kinds.get("code", 0)),
            "flags.alive": float(alive_mask.sum()),
            "flags.stale": float((ages > config.stale_days).sum()),
            "flags.median_age_days": float(ages.median()) if len(ages) else None,
            "flags.removed": float(flag_removed_q.get(quarter, 0)),
            "debt_comments.alive": float(debt_alive_then),
            "debt_comments.added": float(debt_added.get(quarter, 0)),
            "debt_comments.removed": float(debt_removed.get(quarter, 0)),
            "deletion_ratio": _ratio(deleted, added),
        }

    last = quarter_metrics.get(last_quarter, {})
    code_files = head_lines[head_lines["kind"] == "code"].copy()
    code_files["language"] = code_files["ext"].map(lambda ext: language_of(f"x{ext}"))
    language_lines = code_files.groupby("language")["lines"].sum()
    language_total = float(language_lines.sum())
    language_share = (language_lines / language_total) if language_total else language_lines.astype(float)
    alive_flags = flags[flags["alive"]]

    added_last = float(activity_by_quarter["added"].get(last_quarter, 0.0))
    deleted_last = float(activity_by_quarter["deleted"].get(last_quarter, 0.0))
    metrics: dict[str, float | None] = {
        "commits.last_quarter": float(commits_by_quarter.get(last_quarter, 0)),
        "churn.last_quarter": added_last + deleted_last,
        "churn.config_share": last.get("churn.config_share"),
        "lines.code": float(lines["code"]),
        "lines.config": float(lines["config"]),
        "lines.test": float(lines["test"]),
        "config_to_code_ratio": _ratio(lines["config"], lines["code"]),
        "test_to_code_ratio": _ratio(lines["test"], lines["code"]),
        "flags.alive": float(len(alive_flags)),
        "flags.stale": float(alive_flags["stale"].sum()),
        "flags.median_age_days": float(alive_flags["age_days"].median()) if len(alive_flags) else None,
        "flags.removed_last_quarter": float(flag_removed_q.get(last_quarter, 0)),
        "debt_comments.alive": float(debt_alive),
        "debt_comments.added_last_quarter": float(debt_added.get(last_quarter, 0)),
        "coupling.strong_pairs": float((pairs["degree"] >= COUPLING_STRONG).sum()) if len(pairs) else 0.0,
        "ownership.single_author_share": _ratio(int(owners["single_author"].sum()), len(owners)),
        "ownership.bus_factor": float(bus_factor),
        "languages.count": float((language_share >= LANGUAGE_MIN_SHARE).sum()),
        "deletion_ratio.last_quarter": _ratio(deleted_last, added_last),
    }
    components = {
        "churn.added_last_quarter": added_last,
        "churn.deleted_last_quarter": deleted_last,
        "churn.config_last_quarter": float(config_churn.get(last_quarter, 0.0)),
        "ownership.files": float(len(owners)),
        "ownership.single_author_files": float(owners["single_author"].sum()),
    }

    # Suffixes of text files only (git's numstat lists binary files as "-", not as 0 lines).
    by_ext = head_lines[head_lines["files"] > 0].groupby("ext")["lines"].sum()
    summary: dict[str, Any] = {
        "commits": len(counted),
        "merges": int((history.commits["parent_count"] > 1).sum()),
        "churn": {
            "added": int(text["added"].sum()),
            "deleted": int(text["deleted"].sum()),
            "binary_changes": int(activity["binary"].sum()),
            "by_kind": {
                kind: {"added": int(row.added), "deleted": int(row.deleted)}
                for kind, row in text.groupby("kind")[["added", "deleted"]].sum().iterrows()
            }
            if len(text)
            else {},
        },
        "lines": {
            "by_kind": {kind: int(v) for kind, v in by_kind.items()},
            "by_ext": {ext or "(none)": int(v) for ext, v in by_ext.items()},
            "binary_files": int(head_lines["binary_files"].sum()) if len(head_lines) else 0,
        },
        "config_to_code_ratio": metrics["config_to_code_ratio"],
        "test_to_code_ratio": metrics["test_to_code_ratio"],
        "flags": {
            "alive": len(alive_flags),
            "stale": int(alive_flags["stale"].sum()),
            "stale_days": config.stale_days,
            "median_age_days": metrics["flags.median_age_days"],
            "removed": int((~flags["alive"]).sum()),
            "by_pattern": {p: int(n) for p, n in alive_flags.groupby("pattern").size().items()},
            "items": [
                {
                    "pattern": row.pattern,
                    "name": row.name,
                    "file": row.path,
                    "introduced_commit": row.introduced_commit,
                    "introduced_at": _iso(row.introduced_at),
                    "age_days": round(float(row.age_days), 1),
                }
                for row in alive_flags.itertuples(index=False)
            ],
        },
        "debt_comments": {
            "alive": int(debt_alive),
            "added": int(debt_changes["added"].sum()),
            "removed": int(debt_changes["removed"].sum()),
        },
        "coupling": {
            "strong_pairs": int(metrics["coupling.strong_pairs"] or 0),
            "top_pairs": [
                {
                    "files": [row.file_a, row.file_b],
                    "shared_commits": int(row.shared),
                    "degree": round(float(row.degree), 3),
                }
                for row in pairs.head(TOP_PAIRS).itertuples(index=False)
            ],
        },
        "ownership": {
            "files": len(owners),
            "single_author_files": int(owners["single_author"].sum()),
            "single_author_share": metrics["ownership.single_author_share"],
            "bus_factor": bus_factor,
            "authors": int(activity["author_name"].nunique()),
            "median_top_author_share": (
                float(owners["top_author_share"].median()) if owners["top_author_share"].notna().any() else None
            ),
        },
        "languages": {lang: round(float(share), 4) for lang, share in language_share.items()},
        "quarters": snapshots,
        "last_quarter": last_quarter,
    }
    return Evidence(
        metrics=metrics,
        components=components,
        quarters=snapshots,
        quarter_metrics=quarter_metrics,
        lines=head_lines,
        flags=flags,
        summary=summary,
    )


def team_metrics(
    per_repo: Sequence[dict[str, float | None]],
    flag_ages: Sequence[float],
    author_churn: dict[str, float],
    language_lines: dict[str, float],
) -> dict[str, float]:
    """A team's metrics from its repositories' latest values (sums; ratios recomputed from sums).

    ``per_repo`` holds each repository's metrics and components; ``flag_ages`` the ages of all alive flags;
    ``author_churn`` all-time churn per author over the team's repositories; ``language_lines`` code lines
    per suffix at HEAD. Metrics no repository has are left out.
    """
    if not per_repo:
        return {}

    def total(name: str) -> float:
        return float(sum(values.get(name) or 0.0 for values in per_repo))

    summed = [
        "commits.last_quarter",
        "churn.last_quarter",
        "lines.code",
        "lines.config",
        "lines.test",
        "flags.alive",
        "flags.stale",
        "flags.removed_last_quarter",
        "debt_comments.alive",
        "debt_comments.added_last_quarter",
        "coupling.strong_pairs",
    ]
    result: dict[str, float | None] = {name: total(name) for name in summed}
    result["config_to_code_ratio"] = _ratio(total("lines.config"), total("lines.code"))
    result["test_to_code_ratio"] = _ratio(total("lines.test"), total("lines.code"))
    result["churn.config_share"] = _ratio(total("churn.config_last_quarter"), total("churn.last_quarter"))
    result["deletion_ratio.last_quarter"] = _ratio(
        total("churn.deleted_last_quarter"), total("churn.added_last_quarter")
    )
    result["ownership.single_author_share"] = _ratio(total("ownership.single_author_files"), total("ownership.files"))
    result["flags.median_age_days"] = float(np.median(flag_ages)) if len(flag_ages) else None
    churns = sorted(author_churn.values(), reverse=True)
    all_churn = sum(churns)
    result["ownership.bus_factor"] = (
        float(np.searchsorted(np.cumsum(churns), all_churn / 2, side="left") + 1) if all_churn else 0.0
    )
    by_language: dict[str, float] = {}
    for ext, count in language_lines.items():
        language = language_of(f"x{ext}")
        if language:
            by_language[language] = by_language.get(language, 0.0) + count
    code_total = sum(by_language.values())
    result["languages.count"] = float(
        sum(1 for count in by_language.values() if code_total and count / code_total >= LANGUAGE_MIN_SHARE)
    )
    return {name: value for name, value in result.items() if value is not None}
