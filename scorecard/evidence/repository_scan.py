"""Scanning one repository: read its new history, measure it, and hand back what the store will write.

:func:`scan_repository` writes nothing: :mod:`scorecard.services.scanning` stores the result (one
transaction), and scans several repositories in parallel processes.

A rescan reads only the commits since the last scanned HEAD (``last..HEAD``). It falls back to a full scan
when the stored history cannot be extended: HEAD was rewritten (the last head is no longer an ancestor), the
mailmap changed (stored author names are stale), or the flag patterns changed (cached findings are stale).

Every scan also stores a checkpoint (:class:`scorecard.evidence.checkpoint.Checkpoint`): the metrics' running
state at the scanned head. A rescan whose last head is still on HEAD's first-parent chain, with the same
patterns, exclusions and mailmap, advances that checkpoint by the new commits alone; otherwise it recomputes
every metric from the stored history plus the new commits. Both paths end in the same state, so the same
results.
"""

from __future__ import annotations

import json
import os
import re
import time
import tomllib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from scorecard.errors import ScorecardError
from scorecard.evidence import git
from scorecard.evidence.chain_findings import CacheRow, replay_chain
from scorecard.evidence.checkpoint import Checkpoint
from scorecard.evidence.flags import flag_rows
from scorecard.evidence.frames import History, changes_frame, commits_frame
from scorecard.evidence.head_contents import HeadFiles, collect_head_files
from scorecard.evidence.history import first_parent_chain, is_ancestor
from scorecard.evidence.measurement import RepoMeasurement, measure_repository
from scorecard.evidence.patterns import ScanSettings, SettingsError, compile_regex, parse_settings_text
from scorecard.evidence.reading import Advance, HistoryReader, fill_binary_lines
from scorecard.evidence.records import COMMIT_COLUMNS, FILE_CHANGE_COLUMNS, LINES_COLUMNS, PreviousScan, ScanRecord
from scorecard.evidence.replay import ReplayResult
from scorecard.quarters import current_quarter

Progress = Callable[[str], None]
# The previous scan's records: commits, file changes and the blob-findings cache.
StoredHistory = tuple[list[tuple[Any, ...]], list[tuple[Any, ...]], dict[tuple[str, str], str]]
__all__ = ["Advance", "Progress", "RepoScan", "ScanOptions", "StoredHistory", "load_flags_file", "scan_repository"]


@dataclass(frozen=True)
class ScanOptions:
    """What the user asked for, shared by every repository of one ``scorecard scan``."""

    team: str
    subdir: str | None = None
    flags_config: ScanSettings | None = None  # the settings of --flags FILE
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


# ---------------------------------------------------------------------------------------------------------
# Settings: the defaults, the repository's pyproject, a --flags file, the command line


def load_flags_file(path: str | os.PathLike[str]) -> ScanSettings:
    """Read a ``--flags FILE`` (TOML, or YAML for ``.yaml``/``.yml``); see :mod:`scorecard.evidence.patterns`."""
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ScorecardError(f"cannot read flags file {file}: {getattr(error, 'strerror', None) or error}") from None
    settings = parse_settings_text(text, str(file), yaml_format=file.suffix.lower() in (".yaml", ".yml"))
    return settings or ScanSettings(flag_patterns=())


def _scan_settings(options: ScanOptions, repository_settings: ScanSettings | None) -> ScanSettings:
    for sha in options.exclude_commits:
        if not re.fullmatch(r"[0-9a-fA-F]{4,40}", sha):
            raise ScorecardError(f"--exclude-commit {sha!r} is not a commit id (4 to 40 hex digits)")
    for regex in options.exclude_authors:
        compile_regex(regex, f"--exclude-author {regex!r}")  # refused: a SettingsError, one line
    command_line = ScanSettings(
        flag_patterns=(),
        exclude_paths=options.exclude_paths,
        exclude_authors=options.exclude_authors,
        exclude_commits=tuple(sha.lower() for sha in options.exclude_commits),
    )
    return ScanSettings().merged(repository_settings).merged(options.flags_config).merged(command_line)


