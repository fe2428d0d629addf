"""From mined records to evidence: pandas frames and the metric values of the git-evidence contract.

Pure: records in, frames and numbers out, no git and no I/O. The definitions (commits, churn, lines, ratios,
flags, debt comments, coupling, ownership, languages) are those of the git-evidence issue and the README.

- *Activity* (commits, churn, coupling, ownership) counts non-merge commits, minus opt-in exclusions
  (paths, authors, commits).
- *State* (lines, flags, debt comments) follows HEAD's first-parent chain, each commit's diff against its
  first parent, so lines at HEAD equal ``git diff --numstat <empty tree> HEAD`` (binary files excluded).
  Only path exclusions apply to state: an excluded author's lines still exist.
- "Last quarter" is the last complete calendar quarter (UTC) before the scan time.

Records go through a :class:`Checkpoint` (sums that add up, and the chain replays' state), from which
:func:`compute_evidence` derives every value. A scan stores its checkpoint; a rescan advances it by the new
commits alone instead of recomputing from the whole stored history, and ends in the same state.
"""

from __future__ import annotations

import io
import json
import math
import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd

from scorecard.evidence.filekinds import kind_of, language_of, suffix_of
from scorecard.evidence.patterns import EvidenceConfig, FlagLife, ReplayState
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

    def keyword_hits_updated(self) -> None:
        """Carry ``keyword_hit`` (the only column changed in place on ``changes``) over to the chain's changes."""
        chain = self.__dict__.get("chain_changes")
        if chain is not None:
            chain["keyword_hit"] = self.changes.loc[chain.index, "keyword_hit"].to_numpy()

    @cached_property
    def chain_changes(self) -> pd.DataFrame:
        """Changes of commits on the chain, oldest commit first (the order the state is replayed in)."""
        order = pd.Series(np.arange(len(self.chain) - 1, -1, -1), index=pd.Index(self.chain, name="sha"))
        on_chain = self.changes[self.changes["sha"].isin(order.index)].copy()
        on_chain["chain_position"] = on_chain["sha"].map(order).astype("int64")
        times = self.commits.set_index("sha")["committed_at"]
        on_chain["committed_at"] = on_chain["sha"].map(times).astype("int64")
        return on_chain.sort_values("chain_position", kind="stable")


def activity_commits(commits: pd.DataFrame, config: EvidenceConfig) -> pd.DataFrame:
    """Non-merge commits minus excluded commits and authors (path exclusions: see :meth:`Checkpoint.advance`)."""
    commits = commits[commits["parent_count"] <= 1]
    if config.exclude_commits:
        excluded = tuple(config.exclude_commits)
        commits = commits[~commits["sha"].map(lambda sha: sha.startswith(excluded))]
    if config.exclude_authors:
        pattern = re.compile("|".join(f"(?:{regex})" for regex in config.exclude_authors))
        identity = commits["author_name"] + " <" + commits["author_email"] + ">"
        commits = commits[~identity.map(lambda text: pattern.search(text) is not None)]
    return commits


# ---------------------------------------------------------------------------------------------------------
# The checkpoint: everything the metrics need from a stretch of history, advanced commit batch by batch

CHECKPOINT_FORMAT = 1
_NO_INTS = np.empty(0, dtype=np.int64)
# Per (quarter, kind) of the activity changes: text changes, lines added, lines deleted, binary changes.
_TEXT, _ADDED, _DELETED, _BINARY = range(4)
# The numeric columns a checkpoint keeps as arrays, with the type each is stored as (the rest is one JSON
# document). In memory they are all int64.
_ARRAYS = {
    "owner_path": np.int32,
    "owner_author": np.int32,
    "owner_churn": np.int64,
    "touched_commit": np.int32,
    "touched_path": np.int32,
    "event_time": np.int64,
    "event_kind": np.int16,
    "event_lines": np.int64,
}


def _intern(names: list[str], index: dict[str, int], values: np.ndarray) -> np.ndarray:
    """Codes of ``values`` in ``names`` (new names are appended), as int64."""
    if not len(values):
        return _NO_INTS
    local, uniques = pd.factorize(values)
    lookup = np.empty(len(uniques), dtype=np.int64)
    for number, name in enumerate(uniques):
        code = index.get(name)
        if code is None:
            code = index[name] = len(names)
            names.append(name)
        lookup[number] = code
    return lookup[local]


