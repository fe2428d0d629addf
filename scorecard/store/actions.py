"""Actions a team committed to: every query of the ``actions`` table.

An action is inserted once and never deleted; dropping it sets ``dropped_at`` and ``drop_reason`` and keeps the
row. Whether it was kept or missed is computed from the surveys (:mod:`scorecard.survey.actions`), never stored.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import Any

from scorecard.store.surveys import SurveyQueries, lookup_key
from scorecard.survey.actions import Action
from scorecard.survey.systems import same_system

_COLUMNS = (
    "a.id, t.name, a.bank_id, a.question_id, a.target_option, a.due, a.owner, a.note, a.created_quarter, "
    "a.created_at, a.dropped_at, a.drop_reason, a.system"
)
_FROM = "actions a join teams t on t.id = a.team_id"


def _action(row: Sequence[Any]) -> Action:
    return Action(int(row[0]), *row[1:])


class ActionQueries(SurveyQueries):
    """Writes and reads of actions; a team is found by its key, as everywhere in the store."""

    def add_actions(self, actions: Iterable[Action], skip_existing: bool = False) -> list[Action]:
        """Store ``actions`` (``id`` and ``created_at`` set here; ``created``, ``dropped_at`` and ``drop_reason`` as
        given; ``system`` as the team first spelled it) in one transaction, creating their team if it is new;
        returns those stored.

        ``skip_existing``: leave out an action the team has already (same system, question, target, due and
        created quarter), so importing one file twice adds nothing the second time.
        """
        with self._writing():
            return self._add_actions(actions, skip_existing)

    def _add_actions(self, actions: Iterable[Action], skip_existing: bool) -> list[Action]:
        stored: list[Action] = []
        now = self._now()
        for action in actions:
            team = self._ensure_team(action.team)
            system = self._stored_system(team.name, action.system)
            if skip_existing and self._has_action(team.id, action, system):
                continue
            dropped_at = (action.dropped_at or now) if action.drop_reason is not None else None
            cursor = self.db.execute(
                "insert into actions (team_id, bank_id, question_id, target_option, due, owner, note, "
                "created_quarter, created_at, dropped_at, drop_reason, system) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    team.id,
                    action.bank_id,
                    action.question_id,
                    action.target,
                    action.due,
                    action.owner,
                    action.note,
                    action.created,
                    now,
                    dropped_at,
                    action.drop_reason,
                    system,
                ],
            )
            action_id = int(cursor.lastrowid or 0)
            stored.append(
                replace(action, id=action_id, team=team.name, created_at=now, dropped_at=dropped_at, system=system)
            )
        return stored

    def _has_action(self, team_id: int, action: Action, system: str) -> bool:
        row = self.db.execute(
            "select 1 from actions where team_id = ? and question_id = ? and target_option = ? and due = ? "
            "and created_quarter = ? and system = ? limit 1",
            [team_id, action.question_id, action.target, action.due, action.created, system],
        ).fetchone()
        return row is not None

    def actions_for(self, team: str, system: str | None = None) -> list[Action]:
        """The team's actions, oldest first: of one ``system`` (matched by key; '' the team-level ones), or of
        every system and the team level when ``system`` is None."""
        rows = self.db.execute(f"select {_COLUMNS} from {_FROM} where t.key = ? order by a.id", [lookup_key(team)])
        found = [_action(row) for row in rows]
        return found if system is None else [action for action in found if same_system(action.system, system)]

    def get_action(self, action_id: int) -> Action | None:
        row = self.db.execute(f"select {_COLUMNS} from {_FROM} where a.id = ?", [action_id]).fetchone()
        return _action(row) if row else None

    def drop_action(self, action_id: int, reason: str) -> Action | None:
        """Mark the action dropped with ``reason``, unless it is dropped already (the first reason stays);
        returns it as stored, None when there is no such action."""
        with self._writing():
            self.db.execute(
                "update actions set dropped_at = ?, drop_reason = ? where id = ? and dropped_at is null",
                [self._now(), reason, action_id],
            )
            return self.get_action(action_id)
