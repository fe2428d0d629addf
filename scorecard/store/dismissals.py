"""Dismissals of contradictions: every query of the ``dismissals`` table.

A dismissal is never updated or deleted: dismissing a rule again adds a newer record, and the newest is the one
in force (:func:`scorecard.survey.dismissals.latest_dismissals`), so the table is the history of what a team
set aside and why.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from scorecard.quarters import quarter_of
from scorecard.store.surveys import SurveyQueries, lookup_key
from scorecard.survey.dismissals import Dismissal, DismissedValue, applying_to

_COLUMNS = (
    "d.id, t.name, d.bank_id, d.question_id, d.claim, d.option_id, d.condition_values, d.margin, d.reason, "
    "d.created_at, d.quarter, d.system"
)


def _dismissal(row: Sequence[Any]) -> Dismissal:
    values = tuple(
        DismissedValue(str(item["subject"]), float(item["value"]), float(item["threshold"]))
        for item in json.loads(row[6])
    )
    return Dismissal(
        team=row[1],
        bank_id=row[2],
        question_id=row[3],
        claim=row[4],
        option_id=row[5] or "",
        values=values,
        margin=float(row[7]),
        reason=row[8],
        created_at=row[9],
        quarter=row[10] or "",
        id=int(row[0]),
        system=row[11] or "",
    )


class DismissalQueries(SurveyQueries):
    """Writes and reads of dismissals; a team is found by its key, as everywhere in the store."""

    def add_dismissals(self, dismissals: Sequence[Dismissal]) -> list[Dismissal]:
        """Store ``dismissals`` (their ``created_at``, ``quarter`` and ``id`` are set here) in one transaction,
        creating their team if it is new; returns them as stored."""
        stored: list[Dismissal] = []
        with self._writing():
            moment, quarter = self._now(), quarter_of(self.clock())
            for dismissal in dismissals:
                team = self._ensure_team(dismissal.team)
                system = self._stored_system(team.name, dismissal.system)
                values = [{"subject": v.subject, "value": v.value, "threshold": v.threshold} for v in dismissal.values]
                cursor = self.db.execute(
                    "insert into dismissals (team_id, bank_id, question_id, claim, option_id, condition_values, "
                    "margin, reason, created_at, quarter, system) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [
                        team.id,
                        dismissal.bank_id,
                        dismissal.question_id,
                        dismissal.claim,
                        dismissal.option_id,
                        json.dumps(values),
                        dismissal.margin,
                        dismissal.reason,
                        moment,
                        quarter,
                        system,
                    ],
                )
                row = self.db.execute(
                    f"select {_COLUMNS} from dismissals d join teams t on t.id = d.team_id where d.id = ?",
                    [cursor.lastrowid],
                ).fetchone()
                stored.append(_dismissal(row))
        return stored

    def dismissals_for(self, team: str, bank_id: str | None = None, system: str | None = None) -> list[Dismissal]:
        """The team's dismissals (of one bank, if given), oldest first. ``system``: only those covering that
        system's surveys (its own and the team-level ones, :func:`~scorecard.survey.dismissals.applying_to`;
        '' the team-level ones alone); None, every system's."""
        where, params = "t.key = ?", [lookup_key(team)]
        if bank_id is not None:
            where, params = where + " and d.bank_id = ?", [*params, bank_id]
        sql = f"select {_COLUMNS} from dismissals d join teams t on t.id = d.team_id where {where} order by d.id"
        found = [_dismissal(row) for row in self.db.execute(sql, params)]
        return found if system is None else applying_to(found, system)

    def all_dismissals(self, teams: Sequence[str] | None = None, system: str | None = "") -> list[Dismissal]:
        """Every dismissal of ``teams`` (default: all), oldest first: the report's one read of them. ``system`` as
        for :meth:`dismissals_for`; the default '' reads the team-level ones, as the report's team rows need."""
        rows = self.db.execute(f"select {_COLUMNS} from dismissals d join teams t on t.id = d.team_id order by d.id")
        found = [_dismissal(row) for row in rows]
        if system is not None:
            found = applying_to(found, system)
        if teams is None:
            return found
        keys = {lookup_key(team) for team in teams}
        return [dismissal for dismissal in found if lookup_key(dismissal.team) in keys]
