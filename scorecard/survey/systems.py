"""Systems: what a team owns and answers a survey for, one at a time (a model, a pipeline, a service).

A system's name follows the rules of team names (:mod:`scorecard.team_names`: NFC, white space collapsed, at most
:data:`~scorecard.team_names.MAX_TEAM_NAME` characters, nothing invisible) with errors of its own, and two names
are one system of a team when their :func:`system_key` (case-folded) is equal. The empty name ``''`` is no
system: the team-level survey, as every survey was before systems existed.

How a team's systems roll up to the team (a bank's ``rollup:``) is :func:`rollup`: ``mean`` averages the systems'
scores (overall and per area; the weakest system is always named beside it), ``min`` takes the lowest (the ML Test
Score's final score is already a minimum). A system without a score (nothing answered) does not count.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from scorecard.errors import ScorecardError
from scorecard.team_names import TeamNameError, normalize_team_name, team_key

ROLLUPS = ("mean", "min")
"""The ways a bank may roll its systems up to the team; the first is the default."""
DEFAULT_ROLLUP = ROLLUPS[0]


class SystemNameError(ScorecardError, ValueError):
    """A system name that cannot be used; the message says why in one line."""


def normalize_system_name(raw: object) -> str:
    """The system name as stored and shown; :class:`SystemNameError` for anything that is not a usable name."""
    try:
        return normalize_team_name(raw)
    except TeamNameError as error:
        raise SystemNameError(str(error).replace("a team name", "a system name")) from None


def system_option(raw: str | None) -> str:
    """``--system``'s value normalised ('' for none given: the team level); the error names the option."""
    if raw is None:
        return ""
    try:
        return normalize_system_name(raw)
    except SystemNameError as error:
        raise SystemNameError(f"--system: {error}") from None


def system_key(name: str) -> str:
    """What makes two names one system of a team (the case-folded name); ``''`` for the team-level survey."""
    if name == "":
        return ""
    try:
        return team_key(name)
    except TeamNameError as error:
        raise SystemNameError(str(error).replace("a team name", "a system name")) from None


def same_system(stored: str, wanted: str) -> bool:
    """Whether a stored system name is the one ``wanted`` names (case-folded); a stored name today's rules refuse
    matches its exact spelling only."""
    if stored == wanted:
        return True
    try:
        return system_key(stored) == system_key(wanted)
    except SystemNameError:
        return False


def rollup(how: str, values: Iterable[float | None]) -> float | None:
    """The team's value from its systems' ``values`` (None where a system has none): their mean or their minimum,
    rounded as scores are; None when no system has a value."""
    present = [value for value in values if value is not None]
    if not present:
        return None
    if how == "min":
        return min(present)
    return round(sum(present) / len(present), 4)


def weakest(named: Sequence[tuple[str, float | None]]) -> str | None:
    """The name of the system with the lowest value (the first of equals, in the given order); None if none has one."""
    scored = [(value, position, name) for position, (name, value) in enumerate(named) if value is not None]
    return min(scored)[2] if scored else None
