"""Reading a repository's new history into frames: the history stream, with git's ``-G`` pass beside it.

Both passes are git processes, so the two cores of a laptop each get one; while the slower ``-G`` pass
finishes, the scan computes everything that does not depend on it (lines, churn, coupling).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import pandas as pd

from scorecard.evidence import history
from scorecard.evidence.frames import changes_frame, commits_frame
from scorecard.evidence.git import BlobReader, ProcessGroup, RepoInfo
from scorecard.evidence.patterns import ScanSettings

# (commits read so far, commits to read) for one repository: what a progress bar shows.
Advance = Callable[[int, int], None]
ADVANCE_EVERY = 2_000  # commits between two progress ticks: cheap, and smooth enough for a bar
BATCH_ROWS = 50_000  # file changes held as tuples before they become a frame


class HistoryReader:
    """The passes over one repository's history: :meth:`stream` now, the ``-G`` keyword pass beside it.

    The ``-G`` pass starts at once, in a thread; :meth:`mark_keyword_hits` waits for it. With
    ``chain_since``, only the first-parent chain above ``since`` is listed (a rescan from a checkpoint).

    A commit time no quarter can name (before 1970, after 2999, or one git cannot read) becomes
    ``impossible_at``, the scan's time: the commit keeps its changes and counts in the scan's quarter, and
    :attr:`impossible_dates` says how many there were. (The stored history keeps that time, so a rescan
    leaves the commit in the quarter of the scan that first read it.)
    """

    def __init__(
        self,
        info: RepoInfo,
        settings: ScanSettings,
        since: str | None,
        chain_since: bool = False,
        *,
        impossible_at: int,
    ):
        self.info = info
        self.since = since
        self.chain_since = chain_since
        self.impossible_at = impossible_at
        self.impossible_dates = 0
        self._hits: set[tuple[str, str]] | None = set()
        self._failure: list[BaseException] = []
        self._group = ProcessGroup()
        regex, suffixes = settings.keyword_regex(), settings.scanned_suffixes()

        def find_hits() -> None:
            try:
                self._hits = history.keyword_hits(info, regex, suffixes, since, group=self._group)
            except BaseException as error:  # re-raised in the caller's thread
                self._failure.append(error)

        self._thread = threading.Thread(target=find_hits, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Ctrl-C or an error: the -G pass must not outlive the scan."""
        self._group.kill_all()

    def stream(self, advance: Advance | None = None) -> tuple[pd.DataFrame, pd.DataFrame, list[str] | None]:
        """New commits and file changes (frames in the store's column order) and HEAD's first-parent chain.

        With ``chain_since``, only the chain above ``since`` (None when ``since`` is not on the chain).
        ``advance`` hears (commits read, commits to read) every :data:`ADVANCE_EVERY` commits and at the end.
        """
        commit_parts: list[pd.DataFrame] = []
        change_parts: list[pd.DataFrame] = []
        commit_rows: list[tuple[Any, ...]] = []
        change_rows: list[tuple[Any, ...]] = []
        total = history.count_commits(self.info, self.since) if advance else 0
        read = 0
        for commit in self._commits(advance, total):
            read += 1
            commit_rows.append(_commit_row(commit))
            change_rows.extend(_change_rows(commit))
            if len(change_rows) >= BATCH_ROWS:
                # Frames hold the history far more compactly than tuples of Python objects.
                change_parts.append(changes_frame(change_rows))
                commit_parts.append(commits_frame(commit_rows))
                change_rows, commit_rows = [], []
        change_parts.append(changes_frame(change_rows))
        commit_parts.append(commits_frame(commit_rows))
        if advance:
            advance(read, max(total, read))
        return pd.concat(commit_parts, ignore_index=True), pd.concat(change_parts, ignore_index=True), self._chain()

    def _commits(self, advance: Advance | None, total: int) -> Iterator[history.CommitRecord]:
        for read, commit in enumerate(history.stream_history(self.info, self.since), 1):
            if advance and read % ADVANCE_EVERY == 0:
                advance(read, total)
            if not history.possible_time(commit.committed_at):
                commit.committed_at = self.impossible_at
                self.impossible_dates += 1
            yield commit

    def _chain(self) -> list[str] | None:
        if self.chain_since and self.since is not None:
            return history.first_parent_chain_since(self.info, self.since)
        return history.first_parent_chain(self.info)

    def mark_keyword_hits(self, changes: pd.DataFrame, new_commits: set[str], chain: list[str]) -> None:
        """Wait for the -G pass and set ``keyword_hit`` on the new commits' changes (1, 0, or NaN)."""
        self._thread.join()
        if self._failure:
            raise self._failure[0]
        new = changes["sha"].isin(new_commits).to_numpy()
        if not new.any():
            return
        hits = self._hits
        if hits is None:  # no -G pass (keywords past its limit): every change is evaluated
            changes.loc[new, "keyword_hit"] = np.nan
            return
        rows = changes[new]
        # Few commits have hits: look up (commit, path) pairs only in those.
        maybe = rows["sha"].isin({sha for sha, _ in hits}).to_numpy()
        hit = np.zeros(len(rows), dtype="float64")
        if maybe.any():
            some = rows[maybe]
            hit[maybe] = [
                (sha, path) in hits or (sha, old_path) in hits
                for sha, path, old_path in zip(some["sha"], some["path"], some["old_path"], strict=True)
            ]
        # Commits off the chain were not read by the -G pass: unknown (NaN, stored NULL), so evaluated
        # should they ever join a chain (HEAD moved to another branch).
        examined = rows["sha"].isin(set(chain)).to_numpy()
        changes.loc[new, "keyword_hit"] = np.where(examined, hit, np.nan)


def _commit_row(commit: history.CommitRecord) -> tuple[Any, ...]:
    """A commit in :data:`scorecard.evidence.frames.COMMIT_COLUMNS` order."""
    first_parent = commit.parents[0] if commit.parents else None
    return (
        commit.sha,
        first_parent,
        len(commit.parents),
        commit.committed_at,
        commit.author_name,
        commit.author_email,
    )


def _change_rows(commit: history.CommitRecord) -> Iterator[tuple[Any, ...]]:
    """A commit's changes in :data:`scorecard.evidence.frames.CHANGE_COLUMNS` order (no keyword hit yet)."""
    for change in commit.changes:
        yield (
            commit.sha,
            change.path,
            change.old_path,
            change.status,
            change.added,
            change.deleted,
            change.blob,
            change.blob_lines,
            None,
        )


def fill_binary_lines(info: RepoInfo, changes: pd.DataFrame, reader: BlobReader) -> None:
    """For changes git calls binary, count the new blob's lines if it is text after all (binary -> text).

    A file is binary to git by its contents (a NUL byte near the start) or by ``.gitattributes``
    (``-diff``, ``binary``): both are checked so that lines at HEAD equal ``git diff --numstat``.
    A submodule's commit id is no blob here: its ``blob_lines`` stay as the history stream set them.
    """
    binary = changes["added"].isna() & changes["blob"].notna()
    if not binary.any():
        return
    counted = {blob: reader.text_lines(blob) for blob in pd.unique(changes.loc[binary, "blob"])}
    text_rows = binary & changes["blob"].map(lambda blob: counted.get(blob) is not None)
    forced = history.binary_by_attributes(info, changes.loc[text_rows, "path"])
    keep = text_rows & ~changes["path"].isin(forced)
    changes.loc[keep, "blob_lines"] = changes.loc[keep, "blob"].map(counted).astype("float64")