def _by_unique(values: np.ndarray, function: Any) -> np.ndarray:
    """``function`` applied to each distinct value once (paths repeat a lot), as an object array."""
    if not len(values):
        return np.empty(0, dtype=object)
    local, uniques = pd.factorize(values)
    return np.array([function(value) for value in uniques], dtype=object)[local]


@dataclass(eq=False)
class Checkpoint:
    """The metrics' running state after a stretch of history, as :func:`compute_evidence` reads it.

    :meth:`advance` adds commits: tallies of the activity (non-merge commits after exclusions) that simply add
    up, per quarter and kind, per (file, author) and per (commit, file) for coupling; and the chain replays
    (lines per path, the line events by time and kind; the flag and debt-comment replay state, advanced by
    the caller because it needs blob contents). A scan advances an empty checkpoint by the whole history
    and stores the result; a rescan whose last head is still on HEAD's first-parent chain loads it and
    advances it by the new commits only (those reachable from HEAD and not from the last head, and the
    chain's commits above the last head), which ends exactly where advancing an empty one by everything
    does. ``settings`` fingerprints what the state depends on (patterns, exclusions, mailmap).
    """

    settings: str = ""
    head: str | None = None
    paths: list[str] = field(default_factory=list)
    authors: list[str] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)
    merges: int = 0
    first_time: int | None = None
    commits_by_quarter: dict[str, int] = field(default_factory=dict)
    churn: dict[tuple[str, str], list[int]] = field(default_factory=dict)  # (quarter, kind) -> 4 counts
    owner_path: np.ndarray = field(default_factory=lambda: _NO_INTS)  # unique (path, author) keys...
    owner_author: np.ndarray = field(default_factory=lambda: _NO_INTS)
    owner_churn: np.ndarray = field(default_factory=lambda: _NO_INTS)  # ...and their churn
    touched_commit: np.ndarray = field(default_factory=lambda: _NO_INTS)  # (commit number, path) pairs of
    touched_path: np.ndarray = field(default_factory=lambda: _NO_INTS)  # commits with <= 30 files
    touched_commits: int = 0  # commits numbered so far
    line_state: dict[str, tuple[int, bool]] = field(default_factory=dict)  # path -> (lines, binary) at head
    line_events_seen: bool = False  # any line event before path exclusions (see compute_evidence)
    event_time: np.ndarray = field(default_factory=lambda: _NO_INTS)  # line events after path exclusions,
    event_kind: np.ndarray = field(default_factory=lambda: _NO_INTS)  # summed per (commit time, kind)
    event_lines: np.ndarray = field(default_factory=lambda: _NO_INTS)
    replay: ReplayState = field(default_factory=ReplayState)

    def __post_init__(self) -> None:
        self._path_index = {name: code for code, name in enumerate(self.paths)}
        self._author_index = {name: code for code, name in enumerate(self.authors)}
        self._kind_index = {name: code for code, name in enumerate(self.kinds)}

    # -- advancing

    def advance(self, history: History, config: EvidenceConfig) -> None:
        """Add the activity of ``history``'s commits and replay the lines along its chain changes.

        ``history`` holds only commits the checkpoint has not seen, and its chain continues the
        checkpoint's. The flag replay (:attr:`replay`) is the caller's, see :func:`scorecard.evidence.patterns.replay`.
        """
        self._advance_activity(history.commits, history.changes, config)
        self._advance_lines(history.chain_changes, config)

    def _advance_activity(self, commits: pd.DataFrame, changes: pd.DataFrame, config: EvidenceConfig) -> None:
        if len(commits):
            self.merges += int((commits["parent_count"] > 1).sum())
            first = int(commits["committed_at"].min())
            self.first_time = first if self.first_time is None else min(self.first_time, first)
        counted = activity_commits(commits, config)
        position = pd.Index(counted["sha"]).get_indexer(changes["sha"]) if len(changes) else _NO_INTS
        active = position >= 0
        sha = changes["sha"].to_numpy(dtype=object)[active]
        path = changes["path"].to_numpy(dtype=object)[active]
        added = changes["added"].to_numpy(dtype="float64")[active]
        deleted = changes["deleted"].to_numpy(dtype="float64")[active]
        position = position[active]
        if config.exclude_paths:
            keep = ~_by_unique(path, config.path_excluded()).astype(bool)
            sha, path, added, deleted, position = sha[keep], path[keep], added[keep], deleted[keep], position[keep]
            # A commit that only touched excluded paths is not counted (one without any change still is).
            with_changes = set(changes["sha"])
            kept = counted[counted["sha"].isin(set(sha)) | ~counted["sha"].isin(with_changes)]
        else:
            kept = counted
        for quarter, count in kept.groupby("quarter").size().items():
            self.commits_by_quarter[quarter] = self.commits_by_quarter.get(quarter, 0) + int(count)
        if not len(path):
            return
        quarter = counted["quarter"].to_numpy(dtype=object)[position]
        author = _intern(self.authors, self._author_index, counted["author_name"].to_numpy(dtype=object)[position])
        path_code = _intern(self.paths, self._path_index, path)
        binary = np.isnan(added)
        added_lines = np.where(binary, 0, added).astype(np.int64)
        deleted_lines = np.where(binary, 0, deleted).astype(np.int64)

        tally = (
            pd.DataFrame(
                {
                    "quarter": quarter,
                    "kind": _by_unique(path, kind_of),
                    "text": (~binary).astype(np.int64),
                    "added": added_lines,
                    "deleted": deleted_lines,
                    "binary": binary.astype(np.int64),
                }
            )
            .groupby(["quarter", "kind"], sort=False)[["text", "added", "deleted", "binary"]]
            .sum()
        )
        for key, values in zip(tally.index, tally.to_numpy().tolist(), strict=True):
            counts = self.churn.setdefault(key, [0, 0, 0, 0])
            for number, value in enumerate(values):
                counts[number] += int(value)

        # Ownership: churn per (path, author), all history.
        keys = np.concatenate([(self.owner_path << 32) | self.owner_author, (path_code << 32) | author])
        churn = pd.Series(np.concatenate([self.owner_churn, added_lines + deleted_lines])).groupby(keys).sum()
        unique = churn.index.to_numpy(dtype=np.int64)
        self.owner_path, self.owner_author = unique >> 32, unique & 0xFFFFFFFF
        self.owner_churn = churn.to_numpy(dtype=np.int64)

        # Coupling: the distinct files of each commit, commits touching more than 30 files left out.
        commit_local, commit_names = pd.factorize(sha)
        touched = np.unique((commit_local.astype(np.int64) << 32) | path_code)
        commit, touched_path = touched >> 32, touched & 0xFFFFFFFF
        small = np.bincount(commit, minlength=len(commit_names))[commit] <= COUPLING_MAX_FILES
        self.touched_commit = np.concatenate([self.touched_commit, commit[small] + self.touched_commits])
        self.touched_path = np.concatenate([self.touched_path, touched_path[small]])
        self.touched_commits += len(commit_names)

    def _advance_lines(self, chain: pd.DataFrame, config: EvidenceConfig) -> None:
        """Lines per path along the chain (through renames, across kinds too; a binary file counts none)."""
        state = self.line_state
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
        if not event_time:
            return
        self.line_events_seen = True
        paths = np.array(event_path, dtype=object)
        keep = np.ones(len(paths), dtype=bool)
        if config.exclude_paths:
            keep = ~_by_unique(paths, config.path_excluded()).astype(bool)
        kind = _intern(self.kinds, self._kind_index, _by_unique(paths[keep], kind_of))
        # Only sums per (time, kind) are ever read: keep those (zero sums too, so every kind seen stays).
        summed = (
            pd.DataFrame(
                {
                    "time": np.concatenate([self.event_time, np.array(event_time, dtype=np.int64)[keep]]),
                    "kind": np.concatenate([self.event_kind, kind]),
                    "lines": np.concatenate([self.event_lines, np.array(event_lines, dtype=np.int64)[keep]]),
                }
            )
            .groupby(["time", "kind"])["lines"]
            .sum()
        )
        self.event_time = summed.index.get_level_values("time").to_numpy(dtype=np.int64)
        self.event_kind = summed.index.get_level_values("kind").to_numpy(dtype=np.int64)
        self.event_lines = summed.to_numpy(dtype=np.int64)

    # -- reading

    def events(self) -> pd.DataFrame:
        """Line events after path exclusions, summed per commit time and kind: ``committed_at``, ``kind``,
        ``lines`` (signed)."""
        return pd.DataFrame(
            {
                "committed_at": self.event_time,
                "kind": np.array(self.kinds, dtype=object)[self.event_kind] if len(self.kinds) else [],
                "lines": self.event_lines,
            }
        )

    def to_bytes(self) -> bytes:
        """The checkpoint as one blob (an ``.npz`` archive: numeric arrays and a JSON document, no pickle)."""
        document = {
            "format": CHECKPOINT_FORMAT,
            "settings": self.settings,
            "head": self.head,
            "paths": self.paths,
            "authors": self.authors,
            "kinds": self.kinds,
            "merges": self.merges,
            "first_time": self.first_time,
            "commits_by_quarter": self.commits_by_quarter,
            "churn": [[quarter, kind, *counts] for (quarter, kind), counts in self.churn.items()],
            "touched_commits": self.touched_commits,
            "line_events_seen": self.line_events_seen,
            "replay": self.replay.to_document(),
        }
        line_paths = _intern(self.paths, self._path_index, np.array(list(self.line_state), dtype=object))
        document["paths"] = self.paths  # line_state may have named new paths
        arrays = {name: np.asarray(getattr(self, name), dtype=stored) for name, stored in _ARRAYS.items()}
        arrays["line_path"] = line_paths.astype(np.int32)
        arrays["line_count"] = np.array([lines for lines, _ in self.line_state.values()], dtype=np.int64)
        arrays["line_binary"] = np.array([binary for _, binary in self.line_state.values()], dtype=bool)
        arrays["document"] = np.frombuffer(json.dumps(document).encode("utf-8"), dtype=np.uint8)
        buffer = io.BytesIO()
        np.savez(buffer, allow_pickle=False, **arrays)
        return buffer.getvalue()

    @classmethod
    def from_bytes(cls, data: bytes) -> Checkpoint | None:
        """A checkpoint written by :meth:`to_bytes`; None for a blob of another format or a damaged one."""
        try:
            with np.load(io.BytesIO(data), allow_pickle=False) as archive:
                arrays = {name: archive[name] for name in archive.files}
            document = json.loads(arrays.pop("document").tobytes().decode("utf-8"))
            if document.get("format") != CHECKPOINT_FORMAT:
                return None
            paths = document["paths"]
            line_state = {
                paths[code]: (int(lines), bool(binary))
                for code, lines, binary in zip(
                    arrays.pop("line_path").tolist(),
                    arrays.pop("line_count").tolist(),
                    arrays.pop("line_binary").tolist(),
                    strict=True,
                )
            }
            return cls(
                settings=document["settings"],
                head=document["head"],
                paths=paths,
                authors=document["authors"],
                kinds=document["kinds"],
                merges=int(document["merges"]),
                first_time=document["first_time"],
                commits_by_quarter={quarter: int(count) for quarter, count in document["commits_by_quarter"].items()},
                churn={(quarter, kind): list(counts) for quarter, kind, *counts in document["churn"]},
                touched_commits=int(document["touched_commits"]),
                line_state=line_state,
                line_events_seen=bool(document["line_events_seen"]),
                replay=ReplayState.from_document(document["replay"]),
                **{name: arrays[name].astype(np.int64) for name in _ARRAYS},
            )
        except (OSError, EOFError, ValueError, KeyError, TypeError, IndexError, AttributeError, zipfile.BadZipFile):
            return None


