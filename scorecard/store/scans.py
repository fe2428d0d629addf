"""Repositories, scans and the mined history: every query of the git-evidence side of the store.

A scan is written in ONE transaction, and so are several repositories' scans (:meth:`ScanQueries.save_scans`):
after Ctrl-C the store holds the previous complete scans or the new ones, never half of them. The history
(commits, file changes) is kept so every metric can be recomputed and a rescan can read only new commits. Reads
return rows; the arithmetic of a team's metrics is :mod:`scorecard.evidence.team`'s, never SQL's.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from scorecard.evidence.records import (
    BLOB_FINDINGS_COLUMNS,
    COMMIT_COLUMNS,
    FILE_CHANGE_COLUMNS,
    FLAG_COLUMNS,
    LINES_COLUMNS,
    PreviousScan,
    RepoMetrics,
    ScanRecord,
)
from scorecard.store.surveys import SurveyQueries, lookup_key

BATCH_ROWS = 10_000


def _chunks(rows: Iterable[Any], size: int) -> Iterator[list[Any]]:
    chunk: list[Any] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _insert(table: str, columns: Sequence[str], replace: bool = False) -> str:
    """An insert naming every column it fills: the table's column order never matters."""
    verb = "insert or replace" if replace else "insert"
    return f"{verb} into {table} ({', '.join(columns)}) values ({', '.join('?' * len(columns))})"


