"""The store against real SQLite files: migrations, transactions, idempotence, which files it opens, team identity."""

from __future__ import annotations

import hashlib
import re
import sqlite3
from collections.abc import Sequence
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlite_utils

from scorecard.store import SCHEMA_VERSION, Store, StoreError
from scorecard.store.schema import migrations
from scorecard.survey.records import AnswerInput, Team
from scorecard.team_names import TeamNameError
from tests.conftest import FakeClock


@pytest.fixture
def clock() -> FakeClock:
    """The shared clock, started where these tests' timestamps expect it."""
    return FakeClock(datetime(2026, 11, 1, 9, 0, tzinfo=UTC))


def test_schema_is_migrated_and_recorded_in_wal_mode(store, tmp_path):
    assert store.schema_version == SCHEMA_VERSION
    assert store.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert {"teams", "surveys", "answers", "_sqlite_migrations"} <= set(store.db.table_names())
    # Opening again applies nothing new.
    with Store.open(tmp_path / "store.db") as again:
        assert again.schema_version == SCHEMA_VERSION


def test_import_is_idempotent_and_timestamps_only_move_on_change(store, clock):
    answers = [AnswerInput("q-1", "all", 1.0), AnswerInput("q-2", "na", None, note="not ours")]
    survey, changed = store.import_answers("ranking", "2026Q4", "tiny", 1, answers, complete=False)
    assert changed == 2 and survey.status == "draft"
    clock.tick()
    survey_again, changed = store.import_answers("ranking", "2026Q4", "tiny", 1, answers, complete=False)
    assert changed == 0 and survey_again.updated_at == survey.updated_at
    clock.tick()
    _, changed = store.import_answers("ranking", "2026Q4", "tiny", 1, [AnswerInput("q-1", "none", 0.0)], complete=True)
    assert changed == 1
    stored = store.answers_for(survey.id)
    assert stored["q-1"].option_id == "none" and stored["q-1"].answered_at == "2026-11-01T09:02:00+00:00"
    assert stored["q-2"].note == "not ours" and stored["q-2"].answered_at == "2026-11-01T09:00:00+00:00"
    assert store.latest_survey("ranking").status == "complete"
    assert store.latest_survey("ranking").completed_at == "2026-11-01T09:02:00+00:00"


def test_a_failing_import_writes_nothing(store):
    store.import_answers("ranking", "2026Q3", "tiny", 1, [AnswerInput("q-1", "all", 1.0)], complete=False)
    before = list(store.db.conn.iterdump())

    class Boom(Exception):
        pass

    def answers():
        yield AnswerInput("q-2", "all", 1.0)
        raise Boom  # the process dies half way through the file

    with pytest.raises(Boom):
        store.import_answers("search", "2026Q4", "tiny", 1, answers(), complete=False)
    assert list(store.db.conn.iterdump()) == before
    assert store.get_team("search") is None


def test_record_answer_commits_at_once(store, tmp_path):
    survey = store.start_survey("ranking", "2026Q4", "tiny", 1)
    store.record_answer(survey.id, AnswerInput("q-1", "all", 1.0, note="done"))
    # A second connection (another process) sees it immediately: it was committed, not buffered.
    with sqlite3.connect(tmp_path / "store.db") as other:
        assert other.execute("select option_id, note from answers").fetchall() == [("all", "done")]


def test_latest_survey_picks_the_newest_quarter(store):
    for quarter in ("2026Q2", "2026Q4", "2026Q3"):
        store.start_survey("ranking", quarter, "tiny", 1)
    assert store.latest_survey("ranking").quarter == "2026Q4"
    assert store.latest_survey("ranking", quarter="2026Q2").quarter == "2026Q2"
    assert [s.quarter for s in store.surveys_for_team("ranking")] == ["2026Q4", "2026Q3", "2026Q2"]
    assert store.latest_survey("nobody") is None


def test_newer_schema_is_refused(tmp_path):
    path = tmp_path / "future.db"
    Store.open(path).close()
    with sqlite3.connect(path) as conn:
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 3}")
    with pytest.raises(StoreError, match=f"schema version {SCHEMA_VERSION + 3}, newer"):
        Store.open(path)


def test_a_column_added_by_a_later_migration_breaks_no_scan(tmp_path):
    """Inserts name their columns: a table that gained a column (as a future migration would add one) still
    takes every row a scan writes."""
    from scorecard.evidence.repository_scan import ScanOptions
    from scorecard.services.scanning import scan_repositories
    from tests.gitrepo import RepoBuilder

    repo = RepoBuilder(tmp_path / "repo")
    repo.commit({"a.py": "x = 1\n", "c.yaml": "use_gpu: true\n"}, when="2024-03-01")
    with Store.open(tmp_path / "store.db") as store:
        for table in ("commits", "file_changes", "blob_findings", "flags", "lines_at_head", "scan_metrics"):
            store.db.execute(f"alter table {table} add column added_later text")
        [summary] = scan_repositories(store, [repo.path], ScanOptions(team="t", now=datetime(2024, 7, 1, tzinfo=UTC)))
        assert summary["commits"] == 1 and store.db["commits"].count == 1
        assert store.db["flags"].count == 1


