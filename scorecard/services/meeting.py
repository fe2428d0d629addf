"""The quarterly review meeting: a team's survey, question by question, ordered by how much its respondents
disagree, with the evidence and the team's open actions beside each question. Headless (the TUI draws it).

The order, most worth the meeting's time first:

1. questions two or more respondents answered, by spread (highest first); at equal spread a disputed question
   before an undisputed one (one said "don't know" or "not applicable" and another answered: a dispute with
   no spread, so it sorts as spread 0 among the disputed);
2. then questions with fewer than two respondents (one respondent, or the team answer alone): nothing to
   compare, but something to confirm;
3. then unanswered questions;

and bank order among equals, so the list stays still while the team settles questions (a team answer does not
change the respondents' spread).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from scorecard.errors import ScorecardError, describe
from scorecard.quarters import current_quarter, normalize_quarter
from scorecard.services.actions import open_actions
from scorecard.services.surveys import SurveyNotFound, SurveyScore, score_survey, stored_answers
from scorecard.services.team_metrics import team_evidence
from scorecard.store import Store
from scorecard.survey.actions import ActionState
from scorecard.survey.bank import Bank, Question
from scorecard.survey.contradictions import Contradiction, Evidence, find_contradictions
from scorecard.survey.records import AnswerInput, Survey
from scorecard.survey.respondents import CombinedAnswer, Disagreement, chosen_options, disagreement
from scorecard.survey.scoring import survey_is_complete
from scorecard.survey.survey_banks import bank_of


class MeetingError(ScorecardError):
    """A team answer the meeting cannot record (a question or option the bank does not have)."""


@dataclass(frozen=True)
class RespondentAnswer:
    """One respondent's answer to a question, as the meeting shows it."""

    name: str
    option_id: str
    label: str
    """The option's label in the bank (its id when the bank no longer has it)."""
    number: int | None
    """The option's key in the survey and the meeting (1..N, then na, unknown); None when the bank lacks it."""
    points: float | None
    note: str | None
    link: str | None
    contradictions: tuple[Contradiction, ...] = ()
    """What the evidence says against this respondent's option (it may not be the one the survey counts)."""


@dataclass(frozen=True)
class MeetingItem:
    """One question of the meeting."""

    question: Question
    answer: CombinedAnswer | None
    """What the survey counts (the team answer, else the respondents' lower median); None when unanswered."""
    respondents: tuple[RespondentAnswer, ...]
    """Those who answered this question, in name order."""
    contradictions: tuple[Contradiction, ...]
    """The evidence against the counted answer (dismissed ones included, marked)."""
    actions: tuple[ActionState, ...]
    """The team's open actions on this question."""

    @property
    def spread(self) -> float | None:
        return self.answer.spread if self.answer else None

    @property
    def disputed(self) -> bool:
        return bool(self.answer and self.answer.disputed)

    @property
    def settled(self) -> bool:
        """The team answer counts for this question."""
        return self.answer is not None and self.answer.source == "team"

    def option_label(self) -> str | None:
        """The counted option's label (None when unanswered)."""
        if self.answer is None:
            return None
        option = self.question.option(self.answer.option_id)
        return option.label if option else self.answer.option_id


@dataclass(frozen=True)
class Meeting:
    survey: Survey
    bank: Bank
    score: SurveyScore
    respondents: tuple[str, ...]
    """Everyone who answered as a respondent, in name order."""
    disagreement: Disagreement
    items: tuple[MeetingItem, ...]
    """One per question of the bank, in meeting order (see the module docstring)."""


def option_number(bank: Bank, question: Question, option_id: str) -> int | None:
    """The key of an option (1..N over the options the bank offers: its own, then na where offered, unknown);
    None if there is none (a stored ``na`` in a bank that no longer offers it)."""
    ids = [option.id for option in bank.offered_options(question)]
    return ids.index(option_id) + 1 if option_id in ids else None


def meeting_order(item: MeetingItem, position: int) -> tuple[int, float, bool, int]:
    """The sort key of an item (``position``: its question's place in the bank)."""
    if item.answer is None:
        return (2, 0.0, False, position)
    if len(item.answer.by_respondent) < 2:
        return (1, 0.0, False, position)
    return (0, -(item.answer.spread or 0.0), not item.answer.disputed, position)


