"""Dismissing a contradiction with a reason, and where each dismissal stands: the use cases of ``scorecard evidence``
and of the TUI's ``d``.

What a dismissal covers and how long it holds is :mod:`scorecard.survey.dismissals`'; here the store, the bank and
the team's evidence are brought together.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from contextlib import suppress
from dataclasses import dataclass
from typing import Any

from scorecard.errors import ScorecardError, describe
from scorecard.services.surveys import find_team_survey, score_survey
from scorecard.services.team_metrics import team_evidence
from scorecard.store import Store
from scorecard.survey.bank import Bank, EvidenceRule
from scorecard.survey.bank_file import load_bank
from scorecard.survey.contradictions import Contradiction, Evidence, current_values, rule_fires
from scorecard.survey.dismissals import (
    DEFAULT_MARGIN,
    HOLDING,
    LAPSED,
    MAX_MARGIN,
    MAX_REASON,
    RULE_GONE,
    SUPERSEDED,
    Dismissal,
    DismissedValue,
    dismissal_holds,
    latest_dismissals,
)
from scorecard.survey.records import Survey
from scorecard.survey.survey_banks import bank_of


class DismissalError(ScorecardError):
    """A dismissal that cannot be made: no reason, a bad margin, an unknown question, nothing firing."""


def check_reason(reason: str | None) -> str:
    """The reason without surrounding spaces; :class:`DismissalError` when empty or too long."""
    text = (reason or "").strip()
    if not text:
        raise DismissalError("a dismissal needs a reason: say why the evidence does not apply (--reason TEXT)")
    if len(text) > MAX_REASON:
        raise DismissalError(f"the reason has {len(text):,} characters: at most {MAX_REASON:,}")
    return text


def check_margin(margin: float) -> float:
    if not math.isfinite(margin) or not 0 <= margin <= MAX_MARGIN:
        raise DismissalError(f"--margin {margin:g} must be a fraction from 0 to {MAX_MARGIN:g} (0.2 = 20%)")
    return float(margin)


def dismissal_of(found: Contradiction, team: str, bank_id: str, reason: str, margin: float) -> Dismissal:
    """The dismissal of one contradiction, keeping each condition's value now (time and quarter: the store's)."""
    values = tuple(DismissedValue(c.subject, c.value, c.threshold) for c in found.conditions)
    return Dismissal(team, bank_id, found.question_id, found.claim, found.option_id, values, margin, reason, "", "")


def record_dismissals(
    store: Store, team: str, bank_id: str, found: Sequence[Contradiction], reason: str, margin: float = DEFAULT_MARGIN
) -> list[Dismissal]:
    """Dismiss the contradictions ``found`` (one transaction); the reason and the margin are checked first."""
    reason, margin = check_reason(reason), check_margin(margin)
    return store.add_dismissals([dismissal_of(c, team, bank_id, reason, margin) for c in found])


def _survey_asking(store: Store, team: str, question_id: str, bank_name: str | None) -> tuple[Survey, Bank]:
    """The team's latest survey of ``bank_name``'s bank; without one, its latest survey whose (shipped) bank asks
    ``question_id``: a team answering two banks names the question, not the bank, when it dismisses."""
    bank = load_bank(bank_name) if bank_name else None
    survey = find_team_survey(store, team, None, bank.id if bank else None)
    if bank is None:
        for candidate in store.surveys_for_team(team):
            with suppress(ScorecardError):  # a custom bank's survey: its bank cannot be loaded by id
                asking = load_bank(candidate.bank_id)
                if asking.question(question_id) is not None:
                    return candidate, asking
    return survey, bank_of(survey.bank_id, survey.bank_version, bank)


def dismiss_question(
    store: Store,
    team: str,
    question_id: str,
    reason: str,
    margin: float = DEFAULT_MARGIN,
    bank_name: str | None = None,
) -> list[Dismissal]:
    """``evidence dismiss``: dismiss every rule of ``question_id`` that fires against the team's latest survey
    (of ``bank_name``'s bank, if given). A rule dismissed already is dismissed again: the newer reason counts."""
    reason, margin = check_reason(reason), check_margin(margin)
    survey, bank = _survey_asking(store, team, question_id, bank_name)
    question = bank.question(question_id)
    if question is None:
        raise DismissalError(f"bank {bank.id} has no question {describe(question_id)}")
    evidence = team_evidence(store, team)
    if evidence is None:
        raise DismissalError(f"team {describe(survey.team)} has no scan yet: there is no evidence to dismiss")
    scored = score_survey(store, survey, evidence, bank=bank)
    found = [c for c in scored.contradictions if c.question_id == question.id]
    if not found:
        answer = scored.combined.get(question.id)
        raise DismissalError(
            f"no evidence rule of {question.id} fires against the answer of team {describe(survey.team)} "
            f"({answer.option_id if answer else 'none'}, {survey.quarter}): nothing to dismiss"
        )
    return record_dismissals(store, survey.team, bank.id, found, reason, margin)


@dataclass(frozen=True)
class DismissalState:
    """A dismissal and where it stands against the team's evidence now."""

    dismissal: Dismissal
    state: str
    """``holding``, ``lapsed``, ``superseded`` or ``rule-gone`` (see :mod:`scorecard.survey.dismissals`)."""
    current: tuple[float | None, ...] = ()
    """Each condition's value now (None: not measured), in the rule's order; empty when the rule is gone."""
    firing: bool = False
    """Whether the rule fires on the evidence now (whatever the answer)."""


def _rule_of(dismissal: Dismissal, banks: dict[str, Bank | None]) -> EvidenceRule | None:
    if dismissal.bank_id not in banks:
        try:
            banks[dismissal.bank_id] = load_bank(dismissal.bank_id)
        except ScorecardError:  # a custom bank, not shipped: its rules cannot be looked up by id
            banks[dismissal.bank_id] = None
    bank = banks[dismissal.bank_id]
    question = bank.question(dismissal.question_id) if bank else None
    return next((rule for rule in question.evidence if rule.claim == dismissal.claim), None) if question else None


def dismissal_states(store: Store, team: str, bank: Bank | None = None) -> list[DismissalState]:
    """``evidence list``: every dismissal of the team, newest first, with its state now. ``bank``: a custom bank
    file in use (shipped banks are found by the id a dismissal keeps)."""
    if store.get_team(team) is None:
        known = ", ".join(t.name for t in store.list_teams()) or "none yet"
        raise DismissalError(f"unknown team {describe(team)} (teams: {known})")
    dismissals = store.dismissals_for(team)
    evidence = team_evidence(store, team) or Evidence({})
    newest = latest_dismissals(dismissals)
    banks: dict[str, Bank | None] = {bank.id: bank} if bank is not None else {}
    states = []
    for dismissal in reversed(dismissals):
        rule = _rule_of(dismissal, banks)
        if newest[dismissal.bank_id, dismissal.question_id, dismissal.claim] is not dismissal:
            states.append(DismissalState(dismissal, SUPERSEDED))
            continue
        if rule is None:
            states.append(DismissalState(dismissal, RULE_GONE))
            continue
        current = current_values(rule, evidence)
        state = HOLDING if dismissal_holds(dismissal, current) else LAPSED
        fires = rule_fires(rule, evidence) is not None
        states.append(DismissalState(dismissal, state, tuple(value for _subject, value in current), fires))
    return states


def dismissal_json(dismissal: Dismissal) -> dict[str, Any]:
    """A dismissal as JSON (``evidence dismiss --json``, ``evidence list --json``)."""
    return {
        "id": dismissal.id,
        "team": dismissal.team,
        "bank": dismissal.bank_id,
        "question": dismissal.question_id,
        "claim": dismissal.claim,
        "option": dismissal.option_id,
        "values": [{"subject": v.subject, "value": v.value, "threshold": v.threshold} for v in dismissal.values],
        "margin": dismissal.margin,
        "reason": dismissal.reason,
        "created_at": dismissal.created_at,
        "quarter": dismissal.quarter,
    }


def state_json(found: DismissalState) -> dict[str, Any]:
    return {
        **dismissal_json(found.dismissal),
        "state": found.state,
        "current": list(found.current),
        "firing": found.firing,
    }
