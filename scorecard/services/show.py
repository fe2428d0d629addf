"""``scorecard show``: a team's latest (or chosen) survey scored beside its git evidence, or the evidence alone
when the team has been scanned but has not answered a survey yet."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from scorecard.services.surveys import SurveyNotFound, SurveyScore, find_team_survey, score_survey
from scorecard.services.team_metrics import team_metrics
from scorecard.store import Store
from scorecard.survey.bank_file import load_bank


@dataclass(frozen=True)
class EvidenceOnly:
    """A team with scans and no survey yet: what its repositories say, and no scores."""

    team: str
    scanned_at: str
    repos: list[str]
    metrics: dict[str, float]
    metrics_by_quarter: dict[str, dict[str, float]] = field(default_factory=dict)


def show_team(
    store: Store, team: str, quarter: str | None = None, bank_name: str | None = None
) -> SurveyScore | EvidenceOnly:
    """The team's survey of ``quarter`` (default: its latest) scored, beside its latest metrics and its metrics
    per quarter; ``bank_name``: a shipped bank's id or a bank file. A team that was scanned but never surveyed
    (and no quarter or bank was asked for) gets its evidence alone."""
    bank = load_bank(bank_name) if bank_name else None
    evidence = team_metrics(store, team, per_quarter=True)
    try:
        survey = find_team_survey(store, team, quarter, bank.id if bank else None)
    except SurveyNotFound:
        nothing_asked = quarter is None and bank is None
        if evidence is None or not nothing_asked or store.latest_survey(team) is not None:
            raise
        return EvidenceOnly(team, evidence.scanned_at, evidence.repos, evidence.latest, evidence.by_quarter)
    scored = score_survey(store, survey, evidence.evidence() if evidence else None, bank=bank)
    return replace(scored, metrics_by_quarter=evidence.by_quarter if evidence else {})


def evidence_only_json(shown: EvidenceOnly) -> dict[str, Any]:
    """``show --json`` for a team with no survey yet: the same keys as a scored survey, the survey's ones null."""
    survey_keys = ("quarter", "bank", "bank_version", "status", "overall", "level", "level_label", "weakest_area")
    return {
        "team": shown.team,
        **dict.fromkeys(survey_keys),
        "areas": {},
        "area_details": [],
        "completeness": 0.0,
        "answered": 0,
        "questions": 0,
        "improvements": [],
        "metrics": shown.metrics,
        "metrics_by_quarter": shown.metrics_by_quarter,
        "contradictions": [],
        "updated_at": None,
        "scanned_at": shown.scanned_at,
        "repos": shown.repos,
    }
