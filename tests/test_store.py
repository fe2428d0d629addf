"""The store against real SQLite files: migrations, transactions, idempotence."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime

import pytest

from scorecard.store import SCHEMA_VERSION, Store, StoreError
from scorecard.survey.records import AnswerInput
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
        assert summary["commits"] == 1 and store.table_counts()["commits"] == 1
        assert store.table_counts()["flags"] == 1
