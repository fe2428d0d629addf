"""The demo organisation's quarterly reviews: respondents who disagree, links on some best answers, and actions.

On top of the team answers of :mod:`scorecard.services.demo`, for the last :data:`RESPONDENT_QUARTERS` quarters:

- two or three engineers per team answer blind under their own names; each leans a little (an optimist, a
  pessimist) and mostly agrees with the team, so the spread moves from quarter to quarter; each team's latest
  survey has at least one question two of them answer two options apart (disputed), with their notes;
- the team answers settle every question, except :data:`UNSETTLED_TEAM`'s latest survey, where the disputed
  questions wait for the review meeting and the respondents' lower median counts;
- a best answer links, for about half the questions, to where it can be checked (a CI pipeline, a dashboard, a
  ticket, or a runbook path that the report shows as text); the same question keeps the same link;
- each team committed to actions in its reviews: one it kept (a later survey reached the target), one it missed
  (the answer never moved), one still open (due next quarter), and one team dropped one.

Everything is seeded from the quarter, like the surveys: the same quarter gives the same reviews.
"""

from __future__ import annotations

import random
from collections.abc import Collection, Sequence
from dataclasses import replace

from scorecard.quarters import next_quarter
from scorecard.services.surveys import PreparedImport
from scorecard.survey.actions import Action, new_action
from scorecard.survey.bank import NA, UNKNOWN, Bank, Question
from scorecard.survey.records import AnswerInput

RESPONDENT_QUARTERS = 4
UNSETTLED_TEAM = "recommendations"
DROPPING_TEAM = "ranking"
REVIEWERS: dict[str, tuple[tuple[str, int], ...]] = {
    # name, lean: +1 sees the practice better than the team does, -1 worse
    "ranking": (("Ana Silva", 1), ("Bo Chen", 0), ("Chidi Okafor", -1)),
    "search-quality": (("Dana Levi", 1), ("Eli Novak", -1)),
    "fraud-detection": (("Femi Ade", 0), ("Gita Rao", -1), ("Hugo Marin", 1)),
    "recommendations": (("Iris Tan", 1), ("Jon Berg", -1)),
    "demand-forecasting": (("Lena Park", -1), ("Milo Reyes", 1)),
    "ads-ctr": (("Nora Quinn", 1), ("Omar Haddad", 0)),
}
NOTES_HIGHER = (
    "There is a CI job for this; it ran last week.",
    "We fixed this in the last fix-it week.",
    "The platform team handles it for us now.",
    "I check it by hand before every launch.",
)
NOTES_LOWER = (
    "The job exists but has been red for a month.",
    "Only for the main model, not the experiments.",
    "I have never seen this happen in practice.",
    "The runbook is two reorganisations old.",
)
LINKS = (
    "https://ci.example.com/{team}/pipelines/{question}",
    "https://dashboards.example.com/d/{team}-{question}",
    "https://tickets.example.com/browse/ML-{number}",
    "docs/runbooks/{question}.md",
)


def _index(question: Question, option_id: str) -> int | None:
    return next((i for i, option in enumerate(question.options) if option.id == option_id), None)


def _answer(question: Question, option_id: str, note: str | None = None) -> AnswerInput:
    option = question.option(option_id)
    return AnswerInput(question.id, option_id, option.points if option else None, note)


def with_links(bank: Bank, surveys: Sequence[PreparedImport]) -> list[PreparedImport]:
    """``surveys`` with a link on about half of the answers at their question's best option (per team and
    question: the same link every quarter)."""
    linked = []
    for survey in surveys:
        answers = []
        for answer in survey.answers:
            question = bank.question(answer.question_id)
            pick = random.Random(f"{survey.team}-{answer.question_id}")
            if question is not None and answer.option_id == question.best_option.id and pick.random() < 0.5:
                template = pick.choice(LINKS)
                number = pick.randrange(100, 999)
                answer = replace(answer, link=template.format(team=survey.team, question=question.id, number=number))
            answers.append(answer)
        linked.append(replace(survey, answers=tuple(answers)))
    return linked


