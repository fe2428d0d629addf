"""A team's systems rolled up to the team: what ``show`` gives for a team whose systems were surveyed.

The rule (also in the README): when a team has surveys of its systems for the quarter (and bank) ``show`` looks at,
and no ``--system`` is given, the team's numbers are the roll-up of its systems' scores by the bank's ``rollup:``
(:func:`scorecard.survey.systems.rollup`): ``mean`` (sculley2015) averages the systems' overall scores and, per
area, the scores of the systems that have one; ``min`` (ml-test-score) takes the lowest of each. The level is the
bank's band for the rolled-up overall; the weakest system (lowest overall) is always named. A team-level survey
of the same quarter does not count in the roll-up (it is not a system): its own scores are kept under
``team_survey``, and the document's answers, improvements and contradictions stay its own (empty without one).

Evidence: each system's survey is checked against the repositories tied to that system (``scan --system``) and
nothing else, a system with none tied has no evidence (no contradictions, ``metrics`` empty); the team-level
survey and the roll-up's ``metrics`` are over all the team's repositories.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from scorecard.services.surveys import SurveyScore, score_json, score_survey
from scorecard.services.team_metrics import team_evidence
from scorecard.store import Store
from scorecard.survey.bank import Bank
from scorecard.survey.contradictions import Evidence
from scorecard.survey.records import Survey
from scorecard.survey.survey_banks import bank_of
from scorecard.survey.systems import rollup, weakest


@dataclass(frozen=True)
class SystemsRollup:
    """A team's systems of one quarter and bank, each scored, and the team's survey of that quarter if any."""

    team: str
    quarter: str
    bank: Bank
    """The bank whose levels (and areas, in order) the roll-up uses: the newest version among the surveys."""
    systems: tuple[SurveyScore, ...]
    """By system name."""
    team_survey: SurveyScore | None = None
    metrics: dict[str, float] = field(default_factory=dict)
    metrics_by_quarter: dict[str, dict[str, float]] = field(default_factory=dict)

    @property
    def how(self) -> str:
        return self.bank.rollup

    @property
    def overall(self) -> float | None:
        return rollup(self.how, (system.card.overall for system in self.systems))

    def areas(self) -> dict[str, float | None]:
        """Area id -> the rolled-up score, in the bank's area order (then any other area a system has)."""
        ids = [area.id for area in self.bank.areas]
        for system in self.systems:
            ids.extend(area for area in system.card.area_scores() if area not in ids)
        return {area: rollup(self.how, (s.card.area_scores().get(area) for s in self.systems)) for area in ids}

    @property
    def weakest_system(self) -> str | None:
        return weakest([(system.survey.system, system.card.overall) for system in self.systems])


def systems_rollup(
    store: Store,
    team: str,
    team_survey: Survey | None,
    quarter: str | None = None,
    bank: Bank | None = None,
    evidence: Evidence | None = None,
) -> SystemsRollup | None:
    """The roll-up of the team's systems for ``team_survey``'s quarter and bank (without one: ``quarter`` and
    ``bank`` when given, else the newest quarter with a system survey, of that survey's bank); None when the team
    has no system survey there. ``evidence`` (the team's) is the team-level survey's; each system's survey is
    checked against its own repositories' (see the module's rule)."""
    if team_survey is not None:
        quarter, bank_id = team_survey.quarter, team_survey.bank_id
    else:
        candidates = store.system_surveys(team, quarter, bank.id if bank else None)
        if not candidates:
            return None
        quarter, bank_id = candidates[0].quarter, candidates[0].bank_id
    surveys = sorted(store.system_surveys(team, quarter, bank_id), key=lambda s: (s.system.casefold(), s.system))
    if not surveys or quarter is None:
        return None
    scored = tuple(
        score_survey(store, survey, team_evidence(store, team, survey.system), bank=bank) for survey in surveys
    )
    newest = max(scored, key=lambda s: s.bank.version).survey
    team_scored = score_survey(store, team_survey, evidence, bank=bank) if team_survey else None
    return SystemsRollup(team, quarter, bank_of(bank_id, newest.bank_version, bank), scored, team_scored)


