"""The frames a report is built from, computed once per report and split by team (and bank).

A report of 20 teams and 8 areas would otherwise filter the same frames hundreds of times; every part of the page
(:mod:`.overview`, :mod:`.team_page`, :mod:`.git_section`) reads a :class:`PreparedFrames` instead.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from scorecard.report import changes, respondents, systems, trends
from scorecard.report.actions import ACTION_COLUMNS
from scorecard.report.collect import GitFrames, ReportInput
from scorecard.survey.bank import DEFAULT_BANK, Bank
from scorecard.survey.contradictions import Evidence

HOTSPOTS_SHOWN = 6


@dataclass(frozen=True)
class TeamSurveyFrames:
    """One team's frames of one bank: scores with their deltas, and what changed."""

    bank: Bank
    headline: trends.Headline
    areas: pd.DataFrame
    overall: pd.DataFrame
    changes: pd.DataFrame
    unknowns: pd.DataFrame
    bank_changes: pd.DataFrame
    contradictions: pd.DataFrame
    answers: pd.DataFrame
    """The combined answers of the team's surveys of the bank (columns of :data:`respondents.COMBINED_COLUMNS`)."""
    respondents: pd.DataFrame
    """Each respondent's answers to them (columns of :data:`respondents.RESPONDENT_COLUMNS`)."""
    disagreement: pd.DataFrame
    """Their disagreement per area and quarter (columns of :data:`respondents.DISAGREEMENT_COLUMNS`)."""


@dataclass(frozen=True)
class TeamGitFrames:
    """One team's git frames (empty for a team never scanned, whose ``scanned_at`` is None)."""

    scanned_at: str | None
    latest: Mapping[str, float]
    metrics: pd.DataFrame
    """Snapshots of the report's quarters: team, quarter, metric, value."""
    churn: pd.DataFrame
    """Lines changed per quarter and file kind."""
    flags: pd.DataFrame
    hotspots: pd.DataFrame


@dataclass(frozen=True)
class PreparedFrames:
    """What every part of one report reads: the org-wide frames, and each team's share of them."""

    teams: tuple[str, ...]
    quarters: tuple[str, ...]
    scope: str
    anchors: Mapping[str, str]
    """team -> the id of its page in the HTML."""
    banks: Mapping[str, Bank]
    bank_order: tuple[str, ...]
    """The default bank first, then the others by id."""
    areas: pd.DataFrame
    """Area scores of every survey, with deltas."""
    overall: pd.DataFrame
    """Overall scores of every survey, with deltas."""
    surveys: pd.DataFrame
    unknowns: pd.DataFrame
    contradictions: pd.DataFrame
    area_medians: Mapping[tuple[str, str, str], float]
    """(bank, area, quarter) -> the org's median score: the reference line behind every team's area chart."""
    survey_frames: Mapping[tuple[str, str], TeamSurveyFrames]
    """(team, bank) -> the team's frames of the bank, for every team and bank with a survey."""
    git_frames: Mapping[str, TeamGitFrames]
    unsurveyed: frozenset[str] = frozenset()
    """The teams with no survey at all."""
    actions: pd.DataFrame = field(default_factory=lambda: trends.empty_frame(ACTION_COLUMNS))
    """Every action of the teams, with its status (columns of :data:`ACTION_COLUMNS`)."""
    system_scores: systems.SystemFrames = field(default_factory=systems.SystemFrames)
    """Each system survey's scores (the ``system`` column names it)."""
    team_overall: pd.DataFrame = field(default_factory=lambda: trends.empty_frame(systems.VIEW_OVERALL_COLUMNS))
    """What the overview shows per team, bank and quarter, with deltas: its systems' roll-up where they were
    surveyed, else its team-level survey (:func:`systems.team_view`)."""
    team_areas: pd.DataFrame = field(default_factory=lambda: trends.empty_frame(systems.VIEW_AREA_COLUMNS))
    """The same per area."""
    system_bank_changes: pd.DataFrame = field(
        default_factory=lambda: trends.empty_frame([*changes.BANK_CHANGE_COLUMNS, "system"])
    )
    """Where a system's survey uses another version of its bank than the system's previous survey did (columns
    of :data:`changes.BANK_CHANGE_COLUMNS`, ``system``)."""

    def systems_of(self, team: str) -> pd.DataFrame:
        """The overall scores of the team's system surveys (columns of :data:`trends.OVERALL_COLUMNS`, ``system``)."""
        overall = self.system_scores.overall
        return overall[overall["team"] == team] if len(overall) else overall

    def actions_of(self, team: str) -> pd.DataFrame:
        """The team's actions."""
        return self.actions[self.actions["team"] == team] if len(self.actions) else self.actions

    def surveys_of(self, team: str) -> list[TeamSurveyFrames]:
        """The team's frames of each bank it answered, in bank order."""
        return [
            self.survey_frames[team, bank_id] for bank_id in self.bank_order if (team, bank_id) in self.survey_frames
        ]


def none_if_nan(value: Any) -> Any:
    """A frame's missing number (NaN) as None; anything else as it is."""
    return None if isinstance(value, float) and math.isnan(value) else value


def split_by(frame: pd.DataFrame, keys: Sequence[str]) -> dict[tuple[Any, ...], pd.DataFrame]:
    """``frame``'s rows grouped by ``keys`` (tuple keys, even for one column)."""
    if frame.empty:
        return {}
    return {key if isinstance(key, tuple) else (key,): part for key, part in frame.groupby(list(keys), sort=False)}


def _part_of(parts: Mapping[tuple[Any, ...], pd.DataFrame], key: tuple[Any, ...], whole: pd.DataFrame) -> pd.DataFrame:
    """One group of :func:`split_by`, or ``whole`` without its rows when the group has none."""
    found = parts.get(key)
    return found if found is not None else whole.iloc[0:0]


