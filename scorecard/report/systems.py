"""A team's systems in the report, pure (frames in, frames out): each system's scores, their roll-up to the team,
and what the org overview shows per team.

The rules are ``scorecard show``'s (:mod:`scorecard.services.systems`): in a quarter (and bank) where a team's
systems were surveyed, the team's numbers are their roll-up by the bank's ``rollup:`` (``mean``: the mean of the
systems that have a score, per area too; ``min``: the lowest), at the level bands of the newest bank version among
them; a team-level survey of that quarter is then not in the team's heat-map row (its page still shows it). A
quarter with no system survey shows the team-level survey as before systems existed. Each system survey is scored
with the team answers of its own bank version (respondents' answers to a system survey are not read here).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from scorecard.report import trends
from scorecard.survey.survey_banks import bank_of

SYSTEM_ANSWER_COLUMNS = [*trends.ANSWER_COLUMNS, "system"]
KEYS = ["team", "bank_id", "quarter"]
VIEW_OVERALL_COLUMNS = [*KEYS, "bank_version", "overall", "level", "level_label", "systems", "rollup", "weakest_system"]
"""What the overview shows per team and quarter: ``systems`` is how many systems were rolled up (0: the
team-level survey), ``bank_version`` the newest among the surveys, ``rollup`` the rule (mean, min; '' for the team-level survey), ``weakest_system`` its name."""
VIEW_AREA_COLUMNS = [*KEYS, "area", "area_title", "score"]


def system_answers_frame(rows: list[tuple[object, ...]]) -> pd.DataFrame:
    """The store's system answer rows (answer columns, then the system) as a frame."""
    frame = trends.answers_frame(row[:-1] for row in rows)
    frame["system"] = pd.Series([row[-1] for row in rows], dtype=object)
    return frame


@dataclass(frozen=True)
class SystemFrames:
    """The systems' scores per survey (with the ``system`` column), and the team's view of every quarter."""

    areas: pd.DataFrame = field(default_factory=lambda: trends.empty_frame([*trends.AREA_SCORE_COLUMNS, "system"]))
    overall: pd.DataFrame = field(default_factory=lambda: trends.empty_frame([*trends.OVERALL_COLUMNS, "system"]))


def score_systems(answers: pd.DataFrame, bank_for: trends.BankResolver) -> SystemFrames:
    """Every system survey of ``answers`` (:data:`SYSTEM_ANSWER_COLUMNS`) scored as a team's survey is."""
    if answers.empty:
        return SystemFrames()
    scores = trends.score_frames(answers.drop(columns="system"), bank_for)
    system_of = answers.drop_duplicates("survey_id").set_index("survey_id")["system"]
    return SystemFrames(
        areas=scores.areas.assign(system=scores.areas["survey_id"].map(system_of)),
        overall=scores.overall.assign(system=scores.overall["survey_id"].map(system_of)),
    )


def _rolled(frame: pd.DataFrame, keys: list[str], value: str, rules: pd.Series) -> pd.DataFrame:
    """``value`` of ``frame`` rolled up per ``keys`` by each bank's rule (``rules``: bank id -> mean|min); a
    system without a value does not count, as :func:`scorecard.survey.systems.rollup`."""
    grouped = frame.groupby(keys, sort=False)[value]
    rolled = grouped.agg(["mean", "min", "count"]).reset_index()
    rolled["rollup"] = rolled["bank_id"].map(rules)
    rolled[value] = np.where(rolled["rollup"] == "min", rolled["min"], rolled["mean"].round(4))
    return rolled.drop(columns=["mean", "min"])


def rolled_up(systems: SystemFrames, bank_for: trends.BankResolver) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The team's overall (:data:`VIEW_OVERALL_COLUMNS`) and area (:data:`VIEW_AREA_COLUMNS`) scores of each
    quarter its systems were surveyed: their roll-up, the weakest system named."""
    overall, areas = systems.overall, systems.areas
    if overall.empty:
        return trends.empty_frame(VIEW_OVERALL_COLUMNS), trends.empty_frame(VIEW_AREA_COLUMNS)
    rules = pd.Series({bank_id: bank_for(bank_id).rollup for bank_id in overall["bank_id"].unique()}, dtype=object)
    team = _rolled(overall, KEYS, "overall", rules)
    team["systems"] = overall.groupby(KEYS, sort=False)["system"].count().to_numpy()
    newest = overall.groupby(KEYS, sort=False)["bank_version"].max().to_numpy()
    team["bank_version"] = newest
    levels = [
        bank_of(bank_id, int(version), bank_for(bank_id)).level_for(None if pd.isna(score) else float(score))
        for bank_id, version, score in zip(team["bank_id"], newest, team["overall"], strict=True)
    ]
    team["level"] = [level.id if level else None for level in levels]
    team["level_label"] = [level.label if level else None for level in levels]
    # The weakest: the lowest overall, the first of equals in name order (as ``show`` names it).
    scored = overall.dropna(subset=["overall"]).assign(order=lambda f: f["system"].str.casefold())
    scored = scored.sort_values([*KEYS, "overall", "order"])
    weakest = scored.drop_duplicates(KEYS).set_index(KEYS)["system"]
    team["weakest_system"] = team.set_index(KEYS).index.map(weakest.to_dict()).to_numpy()
    by_area = _rolled(areas, [*KEYS, "area"], "score", rules)
    titles = areas.drop_duplicates(["bank_id", "area"]).set_index(["bank_id", "area"])["area_title"]
    by_area["area_title"] = by_area.set_index(["bank_id", "area"]).index.map(titles.to_dict()).to_numpy()
    return team[VIEW_OVERALL_COLUMNS], by_area[VIEW_AREA_COLUMNS]


def team_view(
    team_overall: pd.DataFrame, team_areas: pd.DataFrame, systems: SystemFrames, bank_for: trends.BankResolver
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """What the overview shows per team, bank and quarter (with deltas since the team's previous quarter): the
    roll-up of its systems where they were surveyed, else its team-level survey (``team_overall``,
    ``team_areas``: :func:`trends.score_frames`' frames of the team-level surveys)."""
    rolled_overall, rolled_areas = rolled_up(systems, bank_for)
    covered = pd.MultiIndex.from_frame(rolled_overall[KEYS]) if len(rolled_overall) else None

    def not_covered(frame: pd.DataFrame) -> pd.DataFrame:
        if covered is None or frame.empty:
            return frame
        return frame[~pd.MultiIndex.from_frame(frame[KEYS]).isin(covered)]

    own = not_covered(team_overall).assign(systems=0, rollup="", weakest_system=None)[VIEW_OVERALL_COLUMNS]
    own_areas = not_covered(team_areas)[VIEW_AREA_COLUMNS]
    overall = pd.concat([frame for frame in (own, rolled_overall) if len(frame)] or [own], ignore_index=True)
    areas = pd.concat([frame for frame in (own_areas, rolled_areas) if len(frame)] or [own_areas], ignore_index=True)
    overall["overall"] = pd.to_numeric(overall["overall"], errors="coerce").astype("float64")
    areas["score"] = pd.to_numeric(areas["score"], errors="coerce").astype("float64")
    return (
        trends.with_deltas(overall, ["team", "bank_id"], "overall"),
        trends.with_deltas(areas, ["team", "bank_id", "area"], "score"),
    )