class ScanQueries(SurveyQueries):
    """Reads and writes of repositories, scans, mined history and metric values."""

    def team_repositories(self, team: str) -> list[tuple[str, str | None]]:
        """``(path, subdir)`` of every repository a team has scanned, by path (what "rescan" rescans)."""
        return [
            (path, subdir or None)
            for path, subdir in self.db.execute(
                "select r.path, r.subdir from repos r join teams t on t.id = r.team_id where t.key = ? "
                "order by r.path, r.subdir",
                [lookup_key(team)],
            )
        ]

    def find_repo(self, team: str, path: str, subdir: str | None) -> int | None:
        row = self.db.execute(
            "select r.id from repos r join teams t on t.id = r.team_id where t.key = ? and r.path = ? and r.subdir = ?",
            [lookup_key(team), path, subdir or ""],
        ).fetchone()
        return int(row[0]) if row else None

    def previous_scan(self, team: str, path: str, subdir: str | None) -> PreviousScan | None:
        """What a rescan of this repository needs to know about the previous one (None: never scanned)."""
        repo_id = self.find_repo(team, path, subdir)
        if repo_id is None:
            return None
        row = self.db.execute(
            "select head, patterns_fingerprint, settings_fingerprint, mailmap_fingerprint, scanned_at "
            "from scans where repo_id = ? order by id desc limit 1",
            [repo_id],
        ).fetchone()
        if row is None:
            return PreviousScan(repo_id, None, None, None, None, None)
        return PreviousScan(repo_id, *row)

    def load_commits(self, repo_id: int) -> list[tuple[Any, ...]]:
        """Every stored commit of a repository, columns as :data:`COMMIT_COLUMNS` without ``quarter``."""
        columns = [column for column in COMMIT_COLUMNS if column != "quarter"]
        return self.db.execute(f"select {', '.join(columns)} from commits where repo_id = ?", [repo_id]).fetchall()

    def load_file_changes(self, repo_id: int) -> list[tuple[Any, ...]]:
        """Every stored file change, columns as :data:`FILE_CHANGE_COLUMNS`, in the order they were written."""
        return self.db.execute(
            f"select {', '.join(FILE_CHANGE_COLUMNS)} from file_changes where repo_id = ? order by rowid", [repo_id]
        ).fetchall()

    def load_blob_findings(self, repo_id: int, patterns_fingerprint: str) -> dict[tuple[str, str], str]:
        """Cached findings (JSON) per ``(blob, suffix)``, for the patterns with this fingerprint."""
        rows = self.db.execute(
            "select blob, suffix, findings from blob_findings where repo_id = ? and patterns_fingerprint = ?",
            [repo_id, patterns_fingerprint],
        )
        return {(blob, suffix): findings for blob, suffix, findings in rows}

    def load_scan_checkpoint(self, repo_id: int) -> bytes | None:
        """The checkpoint written with the repository's latest scan (None if that scan wrote none)."""
        row = self.db.execute(
            "select state from scan_checkpoints where repo_id = ? "
            "and scan_id = (select max(id) from scans where repo_id = ?)",
            [repo_id, repo_id],
        ).fetchone()
        return bytes(row[0]) if row and row[0] is not None else None

    # -- writing a scan -----------------------------------------------------------------------------------

    def save_scan(self, scan: ScanRecord, checkpoint: bytes | None = None) -> int:
        """Write one repository's scan in one transaction; returns the new scan's id.

        A full scan replaces the repository's stored history; an incremental one appends the new commits.
        The latest flags and per-quarter values are replaced; the scan's metrics and lines are kept per scan
        (a history of scans). ``checkpoint`` (the metrics' state at the scanned head) replaces the
        repository's previous one; without it the repository has none until its next scan.
        """
        return self.save_scans([(scan, checkpoint)])[0]

    def save_scans(self, scans: Sequence[tuple[ScanRecord, bytes | None]], system: str | None = None) -> list[int]:
        """Write several repositories' scans (each with its checkpoint, as :meth:`save_scan`) in ONE
        transaction: all of them or, if one fails, none. Returns the new scans' ids in order. ``system``: tie
        each repository to that system of the team (``repos.system``); None leaves the ties as they are."""
        with self._writing():
            ids = [self._write_scan(scan, checkpoint) for scan, checkpoint in scans]
            for scan, _checkpoint in scans if system is not None else ():
                self.db.execute(
                    "update repos set system = ? where id = ?",
                    [self._stored_system(scan.team, system or ""), self.find_repo(scan.team, scan.path, scan.subdir)],
                )
            return ids

    def repository_systems(self, team: str) -> dict[tuple[str, str], str]:
        """``(path, subdir)`` -> the system each of a team's repositories is tied to ('' the team's)."""
        rows = self.db.execute(
            "select r.path, r.subdir, r.system from repos r join teams t on t.id = r.team_id where t.key = ?",
            [lookup_key(team)],
        )
        return {(path, subdir): system for path, subdir, system in rows}

    def _write_scan(self, scan: ScanRecord, checkpoint: bytes | None) -> int:
        repo_id = self._ensure_repo(scan)
        self._clear_history(repo_id, scan)
        scan_id = self._insert_scan(repo_id, scan)
        self._insert_rows(repo_id, scan_id, scan)
        self.db.execute("delete from scan_checkpoints where repo_id = ?", [repo_id])
        if checkpoint is not None:
            self.db.execute(
                _insert("scan_checkpoints", ("repo_id", "scan_id", "head", "state")),
                [repo_id, scan_id, scan.head, checkpoint],
            )
        return scan_id

    def _ensure_repo(self, scan: ScanRecord) -> int:
        team = self._ensure_team(scan.team)
        repo_id = self.find_repo(scan.team, scan.path, scan.subdir)
        if repo_id is not None:
            return repo_id
        cursor = self.db.execute(
            _insert("repos", ("team_id", "path", "subdir", "name", "created_at")),
            [team.id, scan.path, scan.subdir or "", scan.name, self._now()],
        )
        return int(cursor.lastrowid or 0)

    def _clear_history(self, repo_id: int, scan: ScanRecord) -> None:
        if scan.mode == "full":
            for table in ("commits", "file_changes", "blob_findings"):
                self.db.execute(f"delete from {table} where repo_id = ?", [repo_id])
        else:
            self.db.execute(
                "delete from blob_findings where repo_id = ? and patterns_fingerprint != ?",
                [repo_id, scan.patterns_fingerprint],
            )
        for table in ("flags", "quarter_metrics"):
            self.db.execute(f"delete from {table} where repo_id = ?", [repo_id])

    def _insert_scan(self, repo_id: int, scan: ScanRecord) -> int:
        values = {
            "repo_id": repo_id,
            "scanned_at": scan.scanned_at,
            "head": scan.head,
            "mode": scan.mode,
            "commits_read": scan.commits_read,
            "elapsed_s": scan.elapsed_s,
            "warnings": json.dumps(scan.warnings),
            "patterns_fingerprint": scan.patterns_fingerprint,
            "settings_fingerprint": scan.settings_fingerprint,
            "mailmap_fingerprint": scan.mailmap_fingerprint,
            "summary": scan.summary,
        }
        cursor = self.db.execute(_insert("scans", tuple(values)), list(values.values()))
        return int(cursor.lastrowid or 0)

    def _insert_rows(self, repo_id: int, scan_id: int, scan: ScanRecord) -> None:
        per_repo = (
            ("commits", COMMIT_COLUMNS, scan.commits, True),
            ("file_changes", FILE_CHANGE_COLUMNS, scan.file_changes, False),
            ("blob_findings", BLOB_FINDINGS_COLUMNS, scan.blob_findings, True),
        )
        for table, columns, rows, replace in per_repo:
            sql = _insert(table, ("repo_id", *columns), replace)
            for chunk in _chunks(((repo_id, *row) for row in rows), BATCH_ROWS):
                self.db.conn.executemany(sql, chunk)
        self.db.conn.executemany(
            _insert("flags", ("repo_id", "scan_id", *FLAG_COLUMNS)), [(repo_id, scan_id, *row) for row in scan.flags]
        )
        self.db.conn.executemany(
            _insert("lines_at_head", ("scan_id", *LINES_COLUMNS)), [(scan_id, *row) for row in scan.lines]
        )
        self.db.conn.executemany(
            _insert("scan_metrics", ("scan_id", "metric", "value")),
            [(scan_id, name, value) for name, value in scan.metrics.items()],
        )
        self.db.conn.executemany(
            _insert("scan_examples", ("scan_id", "metric", "position", "example")),
            [
                (scan_id, metric, position, example)
                for metric, strings in scan.examples.items()
                for position, example in enumerate(strings)
            ],
        )
        self.db.conn.executemany(
            _insert("quarter_metrics", ("repo_id", "quarter", "metric", "value", "scan_id")),
            [
                (repo_id, quarter, name, value, scan_id)
                for quarter, values in scan.quarter_metrics.items()
                for name, value in values.items()
            ],
        )

    # -- a team's latest evidence, as rows --------------------------------------------------------------
    # ``system`` on every read below: None reads all the team's repositories; a name reads only those tied to that
    # system (``scan --system``, matched by key; '' the repositories tied to no system).

    def _repos_of(self, team: str, system: str | None) -> tuple[str, list[Any]]:
        """The ``where`` clause (on ``r`` repos and ``t`` teams) and parameters of the team's repositories of
        ``system`` (None: all of them)."""
        if system is None:
            return "t.key = ?", [lookup_key(team)]
        return "t.key = ? and r.system = ?", [lookup_key(team), self._stored_system(team, system)]

    def _latest_scans(self, team: str, system: str | None = None) -> list[tuple[int, int, str, str]]:
        """``(scan id, repo id, repo name, scanned_at)`` of the latest scan of each of a team's repos."""
        where, params = self._repos_of(team, system)
        return self.db.execute(
            "select s.id, r.id, r.name, s.scanned_at from repos r join teams t on t.id = r.team_id "
            "join scans s on s.id = (select max(id) from scans where repo_id = r.id) "
            f"where {where} order by r.name",
            params,
        ).fetchall()

    def latest_repo_metrics(self, team: str, system: str | None = None) -> list[RepoMetrics]:
        """Each repository's metric values from its latest scan (components included)."""
        found = []
        for scan_id, _repo_id, name, scanned_at in self._latest_scans(team, system):
            values = dict(
                self.db.execute("select metric, value from scan_metrics where scan_id = ?", [scan_id]).fetchall()
            )
            found.append(RepoMetrics(name, scanned_at, values))
        return found

    def latest_examples(self, team: str, system: str | None = None) -> list[tuple[str, str, str]]:
        """``(repo name, metric, example)`` from the latest scan of each of a team's repositories, by
        repository name, then metric, then position (most telling first)."""
        where, ids = self._in_latest(team, "e.scan_id", system)
        return self.db.execute(
            "select r.name, e.metric, e.example from scan_examples e join scans s on s.id = e.scan_id "
            f"join repos r on r.id = s.repo_id where {where} order by r.name, e.metric, e.position",
            ids,
        ).fetchall()

    def _in_latest(self, team: str, column: str, system: str | None = None) -> tuple[str, list[int]]:
        """``column in (...)`` over the ids of the team's latest scans (0 = scan id, 1 = repo id)."""
        ids = [int(row[0 if column.endswith("scan_id") else 1]) for row in self._latest_scans(team, system)]
        return f"{column} in ({', '.join('?' * len(ids)) or 'null'})", ids

    def flag_occurrences(self, team: str, system: str | None = None) -> list[tuple[Any, ...]]:
        """Every flag occurrence that lived in the team's latest scans: ``(repo id, scanned_at, pattern, kind,
        name, path, introduced_at, removed_at, last_changed_at)``, times as stored (ISO 8601; ``removed_at``
        None for alive ones, ``kind`` and ``last_changed_at`` None in rows of scans before m007)."""
        where, ids = self._in_latest(team, "f.scan_id", system)
        return self.db.execute(
            "select f.repo_id, s.scanned_at, f.pattern, f.kind, f.name, f.path, f.introduced_at, f.removed_at, "
            f"f.last_changed_at from flags f join scans s on s.id = f.scan_id where {where}",
            ids,
        ).fetchall()

    def author_churn(self, team: str, system: str | None = None) -> dict[str, float]:
        """All-time churn (lines added + deleted by non-merge commits) per author over the team's repositories."""
        where, ids = self._in_latest(team, "f.repo_id", system)
        return dict(
            self.db.execute(
                "select c.author_name, sum(coalesce(f.added, 0) + coalesce(f.deleted, 0)) from file_changes f "
                "join commits c on c.repo_id = f.repo_id and c.sha = f.sha "
                f"where c.parent_count <= 1 and {where} group by c.author_name",
                ids,
            ).fetchall()
        )

    def code_lines_by_suffix(self, team: str, system: str | None = None) -> dict[str, float]:
        """Code lines at HEAD per file suffix over the team's repositories."""
        where, ids = self._in_latest(team, "scan_id", system)
        return dict(
            self.db.execute(
                f"select ext, sum(lines) from lines_at_head where kind = 'code' and {where} group by ext", ids
            ).fetchall()
        )

    def quarter_metric_rows(self, team: str, system: str | None = None) -> list[tuple[str, str, str, float | None]]:
        """``(repo name, quarter, metric, value)`` of every per-quarter value of the team's repositories."""
        where, params = self._repos_of(team, system)
        return self.db.execute(
            "select r.name, q.quarter, q.metric, q.value from quarter_metrics q join repos r on r.id = q.repo_id "
            f"join teams t on t.id = r.team_id where {where} order by r.name, q.quarter",
            params,
        ).fetchall()

    def latest_scan_summary(self, team: str) -> list[dict[str, Any]]:
        """The JSON documents of the latest scan of each of a team's repositories."""
        return [
            json.loads(row[0])
            for row in self.db.execute(
                "select s.summary from scans s join (select max(s2.id) as id from scans s2 "
                "join repos r on r.id = s2.repo_id join teams t on t.id = r.team_id where t.key = ? "
                "group by s2.repo_id) latest on latest.id = s.id",
                [lookup_key(team)],
            )
            if row[0]
        ]