# A scanned repository's pyproject.toml is read whole (TOML has no streaming parser): over this it is skipped.
PYPROJECT_LIMIT = 1_000_000


def _repository_settings(info: git.RepoInfo, reader: git.BlobReader, warnings: list[str]) -> ScanSettings | None:
    # The scanned repository's own [tool.scorecard] table, read from the HEAD blob: never executed.
    # A team in a monorepo may keep its own pyproject in its directory; else the repository's is used.
    # Not ours to judge, and a team cannot always fix it: what cannot be used is ignored, with a warning.
    for where in ([f"{info.subdir}/pyproject.toml"] if info.subdir else []) + ["pyproject.toml"]:
        try:
            data = reader.read(f"{info.head}:{where}", limit=PYPROJECT_LIMIT)
        except git.BlobTooLarge as error:
            warnings.append(
                f"{info.name}: {where} at HEAD is {error.size:,} bytes, over the {PYPROJECT_LIMIT:,} scorecard "
                "reads; its [tool.scorecard] is ignored"
            )
            return None
        if data is None:
            continue
        text = data.decode("utf-8", "replace")
        try:
            tomllib.loads(text)
        except (tomllib.TOMLDecodeError, RecursionError):
            warnings.append(f"{info.name}: {where} at HEAD is not valid TOML; its [tool.scorecard] is ignored")
            return None
        try:
            return parse_settings_text(text, f"{info.name}: {where}", warnings=warnings)
        except SettingsError as error:
            warnings.append(f"{error}; [tool.scorecard] is ignored")
            return None
    return None


def _settings_fingerprint(settings: ScanSettings, mailmap: str) -> str:
    """What a checkpoint's state depends on: patterns, exclusions and mailmap."""
    return f"{settings.fingerprint()}:{settings.exclusion_fingerprint()}:{mailmap}"


# ---------------------------------------------------------------------------------------------------------
# Full or incremental, from a checkpoint or not


@dataclass
class _Plan:
    """How much history a scan reads: all of it (``full``), or the commits ``since`` the last head."""

    mode: str
    since: str | None
    reason: str
    resumed: Checkpoint | None  # the last scan's checkpoint, when the rescan can advance it


def _plan(
    info: git.RepoInfo,
    settings: ScanSettings,
    mailmap: str,
    previous: PreviousScan | None,
    stored: StoredHistory | Callable[[], StoredHistory] | None,
    checkpoint: bytes | None,
    full: bool,
) -> _Plan:
    plan = _Plan("full", None, "first scan", None)
    if previous is None or not previous.head or stored is None or full:
        return plan
    if previous.mailmap_fingerprint != mailmap:
        plan.reason = "the mailmap changed"
    elif previous.patterns_fingerprint != settings.fingerprint():
        plan.reason = "the flag patterns changed"
    elif not is_ancestor(info, previous.head):
        plan.reason = f"history was rewritten ({previous.head[:12]} is no longer an ancestor of HEAD)"
    else:
        plan.mode, plan.since, plan.reason = "incremental", previous.head, f"new commits since {previous.head[:12]}"
        resumed = Checkpoint.from_bytes(checkpoint) if checkpoint else None
        fingerprint = _settings_fingerprint(settings, mailmap)
        if resumed is not None and resumed.settings_fingerprint == fingerprint and resumed.head == plan.since:
            plan.resumed = resumed
    return plan


# ---------------------------------------------------------------------------------------------------------
# Reading and advancing


@dataclass
class _Advanced:
    """The new history read, and the checkpoint advanced by it (flags and debt comments still to replay)."""

    commits: pd.DataFrame  # the new commits...
    changes: pd.DataFrame  # ...and their file changes
    history: History  # what the checkpoint was advanced by: the new history, or all of it
    checkpoint: Checkpoint
    cached: dict[tuple[str, str], str]  # findings of file versions from the previous scan
    impossible_dates: int = 0  # new commits whose time no quarter can name, placed at the scan's time