# ---------------------------------------------------------------------------------------------------------
# Lines at HEAD and per quarter


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


def coupling_pairs(commit: np.ndarray, path: np.ndarray, names: Sequence[str]) -> pd.DataFrame:
    """File pairs changed together in >= 5 commits, with ``degree`` = shared / mean(commits of each).

    ``commit`` and ``path`` are the distinct (commit, file) pairs of commits touching at most 30 files, the
    files as positions in ``names``.
    """
    columns = ["file_a", "file_b", "shared", "commits_a", "commits_b", "degree"]
    per_file = np.bincount(path, minlength=len(names)) if len(path) else np.zeros(len(names), dtype=np.int64)
    # A file in fewer than 5 commits cannot share 5 with another: drop it before the self-join.
    keep = per_file[path] >= COUPLING_MIN_SHARED if len(path) else np.zeros(0, dtype=bool)
    candidates = pd.DataFrame({"sha": commit[keep], "path": path[keep]})
    pairs = candidates.merge(candidates, on="sha", suffixes=("_a", "_b"))
    first, second = pairs["path_a"].to_numpy(dtype=np.int64), pairs["path_b"].to_numpy(dtype=np.int64)
    # Each pair once, ordered by name (as strings compare).
    files = np.unique(path[keep])
    rank = np.zeros(len(names), dtype=np.int64)
    rank[sorted(files.tolist(), key=names.__getitem__)] = np.arange(len(files))
    forward = rank[first] < rank[second]
    if not forward.any():
        return pd.DataFrame(columns=columns)
    key, shared = np.unique(first[forward] * len(names) + second[forward], return_counts=True)
    strong = shared >= COUPLING_MIN_SHARED
    code_a, code_b = key[strong] // len(names), key[strong] % len(names)
    named = np.array(names, dtype=object)
    result = pd.DataFrame(
        {
            "file_a": named[code_a],
            "file_b": named[code_b],
            "shared": shared[strong].astype("int64"),
            "commits_a": per_file[code_a].astype("int64"),
            "commits_b": per_file[code_b].astype("int64"),
        }
    )
    result["degree"] = result["shared"] / ((result["commits_a"] + result["commits_b"]) / 2)
    return result.sort_values(["degree", "shared", "file_a", "file_b"], ascending=[False, False, True, True])[
        columns
    ].reset_index(drop=True)