def _scores_json(scored: SurveyScore) -> dict[str, Any]:
    card = scored.card
    return {
        "overall": card.overall,
        "level": card.level.id if card.level else None,
        "level_label": card.level.label if card.level else None,
        "areas": card.area_scores(),
    }


def system_json(scored: SurveyScore, weakest_system: str | None) -> dict[str, Any]:
    """One item of ``show --json``'s ``systems`` (a contract: add keys, never rename)."""
    card = scored.card
    return {
        "name": scored.survey.system,
        **_scores_json(scored),
        "weakest_area": card.weakest_area,
        "weakest": scored.survey.system == weakest_system,
        "status": scored.survey.status,
        "completeness": card.completeness,
        "bank_version": scored.survey.bank_version,
        "updated_at": scored.survey.updated_at,
        "metrics": scored.metrics,
        "contradiction_count": sum(1 for found in scored.contradictions if not found.dismissed),
    }


def rollup_json(rolled: SystemsRollup) -> dict[str, Any]:
    """``show --json`` for a team with system surveys and no ``--system``: the keys of a scored survey, the
    scores rolled up (see the module's rule), plus ``systems``, ``weakest_system``, ``rollup`` and ``team_survey``."""
    base = score_json(rolled.team_survey) if rolled.team_survey else _without_team_survey(rolled)
    overall, areas, level = rolled.overall, rolled.areas(), rolled.bank.level_for(rolled.overall)
    titles = {area.id: area.title for area in rolled.bank.areas}
    scored_areas = [
        (score, position, area) for position, (area, score) in enumerate(areas.items()) if score is not None
    ]
    weakest_system = rolled.weakest_system
    cards = [system.card for system in rolled.systems]
    base.update(
        overall=overall,
        level=level.id if level else None,
        level_label=level.label if level else None,
        areas=areas,
        area_details=[
            {
                "id": area,
                "title": titles.get(area, area),
                "score": score,
                "answered": sum(a.answered for card in cards for a in card.areas if a.area == area),
                "questions": sum(a.questions for card in cards for a in card.areas if a.area == area),
            }
            for area, score in areas.items()
        ],
        weakest_area=min(scored_areas)[2] if scored_areas else None,
        status="complete" if all(s.survey.status == "complete" for s in rolled.systems) else "draft",
        completeness=round(sum(card.completeness for card in cards) / len(cards), 4),
        answered=sum(card.answered for card in cards),
        questions=sum(card.questions for card in cards),
        rollup=rolled.how,
        systems=[system_json(system, weakest_system) for system in rolled.systems],
        weakest_system=weakest_system,
        team_survey=_scores_json(rolled.team_survey) if rolled.team_survey else None,
        metrics=rolled.metrics,
        metrics_by_quarter=rolled.metrics_by_quarter,
    )
    return base


def _without_team_survey(rolled: SystemsRollup) -> dict[str, Any]:
    """The survey keys of ``show --json`` for a quarter whose only surveys are the systems'."""
    return {
        "team": rolled.team,
        "quarter": rolled.quarter,
        "bank": rolled.bank.id,
        "bank_version": rolled.bank.version,
        "improvements": [],
        "contradictions": [],
        "updated_at": max(system.survey.updated_at for system in rolled.systems),
        "respondents": [],
        "answers": [],
        "disagreement": {"overall": None, "by_area": {}},
    }


def rollup_lines(rolled: SystemsRollup) -> list[str]:
    """``show``'s text for the roll-up: the team's rolled-up score, then one line per system."""
    bank = rolled.bank
    level = bank.level_for(rolled.overall)
    lines = [
        f"{rolled.team} {rolled.quarter} {bank.id}: {len(rolled.systems)} system(s), {rolled.how} of their scores: "
        f"{bank.format_score(rolled.overall)}" + (f" ({level.label})" if level else ""),
    ]
    for system in rolled.systems:
        card = system.card
        mark = "  <- weakest" if system.survey.system == rolled.weakest_system else ""
        label = f" ({card.level.label})" if card.level else ""
        lines.append(
            f"  {system.survey.system}: {bank.format_score(card.overall)}{label}, {system.survey.status}{mark}"
        )
    if rolled.team_survey is not None:
        lines.append(f"  team-level survey: {bank.format_score(rolled.team_survey.card.overall)} (not in the roll-up)")
    return lines
