"""The org overview of one bank: key figures, the heat map of teams by area, the biggest movers, the org trend."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from scorecard.report.actions import ActionsOverview, actions_overview
from scorecard.report.charts import SERIES_COLOURS, ChartMaker
from scorecard.report.figure import Figure
from scorecard.report.formatting import NO_VALUE, format_delta, heat_colours, level_colours, score_text
from scorecard.report.prepared import PreparedFrames, none_if_nan
from scorecard.survey.bank import Bank

MOVERS_SHOWN = 5
MOVE_AT_LEAST = 0.5
"""The smallest change of an area score that counts as a move."""
HEAT_KEY_FRACTIONS = (0.0, 0.25, 0.5, 0.75, 1.0)


@dataclass(frozen=True)
class HeatCell:
    area: str
    """An area id, or ``overall``."""
    score: float | None
    text: str
    delta_text: str
    delta_class: str
    background: str
    foreground: str
    title: str


@dataclass(frozen=True)
class HeatRow:
    team: str
    anchor: str
    overall: HeatCell
    level: str
    level_colours: tuple[str, str]
    cells: tuple[HeatCell, ...]
    systems_note: str = ""
    """For a team whose systems were surveyed: how many, by which rule, and the weakest ('' for a team-level
    survey)."""


@dataclass(frozen=True)
class Mover:
    """An area whose score moved since the team's previous survey."""

    team: str
    anchor: str
    area: str
    score: str
    delta_text: str
    delta_class: str


@dataclass(frozen=True)
class RuleCount:
    """How often one evidence rule fired across the teams, and how often a team dismissed it: the data to
    calibrate its thresholds with."""

    question_id: str
    claim: str
    rule: str
    fired: int
    """Teams whose latest survey's answer the rule contradicted (dismissed or not)."""
    dismissed: int
    """Of those, the teams whose dismissal of it holds."""


@dataclass(frozen=True)
class Overview:
    bank: Bank
    quarter: str
    areas: list[tuple[str, str]]
    rows: list[HeatRow]
    """Weakest team first (by its lowest area)."""
    missing: list[tuple[str, str, str | None]]
    """(team, anchor, last quarter surveyed or None) of the teams with no survey this quarter."""
    trend: Figure | None
    median_text: str
    median_delta: str
    median_delta_class: str
    surveyed: int
    contradictions: int
    """Contradictions not dismissed."""
    unknowns: int
    scale: list[tuple[str, str, str]]
    """The heat map's key: (background, text colour, label) from worst to best."""
    risers: list[Mover]
    fallers: list[Mover]
    dismissed: int = 0
    """Contradictions the teams dismissed (and whose dismissal holds)."""
    rules: tuple[RuleCount, ...] = ()
    """Every evidence rule of the bank, in bank order."""
    teams_checked: int = 0
    """Teams with a survey of the bank and a scan: those the rules were checked for."""
    actions: ActionsOverview | None = None
    """The actions due this quarter across teams, and each team's kept share (None: no team has an action)."""


def overview(frames: PreparedFrames, bank_id: str, charts: ChartMaker) -> Overview:
    """The overview of ``bank_id`` at the report's last quarter: one row per team, its systems rolled up
    (:func:`scorecard.report.systems.team_view`)."""
    bank = frames.banks[bank_id]
    quarter = frames.quarters[-1]
    overall = frames.team_overall[frames.team_overall["bank_id"] == bank_id]
    areas = frames.team_areas
    area_now = areas[(areas["bank_id"] == bank_id) & (areas["quarter"] == quarter)]
    now = overall[overall["quarter"] == quarter]
    surveyed = set(now["team"])
    median_now, median_change = _median_and_change(overall, frames.quarters)
    delta_text, delta_class = format_delta(median_change, bank.score_decimals)
    last_surveyed = overall.groupby("team")["quarter"].max().to_dict()
    found = frames.contradictions[frames.contradictions["bank_id"] == bank_id]
    return Overview(
        bank=bank,
        quarter=quarter,
        areas=[(area.id, area.title) for area in bank.areas],
        rows=sorted(heat_rows(frames, bank, now, area_now), key=lambda row: _weakest_area(row, bank)),
        missing=[
            (team, frames.anchors[team], last_surveyed.get(team)) for team in frames.teams if team not in surveyed
        ],
        trend=org_trend(bank, overall, frames.quarters, charts),
        median_text=score_text(median_now, bank),
        median_delta=delta_text,
        median_delta_class=delta_class,
        surveyed=len(surveyed),
        contradictions=int((~found["dismissed"].astype(bool)).sum()),
        dismissed=int(found["dismissed"].astype(bool).sum()),
        rules=rule_counts(bank, found),
        teams_checked=sum(1 for team in last_surveyed if team in frames.git_frames and frames.git_frames[team].latest),
        unknowns=int((frames.unknowns["bank_id"] == bank_id).sum()),
        scale=heat_key(bank),
        risers=movers(frames, bank, area_now, rising=True),
        fallers=movers(frames, bank, area_now, rising=False),
        actions=actions_overview(frames.actions, bank, quarter, frames.teams, frames.anchors),
    )


def rule_counts(bank: Bank, found: pd.DataFrame) -> tuple[RuleCount, ...]:
    """Each rule of ``bank`` with the teams it fired for and the teams that dismissed it (``found``: the bank's
    contradictions, one row per team and rule)."""
    fired: dict[tuple[str, str], set[str]] = {}
    dismissed: dict[tuple[str, str], set[str]] = {}
    for row in found.itertuples(index=False):
        key = (str(row.question_id), str(row.claim))
        fired.setdefault(key, set()).add(str(row.team))
        if bool(row.dismissed):
            dismissed.setdefault(key, set()).add(str(row.team))
    return tuple(
        RuleCount(
            question.id,
            rule.claim,
            rule.expression,
            len(fired.get((question.id, rule.claim), ())),
            len(dismissed.get((question.id, rule.claim), ())),
        )
        for question in bank.questions
        for rule in question.evidence
    )


