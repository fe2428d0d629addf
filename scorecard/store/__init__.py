"""The SQLite store: schema, migrations and every query. The only module in scorecard that speaks SQL.

One file holds everything (teams, surveys, answers; repos, scans and git evidence), named for a reader who
opens it with ``sqlite-utils`` or Datasette. Writes happen inside transactions; the journal is WAL so a report
can read while a scan writes.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlite_utils
from sqlite_utils.migrations import Migrations

from scorecard.errors import ScorecardError


class StoreError(ScorecardError):
    """A database that cannot be opened, written or understood; the message is one line for the user."""


class DatabaseLocked(StoreError):
    """Another process holds the write lock for longer than the busy timeout: try again later."""


Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


def _writable_dir(folder: Path) -> bool:
    return os.access(folder, os.W_OK | os.X_OK)


def _timestamp(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")


# ---------------------------------------------------------------------------------------------------------
# Migrations: named functions, applied in order, each in its own transaction. Never edit one that has
# shipped; add a new one. The number of applied migrations is the schema version (also PRAGMA user_version).

migrations = Migrations("scorecard")


@migrations()
def m001_teams_surveys_answers(db: sqlite_utils.Database) -> None:
    db.table("teams").create(
        {"id": int, "name": str, "created_at": str},
        pk="id",
        not_null={"name", "created_at"},
    )
    db.table("teams").create_index(["name"], unique=True)
    db.table("surveys").create(
        {
            "id": int,
            "team_id": int,
            "quarter": str,
            "bank_id": str,
            "bank_version": int,
            "status": str,
            "started_at": str,
            "updated_at": str,
            "completed_at": str,
        },
        pk="id",
        foreign_keys=[("team_id", "teams", "id")],
        not_null={"team_id", "quarter", "bank_id", "bank_version", "status", "started_at", "updated_at"},
    )
    db.table("surveys").create_index(["team_id", "quarter", "bank_id"], unique=True)
    db.table("answers").create(
        {
            "survey_id": int,
            "question_id": str,
            "option_id": str,
            "points": float,
            "note": str,
            "answered_at": str,
            "carried_over": int,
        },
        pk=("survey_id", "question_id"),
        foreign_keys=[("survey_id", "surveys", "id")],
        not_null={"survey_id", "question_id", "option_id", "answered_at"},
        defaults={"carried_over": 0},
    )


@migrations()
def m002_repos_scans_commits(db: sqlite_utils.Database) -> None:
    """Git evidence: repositories a team scans, their scans, the mined history and the latest results."""
    db.table("repos").create(
        {"id": int, "team_id": int, "path": str, "subdir": str, "name": str, "created_at": str},
        pk="id",
        foreign_keys=[("team_id", "teams", "id")],
        not_null={"team_id", "path", "subdir", "name", "created_at"},
        defaults={"subdir": ""},
    )
    db.table("repos").create_index(["team_id", "path", "subdir"], unique=True)
    db.table("scans").create(
        {
            "id": int,
            "repo_id": int,
            "scanned_at": str,
            "head": str,
            "mode": str,  # "full" or "incremental"
            "commits_read": int,
            "elapsed_s": float,
            "warnings": str,  # JSON list
            "patterns_fingerprint": str,
            "settings_fingerprint": str,
            "mailmap_fingerprint": str,
            "summary": str,  # the scan's JSON document, as `scorecard scan --json` printed it
        },
        pk="id",
        foreign_keys=[("repo_id", "repos", "id")],
        not_null={"repo_id", "scanned_at", "head", "mode"},
    )
    db.table("scans").create_index(["repo_id", "scanned_at"])
    db.table("commits").create(
        {
            "repo_id": int,
            "sha": str,
            "first_parent": str,
            "parent_count": int,
            "committed_at": int,  # committer time, Unix seconds
            "quarter": str,  # of committed_at, UTC
            "author_name": str,  # mailmap applied
            "author_email": str,
        },
        pk=("repo_id", "sha"),
        foreign_keys=[("repo_id", "repos", "id")],
    )
    db.table("file_changes").create(
        {
            "repo_id": int,
            "sha": str,  # a merge's changes are its diff against the first parent
            "path": str,  # new path; the old one for a deletion
            "old_path": str,  # renames only
            "status": str,  # A M D R T
            "added": int,  # NULL for a binary file
            "deleted": int,
            "blob": str,  # the file's contents after the change (NULL when deleted)
            "blob_lines": int,  # for a change git calls binary: the lines of the new blob if it is text
            "keyword_hit": int,  # 1 when the diff adds or removes a flag or debt-comment keyword
        },
        foreign_keys=[("repo_id", "repos", "id")],
    )
    db.table("file_changes").create_index(["repo_id", "sha"])
    db.table("blob_evidence").create(
        {"repo_id": int, "blob": str, "suffix": str, "patterns_fingerprint": str, "evidence": str},
        pk=("repo_id", "blob", "suffix"),
    )
    db.table("flags").create(
        {
            "repo_id": int,
            "scan_id": int,
            "pattern": str,
            "name": str,
            "path": str,
            "introduced_commit": str,
            "introduced_at": str,
            "removed_commit": str,
            "removed_at": str,
            "alive": int,
            "age_days": float,
            "stale": int,
        },
        foreign_keys=[("repo_id", "repos", "id"), ("scan_id", "scans", "id")],
    )
    db.table("flags").create_index(["repo_id"])
    db.table("lines_at_head").create(
        {"scan_id": int, "kind": str, "ext": str, "files": int, "binary_files": int, "lines": int},
        pk=("scan_id", "kind", "ext"),
        foreign_keys=[("scan_id", "scans", "id")],
    )
    db.table("scan_metrics").create(
        {"scan_id": int, "metric": str, "value": float},
        pk=("scan_id", "metric"),
        foreign_keys=[("scan_id", "scans", "id")],
    )
    db.table("quarter_metrics").create(
        {"repo_id": int, "quarter": str, "metric": str, "value": float, "scan_id": int},
        pk=("repo_id", "quarter", "metric"),
        foreign_keys=[("repo_id", "repos", "id"), ("scan_id", "scans", "id")],
    )


@migrations()
def m003_scan_checkpoints(db: sqlite_utils.Database) -> None:
    """Fast rescans: the metrics' running state at a repository's last scanned head, one row per repository
    (an opaque blob written and read by scorecard.evidence.metrics.Checkpoint; a rescan without it reads the history)."""
    db.table("scan_checkpoints").create(
        {"repo_id": int, "scan_id": int, "head": str, "state": bytes},
        pk="repo_id",
        foreign_keys=[("repo_id", "repos", "id"), ("scan_id", "scans", "id")],
        not_null={"scan_id", "head", "state"},
    )


def known_migration_names() -> list[str]:
    return [migration.name for migration in migrations._migrations]


SCHEMA_VERSION = len(known_migration_names())


# ---------------------------------------------------------------------------------------------------------
# Records handed to the rest of the program (plain dataclasses: callers never see rows or SQL).


@dataclass(frozen=True)
class Team:
    id: int
    name: str


@dataclass(frozen=True)
class Survey:
    id: int
    team: str
    quarter: str
    bank_id: str
    bank_version: int
    status: str  # "draft" or "complete"
    started_at: str
    updated_at: str
    completed_at: str | None


@dataclass(frozen=True)
class StoredAnswer:
    question_id: str
    option_id: str
    points: float | None  # None for `na`
    note: str | None
    answered_at: str
    carried_over: bool = False


@dataclass(frozen=True)
class AnswerInput:
    """One answer to write: what a user chose, before it gets a timestamp."""

    question_id: str
    option_id: str
    points: float | None
    note: str | None = None
    carried_over: bool = False


@dataclass(frozen=True)
class RepoScanState:
    """The previous scan of a repository, as a rescan needs it."""

    repo_id: int
    head: str | None
    patterns_fingerprint: str | None
    settings_fingerprint: str | None
    mailmap_fingerprint: str | None
    scanned_at: str | None


@dataclass
class ScanWrite:
    """Everything one repository's scan writes (rows in the column order of their tables, minus repo_id)."""

    team: str
    path: str
    subdir: str | None
    name: str
    head: str
    mode: str  # "full" replaces the stored history, "incremental" appends to it
    scanned_at: str
    elapsed_s: float
    commits_read: int
    warnings: list[str]
    patterns_fingerprint: str
    settings_fingerprint: str
    mailmap_fingerprint: str
    summary: str
    commits: Iterable[Sequence[Any]]
    file_changes: Iterable[Sequence[Any]]
    blob_evidence: Iterable[Sequence[Any]]
    flags: Sequence[Sequence[Any]]
    lines: Sequence[Sequence[Any]]
    metrics: dict[str, float | None]
    quarter_metrics: dict[str, dict[str, float | None]]


