"""Dismissing a contradiction with a reason, and where each dismissal stands: the use cases of ``scorecard evidence``
and of the TUI's ``d``.

What a dismissal covers and how long it holds is :mod:`scorecard.survey.dismissals`'; here the store, the bank and
the team's evidence are brought together. A dismissal is of the survey it was made against: of a system's survey
it is that system's (``evidence dismiss --system``), else the whole team's ('', which covers every system too).
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


def dismissal_of(
    found: Contradiction, team: str, bank_id: str, reason: str, margin: float, system: str = ""
) -> Dismissal:
    """The dismissal of one contradiction, keeping each condition's value now (time and quarter: the store's)."""
    values = tuple(DismissedValue(c.subject, c.value, c.threshold) for c in found.conditions)
    return Dismissal(
        team, bank_id, found.question_id, found.claim, found.option_id, values, margin, reason, "", "", system=system
    )


def record_dismissals(
    store: Store,
    team: str,
    bank_id: str,
    found: Sequence[Contradiction],
    reason: str,
    margin: float = DEFAULT_MARGIN,
    system: str = "",
) -> list[Dismissal]:
    """Dismiss the contradictions ``found`` (one transaction) for the team's ``system`` ('' the whole team); the
    reason and the margin are checked first."""
    reason, margin = check_reason(reason), check_margin(margin)
    return store.add_dismissals([dismissal_of(c, team, bank_id, reason, margin, system) for c in found])


def _survey_asking(
    store: Store, team: str, question_id: str, bank_name: str | None, system: str = ""
) -> tuple[Survey, Bank]:
    """The latest survey of the team's ``system`` of ``bank_name``'s bank; without one, its latest survey whose
    (shipped) bank asks ``question_id``: a team answering two banks names the question, not the bank."""
    bank = load_bank(bank_name) if bank_name else None
    survey = find_team_survey(store, team, None, bank.id if bank else None, system)
    if bank is None:
        for candidate in store.surveys_for_team(team, system=system):
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
    system: str = "",
) -> list[Dismissal]:
    """``evidence dismiss``: dismiss every rule of ``question_id`` that fires against the latest survey of the
    team's ``system`` ('' the team level; of ``bank_name``'s bank, if given), for that system ('' the whole
    team). A rule dismissed already is dismissed again: the newer reason counts."""
    reason, margin = check_reason(reason), check_margin(margin)
    survey, bank = _survey_asking(store, team, question_id, bank_name, system)
    question = bank.question(question_id)
    if question is None:
        raise DismissalError(f"bank {bank.id} has no question {describe(question_id)}")
    evidence = team_evidence(store, team, survey.system or None)
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
    return record_dismissals(store, survey.team, bank.id, found, reason, margin, survey.system)


def _by_system(dismissals: Sequence[Dismissal]) -> list[list[Dismissal]]:
    """The dismissals grouped by the system they are for (by key; the whole team's apart)."""
    groups: dict[str, list[Dismissal]] = {}
    for dismissal in dismissals:
        groups.setdefault(dismissal.system.casefold(), []).append(dismissal)
    return list(groups.values())


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


def dismissal_states(
    store: Store, team: str, bank: Bank | None = None, system: str | None = None
) -> list[DismissalState]:
    """``evidence list``: the team's dismissals, newest first, with their state now: every one (``system``
    None), or those covering the team's ``system`` (its own and the whole team's). ``bank``: a custom bank file
    in use (shipped banks are found by the id a dismissal keeps). A dismissal is superseded by a newer one of
    its rule made for the same system (or for the team)."""
    if store.get_team(team) is None:
        known = ", ".join(t.name for t in store.list_teams()) or "none yet"
        raise DismissalError(f"unknown team {describe(team)} (teams: {known})")
    dismissals = store.dismissals_for(team, system=system)
    evidence: dict[str, Evidence] = {}  # a dismissal's system -> the evidence beside its surveys now
    in_force = {id(newest) for scope in _by_system(dismissals) for newest in latest_dismissals(scope).values()}
    banks: dict[str, Bank | None] = {bank.id: bank} if bank is not None else {}
    states = []
    for dismissal in reversed(dismissals):
        rule = _rule_of(dismissal, banks)
        if id(dismissal) not in in_force:
            states.append(DismissalState(dismissal, SUPERSEDED))
            continue
        if rule is None:
            states.append(DismissalState(dismissal, RULE_GONE))
            continue
        if dismissal.system not in evidence:
            evidence[dismissal.system] = team_evidence(store, team, dismissal.system or None) or Evidence({})
        current = current_values(rule, evidence[dismissal.system])
        state = HOLDING if dismissal_holds(dismissal, current) else LAPSED
        fires = rule_fires(rule, evidence[dismissal.system]) is not None
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
        "system": dismissal.system,
    }


def state_json(found: DismissalState) -> dict[str, Any]:
    return {
        **dismissal_json(found.dismissal),
        "state": found.state,
        "current": list(found.current),
        "firing": found.firing,
    }