def heat_rows(frames: PreparedFrames, bank: Bank, now: pd.DataFrame, area_now: pd.DataFrame) -> list[HeatRow]:
    """A row per team surveyed this quarter: its overall score and level, then a cell per area."""
    by_team_area = {(row.team, row.area): row for row in area_now.itertuples(index=False)}
    rows = []
    for line in now.itertuples(index=False):
        cells = tuple(
            heat_cell(
                area.id,
                getattr(by_team_area.get((line.team, area.id)), "score", None),
                getattr(by_team_area.get((line.team, area.id)), "delta", None),
                bank.scale_max(area.id),
                bank,
                f"{line.team} · {area.title}",
            )
            for area in bank.areas
        )
        level = bank.level_for(none_if_nan(line.overall))
        rows.append(
            HeatRow(
                team=str(line.team),
                anchor=frames.anchors[str(line.team)],
                overall=heat_cell(
                    "overall", line.overall, line.delta, bank.scale_max(), bank, f"{line.team} · overall"
                ),
                level=level.label if level else NO_VALUE,
                level_colours=level_colours(bank, level),
                cells=cells,
                systems_note=_systems_note(line.systems, line.rollup, line.weakest_system),
            )
        )
    return rows


def _systems_note(systems: int, how: str, weakest: str | None) -> str:
    """``2 systems, mean · weakest: ranker`` for a rolled-up row; '' for a team-level survey."""
    if not systems:
        return ""
    rule = "the lowest" if how == "min" else "mean"
    return f"{systems} system{'s' if systems != 1 else ''}, {rule}" + (f" · weakest: {weakest}" if weakest else "")


def heat_cell(area: str, score: Any, delta: Any, scale: float, bank: Bank, title: str) -> HeatCell:
    """A cell of ``area`` (or ``overall``) coloured on a scale from 0 to ``scale``; ``score`` and ``delta`` may be
    NaN."""
    score, delta = none_if_nan(score), none_if_nan(delta)
    delta_text, delta_class = format_delta(delta, bank.score_decimals)
    background, foreground = heat_colours(score, scale)
    return HeatCell(area, score, score_text(score, bank), delta_text, delta_class, background, foreground, title)


def heat_key(bank: Bank) -> list[tuple[str, str, str]]:
    top = bank.scale_max()
    return [(*heat_colours(fraction * top, top), score_text(fraction * top, bank)) for fraction in HEAT_KEY_FRACTIONS]


def org_trend(bank: Bank, overall: pd.DataFrame, quarters: Sequence[str], charts: ChartMaker) -> Figure | None:
    """The median team's overall score by quarter over the band from the lowest to the highest team."""
    per_quarter = overall.groupby("quarter")["overall"]
    median, low, high = per_quarter.median(), per_quarter.min(), per_quarter.max()
    if not len(median.dropna()):
        return None
    return Figure(
        chart=charts.band_trend(
            quarters,
            [none_if_nan(median.get(q)) for q in quarters],
            [none_if_nan(low.get(q)) for q in quarters],
            [none_if_nan(high.get(q)) for q in quarters],
            bank.scale_max(),
            label=f"Overall {bank.title} score of the org by quarter: median and range of teams",
        ),
        title="Overall score across the org",
        kind="org-trend",
        legend=((SERIES_COLOURS[0], "median team"), ("#56B4E966", "lowest to highest team")),
    )


def movers(frames: PreparedFrames, bank: Bank, area_now: pd.DataFrame, rising: bool) -> list[Mover]:
    """The areas whose score rose (or fell) most since the team's previous survey, biggest move first."""
    moved = area_now[area_now["delta"].abs() >= MOVE_AT_LEAST]
    moved = moved.sort_values(["delta", "team"], ascending=[False, True])
    moved = moved[moved["delta"] > 0] if rising else moved[moved["delta"] < 0].iloc[::-1]
    titles = {area.id: area.title for area in bank.areas}
    found = []
    for row in moved.head(MOVERS_SHOWN).itertuples(index=False):
        delta_text, delta_class = format_delta(row.delta, bank.score_decimals)
        team = str(row.team)
        area = str(row.area)
        found.append(
            Mover(
                team, frames.anchors[team], titles.get(area, area), score_text(row.score, bank), delta_text, delta_class
            )
        )
    return found


def _median_and_change(overall: pd.DataFrame, quarters: Sequence[str]) -> tuple[float | None, float | None]:
    """The org's median overall score in the last quarter, and its change since the last quarter that had one."""
    median = overall.groupby("quarter")["overall"].median()
    now = none_if_nan(median.get(quarters[-1]))
    earlier = [q for q in quarters[:-1] if not math.isnan(median.get(q, math.nan))]
    before = none_if_nan(median.get(earlier[-1])) if earlier else None
    return now, (None if now is None or before is None else now - before)


def _weakest_area(row: HeatRow, bank: Bank) -> tuple[float, str]:
    """Sort key: the team's lowest area score as a share of the area's scale, then its name."""
    shares = [cell.score / bank.scale_max(cell.area) for cell in row.cells if cell.score is not None]
    return (min(shares) if shares else math.inf, row.team)
