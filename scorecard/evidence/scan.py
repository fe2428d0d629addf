"""Scanning repositories: mine git history, compute the evidence, write it to the store.

One repository: :func:`scan_repository` (mining and metrics, no writes) then :meth:`Store.save_scan` (one
transaction). Several: :func:`scorecard.services.scanning.scan_repositories` mines them in parallel processes and writes
each result from the calling process, so the database has one writer.

A rescan reads only the commits since the last scanned HEAD (``last..HEAD``). It falls back to a full scan
when the stored history cannot be extended: HEAD was rewritten (the last head is no longer an ancestor), the
mailmap changed (stored author names are stale), or the flag patterns changed (cached blob evidence is stale).

Every scan also stores a checkpoint (:class:`scorecard.evidence.metrics.Checkpoint`): the metrics' running state at the
scanned head. A rescan whose last head is still on HEAD's first-parent chain, with the same patterns,
exclusions and mailmap, advances that checkpoint by the new commits alone; otherwise it recomputes every
metric from the stored history plus the new commits. Both paths end in the same state, so the same results.
"""

from __future__ import annotations

import json
import os
import re
import threading
import time
import tomllib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from scorecard.errors import ScorecardError
from scorecard.evidence import git as mining
from scorecard.evidence import metrics, patterns
from scorecard.evidence.filekinds import suffix_of
from scorecard.evidence.records import COMMIT_COLUMNS, FILE_CHANGE_COLUMNS, LINES_COLUMNS, PreviousScan, ScanRecord

Progress = Callable[[str], None]
# (commits read so far, commits to read) for one repository: what a progress bar shows.
Advance = Callable[[int, int], None]
ADVANCE_EVERY = 2_000  # commits between two progress ticks: cheap, and smooth enough for a bar
# The previous scan's records: commits, file changes and the blob-evidence cache.
StoredHistory = tuple[list[tuple[Any, ...]], list[tuple[Any, ...]], dict[tuple[str, str], str]]
BATCH_ROWS = 50_000


@dataclass(frozen=True)
class ScanOptions:
    """What the user asked for, shared by every repository of one ``scorecard scan``."""

    team: str
    subdir: str | None = None
    flags_config: patterns.EvidenceConfig | None = None  # from --flags FILE
    exclude_paths: tuple[str, ...] = ()
    exclude_authors: tuple[str, ...] = ()
    exclude_commits: tuple[str, ...] = ()
    full: bool = False  # ignore the previous scan and read the whole history
    now: datetime | None = None  # the scan time (tests pin it); default: the moment the scan starts


@dataclass
class RepoScan:
    """A finished scan of one repository: what to write, and the JSON summary to print."""

    record: ScanRecord
    summary: dict[str, Any]
    warnings: list[str] = field(default_factory=list)
    checkpoint: bytes | None = None  # the metrics' state at the scanned head, for the next rescan


def load_flags_file(path: str | os.PathLike[str]) -> patterns.EvidenceConfig:
    """Read a ``--flags FILE`` (TOML, or YAML for ``.yaml``/``.yml``); see :mod:`scorecard.evidence.patterns`."""
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ScorecardError(f"cannot read flags file {file}: {getattr(error, 'strerror', None) or error}") from None
    config = patterns.parse_config_text(text, str(file), yaml_format=file.suffix.lower() in (".yaml", ".yml"))
    return config or patterns.EvidenceConfig(flag_patterns=())


def _effective_config(options: ScanOptions, repo_config: patterns.EvidenceConfig | None) -> patterns.EvidenceConfig:
    for sha in options.exclude_commits:
        if not re.fullmatch(r"[0-9a-fA-F]{4,40}", sha):
            raise ScorecardError(f"--exclude-commit {sha!r} is not a commit id (4 to 40 hex digits)")
    for regex in options.exclude_authors:
        try:
            re.compile(regex)
        except re.error as error:
            raise ScorecardError(f"--exclude-author {regex!r}: {error}") from None
    cli = patterns.EvidenceConfig(
        flag_patterns=(),
        exclude_paths=options.exclude_paths,
        exclude_authors=options.exclude_authors,
        exclude_commits=tuple(sha.lower() for sha in options.exclude_commits),
    )
    return patterns.EvidenceConfig().merged(repo_config).merged(options.flags_config).merged(cli)


def _repo_config(
    info: mining.RepoInfo, reader: mining.BlobReader, warnings: list[str]
) -> patterns.EvidenceConfig | None:
    # The scanned repository's own [tool.scorecard] table, read from the HEAD blob: never executed.
    # A team in a monorepo may keep its own pyproject in its directory; else the repository's is used.
    for where in ([f"{info.subdir}/pyproject.toml"] if info.subdir else []) + ["pyproject.toml"]:
        data = reader.read(f"{info.head}:{where}")
        if data is None:
            continue
        text = data.decode("utf-8", "replace")
        try:
            tomllib.loads(text)
        except tomllib.TOMLDecodeError:
            # Not ours to judge: a broken pyproject only means no [tool.scorecard] settings.
            warnings.append(f"{info.name}: {where} at HEAD is not valid TOML; its [tool.scorecard] is ignored")
            return None
        return patterns.parse_config_text(text, f"{info.path.name}/{where}")
    return None


