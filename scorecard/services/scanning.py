"""Scanning a team's repositories into the store: the use case behind ``scorecard scan`` and the TUI's scan.

One repository: :func:`scorecard.evidence.repository_scan.scan_repository` (mining and metrics, no writes) then
``Store.save_scan`` (one transaction). Several: :func:`scan_repositories` mines them in parallel processes
(``--jobs``) and writes each result from the calling process, so the database has one writer.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

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


def scan_repositories(
    store: Store,
    paths: Sequence[str | os.PathLike[str]],
    options: ScanOptions,
    jobs: int | None = None,
    progress: Progress | None = None,
    advance: Callable[[str, int, int], None] | None = None,
) -> list[dict[str, Any]]:
    """Scan every path for ``options.team`` and store each result; returns the JSON summaries in order.

    Every path is validated first, so a bad one fails the command before anything is written. With more
    than one repository and ``jobs`` > 1 the repositories are mined in parallel processes. ``advance`` hears
    (path, commits read, commits to read) while a repository is read in this process (not from workers).
    """
    for path in paths:
        git.open_repository(path, options.subdir)
    jobs = max(1, jobs or os.cpu_count() or 1)
    say = progress or (lambda message: None)
    summaries: list[dict[str, Any]] = []
    if len(paths) == 1 or jobs == 1 or store.path is None:
        for path in paths:
            state, stored, checkpoint = _previous_scan(store, options, path)
            ticks = (lambda read, total, path=path: advance(str(path), read, total)) if advance else None
            result = scan_repository(path, options, state, stored, say, checkpoint=checkpoint, advance=ticks)
            store.save_scan(result.record, checkpoint=result.checkpoint)
            summaries.append(result.summary)
            say(f"{result.summary['repo']}: stored in {result.summary['elapsed_s']:.1f}s")
        return summaries
    with ProcessPoolExecutor(max_workers=min(jobs, len(paths))) as pool:
        futures = [pool.submit(_scan_in_worker, str(store.path), str(path), options) for path in paths]
        for future in futures:
            result = future.result()
            store.save_scan(result.record, checkpoint=result.checkpoint)
            summaries.append(result.summary)
            say(f"{result.summary['repo']}: stored in {result.summary['elapsed_s']:.1f}s")
    return summaries
