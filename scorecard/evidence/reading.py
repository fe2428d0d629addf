"""Reading a repository's new history into frames: one diff pass, split over the cores.

1. HEAD's first-parent chain (``git rev-list``), and the commits to read without their diffs (``git log``:
   ids, parents, dates, authors; no blob is read, so it takes a fraction of a second).
2. The diffs (:func:`scorecard.evidence.history.diff_commits`): every non-merge commit, and every merge on
   the chain against its first parent. A merge off the chain (a feature branch that merged its base back
   in) is listed but not diffed: activity counts non-merge commits and state follows the chain, so no
   metric reads its diff, which is often the largest of all (everything its base did meanwhile).
   The commits are cut into chunks of about equal work, in history order, and the chunks dealt out in turn
   to one ``git log -p`` process per core (up to :data:`MAX_PROCESSES`; one process below
   :data:`SPLIT_FROM` commits); each process's stream is parsed, in a thread of its own, as it arrives
   (:mod:`scorecard.evidence.diffstream`): line counts and keyword hits from the same patch, where two git
   passes (``--numstat``, then ``-G``) read every blob twice before.
3. What the patch leaves open is settled (:mod:`scorecard.evidence.settling`): changes git printed no line
   for, type changes, and the keywords of renames.

``keyword_hit`` is 1 or 0 for the changes of commits on the chain (the flag and debt-comment state is
built there) and NaN (evaluated, should they join a chain) for the others, exactly as the ``-G`` pass
marked them: a changed line of a file with a scanned suffix matches a keyword.
"""

from __future__ import annotations

import itertools
import os
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import re2

from scorecard.evidence import history, settling
from scorecard.evidence.diffstream import GITLINK_MODE, DiffChange, DiffStreamParser, ParsedCommit
from scorecard.evidence.filekinds import suffix_of
from scorecard.evidence.frames import History, changes_frame, commits_frame
from scorecard.evidence.git import BlobReader, MiningError, ProcessGroup, RepoInfo
from scorecard.evidence.patterns import ScanSettings

# (commits read so far, commits to read) for one repository: what a progress bar shows.
Advance = Callable[[int, int], None]
BATCH_ROWS = 50_000  # file changes held as tuples before they become a frame
MAX_PROCESSES = 4  # diff processes at a time: past that, parsing their streams (one Python process) is the limit
SPLIT_FROM = 1_500  # commits to diff from which the diff pass is split over the cores
CHUNKS_PER_PROCESS = 32  # chunks dealt to each process in turn: enough to share out heavy stretches
MERGE_WEIGHT = 4  # a merge's diff against its first parent holds a branch's worth of changes
PROGRESS_SECONDS = 0.2


