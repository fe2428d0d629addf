"""Opening a scorecard database: the file checks, migrations, WAL, one way to write, and faults as sentences.

Every query class of the store (:mod:`.surveys`, :mod:`.scans`, :mod:`.reports`) builds on :class:`Database`.
:func:`store_fault` is the one place where SQLite's errors about the file or its disk (locked, read-only, full,
damaged) become a :class:`StoreError` a person can act on; the connection's cursors apply it to every statement,
so opening, reading and writing all say the same thing.
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Self

import sqlite_utils

from scorecard.errors import ScorecardError
from scorecard.store.schema import (
    MIGRATIONS_TABLE,
    SCHEMA_VERSION,
    known_migration_names,
    known_table_names,
    migrations,
)

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


# -- faults ----------------------------------------------------------------------------------------------------

# Constraint, programming and interface errors are bugs of ours: they keep their type (and traceback).
_BUGS = (sqlite3.IntegrityError, sqlite3.ProgrammingError, sqlite3.InterfaceError, sqlite3.NotSupportedError)
# The extended result code's family (``SQLITE_IOERR_SHMSIZE`` -> ``IOERR``), else words of the message.
_KINDS_BY_TEXT = (
    ("locked", "LOCKED"),
    ("busy", "BUSY"),
    ("readonly", "READONLY"),
    ("disk is full", "FULL"),
    ("malformed", "CORRUPT"),
    ("not a database", "NOTADB"),
    ("unable to open", "CANTOPEN"),
    ("disk i/o error", "IOERR"),
)


def _kind(error: sqlite3.Error) -> str:
    name = getattr(error, "sqlite_errorname", None) or ""
    if name.startswith("SQLITE_") and name != "SQLITE_ERROR":
        return name.removeprefix("SQLITE_").split("_")[0]
    text = str(error).lower()
    return next((kind for words, kind in _KINDS_BY_TEXT if words in text), "")


def _unwritable(path: Path) -> str:
    """Which part of the database's place cannot be written, as the end of a sentence ("" if none)."""
    if path.exists() and not os.access(path, os.W_OK):
        return "the file cannot be written (its permissions, an immutable attribute or a read-only mount)"
    if not os.access(path.parent, os.W_OK | os.X_OK):
        return (
            f"its folder {path.parent} cannot be written, and SQLite must create {path.name}-wal and "
            f"{path.name}-shm beside it"
        )
    return ""


def _disk_is_full(path: Path) -> bool:
    with suppress(OSError, AttributeError):
        return os.statvfs(path.parent).f_bavail == 0
    return False


def store_fault(error: sqlite3.Error, path: Path | None) -> StoreError | None:
    """The sentence for SQLite's ``error`` about the database at ``path``; None when it is not a fault of the
    file, its folder or its disk (a constraint or SQL error is a bug, and keeps its type)."""
    if isinstance(error, _BUGS):
        return None
    kind, says = _kind(error), f"(SQLite says: {error})"
    where = str(path) if path is not None else "the in-memory database"
    if kind in ("BUSY", "LOCKED"):
        return DatabaseLocked(f"the database {where} is locked by another process {says}: try again when it is done")
    if kind == "FULL" or (kind == "IOERR" and path is not None and _disk_is_full(path)):
        return StoreError(f"the disk holding {where} is full {says}: free some space, then try again")
    if kind in ("READONLY", "PERM", "CANTOPEN"):
        reason = (_unwritable(path) if path is not None else "") or "check the file and its folder"
        if kind == "CANTOPEN":
            return StoreError(f"cannot open or write the database {where}: {reason} {says}")
        return StoreError(f"the database {where} is read-only: {reason} {says}")
    if kind == "CORRUPT":
        return StoreError(f"{where} is damaged {says}: restore it from a backup")
    if kind == "NOTADB":
        return StoreError(
            f"{where} is not a scorecard database, or its first page is damaged {says}: check the path, "
            "or restore it from a backup"
        )
    if kind == "IOERR":
        return StoreError(f"cannot read or write the database {where}: the disk or its file system failed {says}")
    return None


