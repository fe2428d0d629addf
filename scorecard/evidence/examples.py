"""Examples: for each latest metric where it makes sense, up to 10 strings naming what is behind its value,
most telling first, so that a team can check a number in a minute.

Pure. What each metric gets:

- ``lines.code``, ``lines.config``, ``lines.test`` and ``config_to_code_ratio`` (its config files): the largest
  files of the kind at HEAD, ``configs/big.yaml (1,204 lines)``;
- ``debt_comments.alive``: the files with the most, ``src/x.py (14 comments)``; ``debt_comments.added_last_quarter``:
  the files that gained the most last quarter;
- ``coupling.strong_pairs``: the strong pairs with the most commits together, ``a.py <-> b.py (12 commits
  together)``;
- ``ownership.single_author_share``: the single-author files with the most churn; ``ownership.bus_factor``: the
  authors with the largest shares of all churn, ``Ada (34% of churn)``;
- ``languages.count``: each language's share of the code lines;
- the ``flags.*`` metrics: :meth:`scorecard.evidence.flags.FlagHistory.examples`; the ML-aware metrics:
  :func:`scorecard.evidence.ml_metrics.ml_examples`.

``test_to_code_ratio`` gets none: which code a test covers is not in a path (tests mirror a tree, or sit
beside the code, or test several packages), and naming "code without tests" by guessing would send a team
after false leads. Activity totals (commits, churn, deletion ratio) get none: every file is behind them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from itertools import zip_longest

import numpy as np
import pandas as pd

from scorecard.evidence.coupling import COUPLING_STRONG
from scorecard.evidence.ml_metrics import MAX_EXAMPLES, Examples, counted, largest, ranked
from scorecard.metric_contract import LATEST_METRICS


def line_examples(files: pd.DataFrame) -> Examples:
    """The largest files of each kind the ``lines.*`` metrics count (``files``: the files at HEAD)."""
    by_kind = {kind: largest(files[files["kind"] == kind]) for kind in ("code", "config", "test")}
    return {
        "lines.code": by_kind["code"],
        "lines.config": by_kind["config"],
        "lines.test": by_kind["test"],
        "config_to_code_ratio": by_kind["config"],
    }


def debt_examples(alive: Mapping[str, int], changes: pd.DataFrame, last_quarter: str) -> Examples:
    """Files by debt comments alive at HEAD, and by those added last quarter (``changes``: the debt changes
    with ``path``, ``added`` and ``quarter``)."""
    added = changes[changes["quarter"] == last_quarter].groupby("path")["added"].sum()
    return {
        "debt_comments.alive": ranked(alive, _comments),
        "debt_comments.added_last_quarter": ranked({str(path): int(n) for path, n in added.items()}, _comments),
    }


def coupling_examples(pairs: pd.DataFrame) -> Examples:
    """The strong pairs with the most commits together (then the highest degree, then by name)."""
    if not len(pairs):
        return {}
    strong = pairs[pairs["degree"] >= COUPLING_STRONG]
    ordered = strong.sort_values(["shared", "degree", "file_a", "file_b"], ascending=[False, False, True, True])
    return {
        "coupling.strong_pairs": [
            f"{row.file_a} <-> {row.file_b} ({counted(row.shared, 'commit')} together)"
            for row in ordered.head(MAX_EXAMPLES).itertuples(index=False)
        ]
    }


def ownership_examples(
    owners: pd.DataFrame, paths: Sequence[str], authors: Sequence[str], author_codes: np.ndarray, churn: np.ndarray
) -> Examples:
    """Single-author files with the most churn, and the authors with the largest shares of all churn.

    ``owners``: :func:`scorecard.evidence.ownership.file_owners` (path codes into ``paths``); ``author_codes``
    and ``churn``: the churn of every (path, author), authors as codes into ``authors``.
    """
    single = owners[owners["single_author"].astype(bool)]
    single_churn = {paths[int(code)]: float(value) for code, value in zip(single["path"], single["churn"], strict=True)}
    per_author = pd.Series(churn, dtype="float64").groupby(author_codes).sum() if len(churn) else pd.Series()
    total = float(per_author.sum())
    shares = {authors[int(code)]: float(value) / total for code, value in per_author.items()} if total else {}
    return {
        "ownership.single_author_share": ranked(single_churn, lambda n: f"one author, {counted(n, 'line')} changed"),
        "ownership.bus_factor": ranked(shares, lambda share: f"{share:.0%} of churn"),
    }


def language_examples(shares: pd.Series) -> Examples:
    """Each language's share of the code lines, the largest first."""
    return {"languages.count": ranked(shares.to_dict(), lambda share: f"{share:.0%} of code lines")}


def in_contract_order(*parts: Examples) -> Examples:
    """The non-empty example lists of latest metrics, in the contract's order (at most 10 each)."""
    merged: Examples = {}
    for part in parts:
        merged.update(part)
    return {
        metric.name: list(merged[metric.name][:MAX_EXAMPLES]) for metric in LATEST_METRICS if merged.get(metric.name)
    }


def _comments(count: float) -> str:
    return counted(count, "comment")


def team_examples(rows: Iterable[tuple[str, str, str]], repositories: int) -> Examples:
    """A team's examples from the ``(repo, metric, example)`` rows of its ``repositories`` (each one's in order).

    With one repository, its examples as they are; with several, each prefixed ``repo: `` and taken in turns
    (every repository's first, then every second...), at most 10 per metric: a team sees what is behind its
    value in each repository, not only in the first.
    """
    per_metric: dict[str, dict[str, list[str]]] = {}
    for repo, metric, example in rows:
        per_metric.setdefault(metric, {}).setdefault(repo, []).append(example)
    merged: Examples = {}
    for metric, by_repo in per_metric.items():
        if repositories <= 1:
            merged[metric] = next(iter(by_repo.values()))[:MAX_EXAMPLES]
            continue
        turns = zip_longest(*([f"{repo}: {example}" for example in by_repo[repo]] for repo in sorted(by_repo)))
        merged[metric] = [example for turn in turns for example in turn if example is not None][:MAX_EXAMPLES]
    return merged
