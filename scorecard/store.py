"""The SQLite store: schema, migrations and every query. The only module in scorecard that speaks SQL.

One file holds everything (teams, surveys, answers; repos, scans and git evidence), named for a reader who
opens it with ``sqlite-utils`` or Datasette. Writes happen inside transactions; the journal is WAL so a report
can read while a scan writes.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Mapping
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
    db["teams"].create(
        {"id": int, "name": str, "created_at": str},
        pk="id",
        not_null={"name", "created_at"},
    )
    db["teams"].create_index(["name"], unique=True)
    db["surveys"].create(
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
    db["surveys"].create_index(["team_id", "quarter", "bank_id"], unique=True)
    db["answers"].create(
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

    # -- inspection (tests, diagnostics) -----------------------------------------------------------------

    def table_counts(self) -> Mapping[str, int]:
        return {name: self.db[name].count for name in self.db.table_names()}