def prepare_frames(data: ReportInput, bank_for: trends.BankResolver) -> PreparedFrames:
    """Count each survey's combined answers (team, else respondents), score every survey, find what changed,
    and split it all by team, once."""
    combined = respondents.combine_frames(data.answers, data.respondent_answers, bank_for)
    answers = combined.answers
    system_answers = data.system_answers
    bank_ids = {*answers["bank_id"].unique(), *system_answers["bank_id"].unique()}
    banks = {bank_id: bank_for(bank_id) for bank_id in bank_ids}
    scores = trends.score_frames(answers, bank_for)
    scored_systems = systems.score_systems(system_answers, bank_for)
    team_overall, team_areas = systems.team_view(scores.overall, scores.areas, scored_systems, bank_for)
    areas = trends.with_deltas(scores.areas, ["team", "bank_id", "area"], "score")
    overall = trends.with_deltas(scores.overall, ["team", "bank_id"], "overall")
    unknowns = changes.unknown_answers(answers, bank_for)
    evidence: dict[str, Evidence | Mapping[str, float]] = {**data.git.latest, **data.git.evidence}
    contradictions = trends.contradictions(answers, evidence, bank_for, data.git.dismissals)
    by_team_and_bank = {
        "areas": areas,
        "overall": overall,
        "changes": changes.answer_changes(answers, bank_for),
        "unknowns": unknowns,
        "bank_changes": changes.bank_changes(answers, bank_for),
        "contradictions": contradictions,
        "answers": answers,
        "respondents": data.respondent_answers,
        "disagreement": combined.disagreement,
    }
    return PreparedFrames(
        teams=tuple(data.teams),
        quarters=tuple(data.quarters),
        scope=data.scope,
        anchors={team: f"team-{index}" for index, team in enumerate(data.teams, start=1)},
        banks=banks,
        bank_order=tuple(sorted(banks, key=lambda bank_id: (bank_id != DEFAULT_BANK, bank_id))),
        areas=areas,
        overall=overall,
        surveys=trends.surveys_frame(answers),
        unknowns=unknowns,
        contradictions=contradictions,
        area_medians=team_areas.groupby(["bank_id", "area", "quarter"])["score"].median().to_dict(),
        survey_frames=_survey_frames(trends.headlines(answers, bank_for), banks, by_team_and_bank),
        git_frames=_git_frames(data.git, data.teams, data.quarters),
        unsurveyed=frozenset(data.unsurveyed),
        actions=data.actions,
        system_scores=scored_systems,
        team_overall=team_overall,
        team_areas=team_areas,
        system_bank_changes=system_bank_changes(system_answers, bank_for),
    )


SYSTEM_KEY_SEPARATOR = "\x1f"  # a unit separator: no team or system name holds it (names refuse control characters)


def system_bank_changes(system_answers: pd.DataFrame, bank_for: trends.BankResolver) -> pd.DataFrame:
    """:func:`changes.bank_changes` of each system's surveys (a system's previous survey is its own, not the
    team's), with a ``system`` column. Computed over all the systems at once, so a version whose file is not kept
    is known from every system's answers under it."""
    if system_answers.empty:
        return trends.empty_frame([*changes.BANK_CHANGE_COLUMNS, "system"])
    keyed = system_answers.assign(team=system_answers["team"] + SYSTEM_KEY_SEPARATOR + system_answers["system"])
    found = changes.bank_changes(keyed.drop(columns="system"), bank_for)
    if found.empty:
        return found.assign(system=pd.Series(dtype=object))
    team_and_system = found["team"].str.split(SYSTEM_KEY_SEPARATOR, n=1, expand=True)
    return found.assign(team=team_and_system[0], system=team_and_system[1])


def _survey_frames(
    headlines: Sequence[trends.Headline], banks: Mapping[str, Bank], frames: Mapping[str, pd.DataFrame]
) -> dict[tuple[str, str], TeamSurveyFrames]:
    """Each frame of ``frames`` split by team and bank, for every team and bank with a headline."""
    parts = {name: split_by(frame, ["team", "bank_id"]) for name, frame in frames.items()}
    found = {}
    for headline in headlines:
        key = (headline.team, headline.bank_id)
        found[key] = TeamSurveyFrames(
            bank=banks[headline.bank_id],
            headline=headline,
            **{name: _part_of(parts[name], key, frame) for name, frame in frames.items()},
        )
    return found


def _git_frames(git: GitFrames, teams: Sequence[str], quarters: Sequence[str]) -> dict[str, TeamGitFrames]:
    """``git`` split by team, with churn by file kind and each team's hotspots."""
    metrics = git.metrics[git.metrics["quarter"].isin(quarters)]
    churn = trends.churn_by_kind(git.churn)
    file_churn = git.churn.groupby(["team", "path"], as_index=False)["churn"].sum()
    hotspots = trends.hotspots(file_churn, git.pairs, HOTSPOTS_SHOWN)
    metrics_by, churn_by = split_by(metrics, ["team"]), split_by(churn, ["team"])
    flags_by, hotspots_by = split_by(git.flags, ["team"]), split_by(hotspots, ["team"])
    return {
        team: TeamGitFrames(
            scanned_at=git.scanned_at.get(team),
            latest=git.latest.get(team, {}),
            metrics=_part_of(metrics_by, (team,), metrics),
            churn=_part_of(churn_by, (team,), churn),
            flags=_part_of(flags_by, (team,), git.flags),
            hotspots=_part_of(hotspots_by, (team,), hotspots),
        )
        for team in teams
    }
