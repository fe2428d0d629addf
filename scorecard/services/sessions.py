"""Start or resume a survey in the terminal: the store's survey, with last quarter's answers carried over."""

from __future__ import annotations

from collections.abc import Mapping

from scorecard.quarters import parse_quarter
from scorecard.services.actions import team_actions
from scorecard.services.surveys import stored_answers
from scorecard.store import Store
from scorecard.survey.actions import DROPPED, KEPT, ActionState
from scorecard.survey.bank import Bank
from scorecard.survey.bank_file import load_bank
from scorecard.survey.bank_versions import CarrySource, carry_map
from scorecard.survey.contradictions import Evidence, as_evidence
from scorecard.survey.records import Survey
from scorecard.survey.respondents import chosen_options, normalize_respondent
from scorecard.survey.scoring import survey_is_complete
from scorecard.survey.session import SurveySession


def carry_from(bank: Bank) -> tuple[int, dict[str, CarrySource]] | None:
    """What a new survey of ``bank`` carries over from a survey of the older version its ``previous:`` names
    (:func:`scorecard.survey.bank_versions.carry_map`); None when it names none."""
    if bank.previous is None or bank.path is None:
        return None
    older = load_bank(str(bank.path), bank.previous.version)
    return bank.previous.version, carry_map(bank, older)


def open_session(
    store: Store,
    bank: Bank,
    team: str,
    quarter: str,
    metrics: Evidence | Mapping[str, float] | None = None,
    scanned_at: str | None = None,
    respondent: str | None = None,
    system: str = "",
) -> SurveySession:
    """Start or resume ``team``'s survey of ``quarter``.

    A new survey starts from the most recent earlier survey's answers (same bank; last quarter's, or older if
    a quarter was missed; of an older bank version, the questions its ``previous:`` maps), marked carried over: they show as "carried over - confirm or change" and count only
    once confirmed. A resumed draft lands on the first unanswered question. ``metrics``: the team's evidence (or
    its latest metrics alone); the team's dismissals of contradictions come from the store.

    ``respondent``: answer as this person (:class:`RespondentError` for a name that cannot be one), blind: the
    session holds their answers only, nothing carried over for them. A new survey still gets the team's
    carry-over (it is the team's survey, whoever opens it first; a carried-over answer counts for nobody until
    the team confirms it). ``system``: the team's system the survey is for ('' the team level). Completing the session marks the survey complete when the answers stored, combined
    (:func:`scorecard.services.surveys.stored_answers`), answer every question; a draft otherwise.
    """
    respondent = normalize_respondent(respondent) if respondent is not None else None
    survey = store.start_survey(
        team,
        quarter,
        bank.id,
        bank.version,
        carry_over=[q.id for q in bank.questions],
        carry_from=carry_from(bank),
        system=system,
    )
    evidence = as_evidence(metrics)
    latest = {name: float(value) for name, value in evidence.latest.items() if value is not None}
    session = SurveySession(store, bank, survey, {}, latest, scanned_at, respondent=respondent)
    session.answers = session.stored_answers()
    session.counts_as_complete = lambda: survey_is_complete(
        bank, chosen_options(stored_answers(store, bank, survey.id))
    )
    session.evidence = evidence
    session.dismissals = tuple(store.dismissals_for(survey.team, bank.id, survey.system))
    first = session.first_unanswered()
    session.go_to(first if first is not None else 0)
    return session


def survey_actions(store: Store, survey: Survey, bank: Bank) -> dict[str, list[ActionState]]:
    """Question id -> the team's actions this survey answers to, shown beside their question while it is answered.

    Those of the survey's bank, recorded by the survey's quarter, due in it or later, neither dropped nor kept in
    an earlier quarter: the actions open when the survey began. Not :func:`scorecard.services.actions.open_actions`
    (open now), whose status follows this very survey's answers: an action would vanish the moment the answer
    reached its target, and to a respondent answering blind that would tell what the others answered.
    """
    quarter = parse_quarter(survey.quarter)
    found: dict[str, list[ActionState]] = {}
    for state in team_actions(store, survey.team, bank, system=survey.system):
        action = state.action
        if action.bank_id != bank.id or state.status == DROPPED:
            continue
        if not parse_quarter(action.created) <= quarter <= parse_quarter(action.due):
            continue
        if state.status == KEPT and state.kept_in is not None and parse_quarter(state.kept_in) < quarter:
            continue
        found.setdefault(action.question_id, []).append(state)
    return found