def diff_processes() -> int:
    """How many diff processes run at a time: the cores this process may use, at most :data:`MAX_PROCESSES`."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return max(1, min(cores, MAX_PROCESSES))


@dataclass
class _Keywords:
    """What the keyword test needs: the regex, the suffixes searched, and the chain's commits.

    ``tested`` is False when the keywords make no usable test (past :data:`history.MAX_KEYWORD_REGEX`
    bytes, where the ``-G`` pass stopped too, or one spanning lines, which no line could match): every
    change of the chain is then evaluated (NaN). Without a scanned suffix nothing can hit (0).
    """

    regex: Any | None
    wanted: frozenset[str]
    chain: set[str]
    tested: bool = True

    @classmethod
    def of(cls, settings: ScanSettings, chain: Sequence[str]) -> _Keywords:
        text = settings.keyword_regex()
        wanted = frozenset(suffix.lower() for suffix in settings.scanned_suffixes())
        if not wanted:
            return cls(None, wanted, set(chain))
        if len(text.encode("utf-8")) > history.MAX_KEYWORD_REGEX or "\n" in text:
            return cls(None, wanted, set(chain), tested=False)
        return cls(re2.compile(text.encode("utf-8")), wanted, set(chain))

    def parser(self) -> DiffStreamParser:
        suffixes = frozenset(suffix.encode("utf-8") for suffix in self.wanted)
        return DiffStreamParser(self.regex, self.chain, suffixes)

    def hit(self, sha: str, change: DiffChange) -> float:
        """``keyword_hit`` of a change that is no rename (see the module docstring)."""
        if sha not in self.chain or not self.tested:
            return float("nan")
        return 1.0 if change.keyword and suffix_of(change.path) in self.wanted else 0.0


@dataclass
class _Chunk:
    """A stretch of history's commits to diff, and what their diffs hold: rows (in frames), and what is left to
    settle (by row number within the chunk)."""

    shas: list[str]
    keywords: _Keywords
    frames: list[pd.DataFrame] = field(default_factory=list)
    rows: list[tuple[Any, ...]] = field(default_factory=list)
    size: int = 0  # rows so far, framed or not
    unsettled: list[tuple[int, str, DiffChange]] = field(default_factory=list)
    renames: list[tuple[int, DiffChange]] = field(default_factory=list)

    def add(self, commit: ParsedCommit) -> None:
        keywords = self.keywords
        for change in commit.changes:
            if not change.settled:
                self.unsettled.append((self.size, commit.sha, change))
            if change.status == "R" and commit.sha in keywords.chain and keywords.regex is not None:
                self.renames.append((self.size, change))
            self.rows.append(_row(commit.sha, change, keywords.hit(commit.sha, change)))
            self.size += 1
        if len(self.rows) >= BATCH_ROWS:
            self.close()

    def close(self) -> None:
        """Turn the rows held into a frame: frames hold the history far more compactly than tuples."""
        if self.rows:
            self.frames.append(changes_frame(self.rows))
            self.rows = []

    def frame(self) -> pd.DataFrame:
        self.close()
        return pd.concat(self.frames, ignore_index=True) if self.frames else changes_frame([])


@dataclass
class _Share:
    """The chunks one diff process reads, in order; they alternate with the other processes' chunks, so
    that a heavy stretch of history is shared out (see :func:`_shares`)."""

    chunks: list[_Chunk]
    read: int = 0  # commits parsed
    _chunk: int = 0
    _taken: int = 0  # commits of the current chunk parsed

    @property
    def shas(self) -> list[str]:
        return [sha for chunk in self.chunks for sha in chunk.shas]

    def take(self, commits: list[ParsedCommit]) -> None:
        for commit in commits:
            while self._chunk < len(self.chunks) and self._taken == len(self.chunks[self._chunk].shas):
                self.chunks[self._chunk].close()
                self._chunk, self._taken = self._chunk + 1, 0
            if self._chunk == len(self.chunks) or commit.sha != self.chunks[self._chunk].shas[self._taken]:
                raise MiningError(f"git log printed commit {commit.sha[:12]} where another was expected")
            self.chunks[self._chunk].add(commit)
            self._taken += 1
            self.read += 1


def _row(sha: str, change: DiffChange, hit: float) -> tuple[Any, ...]:
    """A change in :data:`scorecard.evidence.frames.CHANGE_COLUMNS` order."""
    # numstat calls a submodule replacing a binary file binary, yet a diff from nothing counts one line.
    gitlink = history.GITLINK_LINES if change.new_mode == GITLINK_MODE and change.added is None else None
    return (sha, change.path, change.old_path, change.status, change.added, change.deleted, change.blob, gitlink, hit)


class HistoryReader:
    """The passes over one repository's history (see the module docstring).

    With ``chain_since``, only the first-parent chain above ``since`` is listed (a rescan from a checkpoint).
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
        self.settings = settings
        self.since = since
        self.chain_since = chain_since
        self.impossible_at = impossible_at
        self.impossible_dates = 0
        self._group = ProcessGroup()
        self._stopped = threading.Event()

    def stop(self) -> None:
        """Ctrl-C or an error: no git process may outlive the scan, and no other starts."""
        self._stopped.set()
        self._group.kill_all()

    def stream(
        self, advance: Advance | None = None, *, reader: BlobReader
    ) -> tuple[pd.DataFrame, pd.DataFrame, list[str] | None]:
        """New commits and file changes (frames in the store's column order) and HEAD's first-parent chain.

        With ``chain_since``, the chain above ``since`` (None when ``since`` is not on the chain). ``advance``
        hears (commits read, commits to read) while the diffs are read, and at the end. ``reader`` reads the
        blobs that settle what the patches leave open.
        """
        listed = self._chain()
        chain = listed if listed is not None else history.first_parent_chain(self.info)
        commits = self._commits()
        keywords = _Keywords.of(self.settings, chain)
        on_chain = commits["sha"].isin(keywords.chain).to_numpy()
        diffed = (commits["parent_count"].to_numpy() <= 1) | on_chain
        chunks = _chunks(commits, diffed, keywords)
        self._diff(_shares(chunks), len(commits), advance)
        changes = _Settled(self.info, reader, keywords).apply(chunks)
        if advance:
            advance(len(commits), len(commits))
        return commits, changes, listed

    def _commits(self) -> pd.DataFrame:
        rows = history.list_commits(self.info, self.since)
        impossible = [n for n, row in enumerate(rows) if not history.possible_time(row[3])]
        for number in impossible:
            sha, parent, parents, _when, name, email = rows[number]
            rows[number] = (sha, parent, parents, self.impossible_at, name, email)
        self.impossible_dates += len(impossible)
        return commits_frame(rows)

    def _chain(self) -> list[str] | None:
        if self.chain_since and self.since is not None:
            return history.first_parent_chain_since(self.info, self.since)
        return history.first_parent_chain(self.info)

    def _diff(self, shares: list[_Share], total: int, advance: Advance | None) -> None:
        """Run one diff process per share, all at once, each parsed in a thread of its own."""
        failures: list[BaseException] = []

        def work(share: _Share) -> None:
            try:
                if not self._stopped.is_set():
                    shas = share.shas
                    history.diff_commits(self.info, shas, share.chunks[0].keywords.parser(), share.take, self._group)
                    if share.read != len(shas):
                        raise MiningError(f"git log printed {share.read} of the {len(shas)} commits asked for")
            except BaseException as error:  # re-raised in the caller's thread
                failures.append(error)
                self._group.kill_all()

        workers = [threading.Thread(target=work, args=(share,), daemon=True) for share in shares]
        for worker in workers:
            worker.start()
        for worker in workers:
            while worker.is_alive():
                worker.join(PROGRESS_SECONDS)
                if advance:
                    advance(min(sum(share.read for share in shares), total), total)
        if failures:
            raise failures[0]
        if self._stopped.is_set():
            raise MiningError("the scan was stopped")

    def read_missing_merges(self, every: History, new_rows: int, reader: BlobReader) -> None:
        """Diff the chain's merges that the stored history holds no change of: merges that were off the chain
        when they were read (so not diffed), or whose diff is empty. Their changes go before the last
        ``new_rows`` rows of ``every.changes`` (the new ones); ``keyword_hit`` stays NaN, so they are evaluated.
        """
        commits = every.commits
        merges = commits["sha"][(commits["parent_count"] > 1).to_numpy() & commits["sha"].isin(set(every.chain))]
        missing = sorted(set(merges) - set(every.changes["sha"]))
        if not missing:
            return
        keywords = _Keywords(None, frozenset(), set())  # no keyword test: NaN, every change evaluated
        chunk = _Chunk(missing, keywords)
        share = _Share([chunk])
        history.diff_commits(self.info, missing, keywords.parser(), share.take, self._group)
        if share.read != len(missing):
            raise MiningError(f"git log printed {share.read} of the {len(missing)} merges asked for")
        found = _Settled(self.info, reader, keywords).apply([chunk])
        fill_binary_lines(self.info, found, reader)
        split = len(every.changes) - new_rows
        changes = every.changes
        every.changes = pd.concat([changes.iloc[:split], found, changes.iloc[split:]], ignore_index=True)


