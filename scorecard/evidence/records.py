"""What one repository's scan hands to the store, and what a rescan needs to know of the previous one.

Each row kind names its columns once (``*_COLUMNS``): the scan builds rows in that order and the store writes
them with the same names in its ``insert``, so a migration that adds a column breaks neither.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

COMMIT_COLUMNS = ("sha", "first_parent", "parent_count", "committed_at", "quarter", "author_name", "author_email")
FILE_CHANGE_COLUMNS = (
    "sha",
    "path",
    "old_path",
    "status",
    "added",
    "deleted",
    "blob",
    "blob_lines",
    "keyword_hit",
)
BLOB_FINDINGS_COLUMNS = ("blob", "suffix", "patterns_fingerprint", "findings")
FLAG_COLUMNS = (
    "pattern",
    "name",
    "path",
    "introduced_commit",
    "introduced_at",
    "removed_commit",
    "removed_at",
    "alive",
    "age_days",
    "stale",
    "kind",
    "experiment",
    "last_changed_commit",
    "last_changed_at",
    "days_since_change",
)
LINES_COLUMNS = ("kind", "ext", "files", "binary_files", "lines")


@dataclass(frozen=True)
class PreviousScan:
    """The last scan of a repository, as a rescan needs it (``head`` None: the repository was never scanned)."""

    repo_id: int
    head: str | None
    patterns_fingerprint: str | None
    settings_fingerprint: str | None
    mailmap_fingerprint: str | None
    scanned_at: str | None


@dataclass
class ScanRecord:
    """Everything one repository's scan writes; row tuples follow the ``*_COLUMNS`` of their kind."""

    team: str
    path: str
    subdir: str | None
    name: str
    head: str
    mode: str
    """``full`` replaces the stored history, ``incremental`` appends to it."""
    scanned_at: str
    elapsed_s: float
    commits_read: int
    warnings: list[str]
    patterns_fingerprint: str
    settings_fingerprint: str
    mailmap_fingerprint: str
    summary: str
    """The scan's JSON document, as ``scorecard scan --json`` prints it."""
    commits: Iterable[Sequence[Any]]
    file_changes: Iterable[Sequence[Any]]
    blob_findings: Iterable[Sequence[Any]]
    flags: Sequence[Sequence[Any]]
    lines: Sequence[Sequence[Any]]
    metrics: dict[str, float | None]
    """Latest metrics and components by contract name."""
    quarter_metrics: dict[str, dict[str, float | None]]
    """Quarter -> quarter metric -> value."""
    examples: dict[str, list[str]] = field(default_factory=dict)
    """Latest metric -> up to 10 strings naming what is behind its value, most telling first."""


@dataclass(frozen=True)
class RepoMetrics:
    """One repository's latest metric values (components included)."""

    repo: str
    scanned_at: str
    metrics: dict[str, float | None]
