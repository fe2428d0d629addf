"""Dismissals: a team's "we looked at this contradiction, and here is why it does not apply", and how long that holds.

Pure. A dismissal names its rule by the bank, the question and the rule's claim (a rewritten claim is a new rule,
which no old dismissal covers), and keeps the value of each of the rule's conditions when it was made. It
**holds** while every condition's current value stays within ``margin`` of its value then, relatively:
``|now - then| <= margin * |then|``, in either direction, since a dismissal judged the evidence as it stood and
evidence that has moved that far is new evidence. A value of 0 then has no relative margin: there the margin is
``margin * |threshold|`` (the rule's own scale; ``margin`` itself when the threshold is 0 too). A metric that is
no longer measured, or a rule whose conditions changed under the same claim, lapses the dismissal. Nothing is
stored when it lapses: it holds again if the values come back within the margin.

**Per system**: evidence can be per system (a repository tied to a system), so a
dismissal is for one of the team's systems or, with ``system`` '', for the whole team. A system's dismissal covers
that system's surveys only; a team-level one covers the team-level surveys and every system's, since "this does
not apply to us" said for the team says it for each of its systems. Where both dismiss one rule, the newest is the
one in force (:func:`applying_to`, then :func:`latest_dismissals`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from scorecard.survey.systems import same_system

DEFAULT_MARGIN = 0.2
"""20%: a dismissed contradiction stays dismissed until a value moves more than this far from its value then."""
MAX_MARGIN = 10.0
MAX_REASON = 2000
"""Characters of a reason, as of a note."""

HOLDING, LAPSED, SUPERSEDED, RULE_GONE = "holding", "lapsed", "superseded", "rule-gone"
"""The states of a dismissal (``evidence list``): in force; values moved past the margin; an older dismissal of a
rule dismissed again since; no rule of the bank has that question and claim any more."""


@dataclass(frozen=True)
class DismissedValue:
    """One condition's value when the contradiction was dismissed."""

    subject: str
    """The condition's :attr:`~scorecard.survey.bank.Condition.subject`: what was measured."""
    value: float
    threshold: float


@dataclass(frozen=True)
class Dismissal:
    """A contradiction a team examined and set aside, with its reason."""

    team: str
    bank_id: str
    question_id: str
    claim: str
    option_id: str
    """The answer the rule contradicted when it was dismissed (for the record; any contradicted answer is covered)."""
    values: tuple[DismissedValue, ...]
    margin: float
    reason: str
    created_at: str
    quarter: str
    id: int = 0
    system: str = ""
    """The team's system the evidence does not apply to; '' the whole team (covering every system's surveys)."""


def within_margin(then: DismissedValue, now: float | None, margin: float) -> bool:
    """Whether ``now`` is within ``margin`` of the value at dismissal (see the module docstring)."""
    if now is None:
        return False
    scale = abs(then.value) or abs(then.threshold) or 1.0
    allowed = margin * scale
    return abs(now - then.value) <= allowed * (1 + 1e-9) + 1e-12


def dismissal_holds(dismissal: Dismissal, current: Sequence[tuple[str, float | None]]) -> bool:
    """Whether ``dismissal`` still holds for the rule's conditions as measured now: ``(subject, value)`` each, in
    the rule's order. Conditions that changed (other subjects, another number of them) lapse it."""
    if len(current) != len(dismissal.values):
        return False
    return all(
        then.subject == subject and within_margin(then, value, dismissal.margin)
        for then, (subject, value) in zip(dismissal.values, current, strict=True)
    )


def latest_dismissals(dismissals: Sequence[Dismissal]) -> dict[tuple[str, str, str], Dismissal]:
    """(bank, question, claim) -> the newest dismissal of that rule (the one in force; older ones are superseded)."""
    newest: dict[tuple[str, str, str], Dismissal] = {}
    for dismissal in sorted(dismissals, key=lambda d: (d.created_at, d.id)):
        newest[dismissal.bank_id, dismissal.question_id, dismissal.claim] = dismissal
    return newest


def applying_to(dismissals: Sequence[Dismissal], system: str) -> list[Dismissal]:
    """The dismissals that cover a survey of ``system`` ('' the team level): the team-level ones and that system's,
    matched by key (see the module docstring)."""
    return [d for d in dismissals if d.system == "" or same_system(d.system, system)]
