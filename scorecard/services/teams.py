"""The teams of a database with their latest survey: what ``scorecard teams`` lists."""

from __future__ import annotations

from typing import Any

from scorecard.store import Store


def team_survey_rows(store: Store) -> list[dict[str, Any]]:
    """One row per team, by name: ``team``, and its latest survey's ``quarter``, ``bank`` and ``status``
    (None for a team with no survey). The keys are the ``teams --json`` contract."""
    rows = []
    for team in store.list_teams():
        latest = store.latest_survey(team.name)
        rows.append(
            {
                "team": team.name,
                "quarter": latest.quarter if latest else None,
                "bank": latest.bank_id if latest else None,
                "status": latest.status if latest else None,
            }
        )
    return rows
