"""ML-aware metrics at HEAD: notebooks, CI configuration, committed artifacts, lock files, framework imports
spread through the code, and thresholds fixed in it; each with the files behind its value.

Pure: the files at HEAD (:func:`scorecard.evidence.lines.files_at_head`, after path exclusions), the facts of
their blobs (:class:`scorecard.evidence.head_contents.HeadFiles`) and the notebooks changed per quarter in;
numbers and example strings out. Why they matter (Sculley et al. 2015): notebooks and fixed thresholds are
where experimental code and magic numbers live; committed binaries are models and data versioned the wrong
way; a framework imported all over the code is glue code; lock files and CI are the reproducibility and
testing a team's answers claim. Each metric's definition: README, "Git evidence", ML-aware.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import pandas as pd

from scorecard.evidence.filekinds import NOTEBOOK_SUFFIXES
from scorecard.evidence.frames import ratio
from scorecard.evidence.head_contents import HeadFiles

MAX_EXAMPLES = 10
Examples = dict[str, list[str]]
# Folders of code written to show users how to call the system, not the system itself: what the glue-code and
# threshold metrics read is the system's own code (accelerate's examples/ and benchmarks/ held 57 of its 91
# files importing torch).
SAMPLE_DIRS = frozenset(
    {"examples", "example", "tutorials", "tutorial", "demos", "demo", "samples", "_samples", "docs", "doc",
     "benchmarks", "benchmark", "notebooks"}
)  # fmt: skip


def is_sample_code(path: str) -> bool:
    """Whether ``path`` lies in a folder of sample code (:data:`SAMPLE_DIRS`, any depth, any case)."""
    return any(part.lower() in SAMPLE_DIRS for part in path.split("/")[:-1])


def largest(files: pd.DataFrame, limit: int = MAX_EXAMPLES) -> list[str]:
    """``path (N lines)`` of the text files with the most lines, most first (ties by path)."""
    text = files[~files["binary"] & (files["lines"] > 0)]
    ordered = text.sort_values(["lines", "path"], ascending=[False, True]).head(limit)
    return [f"{path} ({counted(lines, 'line')})" for path, lines in zip(ordered["path"], ordered["lines"], strict=True)]


def ranked(counts: Mapping[str, float], describe: Callable[[float], str], limit: int = MAX_EXAMPLES) -> list[str]:
    """``name (description)`` of the ``limit`` names with the highest counts (ties by name), zeros left out."""
    ordered = sorted(((name, count) for name, count in counts.items() if count), key=lambda item: (-item[1], item[0]))
    return [f"{name} ({describe(count)})" for name, count in ordered[:limit]]


def counted(count: float, noun: str) -> str:
    """``1 line``, ``1,204 lines``."""
    return f"{count:,.0f} {noun}{'' if count == 1 else 's'}"


def byte_size(size: float) -> str:
    """``1.2 MB``: bytes in decimal units."""
    for unit, scale in (("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if size >= scale:
            return f"{size / scale:.1f} {unit}"
    return f"{size:,.0f} bytes"


class HeadInventory:
    """The files at HEAD the ML metrics count, after path exclusions."""

    def __init__(self, files: pd.DataFrame, head: HeadFiles, excluded: Callable[[str], bool]):
        self.files = files
        self.notebooks = files[files["ext"].isin(NOTEBOOK_SUFFIXES)]
        self.ci = files[files["kind"] == "ci"]
        self.lockfiles = files[files["kind"] == "lock"]
        self.python = {
            path: head.facts_of(path) for path in head.python if not excluded(path) and not is_sample_code(path)
        }
        self.artifacts = {
            path: size
            for path, (blob, size) in head.artifacts.items()
            if blob not in head.lfs_pointers and not excluded(path)
        }


def ml_latest_metrics(inventory: HeadInventory, notebooks_changed: int) -> dict[str, float | None]:
    """The ML-aware latest metrics (component included); ``notebooks_changed``: last quarter's notebooks."""
    importing = sum(1 for facts in inventory.python.values() if facts.frameworks)
    return {
        "notebooks.count": float(len(inventory.notebooks)),
        "notebooks.changed_last_quarter": float(notebooks_changed),
        "ci.lines": float(inventory.ci.loc[~inventory.ci["binary"], "lines"].sum()),
        "artifacts.committed": float(len(inventory.artifacts)),
        "artifacts.bytes": float(sum(inventory.artifacts.values())),
        "lockfiles.count": float(len(inventory.lockfiles)),
        "ml_imports.files": float(importing),
        "ml_imports.share": ratio(importing, len(inventory.python)),
        "thresholds.literals": float(sum(facts.thresholds for facts in inventory.python.values())),
        "ml_imports.python_files": float(len(inventory.python)),
    }


def ml_examples(inventory: HeadInventory, notebooks_changed: Mapping[str, int]) -> Examples:
    """The files behind each ML-aware metric, most telling first."""
    importing = {path: facts.frameworks for path, facts in inventory.python.items() if facts.frameworks}
    by_breadth = sorted(importing, key=lambda path: (-len(importing[path]), path))[:MAX_EXAMPLES]
    imports = [f"{path} ({', '.join(importing[path])})" for path in by_breadth]
    artifacts = ranked(inventory.artifacts, byte_size)
    return {
        "notebooks.count": largest(inventory.notebooks),
        "notebooks.changed_last_quarter": ranked(notebooks_changed, _commits),
        "ci.lines": largest(inventory.ci),
        "artifacts.committed": artifacts,
        "artifacts.bytes": artifacts,
        "lockfiles.count": largest(inventory.lockfiles),
        "ml_imports.files": imports,
        "ml_imports.share": imports,
        "thresholds.literals": ranked(
            {path: facts.thresholds for path, facts in inventory.python.items()}, _comparisons
        ),
    }


def notebook_quarter_metrics(changes: Mapping[str, Mapping[int, int]], quarter: str) -> dict[str, float | None]:
    """``notebooks.changed`` of a quarter, from the checkpoint's tally (quarter -> notebook -> commits)."""
    return {"notebooks.changed": float(len(changes.get(quarter, {})))}


def _commits(count: float) -> str:
    return counted(count, "commit")


def _comparisons(count: float) -> str:
    return counted(count, "float comparison")