def _faults_as_sentences(connection: sqlite3.Connection, error: sqlite3.Error) -> Exception:
    return store_fault(error, getattr(connection, "path", None)) or error


class _Cursor(sqlite3.Cursor):
    """A cursor whose file and disk faults arrive as :class:`StoreError`, however a query class reads or writes."""

    def execute(self, sql: str, parameters: Any = (), /) -> Self:
        try:
            return super().execute(sql, parameters)
        except sqlite3.Error as error:
            raise _faults_as_sentences(self.connection, error) from None

    def executemany(self, sql: str, seq_of_parameters: Any, /) -> Self:
        try:
            return super().executemany(sql, seq_of_parameters)
        except sqlite3.Error as error:
            raise _faults_as_sentences(self.connection, error) from None

    def executescript(self, sql_script: str, /) -> sqlite3.Cursor:
        try:
            return super().executescript(sql_script)
        except sqlite3.Error as error:
            raise _faults_as_sentences(self.connection, error) from None

    # A damaged page can be met on any row, not only the first (which execute steps to).
    def __next__(self) -> Any:
        try:
            return super().__next__()
        except sqlite3.Error as error:
            raise _faults_as_sentences(self.connection, error) from None

    def fetchone(self) -> Any:
        try:
            return super().fetchone()
        except sqlite3.Error as error:
            raise _faults_as_sentences(self.connection, error) from None

    def fetchmany(self, size: int | None = 1) -> list[Any]:
        try:
            return super().fetchmany(self.arraysize if size is None else size)
        except sqlite3.Error as error:
            raise _faults_as_sentences(self.connection, error) from None

    def fetchall(self) -> list[Any]:
        try:
            return super().fetchall()
        except sqlite3.Error as error:
            raise _faults_as_sentences(self.connection, error) from None


class _Connection(sqlite3.Connection):
    """The store's connection: every statement runs on a :class:`_Cursor` (sqlite-utils' too)."""

    path: Path | None = None

    def cursor(self, factory: Any = _Cursor) -> Any:
        return super().cursor(factory)

    def execute(self, sql: str, parameters: Any = (), /) -> Any:
        return self.cursor().execute(sql, parameters)

    def executemany(self, sql: str, parameters: Any, /) -> Any:
        return self.cursor().executemany(sql, parameters)

    def executescript(self, sql_script: str, /) -> Any:
        return self.cursor().executescript(sql_script)


def _connect(target: str, path: Path | None, timeout: float, uri: bool = False) -> _Connection:
    # isolation_level=None: the driver never opens a transaction of its own, so every transaction is one the
    # store begins, and a write begins IMMEDIATE (see Database._writing). The driver's implicit BEGIN is
    # DEFERRED and starts only at the first INSERT, after the reads that decided it: too late to wait in turn.
    # Python 3.12's autocommit=True/False is not an option: sqlite-utils refuses such connections, and its own
    # calls (Migrations, Table.create) already nest as savepoints inside a transaction that is open.
    try:
        conn = sqlite3.connect(target, timeout=timeout, factory=_Connection, isolation_level=None, uri=uri)
    except sqlite3.Error as error:
        raise store_fault(error, path) or error from None
    conn.path = path
    return conn


# -- the database --------------------------------------------------------------------------------------------