def _read_and_advance(
    info: git.RepoInfo,
    settings: ScanSettings,
    plan: _Plan,
    fingerprint: str,
    stored: StoredHistory | Callable[[], StoredHistory] | None,
    reader: git.BlobReader,
    say: Progress,
    advance: Advance | None,
    now: datetime,
) -> _Advanced:
    resumed = plan.resumed is not None
    passes = HistoryReader(info, settings, plan.since, chain_since=resumed, impossible_at=int(now.timestamp()))
    try:
        commits, changes, chain = passes.stream(advance, reader=reader)
        if chain is None:  # the last head is an ancestor of HEAD, but not on its first-parent chain
            plan.resumed, chain = None, first_parent_chain(info)
            plan.reason += "; it left HEAD's first-parent chain, so every metric is recomputed"
        fill_binary_lines(info, changes, reader)
        say(f"{info.name}: {len(commits)} new commits read")
        advanced = _to_advance(plan, fingerprint, stored, commits, changes, chain)
        if plan.mode == "incremental" and plan.resumed is None:  # the stored history joins the new
            passes.read_missing_merges(advanced.history, len(changes), reader)
        advanced.checkpoint.advance(advanced.history, settings)
    except BaseException:
        passes.stop()
        raise
    every_change = advanced.history.changes
    advanced.changes = every_change.iloc[len(every_change) - len(changes) :]
    advanced.impossible_dates = passes.impossible_dates
    return advanced


def _to_advance(
    plan: _Plan,
    fingerprint: str,
    stored: StoredHistory | Callable[[], StoredHistory] | None,
    commits: pd.DataFrame,
    changes: pd.DataFrame,
    chain: list[str],
) -> _Advanced:
    """The checkpoint to advance and the history to advance it by: the resumed one by the new commits, or a
    new one by the stored history plus the new commits."""
    if plan.resumed is not None:
        return _Advanced(commits, changes, History(commits, changes, chain), plan.resumed, {})
    cached: dict[tuple[str, str], str] = {}
    all_commits, all_changes = commits, changes
    if plan.mode == "incremental" and stored is not None:
        old_commits, old_changes, cached = stored() if callable(stored) else stored
        all_commits = pd.concat([commits_frame(old_commits), commits], ignore_index=True)
        all_changes = pd.concat([changes_frame(old_changes), changes], ignore_index=True)
    history = History(all_commits, all_changes, chain)
    return _Advanced(commits, changes, history, Checkpoint(settings_fingerprint=fingerprint), cached)


# ---------------------------------------------------------------------------------------------------------
# One repository


def scan_repository(
    path: str | os.PathLike[str],
    options: ScanOptions,
    previous: PreviousScan | None,
    stored: StoredHistory | Callable[[], StoredHistory] | None,
    progress: Progress | None = None,
    checkpoint: bytes | None = None,
    advance: Advance | None = None,
) -> RepoScan:
    """Mine one repository and measure it; nothing is written (the store writes it).

    ``previous`` is the last scan's state and ``stored`` its history (commits, file changes, findings cache,
    or a function that loads them when needed) when an incremental rescan is possible; pass None for both
    to read everything. ``checkpoint`` is the last scan's checkpoint: with it, a rescan need not load the
    stored history at all.
    """
    started = time.perf_counter()
    now = options.now or datetime.now(UTC)
    say = progress or (lambda message: None)
    info = git.open_repository(path, options.subdir)
    warnings = info.warnings
    with _naming(path), git.BlobReader(info) as reader:
        settings = _scan_settings(options, _repository_settings(info, reader, warnings))
        mailmap = git.mailmap_fingerprint(info, reader)
        fingerprint = _settings_fingerprint(settings, mailmap)
        plan = _plan(info, settings, mailmap, previous, stored, checkpoint, options.full)
        say(f"{info.name}: {plan.mode} scan ({plan.reason})")
        advanced = _read_and_advance(info, settings, plan, fingerprint, stored, reader, say, advance, now)
        if advanced.impossible_dates:
            warnings.append(
                f"{info.name}: commits with an impossible date (before 1970, after 2999 or unreadable): "
                f"{advanced.impossible_dates}, counted in the quarter of the scan, {current_quarter(now)}"
            )
        replayed, new_cache = replay_chain(
            advanced.history, settings, reader, dict(advanced.cached), advanced.checkpoint.replay
        )
        known = _known_head_files(plan, checkpoint)
        advanced.checkpoint.head_files, head_blobs_read = collect_head_files(info, reader, settings.kind_rules, known)
    advanced.checkpoint.head = info.head
    measurement = measure_repository(advanced.checkpoint, settings, now)
    elapsed = round(time.perf_counter() - started, 3)
    scanned = _ScanFacts(info, plan, advanced, replayed, warnings, now, elapsed, head_blobs_read)
    summary = _summary(scanned, measurement)
    record = _record(scanned, options.team, settings, mailmap, summary, measurement, new_cache)
    return RepoScan(record, summary, warnings, checkpoint=advanced.checkpoint.to_bytes())


