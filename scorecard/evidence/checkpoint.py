"""The checkpoint: everything the metrics need from a stretch of history, advanced commit batch by batch.

A scan advances an empty checkpoint by the whole history and stores it; a rescan whose last head is still on
HEAD's first-parent chain loads it and advances it by the new commits only, which ends exactly where
advancing an empty one by everything does. :func:`scorecard.evidence.measurement.measure_repository` reads
every metric from it.
"""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from scorecard.evidence.churn import add_churn
from scorecard.evidence.coupling import files_of_small_commits
from scorecard.evidence.filekinds import NOTEBOOK_SUFFIXES, suffix_of
from scorecard.evidence.frames import History, activity_commits, map_unique_array
from scorecard.evidence.head_contents import HeadFiles
from scorecard.evidence.lines import replay_line_changes, sum_line_events, version_kinds
from scorecard.evidence.ownership import add_author_churn
from scorecard.evidence.patterns import ScanSettings
from scorecard.evidence.replay import ReplayState

CHECKPOINT_FORMAT = 2  # 2: kinds under the scan's file-kind settings and by size, notebooks, HEAD files
_NO_INTS = np.empty(0, dtype=np.int64)
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
# What a checkpoint reads of loading errors: a blob of another format, or a damaged one.
_UNREADABLE = (OSError, EOFError, ValueError, KeyError, TypeError, IndexError, AttributeError, zipfile.BadZipFile)


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


@dataclass
class _ActivityChanges:
    """The file changes that count as activity: of counted commits, paths not excluded (arrays, one per change)."""

    sha: np.ndarray
    path: np.ndarray
    added: np.ndarray  # float64, NaN for binary
    deleted: np.ndarray
    position: np.ndarray  # the row of each change's commit among the counted commits

    @classmethod
    def select(cls, changes: pd.DataFrame, counted: pd.DataFrame, settings: ScanSettings) -> _ActivityChanges:
        position = pd.Index(counted["sha"]).get_indexer(changes["sha"]) if len(changes) else _NO_INTS
        active = position >= 0
        selected = cls(
            sha=changes["sha"].to_numpy(dtype=object)[active],
            path=changes["path"].to_numpy(dtype=object)[active],
            added=changes["added"].to_numpy(dtype="float64")[active],
            deleted=changes["deleted"].to_numpy(dtype="float64")[active],
            position=position[active],
        )
        if not settings.exclude_paths:
            return selected
        keep = ~map_unique_array(selected.path, settings.path_excluded()).astype(bool)
        return cls(
            selected.sha[keep],
            selected.path[keep],
            selected.added[keep],
            selected.deleted[keep],
            selected.position[keep],
        )


