"""Scanning a team's repositories into the store: the use case behind ``scorecard scan`` and the TUI's scan.

:func:`scan_repositories` mines every repository first (:func:`scorecard.evidence.repository_scan.scan_repository`,
no writes; in parallel processes with ``--jobs``), then writes all the results from the calling process in ONE
transaction (``Store.save_scans``): the database has one writer, and a repository that fails half way through its
history leaves the store as it was, not with the others' scans written.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from scorecard.errors import ScorecardError
from scorecard.evidence import git
from scorecard.evidence.records import PreviousScan
from scorecard.evidence.repository_scan import Progress, RepoScan, ScanOptions, StoredHistory, scan_repository
from scorecard.store import Store


def _previous_scan(
    store: Store, options: ScanOptions, path: str | os.PathLike[str]
) -> tuple[PreviousScan | None, Callable[[], StoredHistory] | None, bytes | None]:
    """The last scan of ``path`` for the team, a loader of its stored history, and its checkpoint."""
    resolved = str(Path(path).expanduser().resolve())
    state = store.previous_scan(options.team, resolved, git.normalize_subdir(options.subdir))
    if state is None or state.head is None or options.full:
        return state, None, None
    repo_id, fingerprint = state.repo_id, state.patterns_fingerprint or ""

    def load() -> StoredHistory:
        # Only when the checkpoint cannot be used: the history is most of the database.
        return (
            store.load_commits(repo_id),
            store.load_file_changes(repo_id),
            store.load_blob_findings(repo_id, fingerprint),
        )

    return state, load, store.load_scan_checkpoint(repo_id)


def _scan_in_worker(db_path: str, path: str, options: ScanOptions) -> RepoScan:
    # A worker process only reads the database (WAL lets it while the parent writes).
    with Store.open(db_path, migrate=False) as store:
        state, stored, checkpoint = _previous_scan(store, options, path)
        return scan_repository(path, options, state, stored, checkpoint=checkpoint)


def check_repositories(paths: Sequence[str | os.PathLike[str]], subdir: str | None = None) -> None:
    """Every path is a repository that can be scanned (with ``subdir`` at its HEAD); the first that is not
    raises. Cheap (no history is read): the command line calls it before it opens, or creates, a database."""
    for path in _distinct(paths):
        text = str(path)
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            # The store keeps a repository's path as text (SQLite TEXT is UTF-8): refuse rather than crash.
            shown = text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
            raise ScorecardError(f"the path {shown} is not valid UTF-8: rename the folder to scan it") from None
        git.open_repository(path, subdir)


def scan_repositories(
    store: Store,
    paths: Sequence[str | os.PathLike[str]],
    options: ScanOptions,
    jobs: int | None = None,
    progress: Progress | None = None,
    advance: Callable[[str, int, int], None] | None = None,
    system: str | None = None,
) -> list[dict[str, Any]]:
    """Scan every path for ``options.team`` and store the results; returns the JSON summaries in order.
    ``system``: tie the repositories to that system of the team (None: their ties stay as they are).

    Every path is validated first, so a bad one fails the command before any is read; every repository is
    mined before anything is written, and all are written together or none is. A path given twice is scanned
    once. With more than one repository and ``jobs`` > 1 the repositories are mined in parallel processes.
    ``advance`` hears (path, commits read, commits to read) while a repository is read in this process (not
    from workers).
    """
    unique = _distinct(paths)
    check_repositories(unique, options.subdir)
    jobs = max(1, jobs or os.cpu_count() or 1)
    say = progress or (lambda message: None)
    if len(unique) == 1 or jobs == 1 or store.path is None:
        results = [_scan_here(store, path, options, say, advance) for path in unique]
    else:
        with ProcessPoolExecutor(max_workers=min(jobs, len(unique))) as pool:
            futures = [pool.submit(_scan_in_worker, str(store.path), path, options) for path in unique]
            results = [future.result() for future in futures]
    store.save_scans([(result.record, result.checkpoint) for result in results], system=system)
    for result in results:
        say(f"{result.summary['repo']}: stored (read in {result.summary['elapsed_s']:.1f}s)")
    return [result.summary for result in results]


def _scan_here(
    store: Store,
    path: str,
    options: ScanOptions,
    say: Progress,
    advance: Callable[[str, int, int], None] | None,
) -> RepoScan:
    state, stored, checkpoint = _previous_scan(store, options, path)
    ticks = (lambda read, total: advance(path, read, total)) if advance else None
    return scan_repository(path, options, state, stored, say, checkpoint=checkpoint, advance=ticks)


def _distinct(paths: Sequence[str | os.PathLike[str]]) -> list[str]:
    """The paths in order, each repository once: two spellings of one would write its history twice."""
    seen: set[Path] = set()
    distinct = []
    for path in paths:
        place = Path(path).expanduser().resolve()
        if place not in seen:
            seen.add(place)
            distinct.append(str(path))
    return distinct