class Database:
    """One SQLite connection to a scorecard database. Build a store with ``Store.open`` or ``Store.memory``."""

    def __init__(
        self, db: sqlite_utils.Database, path: Path | None = None, clock: Clock = utc_now, timeout: float = 5.0
    ):
        self.db = db
        self.path = path
        self.clock = clock
        self.timeout = timeout

    @classmethod
    def open(
        cls,
        path: Path | str,
        clock: Clock = utc_now,
        migrate: bool = True,
        timeout: float = 5.0,
        create: bool = True,
    ) -> Self:
        """Open the database at ``path`` and bring its schema up to date.

        ``create``: make the file (and its folder) when there is none; ``create=False`` (a command that only
        reads) raises :class:`StoreError` instead and creates nothing. ``migrate=False`` never changes the file:
        no migration, no switch to WAL, and no new file. ``timeout``: how long a write waits for another
        process's lock before :class:`DatabaseLocked`.

        Raises :class:`StoreError` with a one-line message for a path that is a directory, a file that is not
        SQLite or belongs to another application, a folder that cannot be written, or a schema newer than this
        version of scorecard; nothing is written to a file that is refused.
        """
        path = Path(path)
        _check_path(path, create=create and migrate)
        # mode=rw never creates the file, even if it vanished since the check; rwc is sqlite3's default.
        mode = "rwc" if create and migrate else "rw"
        conn = _connect(f"{path.absolute().as_uri()}?mode={mode}", path, timeout, uri=True)
        try:
            store = cls(sqlite_utils.Database(conn), path=path, clock=clock, timeout=timeout)
            # Any read fails here for a file that is not SQLite ("file is not a database").
            store.db.execute("select count(*) from sqlite_master").fetchone()
            store._check_ours()
            if migrate and (create or migrations.pending(store.db)):
                store._check_intact()
            store._ready(migrate)
        except BaseException:
            conn.close()
            raise
        return store

    @classmethod
    def memory(cls, clock: Clock = utc_now) -> Self:
        """An in-memory store (tests of pure callers)."""
        store = cls(sqlite_utils.Database(_connect(":memory:", None, 5.0)), clock=clock)
        store._ready(migrate=True)
        return store

    def close(self) -> None:
        self.db.conn.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _check_ours(self) -> None:
        """Refuse, before writing anything, a file of another application or of a newer scorecard.

        A file without tables (new, or empty) is ours to initialise.
        """
        tables = {
            name
            for (name,) in self.db.execute(
                "select name from sqlite_master where type = 'table' and name not like 'sqlite\\_%' escape '\\'"
            )
        }
        applied = self._applied_names() if MIGRATIONS_TABLE in tables else []
        user_version = self.db.execute("PRAGMA user_version").fetchone()[0]
        if any(name not in known_migration_names() for name in applied) or (applied and user_version > SCHEMA_VERSION):
            raise self._newer(max(user_version, len(applied)))
        strangers = sorted(tables - known_table_names())
        if strangers or (not applied and tables - {MIGRATIONS_TABLE}):
            shown = ", ".join(strangers[:5] or sorted(tables)[:5]) + (", ..." if len(strangers) > 5 else "")
            raise StoreError(
                f"{self.path} is a SQLite database of another application, not scorecard's: it holds tables "
                f"scorecard does not know or did not make ({shown}); give scorecard a file of its own"
            )
        if user_version > SCHEMA_VERSION:
            raise self._newer(user_version)

    def _check_intact(self) -> None:
        """Refuse to write into a damaged file: a write that never meets the bad page would succeed and leave a
        database that fails ``PRAGMA integrity_check``. ``quick_check`` reads every page (O(file size): 26-50 ms
        for 22 MB, two large repositories' history) but skips the index-to-table cross-check; once per writing
        command, not per transaction."""
        problems = [str(problem) for (problem,) in self.db.execute("PRAGMA quick_check(1)").fetchall()]
        if problems != ["ok"]:
            # "*** in database main ***\nPage 8: btreeInitPage() returns error code 11": one line, the page's part.
            said = " ".join(problems[0].removeprefix("*** in database main ***").split())
            raise StoreError(
                f"{self.path} is damaged (PRAGMA quick_check says: {said}): nothing was written; restore it "
                "from a backup"
            )

    def _newer(self, version: int) -> StoreError:
        return StoreError(
            f"database {self.path} has schema version {version}, newer than this scorecard's {SCHEMA_VERSION}: "
            "upgrade scorecard to open it"
        )

    def _applied_names(self) -> list[str]:
        try:
            rows = self.db.execute(
                f"select name from {MIGRATIONS_TABLE} where migration_set = ? order by rowid", [migrations.name]
            ).fetchall()
        except sqlite3.OperationalError:  # a table of that name with other columns: not sqlite-utils' record
            return []
        return [str(name) for (name,) in rows]

    def _ready(self, migrate: bool) -> None:
        """Migrate (unless ``migrate`` is False), then turn on foreign keys for this connection."""
        if migrate and migrations.pending(self.db):
            # WAL lets readers (a report, the TUI) work while a scan writes; set once, it persists. The journal
            # mode cannot change inside a transaction, so it is switched before the migrations' one.
            self._switch_to_wal()
            with self._writing():
                # Another process may have migrated while this one waited for the lock: look again, under it.
                if migrations.pending(self.db):
                    migrations.apply(self.db)
                    self.db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        # A connection setting, not a write; outside any transaction, where SQLite honours it.
        self.db.execute("PRAGMA foreign_keys = ON")

    def _switch_to_wal(self) -> None:
        """``PRAGMA journal_mode=wal``, retried until the busy timeout: the switch needs every other connection
        out of the file, and when several processes open a new database at once SQLite refuses it at once
        ("database is locked") instead of calling the busy handler. One of them wins; the others see WAL."""
        deadline = time.monotonic() + self.timeout
        pause = 0.005
        while True:
            try:
                # SQLite answers the mode it is in: "memory" for an in-memory database, which has no WAL.
                if self.db.journal_mode != "wal":
                    self.db.execute("PRAGMA journal_mode=wal").fetchone()
                return
            except DatabaseLocked:
                if time.monotonic() >= deadline:
                    raise
            time.sleep(pause)
            pause = min(pause * 2, 0.1)

    @property
    def schema_version(self) -> int:
        """Migrations applied to this file: what the migration tests check an upgrade by."""
        return len(migrations.applied(self.db))

    def _now(self) -> str:
        return timestamp(self.clock())

    @contextmanager
    def one_transaction(self) -> Iterator[None]:
        """Several of the store's writes as one transaction, all or nothing (each write inside is a savepoint):
        an answers file and its actions, say."""
        with self._writing():
            yield

    @contextmanager
    def _writing(self) -> Iterator[None]:
        """One write transaction, begun IMMEDIATE: it takes the write lock before its first read, waiting up to
        the busy timeout for another writer, so the reads that decide a write are never stale and the upgrade
        from reader to writer (which SQLite refuses at once, without waiting) never happens. A lock still held
        after the timeout is :class:`DatabaseLocked`; a fault of the file or disk a :class:`StoreError`; either
        way the transaction is rolled back. Inside a transaction already open, a savepoint."""
        if self.db.conn.in_transaction:
            with self.db.atomic():
                yield
            return
        self.db.conn.execute("BEGIN IMMEDIATE")
        try:
            yield
            self.db.conn.execute("COMMIT")
        except BaseException:
            # SQLite has already rolled back after some faults (a full disk); the original error is the news.
            with suppress(sqlite3.Error, StoreError):
                if self.db.conn.in_transaction:
                    self.db.conn.execute("ROLLBACK")
            raise


def _is_empty_file(path: Path) -> bool:
    """A 0-byte file (``touch x.db``) holds no database yet; unless its write-ahead log holds one (a database
    whose pages were never folded back into the main file)."""
    wal = path.with_name(path.name + "-wal")
    with suppress(OSError):
        return path.stat().st_size == 0 and not (wal.exists() and wal.stat().st_size > 0)
    return False


def _check_path(path: Path, create: bool) -> None:
    if path.is_dir():
        raise StoreError(f"database path {path} is a directory, not a SQLite file")
    # An empty file is as good as none: a read-only command leaves it 0 bytes, a write creates the schema in it.
    if path.exists() and (create or not _is_empty_file(path)):
        return
    if not create:
        raise StoreError(f"no scorecard database at {path}: a survey or a scan creates it; check --db or $SCORECARD_DB")
    parent = path.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise StoreError(f"cannot create the folder for database {path}: {error.strerror}") from None
    if not os.access(parent, os.W_OK | os.X_OK):
        raise StoreError(f"cannot write the database {path}: folder {parent} is not writable")