# ---------------------------------------------------------------------------------------------------------
# Mining into frames


class _Mining:
    """The passes over one repository's history: the main stream now, the ``-G`` keyword pass beside it.

    Both are git processes, so the two cores of a laptop each get one; while the slower ``-G`` pass
    finishes, the caller computes everything that does not depend on it (lines, churn, coupling).
    """

    def __init__(
        self, info: mining.RepoInfo, config: patterns.EvidenceConfig, since: str | None, chain_since: bool = False
    ):
        self.info = info
        self.since = since
        self.chain_since = chain_since
        self._hits: set[tuple[str, str]] = set()
        self._failure: list[BaseException] = []
        self._group = mining.ProcessGroup()
        regex, suffixes = config.keyword_regex(), config.scanned_suffixes()

        def find_hits() -> None:
            try:
                self._hits.update(mining.keyword_hits(info, regex, suffixes, since, group=self._group))
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
        total = mining.count_commits(self.info, self.since) if advance else 0
        read = 0
        for commit in mining.stream_history(self.info, self.since):
            read += 1
            if advance and read % ADVANCE_EVERY == 0:
                advance(read, total)
            commit_rows.append(
                (
                    commit.sha,
                    commit.parents[0] if commit.parents else None,
                    len(commit.parents),
                    commit.committed_at,
                    commit.author_name,
                    commit.author_email,
                )
            )
            for change in commit.changes:
                change_rows.append(
                    (
                        commit.sha,
                        change.path,
                        change.old_path,
                        change.status,
                        change.added,
                        change.deleted,
                        change.blob,
                        None,
                        None,
                    )
                )
            if len(change_rows) >= BATCH_ROWS:
                # Frames hold the history far more compactly than tuples of Python objects.
                change_parts.append(metrics.changes_frame(change_rows))
                commit_parts.append(metrics.commits_frame(commit_rows))
                change_rows, commit_rows = [], []
        change_parts.append(metrics.changes_frame(change_rows))
        commit_parts.append(metrics.commits_frame(commit_rows))
        if advance:
            advance(read, max(total, read))
        if self.chain_since and self.since is not None:
            chain = mining.first_parent_chain_since(self.info, self.since)
        else:
            chain = mining.first_parent_chain(self.info)
        return pd.concat(commit_parts, ignore_index=True), pd.concat(change_parts, ignore_index=True), chain

    def mark_keyword_hits(self, changes: pd.DataFrame, new_commits: set[str], chain: list[str]) -> None:
        """Wait for the -G pass and set ``keyword_hit`` on the new commits' changes (1, 0, or NaN)."""
        self._thread.join()
        if self._failure:
            raise self._failure[0]
        new = changes["sha"].isin(new_commits).to_numpy()
        if not new.any():
            return
        rows = changes[new]
        hits = self._hits
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


def _fill_binary_lines(info: mining.RepoInfo, changes: pd.DataFrame, reader: mining.BlobReader) -> None:
    """For changes git calls binary, count the new blob's lines if it is text after all (binary -> text).

    A file is binary to git by its contents (a NUL byte near the start) or by ``.gitattributes``
    (``-diff``, ``binary``): both are checked so that lines at HEAD equal ``git diff --numstat``.
    """
    binary = changes["added"].isna() & changes["blob"].notna()
    if not binary.any():
        return
    counted = {blob: reader.text_lines(blob) for blob in pd.unique(changes.loc[binary, "blob"])}
    text_rows = binary & changes["blob"].map(lambda blob: counted.get(blob) is not None)
    forced = mining.binary_by_attributes(info, changes.loc[text_rows, "path"])
    keep = text_rows & ~changes["path"].isin(forced)
    changes.loc[keep, "blob_lines"] = changes.loc[keep, "blob"].map(counted).astype("float64")


def _columns(frame: pd.DataFrame, names: Sequence[str]) -> list[list[Any]]:
    return [frame[name].to_numpy(dtype=object).tolist() for name in names]


