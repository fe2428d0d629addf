"""Recording, dropping and checking a team's actions: the use cases of ``scorecard actions``, of the meeting
screen's ``a`` and of the survey screen (open actions beside their question).

What an action is and the rule of its status are :mod:`scorecard.survey.actions`'; here the store, the bank, the
team's surveys and its evidence are brought together. "Now" is always the store's clock, so a test moves it.

The bank of a new action: the one named (a shipped bank's id or a bank file), else the bank of the latest survey
of the team's system (or team level), else the default bank.

An action is of one of the team's systems ('' the team level): it must be a system the team has (surveyed or tied
to a repository), so a typo records nothing, and only that system's surveys keep or miss it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from scorecard.errors import ScorecardError, describe
from scorecard.quarters import normalize_quarter, parse_quarter, quarter_of
from scorecard.services.surveys import SurveyScore, score_survey
from scorecard.services.team_metrics import team_evidence
from scorecard.store import Store
from scorecard.survey.actions import (
    OPEN,
    Action,
    ActionError,
    ActionState,
    SurveyOutcome,
    action_status,
    check_reason,
    new_action,
)
from scorecard.survey.bank import DEFAULT_BANK, Bank
from scorecard.survey.bank_file import load_bank
from scorecard.survey.contradictions import Evidence
from scorecard.survey.records import Survey, Team
from scorecard.survey.systems import same_system


def _known_team(store: Store, team: str) -> Team:
    found = store.get_team(team)
    if found is None:
        known = ", ".join(t.name for t in store.list_teams()) or "none yet"
        raise ActionError(f"unknown team {describe(team)} (teams: {known})")
    return found


def known_system(store: Store, team: str, system: str) -> str:
    """The team's system ``system`` as the store spells it ('' the team level); :class:`ActionError` for a
    system the team does not have."""
    if system == "":
        return ""
    systems = store.systems_of(team)
    found = next((name for name in systems if same_system(name, system)), None)
    if found is None:
        raise ActionError(
            f"team {describe(team)} has no system {describe(system)} (systems: {', '.join(systems) or 'none yet'})"
        )
    return found


def action_bank(store: Store, team: str, bank_name: str | None = None, system: str = "") -> Bank:
    """The bank a new action of ``team``'s ``system`` is checked against (see the module docstring)."""
    if bank_name:
        return load_bank(bank_name)
    survey = store.latest_survey(team, system=system)
    if survey is None:
        return load_bank(DEFAULT_BANK)
    try:
        return load_bank(survey.bank_id)
    except ScorecardError:  # a custom bank's survey: the file is known by its path, not by the id stored
        raise ActionError(
            f"the latest survey of team {describe(team)} is of bank {describe(survey.bank_id)}, which is not "
            "shipped: name its file with --bank"
        ) from None


def add_action(
    store: Store,
    team: str,
    question_id: str,
    target: str,
    due: str,
    owner: str | None = None,
    note: str | None = None,
    bank_name: str | None = None,
    bank: Bank | None = None,
    system: str = "",
) -> ActionState:
    """``actions add``: record what ``team`` commits to (for its ``system``, '' the team level), in the store
    clock's quarter; everything is checked before anything is written. ``bank``: the bank itself when the
    caller has it (the TUI), else ``bank_name``."""
    known = _known_team(store, team)
    system = known_system(store, known.name, system)
    bank = bank if bank is not None else action_bank(store, known.name, bank_name, system)
    created = quarter_of(store.clock())
    draft = new_action(bank, known.name, question_id, target, due, created, owner, note, system)
    [stored] = store.add_actions([draft])
    return action_states(store, known.name, [stored], bank)[0]


def drop_action(store: Store, action_id: int, reason: str) -> ActionState:
    """``actions drop``: give an action up, with a reason; an action dropped already is an error."""
    reason = check_reason(reason)
    found = store.get_action(action_id)
    if found is None:
        raise ActionError(f"there is no action {action_id}: `scorecard actions list --team T` shows their ids")
    if found.dropped_at is not None:
        raise ActionError(f"action {action_id} was dropped already on {found.dropped_at[:10]}: {found.drop_reason}")
    dropped = store.drop_action(action_id, reason)
    if dropped is None or dropped.drop_reason != reason:  # another process dropped it first
        raise ActionError(f"action {action_id} was dropped by someone else meanwhile")
    return action_states(store, dropped.team, [dropped])[0]


def team_actions(
    store: Store,
    team: str,
    bank: Bank | None = None,
    system: str | None = None,
    evidence: Mapping[str, Evidence | None] | None = None,
) -> list[ActionState]:
    """``actions list``: the actions of the team's ``system`` ('' the team level; None: every system's and the
    team's), oldest first, with their status now. ``bank``: a custom bank in use (shipped banks are found by the
    id an action keeps). ``evidence``: system -> its evidence, where the caller has read it already (the report
    has the team's: reading it again doubled the report's time)."""
    known = _known_team(store, team)
    if system is not None:
        system = known_system(store, known.name, system)
    return action_states(store, known.name, store.actions_for(known.name, system), bank, evidence)


