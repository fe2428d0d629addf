"""A team's systems on its page: per bank, the team's roll-up row, then one row per system with its overall,
level and area scores of the latest quarter its systems were surveyed, and its overall score across quarters;
the weakest system marked and the roll-up rule named (the rules: :mod:`scorecard.report.systems`)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import pandas as pd

from scorecard.report import trends
from scorecard.report.formatting import NO_VALUE, level_colours, score_text
from scorecard.report.overview import HeatCell, heat_cell
from scorecard.report.prepared import PreparedFrames, none_if_nan
from scorecard.survey.bank import Bank
from scorecard.survey.survey_banks import bank_of


@dataclass(frozen=True)
class SystemRow:
    """A system's row (or the team's roll-up row) of the latest quarter."""

    name: str
    overall: HeatCell
    level: str
    level_colours: tuple[str, str]
    cells: tuple[HeatCell, ...]
    trend: str
    """Its overall score by quarter, oldest first, the bank version where it changed: ``2026Q2 v1 2.1 → ...``."""
    weakest: bool = False
    rollup: bool = False
    """The team's row: the roll-up of the systems."""


@dataclass(frozen=True)
class SystemsTable:
    bank: Bank
    quarter: str
    rule: str
    """The roll-up rule in words, naming the bank's ``rollup:``."""
    areas: list[tuple[str, str]]
    rows: list[SystemRow]
    """The team's roll-up first, then its systems by name."""
    bank_changes: list[dict[str, Any]] = field(default_factory=list)
    """Where the systems' surveys changed bank version between quarters (as a team-level survey's
    ``bank_changes``, with ``systems``: the systems that changed so), oldest first."""


def systems_tables(frames: PreparedFrames, team: str) -> list[SystemsTable]:
    """One table per bank in which the team's systems were surveyed, in bank order."""
    overall = frames.systems_of(team)
    if overall.empty:
        return []
    areas = frames.system_scores.areas
    areas = areas[areas["team"] == team]
    tables = []
    for bank_id in frames.bank_order:
        of_bank = overall[overall["bank_id"] == bank_id]
        if len(of_bank):
            tables.append(_table(frames, team, bank_id, of_bank, areas[areas["bank_id"] == bank_id]))
    return tables


def _rule(bank: Bank) -> str:
    if bank.rollup == "min":
        return f"The team's scores are the lowest of its systems' ({bank.id}'s rollup: min); the weakest is marked."
    return f"The team's scores are the mean of its systems' ({bank.id}'s rollup: mean); the weakest is marked."


def _table(frames: PreparedFrames, team: str, bank_id: str, overall: pd.DataFrame, areas: pd.DataFrame) -> SystemsTable:
    quarter = str(overall["quarter"].max())
    now = overall[overall["quarter"] == quarter]
    bank = bank_of(bank_id, int(now["bank_version"].max()), frames.banks[bank_id])
    overall = trends.with_deltas(overall, ["system"], "overall")
    areas = trends.with_deltas(areas, ["system", "area"], "score")
    area_at = areas[areas["quarter"] == quarter].set_index(["system", "area"])[["score", "delta"]].to_dict("index")
    view = frames.team_overall
    view = view[(view["team"] == team) & (view["bank_id"] == bank_id) & (view["systems"] > 0)]
    team_areas = frames.team_areas
    team_areas = team_areas[(team_areas["team"] == team) & (team_areas["bank_id"] == bank_id)]
    rolled_at = team_areas[team_areas["quarter"] == quarter].set_index(["area"])[["score", "delta"]].to_dict("index")
    rolled = view[view["quarter"] == quarter].iloc[0]
    label = f"{team} (roll-up)"
    team_row = _row(bank, label, rolled, {(label, area): value for area, value in rolled_at.items()}, view)
    rows = [replace(team_row, rollup=True)]
    for name, history in overall.groupby("system", sort=False):
        latest = history[history["quarter"] == quarter]
        if latest.empty:
            continue  # a system not surveyed in the table's quarter: not in its rows
        row = _row(bank, str(name), latest.iloc[0], area_at, history)
        rows.append(replace(row, weakest=name == rolled["weakest_system"]))
    rows[1:] = sorted(rows[1:], key=lambda row: (row.name.casefold(), row.name))
    changed = frames.system_bank_changes
    changed = changed[(changed["team"] == team) & (changed["bank_id"] == bank_id)]
    areas_shown = [(area.id, area.title) for area in bank.areas]
    return SystemsTable(bank, quarter, _rule(bank), areas_shown, rows, _bank_changes(changed))


def _bank_changes(changed: pd.DataFrame) -> list[dict[str, Any]]:
    """One row per version change, the systems that changed alike named together (most change at once, as a
    new bank version ships)."""
    same = ["quarter", "previous_quarter", "from_version", "to_version", "added", "removed", "reworded"]
    merged = []
    for key, part in changed.groupby(same, sort=True):
        names = sorted(part["system"], key=lambda name: (str(name).casefold(), str(name)))
        merged.append({**dict(zip(same, key, strict=True)), "systems": names})
    return merged


def _row(
    bank: Bank, name: str, latest: pd.Series, area_at: dict[Any, dict[str, Any]], history: pd.DataFrame
) -> SystemRow:
    """A row: ``latest`` the overall of the table's quarter (with its delta), ``area_at`` (name, area) -> score
    and delta, ``history`` its overall scores of every quarter (with ``bank_version`` for a system's)."""
    level = bank.level_for(none_if_nan(latest["overall"]))
    cells = tuple(
        heat_cell(
            area.id,
            area_at.get((name, area.id), {}).get("score"),
            area_at.get((name, area.id), {}).get("delta"),
            bank.scale_max(area.id),
            bank,
            f"{name} · {area.title}",
        )
        for area in bank.areas
    )
    return SystemRow(
        name=name,
        overall=heat_cell("overall", latest["overall"], latest["delta"], bank.scale_max(), bank, f"{name} · overall"),
        level=level.label if level else NO_VALUE,
        level_colours=level_colours(bank, level),
        cells=cells,
        trend=_trend(bank, history),
    )


def _trend(bank: Bank, history: pd.DataFrame) -> str:
    """``2026Q2 (v1) 2.1 → 2026Q3 (v2) 2.4``: the bank version named where the history has more than one."""
    ordered = history.sort_values("quarter")
    versions = ordered["bank_version"]
    named = versions.nunique() > 1
    steps = []
    for position, (quarter, score) in enumerate(zip(ordered["quarter"], ordered["overall"], strict=True)):
        version = f" (v{int(versions.iloc[position])})" if named else ""
        steps.append(f"{quarter}{version} {score_text(none_if_nan(score), bank)}")
    return " → ".join(steps)