def _replay_evidence(
    history: metrics.History,
    config: patterns.EvidenceConfig,
    reader: mining.BlobReader,
    cached: dict[tuple[str, str], str],
    state: patterns.ReplayState,
) -> tuple[patterns.ReplayResult, list[tuple[str, str, str, str]]]:
    """Flags and debt comments along the chain, resuming from ``state`` (updated in place); blob evidence
    comes from the cache or one cat-file process.

    Blobs of the changes git's ``-G`` flagged are read in one pipelined batch first; the rest (later
    changes to files that hold a flag keyword) on demand.
    """
    evaluator = patterns.Evaluator(config)
    chain = history.chain_changes
    relevant = {path for path in pd.unique(chain["path"]) if evaluator.relevant(path)}
    relevant |= {path for path in pd.unique(chain["old_path"].dropna()) if evaluator.relevant(path)}
    chain = chain[chain["path"].isin(relevant) | chain["old_path"].isin(relevant)]
    fingerprint = config.fingerprint()
    known: dict[tuple[str, str], patterns.BlobEvidence | None] = {}
    new_cache: list[tuple[str, str, str, str]] = []

    def remember(key: tuple[str, str], found: patterns.BlobEvidence | None) -> None:
        known[key] = found
        new_cache.append((key[0], key[1], fingerprint, found.to_json() if found is not None else ""))

    def evidence_of(blob: str, path: str) -> patterns.BlobEvidence | None:
        key = (blob, suffix_of(path))
        if key not in known:
            stored = cached.get(key)
            if stored is not None:
                known[key] = patterns.BlobEvidence.from_json(stored) if stored else None
            else:
                remember(key, evaluator.evaluate(reader.read(blob), path))
        return known[key]

    sha, when, path, old_path, status, blob, hit, added = _columns(
        chain, ("sha", "committed_at", "path", "old_path", "status", "blob", "keyword_hit", "added")
    )
    # -G skips binary diffs, and unknown (NaN) means the -G pass did not read the commit: evaluate both.
    evaluate = [h != 0 or a != a for h, a in zip(hit, added, strict=True)]
    wanted: dict[tuple[str, str], str] = {}
    for blob_id, file, must in zip(blob, path, evaluate, strict=True):
        if must and isinstance(blob_id, str):
            key = (blob_id, suffix_of(file))
            if key not in cached and key not in wanted:
                wanted[key] = file
    by_blob: dict[str, list[tuple[str, str]]] = {}
    for key, file in wanted.items():
        by_blob.setdefault(key[0], []).append((key[1], file))
    for blob_id, data in reader.read_many(list(by_blob)):
        for suffix, file in by_blob[blob_id]:
            remember((blob_id, suffix), evaluator.evaluate(data, file))
    changes = (
        patterns.ChainChange(
            c_sha,
            int(c_when),
            c_path,
            c_old if isinstance(c_old, str) else None,
            c_status,
            c_blob if isinstance(c_blob, str) else None,
            c_eval,
        )
        for c_sha, c_when, c_path, c_old, c_status, c_blob, c_eval in zip(
            sha, when, path, old_path, status, blob, evaluate, strict=True
        )
    )
    return patterns.replay(changes, evidence_of, state), new_cache


# ---------------------------------------------------------------------------------------------------------
# One repository


def _rows(frame: pd.DataFrame) -> list[tuple[Any, ...]]:
    """Rows for the store: NaN becomes NULL, float counts become integers."""
    columns = []
    for name in frame.columns:
        values = frame[name].to_numpy(dtype=object).tolist()
        if frame[name].dtype.kind == "f":
            values = [None if v != v else int(v) for v in values]
        elif frame[name].dtype.kind == "O" or str(frame[name].dtype) in ("str", "string"):
            values = [v if isinstance(v, str) else None for v in values]
        columns.append(values)
    return list(zip(*columns, strict=True))


def _checkpoint_settings(config: patterns.EvidenceConfig, mailmap: str) -> str:
    """What a checkpoint's state depends on: patterns, exclusions and mailmap."""
    return f"{config.fingerprint()}:{config.exclusion_fingerprint()}:{mailmap}"