def _chunks(commits: pd.DataFrame, diffed: np.ndarray, keywords: _Keywords) -> list[_Chunk]:
    """The commits to diff, in history order, cut into chunks of about the same work."""
    shas = commits["sha"].to_numpy(dtype=object)[diffed].tolist()
    if len(shas) < SPLIT_FROM or diff_processes() == 1:
        return [_Chunk(shas, keywords)] if shas else []
    weight = np.where(commits["parent_count"].to_numpy()[diffed] > 1, MERGE_WEIGHT, 1)
    count = diff_processes() * CHUNKS_PER_PROCESS
    bounds = np.searchsorted(np.cumsum(weight), np.linspace(0, weight.sum(), count + 1)[1:-1], side="right")
    edges = [0, *sorted(set(bounds.tolist())), len(shas)]
    return [_Chunk(shas[start:stop], keywords) for start, stop in itertools.pairwise(edges) if stop > start]


def _shares(chunks: list[_Chunk]) -> list[_Share]:
    """The chunks dealt out to the diff processes in turn: each process reads every n-th chunk, so the
    processes finish together however the work is spread over history (a process per chunk would start
    more processes, each warming its own caches)."""
    count = min(diff_processes(), len(chunks))
    return [_Share(chunks[number::count]) for number in range(count)]


