"""Ownership: who changed each file, and how few people made most of the changes.

Definition: per file present at HEAD, the authors whose non-merge commits (after the opt-in exclusions)
changed it, and the top author's share of its churn; a *single-author* file was changed by one author
only. The *bus factor* is the fewest authors who together made half of all churn, all files and all
history. Authors are names after git's mailmap.

Why it matters: a file only one person ever changed, or a codebase half written by one or two people, is
knowledge that leaves with them.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from scorecard.evidence.frames import ratio


def add_author_churn(
    paths: np.ndarray,
    authors: np.ndarray,
    churn: np.ndarray,
    new_paths: np.ndarray,
    new_authors: np.ndarray,
    new_churn: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Churn per unique (path, author) codes, with the new changes' churn added: paths, authors, churn."""
    keys = np.concatenate([(paths << 32) | authors, (new_paths << 32) | new_authors])
    summed = pd.Series(np.concatenate([churn, new_churn])).groupby(keys).sum()
    unique = summed.index.to_numpy(dtype=np.int64)
    return unique >> 32, unique & 0xFFFFFFFF, summed.to_numpy(dtype=np.int64)


def _author_churn(paths: np.ndarray, authors: np.ndarray, churn: np.ndarray) -> pd.DataFrame:
    return pd.DataFrame({"path": paths, "author": authors, "churn": churn.astype("float64")})


def file_owners(paths: np.ndarray, authors: np.ndarray, churn: np.ndarray, present: Iterable[int]) -> pd.DataFrame:
    """Per file among ``present`` (path codes of the files at HEAD) with any churn: ``authors``, ``churn``,
    ``top_author_share`` and ``single_author``."""
    per_author = _author_churn(paths, authors, churn)
    at_head = per_author[per_author["path"].isin(set(present))]
    files = at_head.groupby("path").agg(
        authors=("author", "nunique"), churn=("churn", "sum"), top_churn=("churn", "max")
    )
    files["top_author_share"] = (files["top_churn"] / files["churn"]).where(files["churn"] > 0)
    files["single_author"] = files["authors"] == 1
    return files.drop(columns="top_churn").reset_index()


def bus_factor(paths: np.ndarray, authors: np.ndarray, churn: np.ndarray) -> int:
    """The fewest authors who together made half of all churn (0 when there is none)."""
    totals = _author_churn(paths, authors, churn).groupby("author")["churn"].sum().sort_values(ascending=False)
    total = float(totals.sum())
    return int(np.searchsorted(totals.cumsum().to_numpy(), total / 2, side="left") + 1) if total else 0


def ownership_metrics(owners: pd.DataFrame, bus: int) -> dict[str, float | None]:
    """The latest ownership metrics, components included."""
    single = owners["single_author"].sum()
    return {
        "ownership.single_author_share": ratio(int(single), len(owners)),
        "ownership.bus_factor": float(bus),
        "ownership.files": float(len(owners)),
        "ownership.single_author_files": float(single),
    }


def ownership_summary(owners: pd.DataFrame, bus: int, authors: np.ndarray) -> dict[str, Any]:
    """The scan summary's ``ownership``; ``authors`` are the author codes of every (path, author) churn."""
    shares = owners["top_author_share"]
    return {
        "files": len(owners),
        "single_author_files": int(owners["single_author"].sum()),
        "single_author_share": ratio(int(owners["single_author"].sum()), len(owners)),
        "bus_factor": bus,
        "authors": len(np.unique(authors)),
        "median_top_author_share": float(shares.median()) if shares.notna().any() else None,
    }
