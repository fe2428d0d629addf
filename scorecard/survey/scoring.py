"""Answers -> points -> area scores -> overall score and level. Pure: no I/O, no clock, no database.

Two aggregation rules, named by the bank:

``mean`` (sculley2015)
    An area's score is 100 x the mean points of its answered questions, ``na`` excluded and ``unknown``
    counted as 0 (not knowing is itself debt). The overall score is the mean of the area scores that have
    answers. Unanswered questions are left out (they show in ``completeness``).
``min_section_sum`` (ml-test-score, Breck et al. 2017)
    An area's score is the sum of its points (0..7 for seven tests); ``na``, ``unknown`` and unanswered
    questions count 0. The overall score is the minimum of the area sums: every section matters.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from scorecard.survey.bank import NA, UNKNOWN, Bank, Level, Question
from scorecard.survey.records import StoredAnswer

IMPROVEMENTS_SHOWN = 3


@dataclass(frozen=True)
class AreaScore:
    area: str
    title: str
    score: float | None
    """None when no question of the area has a scoring answer."""
    questions: int
    answered: int
    """Questions with any answer, ``na`` and ``unknown`` included."""


@dataclass(frozen=True)
class Improvement:
    """Raising one answer to the question's best option, and what that would do to the overall score."""

    question_id: str
    area: str
    from_option: str
    to_option: str
    gain: float
    """Change of the overall score (points of the bank's scale), with the ``together`` raises when there are any."""
    together: tuple[str, ...] = ()
    """Other questions to raise with this one for ``gain``: sections tied at the minimum only move together."""


@dataclass(frozen=True)
class ScoreCard:
    bank_id: str
    bank_version: int
    aggregation: str
    overall: float | None
    level: Level | None
    areas: tuple[AreaScore, ...]
    questions: int
    answered: int
    """Questions with any answer (``na`` and ``unknown`` included)."""
    completeness: float
    """Share of the bank's questions answered with one of the question's own options (not na/unknown)."""
    weakest_area: str | None
    improvements: tuple[Improvement, ...]

    def area_scores(self) -> dict[str, float | None]:
        return {a.area: a.score for a in self.areas}


def counted_answers(answers: Mapping[str, StoredAnswer]) -> dict[str, str]:
    """Question id -> option id of the answers that count (carried over and not yet confirmed: they don't)."""
    return {qid: a.option_id for qid, a in answers.items() if not a.carried_over}


def survey_is_complete(bank: Bank, answers: Mapping[str, str]) -> bool:
    """Every question of the bank has an answer (``na`` and ``unknown`` included)."""
    return all(q.id in answers for q in bank.questions)


def _points(question: Question, option_id: str) -> float | None:
    option = question.option(option_id)
    if option is None:
        raise ValueError(f"question {question.id} has no option {option_id!r}")
    return option.points


def area_scores(bank: Bank, chosen: Mapping[str, str]) -> dict[str, float | None]:
    """Area id -> score under the bank's aggregation, for ``chosen`` (question id -> option id)."""
    scores: dict[str, float | None] = {}
    for area in bank.areas:
        questions = bank.questions_in(area.id)
        points = [_points(q, chosen[q.id]) for q in questions if q.id in chosen]
        if bank.aggregation == "min_section_sum":
            # na and unknown count 0 here: the rubric credits only tests that are done.
            scores[area.id] = float(sum(p or 0.0 for p in points))
        else:
            scoring = [p for p in points if p is not None]  # na left out; unknown is 0.0
            scores[area.id] = 100.0 * sum(scoring) / len(scoring) if scoring else None
    return scores


def overall_score(bank: Bank, scores: Mapping[str, float | None], any_answer: bool) -> float | None:
    """The overall score from area scores (None when nothing is answered yet)."""
    if not any_answer:
        return None
    if bank.aggregation == "min_section_sum":
        return min(score or 0.0 for score in scores.values())
    known = [s for s in scores.values() if s is not None]
    return sum(known) / len(known) if known else None


def improvements(bank: Bank, chosen: Mapping[str, str], limit: int = IMPROVEMENTS_SHOWN) -> list[Improvement]:
    """What would lift the overall score most: raising answers to their question's best option.

    Answers already at the best option, and under ``mean`` the ``na`` answers (the team said the question does
    not apply, and it is left out of the score), are not candidates; nor is a raise that would not lift the
    overall score. Under ``min_section_sum`` an ``na`` scores 0 and is a candidate like any other. Under ``min_section_sum`` two
    sections tied at the minimum mean no single answer lifts the overall score: then the best raise of each
    tied section is listed, all of them marked ``together``, with the gain they make together. Otherwise
    the ``limit`` single raises that gain most, in bank order among equals.
    """
    scores = area_scores(bank, chosen)
    current = overall_score(bank, scores, any_answer=bool(chosen)) or 0.0
    candidates = _candidates(bank, chosen, scores, current)
    singles = [c.improvement(c.gain) for c in candidates if c.gain > 1e-9]
    if singles or bank.aggregation != "min_section_sum":
        singles.sort(key=lambda i: -i.gain)  # stable: bank order among equal gains
        return singles[:limit]
    return _tied_sections_together(bank, chosen, scores, current, candidates)


