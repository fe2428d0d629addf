"""The chain replay fed with file contents: findings from earlier scans' cache, or read with one cat-file.

Each file version's findings are cached by (blob, suffix) and the patterns' fingerprint, so a rescan
evaluates only versions it has never seen. Blobs of the changes git's ``-G`` flagged are read in one
pipelined batch first; the rest (later changes to files that hold a flag keyword) on demand.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import pandas as pd

from scorecard.evidence.filekinds import suffix_of
from scorecard.evidence.findings import Evaluator, FileFindings
from scorecard.evidence.frames import History
from scorecard.evidence.git import BlobReader
from scorecard.evidence.patterns import ScanSettings
from scorecard.evidence.replay import ChainChange, ReplayResult, ReplayState, replay

VersionKey = tuple[str, str]  # (blob, suffix): what a version's findings depend on, besides the patterns
CacheRow = tuple[str, str, str, str]  # blob, suffix, patterns fingerprint, findings as JSON ("" for none)
_REPLAYED_COLUMNS = ("sha", "committed_at", "path", "old_path", "status", "blob", "keyword_hit", "added")


class _FileVersions:
    """Findings of file versions: from the cache of earlier scans, or evaluated now (and then cached)."""

    def __init__(self, evaluator: Evaluator, reader: BlobReader, cached: dict[VersionKey, str], fingerprint: str):
        self.evaluator = evaluator
        self.reader = reader
        self.cached = cached
        self.fingerprint = fingerprint
        self.known: dict[VersionKey, FileFindings | None] = {}
        self.new_rows: list[CacheRow] = []

    def _remember(self, key: VersionKey, found: FileFindings | None) -> None:
        self.known[key] = found
        self.new_rows.append((key[0], key[1], self.fingerprint, found.to_json() if found is not None else ""))

    def findings_of(self, blob: str, path: str) -> FileFindings | None:
        key = (blob, suffix_of(path))
        if key not in self.known:
            stored = self.cached.get(key)
            if stored is not None:
                self.known[key] = FileFindings.from_json(stored) if stored else None
            else:
                self._remember(key, self.evaluator.evaluate(self.reader.read(blob), path))
        return self.known[key]

    def read_ahead(self, wanted: dict[VersionKey, str]) -> None:
        """Evaluate the versions ``wanted`` (key -> a path of it), each blob read once, pipelined."""
        by_blob: dict[str, list[tuple[str, str]]] = {}
        for key, file in wanted.items():
            by_blob.setdefault(key[0], []).append((key[1], file))
        for blob, data in self.reader.read_many(list(by_blob)):
            for suffix, file in by_blob[blob]:
                self._remember((blob, suffix), self.evaluator.evaluate(data, file))


def replay_chain(
    history: History,
    settings: ScanSettings,
    reader: BlobReader,
    cached: dict[VersionKey, str],
    state: ReplayState,
) -> tuple[ReplayResult, list[CacheRow]]:
    """Flags and debt comments along the chain, resuming from ``state`` (updated in place); returns the
    replay's result and the cache rows of the versions evaluated."""
    evaluator = Evaluator(settings)
    chain = _relevant_changes(history.chain_changes, evaluator)
    versions = _FileVersions(evaluator, reader, cached, settings.fingerprint())
    sha, when, path, old_path, status, blob, hit, added = (
        chain[name].to_numpy(dtype=object).tolist() for name in _REPLAYED_COLUMNS
    )
    # -G skips binary diffs, and unknown (NaN) means the -G pass did not read the commit: evaluate both.
    evaluate = [h != 0 or a != a for h, a in zip(hit, added, strict=True)]
    versions.read_ahead(_versions_to_read(blob, path, evaluate, cached))
    changes = _chain_changes(sha, when, path, old_path, status, blob, evaluate)
    return replay(changes, versions.findings_of, state), versions.new_rows


def _relevant_changes(chain: pd.DataFrame, evaluator: Evaluator) -> pd.DataFrame:
    """The chain's changes of files that can hold a flag or a debt comment (before or after a rename)."""
    relevant = {path for path in pd.unique(chain["path"]) if evaluator.relevant(path)}
    relevant |= {path for path in pd.unique(chain["old_path"].dropna()) if evaluator.relevant(path)}
    return chain[chain["path"].isin(relevant) | chain["old_path"].isin(relevant)]


def _versions_to_read(
    blobs: Sequence[Any], paths: Sequence[str], evaluate: Sequence[bool], cached: dict[VersionKey, str]
) -> dict[VersionKey, str]:
    """The versions to evaluate that no earlier scan cached, each with a path it had."""
    wanted: dict[VersionKey, str] = {}
    for blob, path, must in zip(blobs, paths, evaluate, strict=True):
        if must and isinstance(blob, str):
            key = (blob, suffix_of(path))
            if key not in cached and key not in wanted:
                wanted[key] = path
    return wanted


def _chain_changes(*columns: Sequence[Any]) -> Iterator[ChainChange]:
    """The replay's changes from the columns sha, time, path, old path, status, blob and evaluate."""
    for sha, when, path, old_path, status, blob, evaluate in zip(*columns, strict=True):
        yield ChainChange(
            sha,
            int(when),
            path,
            old_path if isinstance(old_path, str) else None,
            status,
            blob if isinstance(blob, str) else None,
            evaluate,
        )