def ownership(checkpoint: Checkpoint, files_at_head: Iterable[str]) -> tuple[pd.DataFrame, int]:
    """Per file at HEAD: authors, top author's share of its churn, single-author; and the bus factor.

    The bus factor is the fewest authors who together made half of all churn (all files, all history).
    """
    per_author = pd.DataFrame(
        {
            "path": checkpoint.owner_path,
            "author": checkpoint.owner_author,
            "churn": checkpoint.owner_churn.astype("float64"),
        }
    )
    index = checkpoint._path_index
    present_codes = {index[path] for path in files_at_head if path in index}
    present = per_author[per_author["path"].isin(present_codes)]
    files = present.groupby("path").agg(
        authors=("author", "nunique"), churn=("churn", "sum"), top_churn=("churn", "max")
    )
    files["top_author_share"] = (files["top_churn"] / files["churn"]).where(files["churn"] > 0)
    files["single_author"] = files["authors"] == 1
    totals = per_author.groupby("author")["churn"].sum().sort_values(ascending=False)
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


def flags_frame(lives: Sequence[FlagLife], config: EvidenceConfig, now: datetime) -> pd.DataFrame:
    """Every flag that lived on the chain, with ``alive``, ``age_days`` (alive ones) and ``stale``."""
    frame = pd.DataFrame(
        [
            (f.pattern, f.name, f.path, f.introduced_commit, f.introduced_at, f.removed_commit, f.removed_at)
            for f in lives
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


def compute_evidence(checkpoint: Checkpoint, config: EvidenceConfig, now: datetime) -> Evidence:
    """Every metric of the contract for one repository, as of ``now`` (the scan time), from the checkpoint
    of its whole history (flags and debt comments replayed into ``checkpoint.replay``)."""
    excluded = config.path_excluded()
    state = checkpoint.line_state
    if config.exclude_paths and checkpoint.line_events_seen:
        state = {path: value for path, value in state.items() if not excluded(path)}
    events = checkpoint.events()
    owners, bus_factor = ownership(checkpoint, state.keys())
    pairs = coupling_pairs(checkpoint.touched_commit, checkpoint.touched_path, checkpoint.paths)
    head_lines = lines_at_head(state)
    flags = flags_frame(checkpoint.replay.flags, config, now)
    debt_changes = pd.DataFrame(
        [(d.committed_at, d.path, d.added, d.removed) for d in checkpoint.replay.debt_changes],
        columns=["committed_at", "path", "added", "removed"],
    ).astype({"committed_at": "int64", "added": "int64", "removed": "int64"})
    if config.exclude_paths and len(debt_changes):
        debt_changes = debt_changes[~debt_changes["path"].map(excluded)]
    debt_changes = debt_changes.assign(quarter=_quarters(debt_changes["committed_at"]))
    debt_alive = sum(count for path, count in checkpoint.replay.debt_alive().items() if not excluded(path))

    last_quarter = previous_quarter(current_quarter(now))
    by_kind = head_lines[head_lines["files"] > 0].groupby("kind")["lines"].sum()
    lines = {kind: int(by_kind.get(kind, 0)) for kind in ("code", "config", "test")}

    # Activity tallies: per quarter (text changes only) and per kind.
    added_by_quarter: dict[str, int] = {}
    deleted_by_quarter: dict[str, int] = {}
    config_churn: dict[str, int] = {}
    kind_totals: dict[str, list[int]] = {}
    for (quarter, kind), counts in checkpoint.churn.items():
        added_by_quarter[quarter] = added_by_quarter.get(quarter, 0) + counts[_ADDED]
        deleted_by_quarter[quarter] = deleted_by_quarter.get(quarter, 0) + counts[_DELETED]
        if kind == "config":
            config_churn[quarter] = config_churn.get(quarter, 0) + counts[_ADDED] + counts[_DELETED]
        totals = kind_totals.setdefault(kind, [0, 0, 0, 0])
        for number, value in enumerate(counts):
            totals[number] += value
    commits_by_quarter = checkpoint.commits_by_quarter

    # Per-quarter snapshots, from the first commit's quarter to the scan's.
    first_time = int(checkpoint.first_time if checkpoint.first_time is not None else now.timestamp())
    quarters = quarter_range(quarter_of(first_time), current_quarter(now))
    ends = [min(int(quarter_end(q).timestamp()), int(now.timestamp()) + 1) for q in quarters]
    kinds_at = lines_by_kind_at(events, ends) if len(events) else pd.DataFrame(index=range(len(quarters)))
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
        added = float(added_by_quarter.get(quarter, 0))
        deleted = float(deleted_by_quarter.get(quarter, 0))
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
            "churn.added": added,
            "churn.deleted": deleted,
            "churn.config": float(config_churn.get(quarter, 0)),
            "churn.config_share": _ratio(float(config_churn.get(quarter, 0)), churn),
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

    added_last = float(added_by_quarter.get(last_quarter, 0))
    deleted_last = float(deleted_by_quarter.get(last_quarter, 0))
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
        "churn.config_last_quarter": float(config_churn.get(last_quarter, 0)),
        "ownership.files": float(len(owners)),
        "ownership.single_author_files": float(owners["single_author"].sum()),
    }

    # Suffixes of text files only (git's numstat lists binary files as "-", not as 0 lines).
    by_ext = head_lines[head_lines["files"] > 0].groupby("ext")["lines"].sum()
    summary: dict[str, Any] = {
        "commits": sum(commits_by_quarter.values()),
        "merges": checkpoint.merges,
        "churn": {
            "added": sum(totals[_ADDED] for totals in kind_totals.values()),
            "deleted": sum(totals[_DELETED] for totals in kind_totals.values()),
            "binary_changes": sum(totals[_BINARY] for totals in kind_totals.values()),
            "by_kind": {
                kind: {"added": totals[_ADDED], "deleted": totals[_DELETED]}
                for kind, totals in sorted(kind_totals.items())
                if totals[_TEXT]
            },
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
            "authors": len(np.unique(checkpoint.owner_author)),
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