def scan_repository(
    path: str | os.PathLike[str],
    options: ScanOptions,
    previous: PreviousScan | None,
    stored: StoredHistory | Callable[[], StoredHistory] | None,
    progress: Progress | None = None,
    checkpoint: bytes | None = None,
    advance: Advance | None = None,
) -> RepoScan:
    """Mine one repository and compute its evidence; nothing is written (the store writes it).

    ``previous`` is the last scan's state and ``stored`` its history (commits, file changes, blob-evidence
    cache, or a function that loads them when needed) when an incremental rescan is possible; pass None for
    both to read everything. ``checkpoint`` is the last scan's checkpoint (see :mod:`scorecard.evidence.scan`): with
    it, a rescan need not load the stored history at all.
    """
    started = time.perf_counter()
    now = options.now or datetime.now(UTC)
    say = progress or (lambda message: None)
    info = mining.open_repository(path, options.subdir)
    warnings = info.warnings
    with mining.BlobReader(info) as reader:
        config = _effective_config(options, _repo_config(info, reader, warnings))
        mailmap = mining.mailmap_fingerprint(info, reader)
        settings = _checkpoint_settings(config, mailmap)
        mode, since = "full", None
        reason = "first scan"
        if previous is not None and previous.head and stored is not None and not options.full:
            if previous.mailmap_fingerprint != mailmap:
                reason = "the mailmap changed"
            elif previous.patterns_fingerprint != config.fingerprint():
                reason = "the flag patterns changed"
            elif not mining.is_ancestor(info, previous.head):
                reason = f"history was rewritten ({previous.head[:12]} is no longer an ancestor of HEAD)"
            else:
                mode, since, reason = "incremental", previous.head, f"new commits since {previous.head[:12]}"
        resumed = metrics.Checkpoint.from_bytes(checkpoint) if mode == "incremental" and checkpoint else None
        if resumed is not None and (resumed.settings != settings or resumed.head != since):
            resumed = None
        say(f"{info.name}: {mode} scan ({reason})")
        passes = _Mining(info, config, since, chain_since=resumed is not None)
        try:
            commits, changes, chain = passes.stream(advance)
            if chain is None:  # the last head is an ancestor of HEAD, but not on its first-parent chain
                resumed, chain = None, mining.first_parent_chain(info)
                reason += "; it left HEAD's first-parent chain, so every metric is recomputed"
            _fill_binary_lines(info, changes, reader)
            say(f"{info.name}: {len(commits)} new commits read")
            cached: dict[tuple[str, str], str] = {}
            if resumed is not None:
                state, all_changes = resumed, changes
                history = metrics.History(commits, changes, chain)
            else:
                state = metrics.Checkpoint(settings=settings)
                if mode == "incremental" and stored is not None:
                    old_commits, old_changes, cached = stored() if callable(stored) else stored
                    all_commits = pd.concat([metrics.commits_frame(old_commits), commits], ignore_index=True)
                    all_changes = pd.concat([metrics.changes_frame(old_changes), changes], ignore_index=True)
                else:
                    all_commits, all_changes = commits, changes
                history = metrics.History(all_commits, all_changes, chain)
            state.advance(history, config)  # activity and lines, while the -G pass finishes
            passes.mark_keyword_hits(all_changes, set(commits["sha"]), chain)
            history.keyword_hits_updated()
        except BaseException:
            passes.stop()
            raise
        changes = all_changes.iloc[len(all_changes) - len(changes) :]
        replayed, new_cache = _replay_evidence(history, config, reader, dict(cached), state.replay)
    state.head = info.head
    evidence = metrics.compute_evidence(state, config, now)
    elapsed = time.perf_counter() - started
    summary = {
        "repo": info.name,
        "path": str(info.path),
        "subdir": info.subdir,
        "head": info.head,
        "detached_head": info.detached,
        "bare": info.bare,
        "shallow": info.shallow,
        "scan": {
            "mode": mode,
            "reason": reason,
            "from_checkpoint": resumed is not None,
            "commits_read": len(commits),
            "blobs_evaluated": replayed.blobs_evaluated,
            "scanned_at": now.isoformat(),
        },
        **evidence.summary,
        "metrics": evidence.metrics,
        "warnings": warnings,
        "elapsed_s": round(elapsed, 3),
    }
    flags = evidence.flags
    flag_rows = [
        (
            row.pattern,
            row.name,
            row.path,
            row.introduced_commit,
            metrics._iso(row.introduced_at),
            row.removed_commit if isinstance(row.removed_commit, str) else None,
            metrics._iso(row.removed_at),
            int(row.alive),
            None if pd.isna(row.age_days) else float(row.age_days),
            int(row.stale),
        )
        for row in flags.itertuples(index=False)
    ]
    record = ScanRecord(
        team=options.team,
        path=str(info.path),
        subdir=info.subdir,
        name=info.name,
        head=info.head,
        mode=mode,
        scanned_at=now.astimezone(UTC).isoformat(timespec="seconds"),
        elapsed_s=round(elapsed, 3),
        commits_read=len(commits),
        warnings=warnings,
        patterns_fingerprint=config.fingerprint(),
        settings_fingerprint=config.exclusion_fingerprint(),
        mailmap_fingerprint=mailmap,
        summary=json.dumps(summary, ensure_ascii=False),
        commits=(_rows(commits[list(COMMIT_COLUMNS)])),
        file_changes=(_rows(changes[list(FILE_CHANGE_COLUMNS)])),
        blob_findings=new_cache,
        flags=flag_rows,
        lines=(_rows(evidence.lines[list(LINES_COLUMNS)])),
        metrics={**evidence.metrics, **evidence.components},
        quarter_metrics=evidence.quarter_metrics,
    )
    return RepoScan(record, summary, warnings, checkpoint=state.to_bytes())