@dataclass(eq=False)
class Checkpoint:
    """The metrics' running state after a stretch of history.

    :meth:`advance` adds commits: tallies of the activity (non-merge commits after exclusions) that simply add
    up, per quarter and kind, per (file, author) and per (commit, file) for coupling; and the chain replays
    (lines per path, the line events by time and kind; the flag and debt-comment replay state, advanced by
    the caller because it needs blob contents). A rescan advances the stored checkpoint by the commits
    reachable from HEAD and not from the last head, and the chain's commits above the last head.
    ``settings_fingerprint`` names what the state depends on (patterns, exclusions, mailmap).
    """

    settings_fingerprint: str = ""
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
    line_events_seen: bool = False  # any line event before path exclusions (see the measurement's lines)
    event_time: np.ndarray = field(default_factory=lambda: _NO_INTS)  # line events after path exclusions,
    event_kind: np.ndarray = field(default_factory=lambda: _NO_INTS)  # summed per (commit time, kind)
    event_lines: np.ndarray = field(default_factory=lambda: _NO_INTS)
    replay: ReplayState = field(default_factory=ReplayState)
    notebook_changes: dict[str, dict[int, int]] = field(default_factory=dict)  # quarter -> notebook -> commits
    head_files: HeadFiles = field(default_factory=HeadFiles)  # set by the scan at the head it read

    def __post_init__(self) -> None:
        self._path_index = {name: code for code, name in enumerate(self.paths)}
        self._author_index = {name: code for code, name in enumerate(self.authors)}
        self._kind_index = {name: code for code, name in enumerate(self.kinds)}

    # -- advancing

    def advance(self, history: History, settings: ScanSettings) -> None:
        """Add the activity of ``history``'s commits and replay the lines along its chain changes.

        ``history`` holds only commits the checkpoint has not seen, and its chain continues the
        checkpoint's. The flag replay (:attr:`replay`) is the caller's, see :func:`scorecard.evidence.replay.replay`.
        """
        self._advance_activity(history.commits, history.changes, settings)
        self._advance_lines(history.chain_changes, settings)

    def _advance_activity(self, commits: pd.DataFrame, changes: pd.DataFrame, settings: ScanSettings) -> None:
        if len(commits):
            self.merges += int((commits["parent_count"] > 1).sum())
            first = int(commits["committed_at"].min())
            self.first_time = first if self.first_time is None else min(self.first_time, first)
        counted = activity_commits(commits, settings)
        active = _ActivityChanges.select(changes, counted, settings)
        self._count_commits(counted, changes, active, settings)
        if not len(active.path):
            return
        quarter = counted["quarter"].to_numpy(dtype=object)[active.position]
        names = counted["author_name"].to_numpy(dtype=object)[active.position]
        author = _intern(self.authors, self._author_index, names)
        path = _intern(self.paths, self._path_index, active.path)
        binary = np.isnan(active.added)
        added = np.where(binary, 0, active.added).astype(np.int64)
        deleted = np.where(binary, 0, active.deleted).astype(np.int64)
        kinds = map_unique_array(active.path, settings.kind_rules.kind_of)  # by path: see filekinds on size
        add_churn(self.churn, quarter, kinds, added, deleted, binary)
        self._count_notebook_changes(quarter, active.path, path)
        self.owner_path, self.owner_author, self.owner_churn = add_author_churn(
            self.owner_path, self.owner_author, self.owner_churn, path, author, added + deleted
        )
        commit, touched_path, numbered = files_of_small_commits(active.sha, path)
        self.touched_commit = np.concatenate([self.touched_commit, commit + self.touched_commits])
        self.touched_path = np.concatenate([self.touched_path, touched_path])
        self.touched_commits += numbered

    def _count_notebook_changes(self, quarter: np.ndarray, names: np.ndarray, codes: np.ndarray) -> None:
        """Per quarter, the commits that changed each notebook (``.ipynb``; a deletion is a change too)."""
        notebook = map_unique_array(names, lambda name: suffix_of(name) in NOTEBOOK_SUFFIXES).astype(bool)
        for when, code in zip(quarter[notebook].tolist(), codes[notebook].tolist(), strict=True):
            counts = self.notebook_changes.setdefault(when, {})
            counts[code] = counts.get(code, 0) + 1

    def _count_commits(
        self, counted: pd.DataFrame, changes: pd.DataFrame, active: _ActivityChanges, settings: ScanSettings
    ) -> None:
        if settings.exclude_paths:
            # A commit that only touched excluded paths is not counted (one without any change still is).
            with_changes = set(changes["sha"])
            counted = counted[counted["sha"].isin(set(active.sha)) | ~counted["sha"].isin(with_changes)]
        for quarter, count in counted.groupby("quarter").size().items():
            self.commits_by_quarter[quarter] = self.commits_by_quarter.get(quarter, 0) + int(count)

    def _advance_lines(self, chain: pd.DataFrame, settings: ScanSettings) -> None:
        """Lines per path along the chain (through renames, across kinds too; a binary file counts none)."""
        events = replay_line_changes(self.line_state, chain)
        if not events.time:
            return
        self.line_events_seen = True
        paths = np.array(events.path, dtype=object)
        keep = np.ones(len(paths), dtype=bool)
        if settings.exclude_paths:
            keep = ~map_unique_array(paths, settings.path_excluded()).astype(bool)
        lines = np.array(events.lines, dtype=np.int64)[keep]
        # An event's size is its version's line count: the kind that version counts under (see lines).
        kind = _intern(self.kinds, self._kind_index, version_kinds(settings.kind_rules, paths[keep], lines))
        self.event_time, self.event_kind, self.event_lines = sum_line_events(
            np.concatenate([self.event_time, np.array(events.time, dtype=np.int64)[keep]]),
            np.concatenate([self.event_kind, kind]),
            np.concatenate([self.event_lines, lines]),
        )

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

    def path_codes(self, paths: Any) -> set[int]:
        """The codes of those ``paths`` the checkpoint has numbered."""
        index = self._path_index
        return {index[path] for path in paths if path in index}

    # -- storing

    def to_bytes(self) -> bytes:
        """The checkpoint as one blob (an ``.npz`` archive: numeric arrays and a JSON document, no pickle)."""
        line_paths = _intern(self.paths, self._path_index, np.array(list(self.line_state), dtype=object))
        document = self._document()  # after interning: line_state may have named new paths
        arrays = {name: np.asarray(getattr(self, name), dtype=stored) for name, stored in _ARRAYS.items()}
        arrays["line_path"] = line_paths.astype(np.int32)
        arrays["line_count"] = np.array([lines for lines, _ in self.line_state.values()], dtype=np.int64)
        arrays["line_binary"] = np.array([binary for _, binary in self.line_state.values()], dtype=bool)
        arrays["document"] = np.frombuffer(json.dumps(document).encode("utf-8"), dtype=np.uint8)
        buffer = io.BytesIO()
        np.savez(buffer, allow_pickle=False, **arrays)
        return buffer.getvalue()

    def _document(self) -> dict[str, Any]:
        return {
            "format": CHECKPOINT_FORMAT,
            "settings": self.settings_fingerprint,
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
            "notebook_changes": {quarter: list(counts.items()) for quarter, counts in self.notebook_changes.items()},
            "head_files": self.head_files.to_document(),
        }

    @classmethod
    def from_bytes(cls, data: bytes) -> Checkpoint | None:
        """A checkpoint written by :meth:`to_bytes`; None for a blob of another format or a damaged one."""
        try:
            with np.load(io.BytesIO(data), allow_pickle=False) as archive:
                arrays = {name: archive[name] for name in archive.files}
            document = json.loads(arrays.pop("document").tobytes().decode("utf-8"))
            if document.get("format") != CHECKPOINT_FORMAT:
                return None
            return cls._from_parts(document, arrays)
        except _UNREADABLE:
            return None

    @classmethod
    def _from_parts(cls, document: dict[str, Any], arrays: dict[str, np.ndarray]) -> Checkpoint:
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
            settings_fingerprint=document["settings"],
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
            notebook_changes={
                quarter: {int(code): int(count) for code, count in counts}
                for quarter, counts in document["notebook_changes"].items()
            },
            head_files=HeadFiles.from_document(document["head_files"]),
            **{name: arrays[name].astype(np.int64) for name in _ARRAYS},
        )