def _respondent_option(question: Question, team_option: str, lean: int, rng: random.Random) -> str:
    """What one respondent answers where the team answered ``team_option``: mostly the same, a step off in the
    direction of their lean now and then, rarely two steps, or "don't know"."""
    index = _index(question, team_option)
    if index is None:  # the team said na or "don't know": most say the same
        return team_option if rng.random() < 0.8 else question.options[len(question.options) // 2].id
    roll = rng.random()
    if roll > 0.985:
        return UNKNOWN
    step = 0 if roll < 0.78 else (lean or rng.choice((-1, 1))) * (1 if roll < 0.95 else 2)
    return question.options[max(0, min(len(question.options) - 1, index + step))].id


def _disputed_pair(question: Question, team_option: str) -> tuple[str, str] | None:
    """Two of the question's options two steps apart around the team's answer (None for na / "don't know")."""
    index = _index(question, team_option)
    if index is None or len(question.options) < 3:
        return None
    low = index if index + 2 < len(question.options) else index - 2
    return question.options[low].id, question.options[low + 2].id


def respondents_of(bank: Bank, survey: PreparedImport, latest: bool, rng: random.Random) -> list[PreparedImport]:
    """The respondents' blind answers to one team survey; in a team's ``latest`` survey two of them answer
    one or two questions two options apart, with notes."""
    people = REVIEWERS.get(survey.team, ())
    chosen: dict[str, dict[str, AnswerInput]] = {name: {} for name, _lean in people}
    for answer in survey.answers:
        question = bank.question(answer.question_id)
        if question is None:
            continue
        for name, lean in people:
            option = _respondent_option(question, answer.option_id, lean, rng)
            note = None
            if option != answer.option_id and rng.random() < 0.3:
                higher = (_index(question, option) or 0) > (_index(question, answer.option_id) or 0)
                note = rng.choice(NOTES_HIGHER if higher else NOTES_LOWER)
            chosen[name][question.id] = _answer(question, option, note)
    if latest and len(people) >= 2:
        candidates = [a for a in survey.answers if a.option_id not in (NA, UNKNOWN)]
        for answer in rng.sample(candidates, k=min(2, len(candidates))):
            question = bank.question(answer.question_id)
            pair = _disputed_pair(question, answer.option_id) if question is not None else None
            if question is None or pair is None:
                continue
            (low_name, _), (high_name, _) = sorted(people[:2], key=lambda person: person[1])
            chosen[low_name][question.id] = _answer(question, pair[0], rng.choice(NOTES_LOWER))
            chosen[high_name][question.id] = _answer(question, pair[1], rng.choice(NOTES_HIGHER))
    return [
        PreparedImport(survey.team, survey.quarter, survey.bank, tuple(answers.values()), respondent=name)
        for name, answers in chosen.items()
    ]


def review_imports(bank: Bank, surveys: Sequence[PreparedImport], window: Sequence[str]) -> list[PreparedImport]:
    """Every import of the demo in order: each team survey (with its links), then its respondents' answers."""
    rng = random.Random(f"review-{window[-1]}")
    latest = {survey.team: survey.quarter for survey in surveys}  # surveys come oldest first
    recent = set(window[-RESPONDENT_QUARTERS:])
    imports: list[PreparedImport] = []
    for survey in with_links(bank, surveys):
        if survey.quarter not in recent:
            imports.append(survey)
            continue
        theirs = respondents_of(bank, survey, latest[survey.team] == survey.quarter, rng)
        if survey.team == UNSETTLED_TEAM and latest[survey.team] == survey.quarter:
            survey = _unsettled(bank, survey, theirs)
        imports.extend([survey, *theirs])
    return imports


def _unsettled(bank: Bank, survey: PreparedImport, theirs: Sequence[PreparedImport]) -> PreparedImport:
    """``survey`` without team answers to the questions its respondents answer two or more options apart."""
    by_question: dict[str, set[int]] = {}
    for respondent in theirs:
        for answer in respondent.answers:
            question = bank.question(answer.question_id)
            index = _index(question, answer.option_id) if question is not None else None
            if index is not None:
                by_question.setdefault(answer.question_id, set()).add(index)
    apart = {qid for qid, seen in by_question.items() if max(seen) - min(seen) >= 2}
    return replace(survey, answers=tuple(a for a in survey.answers if a.question_id not in apart))


def demo_actions(
    bank: Bank, surveys: Sequence[PreparedImport], window: Sequence[str], improving: Collection[str] = ()
) -> list[Action]:
    """Each team's actions: one kept, one missed, one open (due next quarter); a team in ``improving`` kept one
    more, due a quarter earlier, and the others missed one more; :data:`DROPPING_TEAM` dropped one."""
    found: list[Action] = []
    for team in dict.fromkeys(survey.team for survey in surveys):
        mine = [survey for survey in surveys if survey.team == team and survey.quarter in window[-RESPONDENT_QUARTERS:]]
        if len(mine) < 3:
            continue
        owners: list[str | None] = [name for name, _lean in REVIEWERS.get(team, ())] or [None]
        first, last = mine[0], mine[-1]
        answers = [{a.question_id: a.option_id for a in survey.answers} for survey in mine]
        after = answers[-1]
        rose, stayed = _moves(bank, answers)
        rose_early, stayed_early = _moves(bank, answers[:-1])
        plans: list[tuple[str, str, str, str, str | None]] = []
        # Kept: an answer that rose to its target; failing that (a team whose answers did not move), one the team
        # already holds, so every team shows a kept action whatever the bank's wording does to the seeded answers.
        kept = rose or [
            q.id for q in bank.questions if not q.evidence and _index(q, after.get(q.id, NA)) not in (None, 0)
        ]
        if kept:
            plans.append((kept[0], after[kept[0]], first.quarter, last.quarter, "Agreed in the review: automate it."))
        if stayed:
            question = stayed[0]
            plans.append((question, _step_up(bank, question, after[question]), first.quarter, last.quarter, None))
        if len(stayed) > 1:
            question = stayed[1]
            target = _step_up(bank, question, after[question])
            plans.append((question, target, last.quarter, next_quarter(last.quarter), "First step: write it down."))
        extra = [q for q in (rose_early if team in improving else stayed_early) if q not in {p[0] for p in plans}]
        if extra:
            question = extra[0]
            target = answers[-2][question] if team in improving else _step_up(bank, question, answers[-2][question])
            plans.append((question, target, first.quarter, mine[-2].quarter, None))
        for index, (question_id, target, created, due, note) in enumerate(plans):
            owner = owners[index % len(owners)]
            found.append(new_action(bank, team, question_id, target, due, created, owner, note))
        if team == DROPPING_TEAM and len(stayed) > 2:
            question = stayed[2]
            target = _step_up(bank, question, after[question])
            dropped = new_action(bank, team, question, target, last.quarter, first.quarter, owners[0], None)
            found.append(replace(dropped, drop_reason="Superseded by the feature store migration."))
    return found


def _moves(bank: Bank, answers: Sequence[dict[str, str]]) -> tuple[list[str], list[str]]:
    """Questions (in an order seeded by the answers) whose answer rose from the first of a team's surveys (``answers``, oldest first)
    to the last, and those answered the same in every one, below the best option. Questions with evidence rules
    come last: the git evidence may dispute an answer, and then nothing is kept."""
    rose, stayed = [], []
    questions = list(bank.questions)
    random.Random(f"actions-{len(answers)}-{sorted(answers[0].items())}").shuffle(questions)  # not all the same
    for question in sorted(questions, key=lambda q: bool(q.evidence)):
        seen = [_index(question, given.get(question.id, NA)) for given in answers]
        if any(index is None for index in seen):
            continue
        if seen[-1] > seen[0]:  # type: ignore[operator]
            rose.append(question.id)
        elif len(set(seen)) == 1 and seen[0] < len(question.options) - 1:  # type: ignore[operator]
            stayed.append(question.id)
    return rose, stayed


def _step_up(bank: Bank, question_id: str, option_id: str) -> str:
    question = bank.question(question_id)
    assert question is not None  # the question came from the bank
    index = _index(question, option_id) or 0
    return question.options[min(index + 1, len(question.options) - 1)].id
