"""The store's actions (scorecard/store/actions.py): inserted once, listed by team, dropped in place, imported
with the answers of a file in one transaction."""

from __future__ import annotations

import sqlite3
from dataclasses import replace

import pytest

from scorecard.store import Store
from scorecard.survey.actions import Action
from scorecard.survey.records import AnswerInput

NOW = "2026-11-26T12:00:00+00:00"


def draft(team: str = "Ranking", question: str = "a-1", target: str = "all", due: str = "2027Q1", **changes) -> Action:
    fields = dict(id=0, team=team, bank_id="tiny", question_id=question, target=target, due=due, owner="Ana",
                  note="wire the CI", created="2026Q4", created_at="")  # fmt: skip
    return Action(**{**fields, **changes})


def test_actions_are_stored_with_their_time_and_listed_by_team(store, clock):
    [first] = store.add_actions([draft()])
    clock.tick()
    [second] = store.add_actions([draft(team="RANKING", question="b-1", target="half", owner=None, note=None)])
    store.add_actions([draft(team="search")])
    assert (first.id, first.team, first.created_at, first.dropped_at) == (1, "Ranking", NOW, None)
    assert second.team == "Ranking"  # the team's first spelling, found by its key
    assert store.actions_for("ranking") == [first, second]
    assert [a.team for a in store.actions_for("SEARCH")] == ["search"]
    assert store.get_action(second.id) == second and store.get_action(99) is None
    assert store.actions_for("nobody") == [] and store.actions_for("  ") == []


def test_dropping_keeps_the_row_and_the_first_reason(store, clock):
    [stored] = store.add_actions([draft()])
    clock.tick(60)
    dropped = store.drop_action(stored.id, "the platform team owns it now")
    assert dropped == replace(
        stored, dropped_at="2026-11-26T13:00:00+00:00", drop_reason="the platform team owns it now"
    )
    assert store.drop_action(stored.id, "again") == dropped
    assert store.drop_action(42, "no such action") is None
    assert store.actions_for("ranking") == [dropped]


def test_an_action_given_as_dropped_is_stored_dropped_now(store):
    [stored] = store.add_actions([draft(drop_reason="not worth it")])
    assert (stored.dropped_at, stored.drop_reason) == (NOW, "not worth it")


def test_skip_existing_adds_an_action_once_per_team_question_target_due_and_created(store):
    assert len(store.add_actions([draft()], skip_existing=True)) == 1
    assert store.add_actions([draft(owner="Bo", note="other words")], skip_existing=True) == []
    others = [draft(due="2027Q2"), draft(target="some"), draft(created="2027Q1", due="2027Q2"), draft(team="search")]
    assert len(store.add_actions(others, skip_existing=True)) == 4
    assert len(store.add_actions([draft()])) == 1  # without it, a second commitment alike is a new action


def _import_with_actions(store: Store, answers: list[AnswerInput], actions: list[Action]) -> tuple[int, list[Action]]:
    """What an answers-file import does (scorecard.services.surveys.apply_import): answers and actions at once."""
    with store.one_transaction():
        _survey, changed = store.import_answers("ranking", "2026Q4", "tiny", 1, answers, complete=False)
        return changed, store.add_actions(actions, skip_existing=True)


def test_answers_and_actions_are_imported_in_one_transaction(store):
    answers = [AnswerInput("a-1", "some", 0.5, None)]
    changed, added = _import_with_actions(store, answers, [draft()])
    assert (changed, [a.question_id for a in added]) == (1, ["a-1"])
    assert _import_with_actions(store, answers, [draft()]) == (0, [])
    assert store.db["actions"].count == 1


def test_a_failing_action_rolls_the_answers_back(store, monkeypatch):
    def broken(self, actions, skip_existing):
        raise sqlite3.IntegrityError("simulated failure after the answers were written")

    monkeypatch.setattr(Store, "_add_actions", broken)
    with pytest.raises(sqlite3.IntegrityError):
        _import_with_actions(store, [AnswerInput("a-1", "some", 0.5, None)], [draft()])
    assert [store.db[table].count for table in ("teams", "surveys", "answers", "actions")] == [0, 0, 0, 0]


def test_actions_are_kept_per_system_in_the_first_spelling(store):
    store.import_answers("ranking", "2026Q4", "tiny", 1, [], complete=False, system="Ranker")
    [ranker] = store.add_actions([draft(system="RANKER")])
    [team_level] = store.add_actions([draft()])
    [feeds] = store.add_actions([draft(system="Feeds")])
    assert (ranker.system, team_level.system, feeds.system) == ("Ranker", "", "Feeds")
    assert store.actions_for("ranking", "ranker") == [ranker]
    assert store.actions_for("ranking", "") == [team_level]
    assert store.actions_for("ranking") == [ranker, team_level, feeds]
    assert store.get_action(ranker.id) == ranker
    # one commitment per system: the same one for another system is another action
    assert store.add_actions([draft(system="ranker"), draft()], skip_existing=True) == []
    assert len(store.add_actions([draft(system="Scorer")], skip_existing=True)) == 1
