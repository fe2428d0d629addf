"""``scorecard show``: a team's latest (or chosen) survey scored beside its git evidence, or the evidence alone
when the team has been scanned but has not answered a survey yet; for a team whose systems were surveyed, their
roll-up (:mod:`scorecard.services.systems`), or one system's survey with ``--system``."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from scorecard.errors import describe, one_line
from scorecard.quarters import normalize_quarter
from scorecard.services.surveys import SurveyNotFound, SurveyScore, find_team_survey, score_survey
from scorecard.services.systems import SystemsRollup, systems_rollup
from scorecard.services.team_metrics import TeamMetrics, team_metrics
from scorecard.store import Store
from scorecard.survey.bank import Bank
from scorecard.survey.bank_file import BankError, bank_files, load_bank
from scorecard.survey.records import Survey


@dataclass(frozen=True)
class EvidenceOnly:
    """A team with scans and no survey yet: what its repositories say, and no scores."""

    team: str
    scanned_at: str
    repos: list[str]
    metrics: dict[str, float]
    metrics_by_quarter: dict[str, dict[str, float]] = field(default_factory=dict)
    system: str = ""
    """The system whose tied repositories these are ('' the whole team's)."""


def show_team(
    store: Store, team: str, quarter: str | None = None, bank_name: str | None = None, system: str = ""
) -> SurveyScore | EvidenceOnly | SystemsRollup:
    """The team's survey of ``quarter`` (default: its latest) scored, beside its latest metrics and its metrics
    per quarter; ``bank_name``: a shipped bank's id or a bank file. A team that was scanned but never surveyed
    (and no quarter or bank was asked for) gets its evidence alone, and so does a system with tied repositories
    and no survey yet. ``system``: that system's survey; without
    it, a quarter with system surveys gives their roll-up. The evidence beside a system's survey is that of the
    repositories tied to it (none: no evidence); the team level's is all the team's repositories."""
    bank = load_bank(bank_name) if bank_name else None
    evidence = team_metrics(store, team, per_quarter=True, system=system or None)
    by_quarter = evidence.by_quarter if evidence else {}
    try:
        survey = find_team_survey(store, team, quarter, bank.id if bank else None, system)
        check_bank_at_hand(survey, bank)
    except SurveyNotFound:
        rolled = None if system else _rollup(store, team, None, quarter, bank, evidence)
        if rolled is not None:
            return rolled
        # A system (or a team) scanned and never surveyed: its evidence alone, when nothing more was asked for.
        never_surveyed = bool(system) or store.latest_survey(team) is None
        if evidence is None or quarter is not None or bank is not None or not never_surveyed:
            raise
        return EvidenceOnly(team, evidence.scanned_at, evidence.repos, evidence.latest, evidence.by_quarter, system)
    if not system:
        # Without a quarter, a newer quarter of the systems wins over an older team-level survey.
        newer = quarter is None and any(
            other.quarter > survey.quarter for other in store.system_surveys(team, None, bank.id if bank else None)
        )
        rolled = _rollup(store, team, None if newer else survey, quarter, bank, evidence)
        if rolled is not None:
            return rolled
    scored = score_survey(store, survey, evidence.evidence() if evidence else None, bank=bank)
    return replace(scored, metrics_by_quarter=by_quarter)


def check_bank_at_hand(survey: Survey, bank: Bank | None) -> None:
    """Raise a :class:`BankError` that says how to fix it when ``survey`` was taken with a custom bank file and
    ``bank`` (the ``--bank`` given) is not that bank: a custom bank is known by its file, not by the id stored."""
    if (bank is not None and bank.id == survey.bank_id) or survey.bank_id in {path.stem for path in bank_files()}:
        return
    of_system = f" system {one_line(survey.system, 80)}" if survey.system else ""
    raise BankError(
        f"team {one_line(survey.team, 80)}{of_system} {survey.quarter} uses bank {describe(survey.bank_id)}, "
        f"a bank file not shipped with scorecard: pass --bank path/to/{one_line(survey.bank_id, 60)}.yaml"
    )


def _rollup(
    store: Store, team: str, survey: Survey | None, quarter: str | None, bank: Bank | None, evidence: TeamMetrics | None
) -> SystemsRollup | None:
    quarter = normalize_quarter(quarter) if quarter else None
    system_surveys = store.system_surveys(team, quarter, bank.id if bank else None)  # newest quarter first
    for system_survey in system_surveys:
        if system_survey.quarter == system_surveys[0].quarter:  # only the quarter rolled up needs its bank
            check_bank_at_hand(system_survey, bank)
    rolled = systems_rollup(store, team, survey, quarter, bank, evidence.evidence() if evidence else None)
    if rolled is None or evidence is None:
        return rolled
    return replace(rolled, metrics=dict(evidence.latest), metrics_by_quarter=evidence.by_quarter)


def evidence_only_json(shown: EvidenceOnly) -> dict[str, Any]:
    """``show --json`` for a team with no survey yet: the same keys as a scored survey, the survey's ones null."""
    survey_keys = ("quarter", "bank", "bank_version", "status", "overall", "level", "level_label", "weakest_area")
    return {
        "team": shown.team,
        "system": shown.system,
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
