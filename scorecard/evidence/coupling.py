"""Change coupling: files that change together, commit after commit.

Definition: two files are coupled when at least 5 commits changed both; the *degree* of a pair is its shared
commits divided by the mean of each file's commits. Commits of more than 30 files (sweeping renames,
reformatting) are left out: they couple everything with everything. A *strong* pair has a degree of 0.5 or
more. Counted over non-merge commits after the opt-in exclusions.

Why it matters: files that must change together without saying so (a model and its config, a feature and
its copy elsewhere) are hidden dependencies; every change to one is a chance to forget the other.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

COUPLING_MIN_SHARED = 5
COUPLING_MAX_FILES = 30
COUPLING_STRONG = 0.5
TOP_PAIRS = 10
PAIR_COLUMNS = ["file_a", "file_b", "shared", "commits_a", "commits_b", "degree"]


def files_of_small_commits(sha: np.ndarray, path: np.ndarray) -> tuple[np.ndarray, np.ndarray, int]:
    """The distinct (commit, file) pairs of changes, commits of more than 30 files left out.

    ``sha`` and ``path`` (int64 codes) have one element per change. Returns the commits numbered from 0 in
    order of first appearance, their files, and how many commits were numbered (small or not).
    """
    commit_local, commit_names = pd.factorize(sha)
    touched = np.unique((commit_local.astype(np.int64) << 32) | path)
    commit, touched_path = touched >> 32, touched & 0xFFFFFFFF
    small = np.bincount(commit, minlength=len(commit_names))[commit] <= COUPLING_MAX_FILES
    return commit[small], touched_path[small], len(commit_names)


def coupling_pairs(commit: np.ndarray, path: np.ndarray, names: Sequence[str]) -> pd.DataFrame:
    """File pairs changed together in >= 5 commits, with ``degree`` = shared / mean(commits of each).

    ``commit`` and ``path`` are the distinct (commit, file) pairs of commits touching at most 30 files, the
    files as positions in ``names``.
    """
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
        return pd.DataFrame(columns=PAIR_COLUMNS)
    key, shared = np.unique(first[forward] * len(names) + second[forward], return_counts=True)
    strong = shared >= COUPLING_MIN_SHARED
    code_a, code_b = key[strong] // len(names), key[strong] % len(names)
    return _named_pairs(names, code_a, code_b, shared[strong], per_file)


def _named_pairs(
    names: Sequence[str], code_a: np.ndarray, code_b: np.ndarray, shared: np.ndarray, per_file: np.ndarray
) -> pd.DataFrame:
    named = np.array(names, dtype=object)
    result = pd.DataFrame(
        {
            "file_a": named[code_a],
            "file_b": named[code_b],
            "shared": shared.astype("int64"),
            "commits_a": per_file[code_a].astype("int64"),
            "commits_b": per_file[code_b].astype("int64"),
        }
    )
    result["degree"] = result["shared"] / ((result["commits_a"] + result["commits_b"]) / 2)
    ordered = result.sort_values(["degree", "shared", "file_a", "file_b"], ascending=[False, False, True, True])
    return ordered[PAIR_COLUMNS].reset_index(drop=True)


def strong_pairs(pairs: pd.DataFrame) -> float:
    """``coupling.strong_pairs``: pairs with a degree of 0.5 or more."""
    return float((pairs["degree"] >= COUPLING_STRONG).sum()) if len(pairs) else 0.0


def coupling_summary(pairs: pd.DataFrame) -> dict[str, Any]:
    """The scan summary's ``coupling``: the strong pairs and the 10 most coupled."""
    return {
        "strong_pairs": int(strong_pairs(pairs)),
        "top_pairs": [
            {
                "files": [row.file_a, row.file_b],
                "shared_commits": int(row.shared),
                "degree": round(float(row.degree), 3),
            }
            for row in pairs.head(TOP_PAIRS).itertuples(index=False)
        ],
    }
