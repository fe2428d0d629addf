"""Start or resume a survey in the terminal: the store's survey, with last quarter's answers carried over."""

from __future__ import annotations

from collections.abc import Mapping

from scorecard.store import Store
from scorecard.survey.bank import Bank
from scorecard.survey.contradictions import Evidence, as_evidence
from scorecard.survey.session import SurveySession


def open_session(
    store: Store,
    bank: Bank,
    team: str,
    quarter: str,
    metrics: Evidence | Mapping[str, float] | None = None,
    scanned_at: str | None = None,
) -> SurveySession:
    """Start or resume ``team``'s survey of ``quarter``.

    A new survey starts from the most recent earlier survey's answers (same bank; last quarter's, or older if
    a quarter was missed), marked carried over: they show as "carried over - confirm or change" and count only
    once confirmed. A resumed draft lands on the first unanswered question. ``metrics``: the team's evidence (or
    its latest metrics alone); the team's dismissals of contradictions come from the store.
    """
    survey = store.start_survey(team, quarter, bank.id, bank.version, carry_over=[q.id for q in bank.questions])
    evidence = as_evidence(metrics)
    latest = {name: float(value) for name, value in evidence.latest.items() if value is not None}
    session = SurveySession(store, bank, survey, store.answers_for(survey.id), latest, scanned_at)
    session.evidence = evidence
    session.dismissals = tuple(store.dismissals_for(survey.team, bank.id))
    first = session.first_unanswered()
    session.go_to(first if first is not None else 0)
    return session
