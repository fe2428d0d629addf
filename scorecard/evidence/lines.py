"""Lines of code, config and tests: at HEAD, at the end of each quarter, and the languages they are in.

Definition: the lines of each text file as git counts them, following HEAD's first-parent chain, each
commit's diff against its first parent, so that lines at HEAD equal ``git diff --numstat <empty tree> HEAD``
(binary files counted apart; a submodule is one line, as git diffs it). A file's lines follow it through
renames, into another kind too. Only path exclusions apply: an excluded author's lines still exist.

Why it matters: how much configuration a codebase carries per line of code (and how much test code) is a
sign of how behaviour is steered; the trend per quarter shows whether that grows. The languages with at
least 5% of the code lines show how many toolchains a team maintains.

Kinds are those of :mod:`scorecard.evidence.filekinds` under the scan's settings, decided per file *version*:
a line event's size is its version's line count, so the size rule (a config file of more than
``config_max_lines`` lines is data) applies at HEAD and at every quarter's end alike. Only the kind a
version's lines count under changes, never a count: ``lines.by_ext`` is git's.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from scorecard.evidence.filekinds import KindRules, language_of, suffix_of
from scorecard.evidence.frames import map_unique, map_unique_array, ratio
from scorecard.evidence.records import LINES_COLUMNS

LANGUAGE_MIN_SHARE = 0.05
LineState = dict[str, tuple[int, bool]]  # path -> (lines, binary) at the replayed head


# ---------------------------------------------------------------------------------------------------------
# Replaying the chain


@dataclass
class LineEvents:
    """Signed changes of a path's text lines at a commit time: a version's lines come, the old ones go."""

    time: list[int] = field(default_factory=list)
    path: list[str] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)

    def add(self, time: int, path: str, lines: int) -> None:
        self.time.append(time)
        self.path.append(path)
        self.lines.append(lines)


_CHAIN_COLUMNS = ["sha", "path", "old_path", "status", "added", "deleted", "blob_lines", "committed_at"]


def replay_line_changes(state: LineState, chain: pd.DataFrame) -> LineEvents:
    """Advance ``state`` (in place) by the chain's changes, oldest first; the line events on the way.

    A binary file counts no lines; a change git calls binary is counted from its blob's lines
    (``blob_lines``) when the new version is text after all.
    """
    events = LineEvents()
    rows = zip(*(chain[name].to_numpy(dtype=object).tolist() for name in _CHAIN_COLUMNS), strict=True)
    for commit_rows in _by_commit(rows):
        _apply_commit(state, commit_rows, events)
    return events


def _by_commit(rows: Iterator[tuple[Any, ...]]) -> Iterator[list[tuple[Any, ...]]]:
    batch: list[tuple[Any, ...]] = []
    for row in rows:
        if batch and row[0] != batch[0][0]:
            yield batch
            batch = []
        batch.append(row)
    if batch:
        yield batch


def _apply_commit(state: LineState, rows: list[tuple[Any, ...]], events: LineEvents) -> None:
    # Take every old state first: a commit may swap two files by renames.
    olds = [state.pop(old_path if isinstance(old_path, str) else path, None) for _, path, old_path, *_ in rows]
    for (_sha, path, old_path, status, added, deleted, blob_lines, when), old in zip(rows, olds, strict=True):
        if old is not None and not old[1] and old[0]:
            events.add(when, old_path if isinstance(old_path, str) else path, -old[0])
        if status == "D":
            continue
        if math.isnan(added):  # binary in git's eyes: the blob decides whether it is text now
            new = (int(blob_lines), False) if not math.isnan(blob_lines) else (0, True)
        else:
            base = old[0] if old is not None and not old[1] else 0
            new = (base + int(added) - int(deleted), False)
        state[path] = new
        if not new[1] and new[0]:
            events.add(when, path, new[0])


def version_kinds(rules: KindRules, paths: np.ndarray, lines: np.ndarray) -> np.ndarray:
    """The kind of each file version: ``paths[i]`` when it has ``abs(lines[i])`` lines (an object array)."""
    kinds = map_unique_array(paths, rules.kind_of)
    if len(paths) and rules.config_max_lines:
        large = np.abs(np.asarray(lines, dtype=np.int64)) > rules.config_max_lines
        if large.any():
            large[large] = map_unique_array(paths[large], rules.sized).astype(bool)
            kinds[large] = "data"
    return kinds


def sum_line_events(time: np.ndarray, kind: np.ndarray, lines: np.ndarray) -> tuple[np.ndarray, ...]:
    """Line events summed per (time, kind), sorted: only those sums are ever read (zero sums are kept, so
    every kind seen stays). Returns the time, kind and lines arrays, as int64."""
    summed = pd.DataFrame({"time": time, "kind": kind, "lines": lines}).groupby(["time", "kind"])["lines"].sum()
    return (
        summed.index.get_level_values("time").to_numpy(dtype=np.int64),
        summed.index.get_level_values("kind").to_numpy(dtype=np.int64),
        summed.to_numpy(dtype=np.int64),
    )


# ---------------------------------------------------------------------------------------------------------
# Lines at HEAD and per quarter


def files_at_head(state: LineState, rules: KindRules) -> pd.DataFrame:
    """Every file at HEAD: ``path``, ``lines``, ``binary``, ``kind`` (of that version) and ``ext``."""
    frame = pd.DataFrame(
        {
            "path": pd.Series(list(state), dtype=object),
            "lines": pd.Series([lines for lines, _ in state.values()], dtype="int64"),
            "binary": pd.Series([binary for _, binary in state.values()], dtype=bool),
        }
    )
    frame["kind"] = version_kinds(rules, frame["path"].to_numpy(dtype=object), frame["lines"].to_numpy())
    frame["ext"] = map_unique(frame["path"], suffix_of)
    return frame


def lines_at_head(files: pd.DataFrame) -> pd.DataFrame:
    """Text lines and files at HEAD by kind and suffix (binary files listed with ``binary_files``), from
    :func:`files_at_head`."""
    if files.empty:
        return pd.DataFrame(columns=list(LINES_COLUMNS))
    frame = files.assign(text=~files["binary"])
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


def text_lines_by_kind(head_lines: pd.DataFrame) -> dict[str, int]:
    """Lines per kind at HEAD, of kinds with at least one text file."""
    by_kind = head_lines[head_lines["files"] > 0].groupby("kind")["lines"].sum()
    return {kind: int(lines) for kind, lines in by_kind.items()}


def line_metrics(lines_by_kind: Mapping[str, int]) -> dict[str, float | None]:
    """``lines.*`` and the config and test ratios, from lines per kind (at HEAD or at a quarter's end)."""
    code, config, test = (lines_by_kind.get(kind, 0) for kind in ("code", "config", "test"))
    return {
        "lines.code": float(code),
        "lines.config": float(config),
        "lines.test": float(test),
        "config_to_code_ratio": ratio(config, code),
        "test_to_code_ratio": ratio(test, code),
    }


def language_shares(head_lines: pd.DataFrame) -> pd.Series:
    """Each language's share of the code lines at HEAD."""
    code_files = head_lines[head_lines["kind"] == "code"].copy()
    code_files["language"] = code_files["ext"].map(lambda ext: language_of(f"x{ext}"))
    language_lines = code_files.groupby("language")["lines"].sum()
    total = float(language_lines.sum())
    return (language_lines / total) if total else language_lines.astype(float)


def languages_count(shares: pd.Series) -> float:
    return float((shares >= LANGUAGE_MIN_SHARE).sum())


def lines_summary(head_lines: pd.DataFrame) -> dict[str, Any]:
    """The scan summary's ``lines``: per kind and per suffix (text files only), and binary files."""
    text = head_lines[head_lines["files"] > 0]
    # Suffixes of text files only (git's numstat lists binary files as "-", not as 0 lines).
    by_ext = text.groupby("ext")["lines"].sum()
    return {
        "by_kind": text_lines_by_kind(head_lines),
        "by_ext": {ext or "(none)": int(lines) for ext, lines in by_ext.items()},
        "binary_files": int(head_lines["binary_files"].sum()) if len(head_lines) else 0,
    }
