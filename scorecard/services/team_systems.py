"""Each team's systems as the TUI's home lists them: their names, and the roll-up of their newest quarter.

The names are the store's :meth:`~scorecard.store.Store.systems_of` (systems surveyed, or tied to a repository by
``scan --system``). The roll-up is :func:`scorecard.services.systems.systems_rollup` of the newest quarter with a
system survey of the bank in use; a survey whose bank cannot be loaded leaves the names without a roll-up.

A team whose only surveys are its systems' has no team-level survey to put in home's Score, Level and Survey
columns: they show the roll-up (its quarter, score and level) and how many of that quarter's system surveys are
complete (:attr:`TeamSystems.status`, e.g. "1/2 complete", short enough that the Systems column still fits at 80
columns), as ``show`` puts the roll-up at the top.
"""

from __future__ import annotations

from dataclasses import dataclass

from scorecard.errors import ScorecardError
from scorecard.services.systems import systems_rollup
from scorecard.store import Store
from scorecard.survey.bank import Bank


@dataclass(frozen=True)
class TeamSystems:
    """One team's systems, by name, and their rolled-up score as people read it (None without one)."""

    team: str
    systems: tuple[str, ...]
    rollup_text: str | None = None
    """E.g. "mean 62" (the bank's ``rollup:`` and the rolled-up overall on the bank's scale)."""
    quarter: str | None = None
    """The quarter of the roll-up (None without a system survey of the bank)."""
    score_text: str = "-"
    """The rolled-up overall alone, on the bank's scale ("-" for none)."""
    level: str | None = None
    """The rolled-up overall's level, as people read it."""
    status: str | None = None
    """How many of the roll-up quarter's system surveys are complete: "1/2 complete" (None without one)."""

    @property
    def summary(self) -> str:
        """The home screen's Systems cell: how many, then the roll-up ("2 · mean 62"); "-" for none."""
        if not self.systems:
            return "-"
        return f"{len(self.systems)}" + (f" · {self.rollup_text}" if self.rollup_text else "")


def team_systems(store: Store, team: str, bank: Bank | None = None) -> TeamSystems:
    """``team``'s systems and, when they have surveys of ``bank`` (default: any bank), their roll-up."""
    names = tuple(store.systems_of(team))
    if not names:
        return TeamSystems(team, ())
    try:
        rolled = systems_rollup(store, team, None, bank=bank)
    except ScorecardError:  # a system survey of a bank this release cannot load
        rolled = None
    if rolled is None:
        return TeamSystems(team, names)
    complete = sum(1 for system in rolled.systems if system.survey.status == "complete")
    status = f"{complete}/{len(rolled.systems)} complete"  # beside the Systems column: "2 · mean 61"
    if rolled.overall is None:
        return TeamSystems(team, names, quarter=rolled.quarter, status=status)
    score, level = rolled.bank.format_score(rolled.overall), rolled.bank.level_for(rolled.overall)
    return TeamSystems(
        team, names, f"{rolled.how} {score}", rolled.quarter, score, level.label if level else None, status
    )


def every_team_systems(store: Store, bank: Bank | None = None) -> dict[str, TeamSystems]:
    """:func:`team_systems` of every team of the store, by team name."""
    return {team.name: team_systems(store, team.name, bank) for team in store.list_teams()}