@contextmanager
def _naming(path: str | os.PathLike[str]) -> Iterator[None]:
    """A git failure while mining (a missing object, say) names the repository: one command scans several."""
    try:
        yield
    except git.MiningError as error:
        raise git.MiningError(f"scanning {os.fspath(path)}: {error}") from None


@dataclass
class _ScanFacts:
    """What a finished scan knows besides its measurement, for its summary and record."""

    info: git.RepoInfo
    plan: _Plan
    advanced: _Advanced
    replayed: ReplayResult
    warnings: list[str]
    now: datetime
    elapsed_s: float
    head_blobs_read: int = 0


def _known_head_files(plan: _Plan, checkpoint: bytes | None) -> HeadFiles | None:
    """The facts of HEAD's files the last scan read: kept by blob id, they hold whatever the settings, so
    even a rescan that cannot resume the checkpoint reads only the files that changed."""
    if plan.resumed is not None:
        return plan.resumed.head_files
    previous = Checkpoint.from_bytes(checkpoint) if checkpoint else None
    return previous.head_files if previous is not None else None


def _summary(scanned: _ScanFacts, measurement: RepoMeasurement) -> dict[str, Any]:
    """The scan's JSON document, as ``scorecard scan --json`` prints it."""
    info, plan = scanned.info, scanned.plan
    return {
        "repo": info.name,
        "path": str(info.path),
        "subdir": info.subdir,
        "head": info.head,
        "detached_head": info.detached,
        "bare": info.bare,
        "shallow": info.shallow,
        "scan": {
            "mode": plan.mode,
            "reason": plan.reason,
            "from_checkpoint": plan.resumed is not None,
            "commits_read": len(scanned.advanced.commits),
            "blobs_evaluated": scanned.replayed.blobs_evaluated,
            "head_blobs_read": scanned.head_blobs_read,
            "scanned_at": scanned.now.isoformat(),
        },
        **measurement.summary,
        "metrics": measurement.metrics,
        "examples": measurement.examples,
        "warnings": scanned.warnings,
        "elapsed_s": scanned.elapsed_s,
    }


def _record(
    scanned: _ScanFacts,
    team: str,
    settings: ScanSettings,
    mailmap: str,
    summary: dict[str, Any],
    measurement: RepoMeasurement,
    new_cache: list[CacheRow],
) -> ScanRecord:
    info, advanced = scanned.info, scanned.advanced
    return ScanRecord(
        team=team,
        path=str(info.path),
        subdir=info.subdir,
        name=info.name,
        head=info.head,
        mode=scanned.plan.mode,
        scanned_at=scanned.now.astimezone(UTC).isoformat(timespec="seconds"),
        elapsed_s=scanned.elapsed_s,
        commits_read=len(advanced.commits),
        warnings=scanned.warnings,
        patterns_fingerprint=settings.fingerprint(),
        settings_fingerprint=settings.exclusion_fingerprint(),
        mailmap_fingerprint=mailmap,
        summary=json.dumps(summary, ensure_ascii=False),
        commits=_rows(advanced.commits[list(COMMIT_COLUMNS)]),
        file_changes=_rows(advanced.changes[list(FILE_CHANGE_COLUMNS)]),
        blob_findings=new_cache,
        flags=flag_rows(measurement.flags),
        lines=_rows(measurement.lines[list(LINES_COLUMNS)]),
        metrics={**measurement.metrics, **measurement.components},
        quarter_metrics=measurement.quarter_metrics,
        examples=measurement.examples,
    )


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