# -- read-only commands create nothing; migrate=False changes nothing -----------------------------------------


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_open_without_create_refuses_a_missing_file_and_makes_no_file_or_folder(tmp_path):
    missing = tmp_path / "typo" / "nested" / "scorecard.db"
    with pytest.raises(StoreError, match=f"no scorecard database at {re.escape(str(missing))}: "):
        Store.open(missing, create=False)
    with pytest.raises(StoreError, match="no scorecard database at"):
        Store.open(missing, migrate=False)
    assert not (tmp_path / "typo").exists()


def test_open_without_create_reads_an_existing_database(tmp_path):
    with Store.open(tmp_path / "s.db") as store:
        store.ensure_team("ranking")
    with Store.open(tmp_path / "s.db", create=False) as again:
        assert [team.name for team in again.list_teams()] == ["ranking"]


def old_schema_database(path: Path, teams: Sequence[str] = ()) -> Path:
    """A database as scorecard wrote it before m005 (m001-m004 applied, rollback journal), holding ``teams``."""
    with sqlite_utils.Database(path) as db:
        migrations.apply(db, stop_before="m005_team_keys")
        db.execute("PRAGMA user_version = 4")
        for name in teams:
            db.execute("insert into teams (name, created_at) values (?, '2026-01-01T00:00:00+00:00')", [name])
            db.conn.commit()
    return path


def test_open_without_migrate_changes_nothing_in_an_older_database(tmp_path):
    path = old_schema_database(tmp_path / "old.db", ["ranking"])
    before = digest(path)
    with Store.open(path, migrate=False) as store:
        assert store.schema_version == 4 < SCHEMA_VERSION
        assert store.db.execute("select name from teams").fetchall() == [("ranking",)]
    assert digest(path) == before
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 4


# -- another application's SQLite file is refused untouched ---------------------------------------------------


@pytest.mark.parametrize(
    "schema",
    [
        "create table notes (id integer primary key, body text); insert into notes (body) values ('mine');",
        # Our table names, but nothing says scorecard made them.
        "create table teams (id integer primary key, name text); insert into teams (name) values ('x');",
        # scorecard's tables and migrations, and one of someone else's beside them.
        None,
    ],
    ids=["other-tables", "our-names-no-migrations", "ours-plus-a-stranger"],
)
def test_another_applications_sqlite_file_is_refused_before_anything_is_written(tmp_path, schema):
    path = tmp_path / "other.db"
    if schema is None:
        Store.open(path).close()
        schema = "create table bookmarks (url text);"
    with closing(sqlite3.connect(path)) as conn:
        conn.executescript(schema)
    before = digest(path)
    with pytest.raises(StoreError, match="is a SQLite database of another application, not scorecard's: "):
        Store.open(path)
    assert digest(path) == before
    assert not Path(f"{path}-wal").exists()


def test_an_empty_file_or_an_empty_sqlite_database_is_initialised(tmp_path):
    blank = tmp_path / "blank.db"
    blank.touch()
    no_tables = tmp_path / "no-tables.db"
    with closing(sqlite3.connect(no_tables)) as conn:
        conn.executescript("create table t (x); drop table t;")
    for path in (blank, no_tables):
        with Store.open(path) as store:
            assert store.schema_version == SCHEMA_VERSION


# -- team identity: one team however its name is typed ---------------------------------------------------------


def test_names_differing_in_case_or_unicode_form_are_one_team_shown_as_first_given(store):
    first = store.ensure_team("Ranking")
    assert store.ensure_team("RANKING") == first == store.ensure_team("ranking")
    assert store.get_team("rAnKiNg") == first and first.name == "Ranking"
    cafe = store.ensure_team("Café")  # NFC
    assert store.ensure_team("Cafe\u0301") == cafe and store.get_team("CAFE\u0301") == cafe  # NFD
    store.import_answers("RANKING", "2026Q4", "tiny", 1, [AnswerInput("q-1", "all", 1.0)], complete=False)
    survey = store.find_survey("ranking", "2026Q4", "tiny")
    assert survey is not None and survey.team == "Ranking"
    assert [s.id for s in store.surveys_for_team("ranKing")] == [survey.id]
    assert [team.name for team in store.list_teams()] == ["Café", "Ranking"]
    assert [row[0] for row in store.survey_answer_rows(["RANKING"])] == ["Ranking"]


def test_a_blank_or_invisible_team_name_never_reaches_the_database(store):
    for bad in ("", "   ", "rank\u200bing"):
        with pytest.raises(TeamNameError):
            store.ensure_team(bad)
        with pytest.raises(TeamNameError):
            store.import_answers(bad, "2026Q4", "tiny", 1, [AnswerInput("q-1", "all", 1.0)], complete=False)
        assert store.get_team(bad) is None
    assert store.db["teams"].count == 0


def test_migration_m005_keeps_both_teams_whose_names_collide(tmp_path):
    path = old_schema_database(tmp_path / "old.db", ["Ranking", "search", "RANKING", "ranking#3"])
    with Store.open(path) as store:
        keys = store.db.execute("select id, name, key from teams order by id").fetchall()
        assert keys == [
            (1, "Ranking", "ranking"),
            (2, "search", "search"),
            (3, "RANKING", "ranking#3#3"),
            (4, "ranking#3", "ranking#3"),
        ]
        assert store.get_team("ranking") == Team(1, "Ranking") and store.get_team("RANKING#3#3") == Team(3, "RANKING")
        assert store.ensure_team("SEARCH") == Team(2, "search")
        with pytest.raises(sqlite3.IntegrityError):
            store.db.execute("update teams set key = 'ranking' where id = 2")
