"""Actions: what a team committed to fix in a review, and whether it did. Pure.

An action says: raise the answer to ``question_id`` to at least ``target``'s points by the ``due`` quarter,
for one system of the team (``''``: the team level). The one idea: its **status** is computed, never stored
(:func:`action_status`), from that system's surveys of the action's bank: ``dropped``; ``kept`` when a survey
from ``created`` to ``due`` counts an answer worth the target and no live contradiction fires against it
(optimism is not evidence; ``na``, ``unknown`` and unconfirmed carried-over answers keep nothing); ``missed``
when the due quarter is over or its survey complete; else ``open``. A dropped action keeps its row and its
reason. Validation: :func:`new_action` and the ``check_*`` helpers. The rules in full: README, "Actions".
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from scorecard.errors import ScorecardError, describe, one_line
from scorecard.quarters import QuarterError, normalize_quarter, parse_quarter
from scorecard.survey.bank import UNKNOWN, Bank, Option, Question
from scorecard.survey.respondents import RespondentError, normalize_respondent

OPEN, KEPT, MISSED, DROPPED = "open", "kept", "missed", "dropped"
STATUSES = (OPEN, KEPT, MISSED, DROPPED)
MAX_NOTE = 2_000
MAX_REASON = 2_000
"""Characters of a note and of a drop reason (as of an answer's note and a dismissal's reason)."""


class ActionError(ScorecardError, ValueError):
    """An action that cannot be recorded or dropped; the message says why in one line."""


@dataclass(frozen=True)
class Action:
    """One commitment of a team, as stored (``id`` 0 and ``created_at`` empty before it is)."""

    id: int
    team: str
    bank_id: str
    question_id: str
    target: str
    """The option whose points the answer must reach."""
    due: str
    """The last quarter in which a survey may keep it."""
    owner: str | None
    note: str | None
    created: str
    """The quarter it was recorded in."""
    created_at: str
    dropped_at: str | None = None
    drop_reason: str | None = None
    system: str = ""
    """The team's system it is for ('' the team level): only that system's surveys keep or miss it."""


@dataclass(frozen=True)
class ActionState:
    """An action and where it stands now."""

    action: Action
    status: str
    """``open``, ``kept``, ``missed`` or ``dropped`` (see the module docstring)."""
    kept_in: str | None = None
    """The first quarter whose survey kept it (None unless kept)."""


@dataclass(frozen=True)
class SurveyOutcome:
    """What one survey of the team says about an action's question, as :func:`action_status` reads it."""

    quarter: str
    complete: bool
    option_id: str | None
    """The option the survey counts for the question (None: not answered, or only by an unconfirmed carry-over)."""
    contradicted: bool = False
    """Whether a live (not dismissed) contradiction of the question fires against the survey."""


def _order(quarter: str) -> tuple[int, int]:
    return parse_quarter(quarter)


def keeps(action: Action, bank: Bank | None, outcome: SurveyOutcome) -> bool:
    """Whether ``outcome`` keeps ``action``: in its quarters, at or above the target's points, not contradicted."""
    if not _order(action.created) <= _order(outcome.quarter) <= _order(action.due):
        return False
    if outcome.option_id is None or outcome.contradicted or bank is None:
        return False
    question = bank.question(action.question_id)
    if question is None:  # a newer version of the bank dropped the question: nothing can keep it
        return False
    if outcome.option_id == UNKNOWN:
        return False
    target, answer = question.option(action.target), question.option(outcome.option_id)
    if target is None or target.points is None or answer is None or answer.points is None:
        return False
    return answer.points >= target.points


def action_status(
    action: Action, bank: Bank | None, surveys: Iterable[SurveyOutcome], current_quarter: str
) -> ActionState:
    """Where ``action`` stands in ``current_quarter``, given the team's ``surveys`` of its bank (any order).

    ``bank``: the action's bank; None when it cannot be loaded (a custom bank file not at hand), and then no
    survey keeps the action.
    """
    if action.dropped_at is not None:
        return ActionState(action, DROPPED)
    outcomes = sorted(surveys, key=lambda outcome: _order(outcome.quarter))
    kept = next((outcome for outcome in outcomes if keeps(action, bank, outcome)), None)
    if kept is not None:
        return ActionState(action, KEPT, kept.quarter)
    due = _order(action.due)
    due_surveyed = any(outcome.complete and _order(outcome.quarter) == due for outcome in outcomes)
    if _order(current_quarter) > due or due_surveyed:
        return ActionState(action, MISSED)
    return ActionState(action, OPEN)


# -- validation ---------------------------------------------------------------------------------------------


def check_question(bank: Bank, question_id: object) -> Question:
    question = bank.question(question_id) if isinstance(question_id, str) else None
    if question is None:
        raise ActionError(f"bank {bank.id} has no question {describe(question_id)}")
    return question


def check_target(question: Question, target: object) -> Option:
    """One of the question's own options: ``na`` and ``unknown`` are no state a team can work towards."""
    option = next((o for o in question.options if isinstance(target, str) and o.id == target.strip()), None)
    if option is None:
        choices = one_line("|".join(o.id for o in question.options), 120)
        raise ActionError(f"question {question.id} has no option {describe(target)} to aim for (choose {choices})")
    return option


def check_quarter(quarter: object, what: str) -> str:
    try:
        return normalize_quarter(quarter if isinstance(quarter, str) else describe(quarter))
    except QuarterError as error:
        raise ActionError(f"{what}: {error}") from None


def check_due(due: object, created: str) -> str:
    """The due quarter normalised; :class:`ActionError` when malformed or before ``created``."""
    quarter = check_quarter(due, "due quarter")
    if _order(quarter) < _order(created):
        raise ActionError(f"due quarter {quarter} is before {created}, the quarter the action is recorded in")
    return quarter


def check_owner(owner: object) -> str | None:
    """The owner's name, by the rules of respondent names; None when there is no owner."""
    if owner is None:
        return None
    try:
        return normalize_respondent(owner)
    except RespondentError as error:
        raise ActionError(f"owner: {str(error).replace('a respondent name', 'an owner')}") from None


def check_note(note: object) -> str | None:
    """The note without surrounding spaces (None when blank); :class:`ActionError` when too long."""
    if note is None:
        return None
    if not isinstance(note, str):
        raise ActionError(f"a note must be text, not {describe(note)}")
    text = note.strip()
    if len(text) > MAX_NOTE:
        raise ActionError(f"the note has {len(text):,} characters: at most {MAX_NOTE:,}")
    return text or None


def check_reason(reason: object) -> str:
    """A drop reason without surrounding spaces; :class:`ActionError` when blank or too long."""
    text = reason.strip() if isinstance(reason, str) else ""
    if not text:
        raise ActionError("dropping an action needs a reason: say why the team gave it up (--reason TEXT)")
    if len(text) > MAX_REASON:
        raise ActionError(f"the reason has {len(text):,} characters: at most {MAX_REASON:,}")
    return text


def new_action(
    bank: Bank,
    team: str,
    question_id: object,
    target: object,
    due: object,
    created: str,
    owner: object = None,
    note: object = None,
    system: str = "",
) -> Action:
    """An action checked against ``bank`` (see the module docstring), not stored yet: ``id`` 0, no ``created_at``."""
    question = check_question(bank, question_id)
    option = check_target(question, target)
    created = check_quarter(created, "created quarter")
    return Action(
        id=0,
        team=team,
        bank_id=bank.id,
        question_id=question.id,
        target=option.id,
        due=check_due(due, created),
        owner=check_owner(owner),
        note=check_note(note),
        created=created,
        created_at="",
        system=system,
    )
