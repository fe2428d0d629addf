"""Several people answering one team's survey: their names, and how their answers make the team's. Pure.

An answer without a respondent is the **team answer** (what every survey was before respondents existed). An
answer with one is that person's view, given blind. Per question, the survey counts:

1. the team answer, when there is one that counts (a carried-over answer nobody confirmed does not);
2. otherwise the respondents' answers combined by the **lower median** of their points: sorted by points,
   the answer at position ``(n - 1) // 2``. Optimism is not evidence: with two respondents the lower one
   counts, with three the middle one. "Don't know" is 0 points, as everywhere in scoring (not knowing is
   itself debt); at equal points a real option sorts before it, so "don't know" counts only when at least
   half the respondents said it or gave nothing better. ``na`` answers are left out of the median; when every
   respondent said ``na``, the team's answer is ``na``.

A question is **disputed** when its respondents' points differ by :data:`DISPUTE_SPREAD` or more, when one
answered and another said "don't know", or when one said it does not apply (``na``) and another answered.
Its **spread** is the highest minus the lowest points among respondents who gave points ("don't know" is 0),
None with fewer than two of them. The team's **disagreement** is the mean spread over the questions two or
more respondents scored, overall and per area.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from scorecard.errors import ScorecardError
from scorecard.survey.bank import NA, UNKNOWN, Bank, Question
from scorecard.survey.records import StoredAnswer
from scorecard.team_names import TeamNameError, normalize_team_name, team_key

DISPUTE_SPREAD = 0.5
MAX_RESPONDENT_NAME = 100


class RespondentError(ScorecardError, ValueError):
    """A respondent name that cannot be used; the message says why in one line."""


def normalize_respondent(raw: object) -> str:
    """A respondent's name as stored and shown, by the rules of team names (readable, typeable, no invisible or
    control characters, at most 100 characters); :class:`RespondentError` otherwise."""
    try:
        return normalize_team_name(raw)
    except TeamNameError as error:
        raise RespondentError(str(error).replace("a team name", "a respondent name")) from None


def respondent_key(name: str) -> str:
    """What makes two spellings one respondent: ``Ana``, ``ANA`` and ``ana`` answer as one person."""
    return team_key(normalize_respondent(name))


@dataclass(frozen=True)
class CombinedAnswer:
    """The answer a survey counts for one question, and how its respondents saw it."""

    question_id: str
    option_id: str
    points: float | None
    note: str | None
    link: str | None
    source: str
    """``team`` (the team answer) or ``respondents`` (combined from theirs)."""
    by_respondent: dict[str, StoredAnswer] = field(default_factory=dict)
    """Name -> that respondent's answer, in name order."""
    spread: float | None = None
    disputed: bool = False


@dataclass(frozen=True)
class Disagreement:
    overall: float | None
    """Mean spread over the questions two or more respondents scored; None when there are none."""
    by_area: dict[str, float | None]


def _sort_key(question: Question, answer: StoredAnswer) -> tuple[float, int, int]:
    position = next((i for i, o in enumerate(question.options) if o.id == answer.option_id), len(question.options))
    return (answer.points or 0.0, answer.option_id == UNKNOWN, position)


def spread_of(answers: Mapping[str, StoredAnswer]) -> float | None:
    """Highest minus lowest points among the answers that give points; None with fewer than two."""
    scored = [a.points or 0.0 for a in answers.values() if a.option_id != NA]
    return round(max(scored) - min(scored), 4) if len(scored) >= 2 else None


def is_disputed(answers: Mapping[str, StoredAnswer]) -> bool:
    """Two or more respondents who do not agree (see the module docstring for the three ways)."""
    options = {a.option_id for a in answers.values()}
    spread = spread_of(answers)
    if spread is not None and spread >= DISPUTE_SPREAD - 1e-9:
        return True
    answered = bool(options - {NA, UNKNOWN})
    if UNKNOWN in options and answered:
        return True
    return NA in options and (answered or UNKNOWN in options)


def _from_respondents(question: Question, answers: Mapping[str, StoredAnswer]) -> StoredAnswer:
    scoring = sorted((a for a in answers.values() if a.option_id != NA), key=lambda a: _sort_key(question, a))
    if not scoring:
        return next(iter(answers.values()))
    return scoring[(len(scoring) - 1) // 2]


def combine_question(
    question: Question, team: StoredAnswer | None, respondents: Mapping[str, StoredAnswer]
) -> CombinedAnswer | None:
    """The answer counted for ``question``: the team's when it counts, else the respondents' lower median;
    None when neither gives one."""
    ordered = dict(sorted(respondents.items(), key=lambda item: team_key(item[0])))
    spread, disputed = spread_of(ordered), is_disputed(ordered)
    if team is not None and not team.carried_over:
        chosen, source = team, "team"
    elif ordered:
        chosen, source = _from_respondents(question, ordered), "respondents"
    else:
        return None
    return CombinedAnswer(
        question.id, chosen.option_id, chosen.points, chosen.note, chosen.link, source, ordered, spread, disputed
    )


def combine_answers(
    bank: Bank, team: Mapping[str, StoredAnswer], respondents: Mapping[str, Mapping[str, StoredAnswer]]
) -> dict[str, CombinedAnswer]:
    """Question id -> the counted answer, in bank order, for every question the team or a respondent answered.

    ``respondents``: name -> question id -> answer. Answers to questions the bank does not have are left out.
    """
    combined: dict[str, CombinedAnswer] = {}
    for question in bank.questions:
        given = {name: answers[question.id] for name, answers in respondents.items() if question.id in answers}
        found = combine_question(question, team.get(question.id), given)
        if found is not None:
            combined[question.id] = found
    return combined


def chosen_options(combined: Mapping[str, CombinedAnswer]) -> dict[str, str]:
    """Question id -> option id: what scoring reads."""
    return {question_id: answer.option_id for question_id, answer in combined.items()}


def disagreement(bank: Bank, combined: Mapping[str, CombinedAnswer]) -> Disagreement:
    """Mean spread overall and per area (None where no question has two scoring respondents)."""
    spreads: dict[str, list[float]] = {area.id: [] for area in bank.areas}
    for question in bank.questions:
        answer = combined.get(question.id)
        if answer is not None and answer.spread is not None:
            spreads[question.area].append(answer.spread)
    every = [spread for values in spreads.values() for spread in values]
    return Disagreement(overall=_mean(every), by_area={area: _mean(values) for area, values in spreads.items()})


def _mean(values: list[float]) -> float | None:
    return round(sum(values) / len(values), 4) if values else None


def respondent_names(respondents: Mapping[str, Mapping[str, StoredAnswer]]) -> list[str]:
    """The names of respondents who answered anything, in name order."""
    return sorted((name for name, answers in respondents.items() if answers), key=team_key)