def open_actions(
    store: Store, team: str, bank_id: str, bank: Bank | None = None, system: str = ""
) -> dict[str, list[ActionState]]:
    """Question id -> the open actions of the team's ``system`` ('' the team level) on it, of bank ``bank_id``
    (what the survey and meeting screens show beside each question); empty for a team the store does not know."""
    if store.get_team(team) is None:
        return {}
    found: dict[str, list[ActionState]] = {}
    actions = [action for action in store.actions_for(team, system) if action.bank_id == bank_id]
    for state in action_states(store, team, actions, bank):
        if state.status == OPEN:
            found.setdefault(state.action.question_id, []).append(state)
    return found


def actions_for_export(
    store: Store, team: str, quarter: str, bank_id: str | None = None, system: str = ""
) -> list[Action]:
    """The actions of the team's ``system`` ('' the team level) recorded in ``quarter`` (of bank ``bank_id``, if
    given), oldest first: what ``answers export`` writes beside that system's answers of that quarter."""
    quarter = normalize_quarter(quarter)
    return [
        action
        for action in store.actions_for(team, system)
        if action.created == quarter and (bank_id is None or action.bank_id == bank_id)
    ]


class _TeamSurveys:
    """A team's surveys per bank and system, each scored at most once (with the evidence now of its system, or
    the team's), for many actions: an action reads the surveys of its own system only."""

    def __init__(
        self, store: Store, team: str, bank: Bank | None, evidence: Mapping[str, Evidence | None] | None = None
    ) -> None:
        self.store, self.team = store, team
        self.banks: dict[str, Bank | None] = {bank.id: bank} if bank is not None else {}
        self.surveys: dict[tuple[str, str], list[Survey]] = {}
        self.scored: dict[int, SurveyScore] = {}
        self._evidence: dict[str, Evidence | None] = dict(evidence or {})

    def bank(self, bank_id: str) -> Bank | None:
        if bank_id not in self.banks:
            try:
                self.banks[bank_id] = load_bank(bank_id)
            except ScorecardError:  # a custom bank not at hand: its actions can be open or missed, not kept
                self.banks[bank_id] = None
        return self.banks[bank_id]

    def evidence(self, system: str) -> Evidence | None:
        """The evidence beside ``system``'s surveys, as ``show --system`` gives it (the team's for '')."""
        if system not in self._evidence:
            self._evidence[system] = team_evidence(self.store, self.team, system or None)
        return self._evidence[system]

    def outcomes(self, action: Action) -> list[SurveyOutcome]:
        bank = self.bank(action.bank_id)
        key = (action.bank_id, action.system)
        if key not in self.surveys:
            self.surveys[key] = self.store.surveys_for_team(self.team, action.bank_id, action.system)
        first, last = parse_quarter(action.created), parse_quarter(action.due)
        found = []
        for survey in self.surveys[key]:
            complete = survey.status == "complete"
            if bank is None or not first <= parse_quarter(survey.quarter) <= last:
                found.append(SurveyOutcome(survey.quarter, complete, None))
                continue
            if survey.id not in self.scored:
                self.scored[survey.id] = score_survey(self.store, survey, self.evidence(action.system), bank=bank)
            scored = self.scored[survey.id]
            contradicted = any(c.question_id == action.question_id and not c.dismissed for c in scored.contradictions)
            found.append(SurveyOutcome(survey.quarter, complete, scored.chosen.get(action.question_id), contradicted))
        return found


def action_states(
    store: Store,
    team: str,
    actions: Sequence[Action],
    bank: Bank | None = None,
    evidence: Mapping[str, Evidence | None] | None = None,
) -> list[ActionState]:
    """Each of ``team``'s ``actions`` with its status in the store clock's quarter (see
    :func:`scorecard.survey.actions.action_status`); ``evidence`` as :func:`team_actions` takes it."""
    current = quarter_of(store.clock())
    surveys = _TeamSurveys(store, team, bank, evidence)
    return [
        action_status(action, surveys.bank(action.bank_id), surveys.outcomes(action), current) for action in actions
    ]


def action_json(state: ActionState) -> dict[str, Any]:
    """One object of ``actions list --json`` (its keys are a contract for scripts: add, never rename)."""
    action = state.action
    return {
        "id": action.id,
        "team": action.team,
        "question": action.question_id,
        "target": action.target,
        "due": action.due,
        "owner": action.owner,
        "note": action.note,
        "created": action.created,
        "status": state.status,
        "kept_in": state.kept_in,
        "bank": action.bank_id,
        "created_at": action.created_at,
        "dropped_at": action.dropped_at,
        "dropped_reason": action.drop_reason,
        "system": action.system,
    }