@dataclass(frozen=True)
class _Candidate:
    question: Question
    from_option: str
    to_option: str
    gain: float
    area_gain: float

    def improvement(self, gain: float, together: tuple[str, ...] = ()) -> Improvement:
        return Improvement(self.question.id, self.question.area, self.from_option, self.to_option, gain, together)


def _candidates(
    bank: Bank, chosen: Mapping[str, str], scores: Mapping[str, float | None], current: float
) -> list[_Candidate]:
    """Every answer that can be raised, with what the raise alone does to the overall and its own area."""
    found: list[_Candidate] = []
    for question in bank.questions:
        option_id = chosen.get(question.id)
        # Under mean, na leaves the question out of the score: raising it is not an improvement the team owes.
        # Under min_section_sum na is a 0 like any other, and hiding it would hide what the score costs.
        if option_id is None or (option_id == NA and bank.aggregation != "min_section_sum"):
            continue
        best = question.best_option
        if (_points(question, option_id) or 0.0) >= (best.points or 0.0):
            continue
        raised = area_scores(bank, {**chosen, question.id: best.id})
        area_gain = (raised[question.area] or 0.0) - (scores[question.area] or 0.0)
        if area_gain <= 1e-9:
            continue
        gain = round((overall_score(bank, raised, any_answer=True) or 0.0) - current, 4)
        found.append(_Candidate(question, option_id, best.id, gain, area_gain))
    return found


def _tied_sections_together(
    bank: Bank,
    chosen: Mapping[str, str],
    scores: Mapping[str, float | None],
    current: float,
    candidates: list[_Candidate],
) -> list[Improvement]:
    """The best raise in each section tied at the minimum, and what they lift together ([] if none can)."""
    lowest = min((score or 0.0) for score in scores.values())
    tied = [area.id for area in bank.areas if abs((scores[area.id] or 0.0) - lowest) <= 1e-9]
    picks: list[_Candidate] = []
    for area_id in tied:
        in_area = [c for c in candidates if c.question.area == area_id]
        if not in_area:
            return []  # a tied section with nothing to raise holds the minimum down
        picks.append(max(in_area, key=lambda c: c.area_gain))  # max keeps the first of equals: bank order
    raised = area_scores(bank, {**chosen, **{c.question.id: c.to_option for c in picks}})
    gain = round((overall_score(bank, raised, any_answer=True) or 0.0) - current, 4)
    if gain <= 1e-9:
        return []
    ids = [c.question.id for c in picks]
    return [c.improvement(gain, tuple(i for i in ids if i != c.question.id)) for c in picks]


def score_answers(bank: Bank, chosen: Mapping[str, str]) -> ScoreCard:
    """Score ``chosen`` (question id -> option id; ids must exist in the bank) under the bank's rule."""
    chosen = {qid: oid for qid, oid in chosen.items() if bank.question(qid) is not None}
    scores = area_scores(bank, chosen)
    overall = overall_score(bank, scores, any_answer=bool(chosen))
    real = sum(1 for oid in chosen.values() if oid not in (NA, UNKNOWN))
    areas = tuple(
        AreaScore(
            area=area.id,
            title=area.title,
            score=None if scores[area.id] is None else round(scores[area.id] or 0.0, 4),
            questions=len(bank.questions_in(area.id)),
            answered=sum(1 for q in bank.questions_in(area.id) if q.id in chosen),
        )
        for area in bank.areas
    )
    scored = [a for a in areas if a.score is not None] if chosen else []
    weakest = min(scored, key=lambda a: a.score or 0.0).area if scored else None
    return ScoreCard(
        bank_id=bank.id,
        bank_version=bank.version,
        aggregation=bank.aggregation,
        overall=None if overall is None else round(overall, 4),
        level=bank.level_for(overall),
        areas=areas,
        questions=len(bank.questions),
        answered=len(chosen),
        completeness=round(real / len(bank.questions), 4) if bank.questions else 0.0,
        weakest_area=weakest,
        improvements=tuple(improvements(bank, chosen)),
    )
