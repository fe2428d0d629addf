"""Team names: one team, one name, however it is typed.

A name is text a person can read and type: Unicode NFC, spaces at the ends removed and runs of white space
made one space, at most :data:`MAX_TEAM_NAME` characters, and no control, format (zero-width, bidi override) or
line-separator characters, which would let two names look alike or retitle a terminal. Two names are the same
team when their :func:`team_key` (the case-folded name) is equal: ``Ranking``, ``RANKING`` and ``ranking`` are
one team, and so are the NFC and NFD spellings of ``Café``.
"""

from __future__ import annotations

import re
import unicodedata

from scorecard.errors import ScorecardError

MAX_TEAM_NAME = 100
_FORBIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})
_WHITE_SPACE = re.compile(r"\s+")


class TeamNameError(ScorecardError, ValueError):
    """A team name that cannot be used; the message says why in one line."""


def normalize_team_name(raw: object) -> str:
    """The team name as stored and shown; :class:`TeamNameError` for anything that is not a usable name."""
    if not isinstance(raw, str):
        raise TeamNameError(f"a team name must be text, not {type(raw).__name__}")
    name = _WHITE_SPACE.sub(" ", unicodedata.normalize("NFC", raw)).strip()
    if not name:
        raise TeamNameError("a team name cannot be empty")
    if len(name) > MAX_TEAM_NAME:
        raise TeamNameError(f"a team name has at most {MAX_TEAM_NAME} characters, not {len(name)}")
    bad = next((char for char in name if unicodedata.category(char) in _FORBIDDEN_CATEGORIES), None)
    if bad is not None:
        raise TeamNameError(
            f"a team name cannot contain the invisible or control character U+{ord(bad):04X} "
            f"({unicodedata.name(bad, 'unnamed')})"
        )
    return name


def team_key(name: str) -> str:
    """What makes two names one team: the normalised name, case-folded, and normalised again (case folding can
    leave a letter decomposed: Greek ΐ folds to three code points)."""
    return unicodedata.normalize("NFC", normalize_team_name(name).casefold())
