"""The actions in a report: what each team committed to fix, whether it did, and the share of due actions kept.

**The share of due actions kept** (per quarter on a team's page, per team in the org overview): of the actions
due in a quarter and not dropped, those kept over those decided (kept or missed). An action still open is not
decided yet, so it is counted apart and not in the share; a dropped action was given up, not missed, and is
left out (the table lists it with its reason). A kept action counts in its due quarter, even when a survey
before it kept it: the share answers "of what was due then, how much was done".
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from scorecard.report.formatting import NO_VALUE
from scorecard.services.actions import team_actions
from scorecard.store import Store
from scorecard.survey.actions import DROPPED, KEPT, MISSED, OPEN, ActionState
from scorecard.survey.bank import Bank
from scorecard.survey.contradictions import Evidence

ACTION_COLUMNS = [
    "team",
    "id",
    "bank_id",
    "question_id",
    "target",
    "due",
    "owner",
    "note",
    "created",
    "status",
    "kept_in",
    "drop_reason",
    "system",
]
STATUS_ORDER = {OPEN: 0, MISSED: 1, KEPT: 2, DROPPED: 3}
"""What a reader looks for first: what is still to do, then what was missed."""


def collect_actions(store: Store, teams: Sequence[str], evidence: Mapping[str, Evidence] | None = None) -> pd.DataFrame:
    """Every action of ``teams`` with its status now (the store's clock), one row each. ``evidence``: team ->
    its team-level evidence, as the report read it (a team not in it was never scanned)."""
    if evidence is None:
        return actions_frame(state for team in teams for state in team_actions(store, team))
    return actions_frame(
        state for team in teams for state in team_actions(store, team, evidence={"": evidence.get(team)})
    )


def actions_frame(states: Iterable[ActionState]) -> pd.DataFrame:
    """Action states as a frame of :data:`ACTION_COLUMNS`."""
    rows = [
        (
            state.action.team,
            state.action.id,
            state.action.bank_id,
            state.action.question_id,
            state.action.target,
            state.action.due,
            state.action.owner,
            state.action.note,
            state.action.created,
            state.status,
            state.kept_in,
            state.action.drop_reason,
            state.action.system,
        )
        for state in states
    ]
    return pd.DataFrame(rows, columns=ACTION_COLUMNS).astype(object)


@dataclass(frozen=True)
class ActionRow:
    """One action as its table row shows it."""

    id: int
    team: str
    anchor: str
    question_id: str
    question_text: str
    target_label: str
    due: str
    owner: str | None
    note: str | None
    created: str
    status: str
    kept_in: str | None
    drop_reason: str | None
    system: str = ""
    """The team's system the action is for ('' the team level): its row is labelled with it."""


@dataclass(frozen=True)
class KeptShare:
    """Actions due in one quarter (a team's page) or of one team (the overview), and the share kept."""

    label: str
    """The quarter, or the team."""
    kept: int
    missed: int
    open: int
    share: float | None
    """Kept over decided (kept + missed); None when none is decided yet."""
    anchor: str = ""

    @property
    def text(self) -> str:
        """ "2 of 3 kept (67%)", or an en dash when nothing is decided."""
        decided = self.kept + self.missed
        return f"{self.kept} of {decided} kept ({self.share:.0%})" if self.share is not None else NO_VALUE


@dataclass(frozen=True)
class TeamActions:
    """A team page's actions: every one (open first), and the share kept per due quarter."""

    rows: list[ActionRow]
    by_quarter: list[KeptShare]
    counts: dict[str, int]
    """Status -> how many."""


@dataclass(frozen=True)
class ActionsOverview:
    """The org overview's actions: those due in its quarter, across teams, and each team's kept share."""

    quarter: str
    due_now: list[ActionRow]
    by_team: list[KeptShare]


def kept_share(label: str, rows: pd.DataFrame, anchor: str = "") -> KeptShare:
    """The kept share of ``rows`` (actions; dropped ones are left out)."""
    statuses = rows["status"].value_counts().to_dict() if len(rows) else {}
    kept, missed = int(statuses.get(KEPT, 0)), int(statuses.get(MISSED, 0))
    share = kept / (kept + missed) if kept + missed else None
    return KeptShare(label, kept, missed, int(statuses.get(OPEN, 0)), share, anchor)


def action_rows(actions: pd.DataFrame, banks: Mapping[str, Bank], anchors: Mapping[str, str]) -> list[ActionRow]:
    """``actions`` as table rows, with their question's text and the target's label where the bank is at hand:
    open first, then missed, kept and dropped; soonest due first within each."""
    ordered = sorted(
        actions.to_dict("records"), key=lambda r: (STATUS_ORDER.get(r["status"], 9), r["due"], r["team"], r["id"])
    )
    return [_action_row(row, banks.get(str(row["bank_id"])), anchors) for row in ordered]


def _action_row(row: dict[str, Any], bank: Bank | None, anchors: Mapping[str, str]) -> ActionRow:
    question = bank.question(str(row["question_id"])) if bank is not None else None
    target = question.option(str(row["target"])) if question is not None else None
    return ActionRow(
        id=int(row["id"]),
        team=str(row["team"]),
        anchor=anchors.get(str(row["team"]), ""),
        question_id=str(row["question_id"]),
        question_text=question.text if question is not None else str(row["question_id"]),
        target_label=target.label if target is not None else str(row["target"]),
        due=str(row["due"]),
        owner=_text(row["owner"]),
        note=_text(row["note"]),
        created=str(row["created"]),
        status=str(row["status"]),
        kept_in=_text(row["kept_in"]),
        drop_reason=_text(row["drop_reason"]),
        system=_text(row.get("system")) or "",
    )


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def team_actions_section(
    actions: pd.DataFrame, banks: Mapping[str, Bank], anchors: Mapping[str, str]
) -> TeamActions | None:
    """One team's actions (``actions``: its rows), or None when it has none."""
    if actions.empty:
        return None
    live = actions[actions["status"] != DROPPED]
    by_quarter = [kept_share(str(due), rows) for due, rows in live.groupby("due", sort=True)]
    counts = {status: int((actions["status"] == status).sum()) for status in STATUS_ORDER}
    return TeamActions(action_rows(actions, banks, anchors), by_quarter, counts)


def actions_overview(
    actions: pd.DataFrame, bank: Bank, quarter: str, teams: Sequence[str], anchors: Mapping[str, str]
) -> ActionsOverview | None:
    """The actions of ``bank`` due in ``quarter`` across ``teams``, and each team's kept share over all its due
    actions of the bank; None when no team has an action of the bank."""
    mine = actions[actions["bank_id"] == bank.id] if len(actions) else actions
    if mine.empty:
        return None
    live = mine[mine["status"] != DROPPED]
    due_now = action_rows(live[live["due"] == quarter], {bank.id: bank}, anchors)
    by_team = [
        kept_share(team, live[live["team"] == team], anchors.get(team, ""))
        for team in teams
        if (mine["team"] == team).any()
    ]
    return ActionsOverview(quarter, due_now, by_team)
