"""Opening a scorecard database: the file checks, migrations, WAL, and one way to write (a transaction).

Every query class of the store (:mod:`.surveys`, :mod:`.scans`, :mod:`.reports`) builds on :class:`Database`.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Self

import sqlite_utils

from scorecard.errors import ScorecardError
from scorecard.store.schema import SCHEMA_VERSION, known_migration_names, migrations

Clock = Callable[[], datetime]


class StoreError(ScorecardError):
    """A database that cannot be opened, written or understood; the message is one line for the user."""


class DatabaseLocked(StoreError):
    """Another process holds the write lock for longer than the busy timeout: try again later."""


def utc_now() -> datetime:
    return datetime.now(UTC)


def timestamp(moment: datetime) -> str:
    """The store's way of writing a moment: ISO 8601 in UTC, to the second."""
    return moment.astimezone(UTC).isoformat(timespec="seconds")


class Database:
    """One SQLite connection to a scorecard database. Build a store with ``Store.open`` or ``Store.memory``."""

    def __init__(self, db: sqlite_utils.Database, path: Path | None = None, clock: Clock = utc_now):
        self.db = db
        self.path = path
        self.clock = clock

    @classmethod
    def open(cls, path: Path | str, clock: Clock = utc_now, migrate: bool = True, timeout: float = 5.0) -> Self:
        """Open (creating if needed) the database at ``path`` and bring its schema up to date.

        Raises :class:`StoreError` with a one-line message for a path that is a directory, a file that is not
        SQLite, a folder that cannot be written, or a schema newer than this version of scorecard.
        ``timeout``: how long a write waits for another process's lock before :class:`DatabaseLocked`.
        """
        path = Path(path)
        _check_path(path)
        try:
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
    def memory(cls, clock: Clock = utc_now) -> Self:
        """An in-memory store (tests of pure callers)."""
        store = cls(sqlite_utils.Database(memory=True), clock=clock)
        store._migrate()
        return store

    def close(self) -> None:
        self.db.conn.close()

    def __enter__(self) -> Self:
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
        return timestamp(self.clock())

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

    def table_counts(self) -> Mapping[str, int]:
        """Rows per table (tests and diagnostics)."""
        return {name: self.db[name].count for name in self.db.table_names()}


def _check_path(path: Path) -> None:
    if path.is_dir():
        raise StoreError(f"database path {path} is a directory, not a SQLite file")
    if path.exists():
        return
    parent = path.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise StoreError(f"cannot create the folder for database {path}: {error.strerror}") from None
    if not os.access(parent, os.W_OK | os.X_OK):
        raise StoreError(f"cannot write the database {path}: folder {parent} is not writable")