def find_meeting_survey(
    store: Store,
    team: str,
    quarter: str | None = None,
    bank_id: str | None = None,
    now: str | None = None,
    system: str = "",
) -> Survey:
    """The survey a meeting is about: ``quarter``'s, else the current quarter's (``now``, default the store's
    clock) if there is one, else the team's latest, of the team's ``system`` ('' the team level). Among surveys
    of one quarter, ``bank_id``'s is preferred. :class:`SurveyNotFound` when the team or the survey does not
    exist."""
    if store.get_team(team) is None:
        known = ", ".join(t.name for t in store.list_teams()) or "none yet"
        raise SurveyNotFound(f"unknown team {describe(team)} (teams: {known})")
    surveys = store.surveys_for_team(team, system=system)  # newest quarter first
    wanted = normalize_quarter(quarter) if quarter else None
    if wanted is None:
        current = now or current_quarter(store.clock())
        wanted = current if any(s.quarter == current for s in surveys) else None
    if wanted is None and surveys:
        wanted = surveys[0].quarter
    found = [s for s in surveys if s.quarter == wanted]
    if not found:
        of_system = f" for system {describe(system)}" if system else ""
        raise SurveyNotFound(f"team {describe(team)} has no {wanted + ' ' if wanted else ''}survey{of_system} yet")
    return next((s for s in found if s.bank_id == bank_id), found[0])


def survey_bank(survey: Survey, bank: Bank | None) -> Bank:
    """``bank`` when it is the survey's (a custom bank file is known by path), else the shipped one; at the
    version the survey was taken under."""
    return bank_of(survey.bank_id, survey.bank_version, bank)


def meeting(
    store: Store,
    team: str,
    quarter: str | None = None,
    bank: Bank | None = None,
    evidence: Evidence | Mapping[str, float] | None = None,
    now: str | None = None,
    system: str = "",
) -> Meeting:
    """The meeting of ``team``'s survey of ``quarter`` (default: see :func:`find_meeting_survey`).

    ``evidence``: the team's evidence when the caller has it (the TUI's evidence source); by default it is read
    from the store (:func:`~scorecard.services.team_metrics.team_evidence`).
    """
    survey = find_meeting_survey(store, team, quarter, bank.id if bank else None, now, system)
    bank = survey_bank(survey, bank)
    if evidence is None:
        evidence = team_evidence(store, survey.team, survey.system or None)
    score = score_survey(store, survey, evidence, bank=bank)
    dismissals = store.dismissals_for(survey.team, bank.id, survey.system) if score.metrics else []
    against: dict[str, dict[str, tuple[Contradiction, ...]]] = {}  # name -> question -> contradictions
    for name in score.respondents:
        chosen = {qid: a.by_respondent[name].option_id for qid, a in score.combined.items() if name in a.by_respondent}
        for found in find_contradictions(bank, chosen, evidence, dismissals):
            by_question = against.setdefault(name, {})
            by_question[found.question_id] = (*by_question.get(found.question_id, ()), found)
    actions = open_actions(store, survey.team, bank.id, bank=bank, system=survey.system)
    items = [_item(question, score, against, tuple(actions.get(question.id, ()))) for question in bank.questions]
    ordered = sorted(enumerate(items), key=lambda pair: meeting_order(pair[1], pair[0]))
    return Meeting(
        survey,
        bank,
        score,
        score.respondents,
        disagreement(bank, score.combined),
        tuple(item for _, item in ordered),
    )


def _item(
    question: Question,
    score: SurveyScore,
    against: Mapping[str, Mapping[str, tuple[Contradiction, ...]]],
    actions: tuple[ActionState, ...],
) -> MeetingItem:
    answer = score.combined.get(question.id)
    respondents = []
    for name, given in (answer.by_respondent if answer else {}).items():
        option = question.option(given.option_id)
        respondents.append(
            RespondentAnswer(
                name,
                given.option_id,
                option.label if option else given.option_id,
                option_number(score.bank, question, given.option_id),
                given.points,
                given.note,
                given.link,
                against.get(name, {}).get(question.id, ()),
            )
        )
    contradictions = tuple(c for c in score.contradictions if c.question_id == question.id)
    return MeetingItem(question, answer, tuple(respondents), contradictions, actions)


def record_team_answer(
    store: Store, survey: Survey, bank: Bank, question_id: str, option_id: str, note: str | None = None
) -> Survey:
    """Record the team's answer to a question (what the meeting settled), and set the survey's status from
    the answers it now counts: complete once every question has one. Returns the survey as stored.

    The answer and the status are written in one transaction (``import_answers`` of one answer), so another
    respondent importing at the same moment cannot leave a status that misses either. The team answer's link
    is kept when the option stays the same (it still supports the answer), and dropped when it changes.
    """
    question = bank.question(question_id)
    if question is None:
        raise MeetingError(f"bank {bank.id} has no question {describe(question_id)}")
    option = question.option(option_id)
    if option is None:
        raise MeetingError(f"question {question_id} has no option {describe(option_id)}")
    before = store.answers_for(survey.id).get(question_id)
    link = before.link if before is not None and before.option_id == option_id else None
    answer = AnswerInput(question_id, option_id, option.points, note or None, link=link)

    def complete(survey_id: int) -> bool:
        return survey_is_complete(bank, chosen_options(stored_answers(store, bank, survey_id)))

    stored, _changed = store.import_answers(
        survey.team,
        survey.quarter,
        survey.bank_id,
        survey.bank_version,
        [answer],
        complete=complete,
        system=survey.system,
    )
    return stored