@dataclass(frozen=True)
class RepoMetrics:
    repo: str
    scanned_at: str
    metrics: dict[str, float | None]


@dataclass(frozen=True)
class TeamEvidence:
    """A team's latest git evidence: metric values summed over its repositories."""

    team: str
    scanned_at: str  # the oldest of the latest scans: the evidence is at least this fresh
    repos: list[str]
    metrics: dict[str, float]


def _chunks(rows: Iterable[Any], size: int) -> Iterator[list[Any]]:
    chunk: list[Any] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


class Store:
    """A scorecard database. Build it with :meth:`Store.open`; it owns one SQLite connection."""

    def __init__(self, db: sqlite_utils.Database, path: Path | None = None, clock: Clock = utc_now):
        self.db = db
        self.path = path
        self.clock = clock

    # -- opening ----------------------------------------------------------------------------------------

    @classmethod
    def open(cls, path: Path | str, clock: Clock = utc_now, migrate: bool = True, timeout: float = 5.0) -> Store:
        """Open (creating if needed) the database at ``path`` and bring its schema up to date.

        Raises :class:`StoreError` with a one-line message for a path that is a directory, a file that is not
        SQLite, a folder that cannot be written, or a schema newer than this version of scorecard.
        """
        path = Path(path)
        if path.is_dir():
            raise StoreError(f"database path {path} is a directory, not a SQLite file")
        if not path.exists():
            parent = path.parent
            try:
                parent.mkdir(parents=True, exist_ok=True)
            except OSError as error:
                raise StoreError(f"cannot create the folder for database {path}: {error.strerror}") from None
            if not _writable_dir(parent):
                raise StoreError(f"cannot write the database {path}: folder {parent} is not writable")
        try:
            # `timeout`: how long a write waits for another process's lock before DatabaseLocked.
            conn = sqlite3.connect(str(path), timeout=timeout)
            db = sqlite_utils.Database(conn)
            # Any read fails here for a file that is not SQLite ("file is not a database").
            db.execute("select count(*) from sqlite_master").fetchone()
        except sqlite3.OperationalError as error:
            raise StoreError(f"cannot open or write the database {path} (SQLite says: {error})") from None
        except sqlite3.DatabaseError as error:
            raise StoreError(f"{path} is not a scorecard database (SQLite says: {error})") from None
        store = cls(db, path=path, clock=clock)
        store._check_schema_not_newer()
        if migrate:
            store._migrate()
        return store

    @classmethod
    def memory(cls, clock: Clock = utc_now) -> Store:
        """An in-memory store (demo data, tests of pure callers)."""
        store = cls(sqlite_utils.Database(memory=True), clock=clock)
        store._migrate()
        return store

    def close(self) -> None:
        self.db.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _check_schema_not_newer(self) -> None:
        applied = [m.name for m in migrations.applied(self.db)]
        unknown = [name for name in applied if name not in known_migration_names()]
        user_version = self.db.execute("PRAGMA user_version").fetchone()[0]
        if unknown or user_version > SCHEMA_VERSION:
            newer = max(user_version, len(applied))
            raise StoreError(
                f"database {self.path} has schema version {newer}, newer than this scorecard's "
                f"{SCHEMA_VERSION}: upgrade scorecard to open it"
            )

    def _migrate(self) -> None:
        try:
            if migrations.pending(self.db):
                # WAL lets readers (a report, the TUI) work while a scan writes; set once, it persists.
                self.db.enable_wal()
                migrations.apply(self.db)
                self.db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            self.db.execute("PRAGMA foreign_keys = ON")
        except sqlite3.OperationalError as error:
            raise StoreError(f"cannot open or write the database {self.path} (SQLite says: {error})") from None

    @property
    def schema_version(self) -> int:
        return len(migrations.applied(self.db))

    def _now(self) -> str:
        return _timestamp(self.clock())

    @contextmanager
    def _writing(self) -> Iterator[None]:
        """One write transaction; a lock held by another process becomes :class:`DatabaseLocked`."""
        try:
            with self.db.atomic():
                yield
        except sqlite3.OperationalError as error:
            if "locked" in str(error) or "busy" in str(error):
                raise DatabaseLocked(
                    f"the database {self.path} is locked by another process (SQLite says: {error})"
                ) from None
            raise

    # -- teams --------------------------------------------------------------------------------------------

    def get_team(self, name: str) -> Team | None:
        row = self.db.execute("select id, name from teams where name = ?", [name]).fetchone()
        return Team(row[0], row[1]) if row else None

    def ensure_team(self, name: str) -> Team:
        """The team called ``name``, created if new (in its own transaction)."""
        with self._writing():
            return self._ensure_team(name)

    def _ensure_team(self, name: str) -> Team:
        team = self.get_team(name)
        if team:
            return team
        cursor = self.db.execute("insert into teams (name, created_at) values (?, ?)", [name, self._now()])
        return Team(int(cursor.lastrowid or 0), name)

    def list_teams(self) -> list[Team]:
        return [Team(r[0], r[1]) for r in self.db.execute("select id, name from teams order by name")]

    # -- surveys ------------------------------------------------------------------------------------------

    _SURVEY_COLUMNS = (
        "s.id, t.name, s.quarter, s.bank_id, s.bank_version, s.status, s.started_at, s.updated_at, s.completed_at"
    )

    def _surveys(self, where: str, params: Iterable[Any]) -> list[Survey]:
        sql = (
            f"select {self._SURVEY_COLUMNS} from surveys s join teams t on t.id = s.team_id "
            f"where {where} order by s.quarter desc, s.updated_at desc, s.id desc"
        )
        return [Survey(*row) for row in self.db.execute(sql, list(params))]

    def find_survey(self, team: str, quarter: str, bank_id: str) -> Survey | None:
        found = self._surveys("t.name = ? and s.quarter = ? and s.bank_id = ?", [team, quarter, bank_id])
        return found[0] if found else None

    def surveys_for_team(self, team: str, bank_id: str | None = None) -> list[Survey]:
        """A team's surveys, newest quarter first."""
        if bank_id is None:
            return self._surveys("t.name = ?", [team])
        return self._surveys("t.name = ? and s.bank_id = ?", [team, bank_id])

    def latest_survey(self, team: str, bank_id: str | None = None, quarter: str | None = None) -> Survey | None:
        """The survey of ``quarter`` (or the newest quarter) for ``team``, optionally of one bank."""
        surveys = self.surveys_for_team(team, bank_id)
        if quarter is not None:
            surveys = [s for s in surveys if s.quarter == quarter]
        return surveys[0] if surveys else None

    def all_surveys(self) -> list[Survey]:
        return self._surveys("1 = 1", [])

    def answers_for(self, survey_id: int) -> dict[str, StoredAnswer]:
        rows = self.db.execute(
            "select question_id, option_id, points, note, answered_at, carried_over from answers "
            "where survey_id = ? order by rowid",
            [survey_id],
        )
        return {r[0]: StoredAnswer(r[0], r[1], r[2], r[3], r[4], bool(r[5])) for r in rows}

    def _ensure_survey(self, team: Team, quarter: str, bank_id: str, bank_version: int) -> int:
        row = self.db.execute(
            "select id, bank_version from surveys where team_id = ? and quarter = ? and bank_id = ?",
            [team.id, quarter, bank_id],
        ).fetchone()
        if row:
            if row[1] != bank_version:
                self.db.execute(
                    "update surveys set bank_version = ?, updated_at = ? where id = ?",
                    [bank_version, self._now(), row[0]],
                )
            return int(row[0])
        now = self._now()
        cursor = self.db.execute(
            "insert into surveys (team_id, quarter, bank_id, bank_version, status, started_at, updated_at) "
            "values (?, ?, ?, ?, 'draft', ?, ?)",
            [team.id, quarter, bank_id, bank_version, now, now],
        )
        return int(cursor.lastrowid or 0)

    def start_survey(self, team: str, quarter: str, bank_id: str, bank_version: int) -> Survey:
        """The survey of ``team`` for ``quarter`` and bank, created as a draft if there is none."""
        with self._writing():
            survey_id = self._ensure_survey(self._ensure_team(team), quarter, bank_id, bank_version)
        found = self._surveys("s.id = ?", [survey_id])
        return found[0]

    def _upsert_answer(self, survey_id: int, answer: AnswerInput, now: str) -> bool:
        """Write one answer; returns whether anything changed (same option and note: untouched)."""
        current = self.db.execute(
            "select option_id, points, note, carried_over from answers where survey_id = ? and question_id = ?",
            [survey_id, answer.question_id],
        ).fetchone()
        wanted = (answer.option_id, answer.points, answer.note, int(answer.carried_over))
        if current is not None and tuple(current) == wanted:
            return False
        self.db.execute(
            "insert into answers (survey_id, question_id, option_id, points, note, answered_at, carried_over) "
            "values (?, ?, ?, ?, ?, ?, ?) on conflict (survey_id, question_id) do update set "
            "option_id = excluded.option_id, points = excluded.points, note = excluded.note, "
            "answered_at = excluded.answered_at, carried_over = excluded.carried_over",
            [survey_id, answer.question_id, *wanted[:3], now, wanted[3]],
        )
        return True

    def import_answers(
        self,
        team: str,
        quarter: str,
        bank_id: str,
        bank_version: int,
        answers: Iterable[AnswerInput],
        complete: bool,
    ) -> tuple[Survey, int]:
        """Write a whole answers file in one transaction: all of it or nothing.

        Answers equal to the stored ones are left untouched (their time included), so importing the same file
        twice changes nothing. Returns the survey and the number of answers that changed.
        """
        now = self._now()
        with self._writing():
            team_row = self._ensure_team(team)
            survey_id = self._ensure_survey(team_row, quarter, bank_id, bank_version)
            changed = sum(self._upsert_answer(survey_id, answer, now) for answer in answers)
            self._set_status(survey_id, complete, now, touched=changed > 0)
        return self._surveys("s.id = ?", [survey_id])[0], changed

    def record_answer(self, survey_id: int, answer: AnswerInput) -> None:
        """Save one answer the moment it is given, in its own transaction (the interactive survey)."""
        now = self._now()
        with self._writing():
            if self._upsert_answer(survey_id, answer, now):
                self.db.execute("update surveys set updated_at = ? where id = ?", [now, survey_id])

    def delete_answer(self, survey_id: int, question_id: str) -> None:
        with self._writing():
            self.db.execute("delete from answers where survey_id = ? and question_id = ?", [survey_id, question_id])

    def set_survey_status(self, survey_id: int, complete: bool) -> None:
        with self._writing():
            self._set_status(survey_id, complete, self._now(), touched=True)

    def _set_status(self, survey_id: int, complete: bool, now: str, touched: bool) -> None:
        status, completed_at = self.db.execute(
            "select status, completed_at from surveys where id = ?", [survey_id]
        ).fetchone()
        new_status = "complete" if complete else "draft"
        if new_status == status and not touched:
            return
        if new_status == "draft":
            completed_at = None
        elif status != "complete":
            completed_at = now
        self.db.execute(
            "update surveys set status = ?, completed_at = ?, updated_at = ? where id = ?",
            [new_status, completed_at, now, survey_id],
        )

    # -- git evidence --------------------------------------------------------------------------------------
    # Repositories, scans, mined history (commits, file_changes: enough to recompute every metric and to
    # rescan incrementally) and the latest results. A scan is written in ONE transaction: after Ctrl-C the
    # store holds the previous complete scan or the new one, never half of one.

    def team_repositories(self, team: str) -> list[tuple[str, str | None]]:
        """``(path, subdir)`` of every repository a team has scanned, by path (what "rescan" rescans)."""
        return [
            (path, subdir or None)
            for path, subdir in self.db.execute(
                "select r.path, r.subdir from repos r join teams t on t.id = r.team_id where t.name = ? "
                "order by r.path, r.subdir",
                [team],
            )
        ]

    def find_repo(self, team: str, path: str, subdir: str | None) -> int | None:
        row = self.db.execute(
            "select r.id from repos r join teams t on t.id = r.team_id "
            "where t.name = ? and r.path = ? and r.subdir = ?",
            [team, path, subdir or ""],
        ).fetchone()
        return int(row[0]) if row else None

    def last_scan_state(self, team: str, path: str, subdir: str | None) -> RepoScanState | None:
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
            return RepoScanState(repo_id, None, None, None, None, None)
        return RepoScanState(repo_id, *row)

    def load_commits(self, repo_id: int) -> list[tuple[Any, ...]]:
        """Every stored commit of a repository as ``(sha, first_parent, parent_count, committed_at,
        author_name, author_email)``."""
        return self.db.execute(
            "select sha, first_parent, parent_count, committed_at, author_name, author_email "
            "from commits where repo_id = ?",
            [repo_id],
        ).fetchall()

    def load_file_changes(self, repo_id: int) -> list[tuple[Any, ...]]:
        """Every stored file change as ``(sha, path, old_path, status, added, deleted, blob, blob_lines,
        keyword_hit)``."""
        return self.db.execute(
            "select sha, path, old_path, status, added, deleted, blob, blob_lines, keyword_hit "
            "from file_changes where repo_id = ? order by rowid",
            [repo_id],
        ).fetchall()

    def load_blob_evidence(self, repo_id: int, patterns_fingerprint: str) -> dict[tuple[str, str], str]:
        """Cached evidence per ``(blob, suffix)`` (JSON), for the patterns with this fingerprint."""
        rows = self.db.execute(
            "select blob, suffix, evidence from blob_evidence where repo_id = ? and patterns_fingerprint = ?",
            [repo_id, patterns_fingerprint],
        )
        return {(blob, suffix): evidence for blob, suffix, evidence in rows}

    def load_scan_checkpoint(self, repo_id: int) -> bytes | None:
        """The checkpoint written with the repository's latest scan (None if that scan wrote none)."""
        row = self.db.execute(
            "select state from scan_checkpoints where repo_id = ? "
            "and scan_id = (select max(id) from scans where repo_id = ?)",
            [repo_id, repo_id],
        ).fetchone()
        return bytes(row[0]) if row and row[0] is not None else None

    def save_scan(self, scan: ScanWrite, checkpoint: bytes | None = None) -> int:
        """Write one repository's scan in one transaction; returns the new scan's id.

        A full scan replaces the repository's stored history; an incremental one appends the new commits.
        The latest flags and per-quarter snapshots are replaced; the scan's metrics and lines are kept per
        scan (a history of scans). ``checkpoint`` (the metrics' state at the scanned head) replaces the
        repository's previous one; without it the repository has none until its next scan.
        """
        batch = 10_000
        with self._writing():
            team = self._ensure_team(scan.team)
            repo_id = self.find_repo(scan.team, scan.path, scan.subdir)
            if repo_id is None:
                cursor = self.db.execute(
                    "insert into repos (team_id, path, subdir, name, created_at) values (?, ?, ?, ?, ?)",
                    [team.id, scan.path, scan.subdir or "", scan.name, self._now()],
                )
                repo_id = int(cursor.lastrowid or 0)
            if scan.mode == "full":
                for table in ("commits", "file_changes", "blob_evidence"):
                    self.db.execute(f"delete from {table} where repo_id = ?", [repo_id])
            else:
                self.db.execute(
                    "delete from blob_evidence where repo_id = ? and patterns_fingerprint != ?",
                    [repo_id, scan.patterns_fingerprint],
                )
            cursor = self.db.execute(
                "insert into scans (repo_id, scanned_at, head, mode, commits_read, elapsed_s, warnings, "
                "patterns_fingerprint, settings_fingerprint, mailmap_fingerprint, summary) "
                "values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    repo_id,
                    scan.scanned_at,
                    scan.head,
                    scan.mode,
                    scan.commits_read,
                    scan.elapsed_s,
                    json.dumps(scan.warnings),
                    scan.patterns_fingerprint,
                    scan.settings_fingerprint,
                    scan.mailmap_fingerprint,
                    scan.summary,
                ],
            )
            scan_id = int(cursor.lastrowid or 0)
            writes = (
                ("insert or replace into commits values (?, ?, ?, ?, ?, ?, ?, ?)", scan.commits),
                ("insert into file_changes values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", scan.file_changes),
                ("insert or replace into blob_evidence values (?, ?, ?, ?, ?)", scan.blob_evidence),
            )
            for sql, rows in writes:
                for chunk in _chunks(((repo_id, *row) for row in rows), batch):
                    self.db.conn.executemany(sql, chunk)
            self.db.execute("delete from flags where repo_id = ?", [repo_id])
            self.db.conn.executemany(
                "insert into flags values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [(repo_id, scan_id, *row) for row in scan.flags],
            )
            self.db.conn.executemany(
                "insert into lines_at_head values (?, ?, ?, ?, ?, ?)", [(scan_id, *row) for row in scan.lines]
            )
            self.db.conn.executemany(
                "insert into scan_metrics values (?, ?, ?)",
                [(scan_id, name, value) for name, value in scan.metrics.items()],
            )
            self.db.execute("delete from quarter_metrics where repo_id = ?", [repo_id])
            self.db.conn.executemany(
                "insert into quarter_metrics values (?, ?, ?, ?, ?)",
                [
                    (repo_id, quarter, name, value, scan_id)
                    for quarter, values in scan.quarter_metrics.items()
                    for name, value in values.items()
                ],
            )
            self.db.execute("delete from scan_checkpoints where repo_id = ?", [repo_id])
            if checkpoint is not None:
                self.db.execute(
                    "insert into scan_checkpoints (repo_id, scan_id, head, state) values (?, ?, ?, ?)",
                    [repo_id, scan_id, scan.head, checkpoint],
                )
        return scan_id

    def _latest_scans(self, team: str) -> list[tuple[int, int, str, str]]:
        """``(scan id, repo id, repo name, scanned_at)`` of the latest scan of each of a team's repos."""
        return self.db.execute(
            "select s.id, r.id, r.name, s.scanned_at from repos r join teams t on t.id = r.team_id "
            "join scans s on s.id = (select max(id) from scans where repo_id = r.id) "
            "where t.name = ? order by r.name",
            [team],
        ).fetchall()

    def latest_repo_metrics(self, team: str) -> list[RepoMetrics]:
        """Each repository's metric values from its latest scan (components included)."""
        found = []
        for scan_id, _repo_id, name, scanned_at in self._latest_scans(team):
            values = dict(
                self.db.execute("select metric, value from scan_metrics where scan_id = ?", [scan_id]).fetchall()
            )
            found.append(RepoMetrics(name, scanned_at, values))
        return found

    def latest_team_evidence(self, team: str) -> TeamEvidence | None:
        """The team's metrics summed over its repositories' latest scans, with the oldest of those scans'
        times (None when the team has no scan)."""
        from scorecard.evidence.metrics import team_metrics

        scans = self._latest_scans(team)
        if not scans:
            return None
        scan_ids = [row[0] for row in scans]
        repo_ids = [row[1] for row in scans]
        marks = ", ".join("?" * len(scans))
        per_repo = [r.metrics for r in self.latest_repo_metrics(team)]
        ages = [
            row[0]
            for row in self.db.execute(f"select age_days from flags where alive = 1 and scan_id in ({marks})", scan_ids)
        ]
        author_churn = dict(
            self.db.execute(
                "select c.author_name, sum(coalesce(f.added, 0) + coalesce(f.deleted, 0)) from file_changes f "
                "join commits c on c.repo_id = f.repo_id and c.sha = f.sha "
                f"where c.parent_count <= 1 and f.repo_id in ({marks}) group by c.author_name",
                repo_ids,
            ).fetchall()
        )
        language_lines = dict(
            self.db.execute(
                f"select ext, sum(lines) from lines_at_head where kind = 'code' and scan_id in ({marks}) group by ext",
                scan_ids,
            ).fetchall()
        )
        metrics = team_metrics(per_repo, ages, author_churn, language_lines)
        return TeamEvidence(team, min(row[3] for row in scans), [row[2] for row in scans], metrics)

    def latest_team_metrics(self, team: str) -> dict[str, float]:
        """The team's latest metric values by name (see :meth:`latest_team_evidence`); empty if never scanned."""
        evidence = self.latest_team_evidence(team)
        return evidence.metrics if evidence else {}

    def team_quarter_metrics(self, team: str) -> dict[str, dict[str, float]]:
        """Per quarter, the team's metric snapshots summed over its repositories (ratios from the sums)."""
        rows = self.db.execute(
            "select q.quarter, q.metric, sum(q.value), count(q.value) from quarter_metrics q "
            "join repos r on r.id = q.repo_id join teams t on t.id = r.team_id where t.name = ? "
            "group by q.quarter, q.metric order by q.quarter",
            [team],
        ).fetchall()
        repos = self.db.execute(
            "select count(*) from repos r join teams t on t.id = r.team_id where t.name = ?", [team]
        ).fetchone()[0]
        by_quarter: dict[str, dict[str, float]] = {}
        ratios = {
            "config_to_code_ratio": ("lines.config", "lines.code"),
            "test_to_code_ratio": ("lines.test", "lines.code"),
            "deletion_ratio": ("churn.deleted", "churn.added"),
        }
        for quarter, metric, total, count in rows:
            values = by_quarter.setdefault(quarter, {})
            if metric in ratios or metric in ("churn.config_share", "flags.median_age_days"):
                if repos == 1 and count:
                    values[metric] = total
                continue
            values[metric] = total
        for values in by_quarter.values():
            for metric, (numerator, denominator) in ratios.items():
                if values.get(denominator):
                    values[metric] = values.get(numerator, 0.0) / values[denominator]
        return by_quarter

    def latest_scan_summary(self, team: str) -> list[dict[str, Any]]:
        """The JSON documents of the latest scan of each of a team's repositories."""
        return [
            json.loads(row[0])
            for row in self.db.execute(
                "select s.summary from scans s join (select max(s2.id) as id from scans s2 "
                "join repos r on r.id = s2.repo_id join teams t on t.id = r.team_id where t.name = ? "
                "group by s2.repo_id) latest on latest.id = s.id",
                [team],
            )
            if row[0]
        ]

    # -- trends -------------------------------------------------------------------------------------------
    # Reads for reports: whole histories of many teams in a few queries, as plain rows that trends.py turns
    # into frames.

    SURVEY_ANSWER_COLUMNS = (
        "team",
        "quarter",
        "bank_id",
        "bank_version",
        "status",
        "survey_id",
        "question_id",
        "option_id",
        "points",
        "note",
        "answered_at",
        "carried_over",
    )

    def survey_answer_rows(
        self, teams: Sequence[str] | None = None, first_quarter: str | None = None
    ) -> list[tuple[Any, ...]]:
        """Every answer of the surveys of ``teams`` (default: all) from ``first_quarter`` on, in one query.

        Columns are :attr:`SURVEY_ANSWER_COLUMNS`; a survey without answers yet is one row whose answer
        columns are NULL, so it still shows in a report. Ordered by team, quarter, bank and answer order.
        """
        where: list[str] = ["1 = 1"]
        params: list[Any] = []
        if teams is not None:
            if not teams:
                return []
            where.append(f"t.name in ({', '.join('?' * len(teams))})")
            params.extend(teams)
        if first_quarter is not None:
            where.append("s.quarter >= ?")
            params.append(first_quarter)
        return self.db.execute(
            "select t.name, s.quarter, s.bank_id, s.bank_version, s.status, s.id, a.question_id, a.option_id, "
            "a.points, a.note, a.answered_at, a.carried_over from surveys s join teams t on t.id = s.team_id "
            f"left join answers a on a.survey_id = s.id where {' and '.join(where)} "
            "order by t.name, s.quarter, s.bank_id, a.rowid",
            params,
        ).fetchall()

    def alive_flags(self, team: str) -> list[tuple[str, str, str, float | None, bool]]:
        """``(pattern, name, path, age_days, stale)`` of the flags alive at each of a team's latest scans."""
        scan_ids = [row[0] for row in self._latest_scans(team)]
        if not scan_ids:
            return []
        rows = self.db.execute(
            "select pattern, name, path, age_days, stale from flags "
            f"where alive = 1 and scan_id in ({', '.join('?' * len(scan_ids))}) order by age_days desc, name",
            scan_ids,
        ).fetchall()
        return [(r[0], r[1], r[2], r[3], bool(r[4])) for r in rows]

    def churn_by_quarter_and_path(self, team: str, first_quarter: str | None = None) -> list[tuple[str, str, int]]:
        """``(quarter, path, lines added + deleted)`` over a team's repositories, from ``first_quarter`` on.

        Counts non-merge commits, as churn is defined; binary changes (no line counts) count 0.
        """
        return self.db.execute(
            "select c.quarter, f.path, sum(coalesce(f.added, 0) + coalesce(f.deleted, 0)) from file_changes f "
            "join commits c on c.repo_id = f.repo_id and c.sha = f.sha join repos r on r.id = f.repo_id "
            "join teams t on t.id = r.team_id where t.name = ? and c.parent_count <= 1 and c.quarter >= ? "
            "group by c.quarter, f.path",
            [team, first_quarter or ""],
        ).fetchall()

    # -- inspection (tests, diagnostics) -----------------------------------------------------------------

    def table_counts(self) -> Mapping[str, int]:
        return {name: self.db[name].count for name in self.db.table_names()}
