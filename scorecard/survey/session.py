"""One team's survey in progress: where the person is, what they answered, what is left. Headless.

The TUI's survey screen is a view over a :class:`SurveySession`; every answer goes to the store in its own
transaction the moment it is given, so quitting (or a crash) never loses more than the answer being typed.

A session answers as the team (``respondent`` None: the team answers, as surveys always had) or as one
respondent. A respondent's session is **blind**: it reads and writes only that person's answers, and starts
empty (no carry-over: last quarter's answers are the team's, and showing them would anchor the person to them).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Protocol

from scorecard.survey.bank import Bank, Option, Question
from scorecard.survey.contradictions import Contradiction, Evidence, find_contradictions
from scorecard.survey.dismissals import Dismissal
from scorecard.survey.records import AnswerInput, StoredAnswer, Survey
from scorecard.survey.respondents import respondent_key
from scorecard.survey.scoring import ScoreCard, counted_answers, score_answers


class AnswerStore(Protocol):
    """What a session needs of the store (the store has it; tests may give anything that does)."""

    def record_answer(self, survey_id: int, answer: AnswerInput, respondent: str | None = None) -> None: ...

    def answers_for(self, survey_id: int) -> dict[str, StoredAnswer]: ...

    def respondent_answers_for(self, survey_id: int) -> dict[str, dict[str, StoredAnswer]]: ...

    def set_survey_status(self, survey_id: int, complete: bool) -> None: ...

    def latest_survey(self, team: str, bank_id: str | None = None, quarter: str | None = None) -> Survey | None: ...


@dataclass
class SurveySession:
    """A survey being answered. Build it with :func:`scorecard.services.sessions.open_session`."""

    store: AnswerStore
    bank: Bank
    survey: Survey
    answers: dict[str, StoredAnswer]
    metrics: Mapping[str, float] = field(default_factory=dict)
    scanned_at: str | None = None
    """When the team's latest scan ran (ISO time), or None when there is no scan yet."""
    index: int = 0
    skipped: set[str] = field(default_factory=set)
    evidence: Evidence | None = None
    """The team's evidence as rules read it (trends, examples); None: ``metrics`` alone."""
    dismissals: tuple[Dismissal, ...] = ()
    """The team's dismissals of contradictions (the newest of each rule is in force while it holds)."""
    respondent: str | None = None
    """Who answers: None, the team; a name, that respondent only (blind: ``answers`` are theirs alone)."""
    counts_as_complete: Callable[[], bool] | None = None
    """Whether the survey is complete once this session completes, from every answer stored (the team's and
    the respondents' combined); None: complete."""

    # -- where we are -----------------------------------------------------------------------------------

    @property
    def question(self) -> Question:
        return self.bank.questions[self.index]

    @property
    def options(self) -> tuple[Option, ...]:
        """The current question's options a person may choose, numbered from 1 in this order (no ``na`` in a
        bank that does not offer it)."""
        return self.bank.offered_options(self.question)

    @property
    def total(self) -> int:
        return len(self.bank.questions)

    @property
    def area_index(self) -> int:
        return [a.id for a in self.bank.areas].index(self.question.area)

    def answer_for(self, question_id: str) -> StoredAnswer | None:
        return self.answers.get(question_id)

    def is_answered(self, question_id: str) -> bool:
        """Answered and confirmed: a carried-over answer does not count until it is confirmed."""
        answer = self.answers.get(question_id)
        return answer is not None and not answer.carried_over

    @property
    def answered_count(self) -> int:
        return sum(1 for q in self.bank.questions if self.is_answered(q.id))

    def first_unanswered(self) -> int | None:
        return next((i for i, q in enumerate(self.bank.questions) if not self.is_answered(q.id)), None)

    def area_progress(self, area_id: str) -> tuple[int, int]:
        questions = self.bank.questions_in(area_id)
        return sum(1 for q in questions if self.is_answered(q.id)), len(questions)

    # -- moving -----------------------------------------------------------------------------------------

    def go_to(self, index: int) -> None:
        self.index = max(0, min(index, self.total - 1))

    def jump_to_question(self, question_id: str) -> None:
        self.go_to(next(i for i, q in enumerate(self.bank.questions) if q.id == question_id))

    def jump_to_area(self, area_id: str) -> None:
        indexes = [i for i, q in enumerate(self.bank.questions) if q.area == area_id]
        unanswered = [i for i in indexes if not self.is_answered(self.bank.questions[i].id)]
        self.go_to((unanswered or indexes)[0])

    def back(self) -> None:
        self.go_to(self.index - 1)

    def skip(self) -> None:
        if not self.is_answered(self.question.id):
            self.skipped.add(self.question.id)
        self.go_to(self.index + 1)

    @property
    def at_end(self) -> bool:
        return self.index == self.total - 1

    # -- answering --------------------------------------------------------------------------------------

    def choose(self, option_id: str) -> None:
        """Answer the current question (saved at once) and stay on it; the caller decides where to go next."""
        question = self.question
        option = next((o for o in self.options if o.id == option_id), None)
        if option is None:
            raise ValueError(f"question {question.id} offers no option {option_id!r}")
        current = self.answers.get(question.id)
        note, link = (current.note, current.link) if current else (None, None)
        self._save(AnswerInput(question.id, option.id, option.points, note, link=link))

    def confirm_carried_over(self) -> bool:
        """Confirm last quarter's answer to the current question; False if there is none to confirm."""
        current = self.answers.get(self.question.id)
        if current is None or not current.carried_over or not self.bank.offers(current.option_id):
            return False  # an na the bank no longer offers is answered afresh
        self._save(AnswerInput(current.question_id, current.option_id, current.points, current.note, link=current.link))
        return True

    def set_note(self, note: str) -> None:
        """Add or change the note on the current question (needs an answer to hang on)."""
        current = self.answers.get(self.question.id)
        if current is None:
            raise ValueError("answer the question before adding a note")
        text = note.strip() or None
        self._save(
            AnswerInput(
                current.question_id, current.option_id, current.points, text, current.carried_over, current.link
            )
        )

    def set_link(self, link: str) -> None:
        """Add, change or (with an empty one) remove the link on the current question's answer, as notes go."""
        current = self.answers.get(self.question.id)
        if current is None:
            raise ValueError("answer the question before adding a link")
        text = link.strip() or None
        self._save(
            AnswerInput(
                current.question_id, current.option_id, current.points, current.note, current.carried_over, text
            )
        )

    def _save(self, answer: AnswerInput) -> None:
        self.store.record_answer(self.survey.id, answer, respondent=self.respondent)
        self.answers[answer.question_id] = self.stored_answers()[answer.question_id]
        self.skipped.discard(answer.question_id)

    def stored_answers(self) -> dict[str, StoredAnswer]:
        """This session's answers as stored: the team's, or this respondent's alone (found by their key: the
        store shows a respondent by the first spelling of their name)."""
        if self.respondent is None:
            return self.store.answers_for(self.survey.id)
        key = respondent_key(self.respondent)
        by_name = self.store.respondent_answers_for(self.survey.id)
        return next((answers for name, answers in by_name.items() if respondent_key(name) == key), {})

    def complete(self) -> None:
        complete = self.counts_as_complete() if self.counts_as_complete is not None else True
        self.store.set_survey_status(self.survey.id, complete=complete)
        self.survey = self.store.latest_survey(self.survey.team, self.bank.id, self.survey.quarter) or self.survey

    # -- review and results -----------------------------------------------------------------------------

    def review_items(self) -> list[tuple[str, str]]:
        """(question id, why it needs a look) for every question not yet settled, in bank order."""
        items = []
        for question in self.bank.questions:
            answer = self.answers.get(question.id)
            if answer is not None and answer.carried_over:
                items.append((question.id, "carried over"))
            elif answer is None:
                items.append((question.id, "skipped" if question.id in self.skipped else "unanswered"))
        return items

    def scorecard(self) -> ScoreCard:
        return score_answers(self.bank, counted_answers(self.answers))

    def contradictions(self) -> list[Contradiction]:
        evidence = self.evidence if self.evidence is not None else self.metrics
        return find_contradictions(self.bank, counted_answers(self.answers), evidence, self.dismissals)

    def contradiction_for(self, question_id: str) -> list[Contradiction]:
        return [c for c in self.contradictions() if c.question_id == question_id]