class _Settled:
    """The chunks' changes as one frame, with what the patches left open settled (see the module docstring)."""

    def __init__(self, info: RepoInfo, reader: BlobReader, keywords: _Keywords):
        self.info = info
        self.keywords = keywords
        self.test = settling.BinaryTest(info, reader)

    def apply(self, chunks: list[_Chunk]) -> pd.DataFrame:
        offsets = np.cumsum([0] + [part.size for part in chunks])
        frame = pd.concat([part.frame() for part in chunks], ignore_index=True) if chunks else changes_frame([])
        unsettled = [
            (offset + row, sha, change)
            for part, offset in zip(chunks, offsets[:-1], strict=True)
            for row, sha, change in part.unsettled
        ]
        renames = [
            (offset + row, change)
            for part, offset in zip(chunks, offsets[:-1], strict=True)
            for row, change in part.renames
        ]
        self._counts(frame, unsettled)
        self._rename_hits(frame, renames)
        return frame

    def _counts(self, frame: pd.DataFrame, unsettled: list[tuple[int, str, DiffChange]]) -> None:
        retyped = [(row, sha, change) for row, sha, change in unsettled if change.status == "T"]
        plain = [(row, sha, change) for row, sha, change in unsettled if change.status != "T"]
        counts = settling.settle(
            self.test,
            [(c.status, c.path, c.old_path, c.old_blob, c.blob, (c.old_mode, c.new_mode)) for _, _, c in plain],
        )
        if retyped:
            told = settling.numstat_of(
                self.info, sorted({sha for _, sha, _ in retyped}), history.subdir_pathspec(self.info)
            )
            counts += [told.get((sha, change.path), (0, 0)) for _, sha, change in retyped]  # unlisted: 0 0
        rows = [row for row, _, _ in plain + retyped]
        if not rows:
            return
        changes = [change for _, _, change in plain + retyped]
        added = [np.nan if a is None else float(a) for a, _ in counts]
        deleted = [np.nan if d is None else float(d) for _, d in counts]
        gitlink = [
            float(history.GITLINK_LINES) if c.new_mode == GITLINK_MODE and a is None else np.nan
            for c, (a, _) in zip(changes, counts, strict=True)
        ]
        frame.loc[rows, "added"] = added
        frame.loc[rows, "deleted"] = deleted
        frame.loc[rows, "blob_lines"] = gitlink

    def _rename_hits(self, frame: pd.DataFrame, renames: list[tuple[int, DiffChange]]) -> None:
        if not renames:
            return
        hits = settling.rename_hits(
            self.test,
            self.keywords.regex,
            self.keywords.wanted,
            [(c.old_path or c.path, c.path, c.old_blob, c.blob or "", (c.old_mode, c.new_mode)) for _, c in renames],
        )
        frame.loc[[row for row, _ in renames], "keyword_hit"] = [1.0 if hit else 0.0 for hit in hits]


def fill_binary_lines(info: RepoInfo, changes: pd.DataFrame, reader: BlobReader) -> None:
    """For changes git calls binary, count the new blob's lines if it is text after all (binary -> text).

    A file is binary to git by its contents (a NUL byte near the start) or by ``.gitattributes``
    (``-diff``, ``binary``): both are checked so that lines at HEAD equal ``git diff --numstat``.
    A submodule's commit id is no blob here: its ``blob_lines`` stay as the history stream set them.
    """
    binary = changes["added"].isna() & changes["blob"].notna()
    if not binary.any():
        return
    blobs = pd.unique(changes.loc[binary, "blob"]).tolist()
    counted = {
        blob: None if sniffed is None or sniffed.binary else sniffed.lines
        for blob, sniffed in zip(blobs, reader.sniff_many(blobs), strict=True)
    }
    text_rows = binary & changes["blob"].map(lambda blob: counted.get(blob) is not None)
    attributes = settling.diff_attributes(info, changes.loc[text_rows, "path"])
    forced = {path for path, value in attributes.items() if value == "unset"}
    keep = text_rows & ~changes["path"].isin(forced)
    changes.loc[keep, "blob_lines"] = changes.loc[keep, "blob"].map(counted).astype("float64")
