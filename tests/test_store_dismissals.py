"""Dismissals in the store (scorecard/store/dismissals.py): migration m008, writes in one IMMEDIATE transaction,
records back as they went in, found by team key."""

from __future__ import annotations

import sqlite3

import pytest
import sqlite_utils

from scorecard.store import DatabaseLocked, Store
from scorecard.store.schema import migrations
from scorecard.survey.dismissals import Dismissal, DismissedValue


def made(
    team: str = "Ranking", question: str = "a-1", claim: str = "A claim.", reason: str = "Generated code."
) -> Dismissal:
    values = (DismissedValue("coupling.strong_pairs", 12.0, 10.0), DismissedValue("lines.code", 0.0, 5000.0))
    return Dismissal(team, "tiny", question, claim, "all", values, 0.2, reason, "", "")


def test_migration_m008_adds_the_dismissals_table(tmp_path):
    with Store.open(tmp_path / "s.db") as store:
        assert "m008_dismissals" in [m.name for m in migrations._migrations]
        columns = {c.name for c in sqlite_utils.Database(store.db.conn)["dismissals"].columns}
    assert {
        "team_id",
        "bank_id",
        "question_id",
        "claim",
        "condition_values",
        "margin",
        "reason",
        "created_at",
    } <= columns
    assert "quarter" in columns


def test_a_dismissal_is_stored_with_the_time_and_quarter_and_read_back(store):
    [stored] = store.add_dismissals([made()])
    assert stored.id > 0 and stored.created_at == "2026-11-26T12:00:00+00:00" and stored.quarter == "2026Q4"
    assert stored.values == made().values and stored.margin == 0.2 and stored.reason == "Generated code."
    assert store.dismissals_for("RANKING") == [stored]  # the team by its key, however it is typed
    assert store.dismissals_for("ranking", "tiny") == [stored] and store.dismissals_for("ranking", "other") == []
    assert store.get_team("ranking") is not None  # a dismissal of a new team creates it


def test_dismissals_are_kept_oldest_first_and_never_replaced(store, clock):
    first = store.add_dismissals([made(reason="first")])
    clock.tick()
    again = store.add_dismissals([made(reason="again"), made(question="a-2")])
    assert store.dismissals_for("ranking") == first + again
    assert [d.team for d in store.all_dismissals()] == ["Ranking"] * 3
    store.add_dismissals([made(team="search")])
    assert [d.team for d in store.all_dismissals(["search"])] == ["search"]
    assert store.all_dismissals([]) == []


def test_a_dismissal_waits_for_another_writer_then_says_so(tmp_path):
    path = tmp_path / "s.db"
    Store.open(path).close()
    blocker = sqlite3.connect(path)
    blocker.execute("begin immediate")
    try:
        with Store.open(path, timeout=0.1) as store, pytest.raises(DatabaseLocked):
            store.add_dismissals([made()])
    finally:
        blocker.rollback()
        blocker.close()
    with Store.open(path) as store:
        assert store.dismissals_for("ranking") == []  # nothing half-written
