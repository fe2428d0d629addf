"""Who answers surveys in the TUI on this computer: a respondent by name, or the whole team. Remembered.

The choice is asked once and kept in the user's settings file (:func:`scorecard.paths.settings_path`, JSON:
``{"respondent": "Ana"}`` for a person, ``{"respondent": null}`` for the team answers). A settings file that is
missing, unreadable, not JSON, or holds anything but a usable name or null counts as "not chosen yet": the TUI
asks again and writes a good file; it never fails to start over it. Other keys in the file are kept as they are.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scorecard.errors import ScorecardError
from scorecard.files import write_text_atomically
from scorecard.paths import settings_path
from scorecard.survey.respondents import RespondentError, normalize_respondent

RESPONDENT_KEY = "respondent"
MAX_SETTINGS_BYTES = 100_000
"""A settings file larger than this is not ours: it is ignored, never read whole."""


@dataclass(frozen=True)
class AnsweringAs:
    """Who answers: ``respondent`` by name (blind, combined with the others'), or None: the team answer."""

    respondent: str | None = None

    @property
    def label(self) -> str:
        """What the survey's header says."""
        return f"Answering as {self.respondent}" if self.respondent else "Answering for the team"


THE_TEAM = AnsweringAs(None)


def answering_as(name: str | None) -> AnsweringAs:
    """The choice for ``name`` (normalised; :class:`RespondentError` when it cannot be a name), or the team's."""
    return AnsweringAs(normalize_respondent(name)) if name is not None else THE_TEAM


def _read_settings(path: Path) -> dict[str, Any]:
    try:
        if path.stat().st_size > MAX_SETTINGS_BYTES:
            return {}
        found = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):  # missing, unreadable, not UTF-8, not JSON
        return {}
    return found if isinstance(found, dict) else {}


def remembered_choice(path: Path | None = None) -> AnsweringAs | None:
    """The remembered choice, or None when there is none that can be used (see the module docstring)."""
    settings = _read_settings(path or settings_path())
    if RESPONDENT_KEY not in settings:
        return None
    name = settings[RESPONDENT_KEY]
    if name is None:
        return THE_TEAM
    try:
        return answering_as(name)
    except RespondentError:
        return None


def remember_choice(choice: AnsweringAs, path: Path | None = None) -> None:
    """Write the choice to the settings file (whole or not at all); :class:`ScorecardError` when it cannot."""
    path = path or settings_path()
    settings = _read_settings(path)
    settings[RESPONDENT_KEY] = choice.respondent
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise ScorecardError(f"cannot write {path}: {error.strerror or error}") from None
    write_text_atomically(path, json.dumps(settings, indent=2, ensure_ascii=False) + "\n")
