"""``answers export``: a survey's answers files (the team's, with the quarter's actions, and each respondent's),
in the format ``survey --answers`` reads back."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from scorecard.errors import describe
from scorecard.services.actions import actions_for_export
from scorecard.services.show import check_bank_at_hand
from scorecard.services.surveys import SurveyNotFound, find_team_survey
from scorecard.store import Store
from scorecard.survey.answers_file import answers_yaml
from scorecard.survey.bank_file import load_bank
from scorecard.survey.respondents import respondent_key, respondent_names
from scorecard.survey.survey_banks import bank_of


@dataclass(frozen=True)
class ExportedFile:
    """One answers file of an export: the team answers (``respondent`` None) or one respondent's."""

    respondent: str | None
    text: str


def export_answer_files(
    store: Store,
    team: str,
    quarter: str | None = None,
    bank_name: str | None = None,
    respondent: str | None = None,
    system: str = "",
) -> list[ExportedFile]:
    """``answers export``: a survey's answers files, each in the format ``survey --answers`` reads (bank order;
    unconfirmed carry-overs left out). The team answers first, then one file per respondent in name order; only
    ``respondent``'s file when one is named (:class:`SurveyNotFound` when that person answered nothing). The team
    file also carries the actions the team recorded in that quarter (for that system: a system's file carries its
    own actions, which read back as that system's), so exporting every quarter keeps them all.
    ``system``: that system's survey (its files say ``system:``); default the team-level survey."""
    bank = load_bank(bank_name) if bank_name else None
    found = find_team_survey(store, team, quarter, bank.id if bank else None, system)
    check_bank_at_hand(found, bank)
    bank = bank_of(found.bank_id, found.bank_version, bank)
    by_respondent = store.respondent_answers_for(found.id)
    if respondent is not None:
        wanted = respondent_key(respondent)
        name = next((name for name in by_respondent if respondent_key(name) == wanted), None)
        if name is None:
            known = ", ".join(respondent_names(by_respondent)) or "none"
            raise SurveyNotFound(
                f"{describe(respondent)} answered nothing in {found.team}'s {found.quarter} survey (respondents: {known})"
            )
        return [
            ExportedFile(
                name, answers_yaml(found.team, found.quarter, bank, by_respondent[name], name, system=found.system)
            )
        ]
    actions = actions_for_export(store, found.team, found.quarter, bank_id=bank.id, system=found.system)
    team_file = answers_yaml(
        found.team, found.quarter, bank, store.answers_for(found.id), actions=actions, system=found.system
    )
    files = [ExportedFile(None, team_file)]
    for name in respondent_names(by_respondent):
        files.append(
            ExportedFile(
                name, answers_yaml(found.team, found.quarter, bank, by_respondent[name], name, system=found.system)
            )
        )
    return files


def respondent_file_path(team_file: Path, respondent: str, taken: set[Path]) -> Path:
    """Where ``answers export -o answers.yaml`` writes a respondent's file: ``answers.<name>.yaml`` beside it, the
    name made safe for any file system (letters, digits, ``-`` and ``_`` of its key; ``-2``, ``-3``... when two
    names make one file name). ``taken``: the paths already chosen, updated."""
    safe = re.sub(r"[^a-z0-9_-]+", "-", respondent_key(respondent).encode("ascii", "ignore").decode()).strip("-")
    stem, number = f"{team_file.stem}.{safe or 'respondent'}", 1
    path = team_file.with_name(f"{stem}{team_file.suffix or '.yaml'}")
    while path in taken or path == team_file:
        number += 1
        path = team_file.with_name(f"{stem}-{number}{team_file.suffix or '.yaml'}")
    taken.add(path)
    return path
