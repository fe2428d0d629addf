"""Surveys a report cannot score: those of a custom bank whose file is not at hand.

A custom bank is known by its file, not by the id a survey stores (``scorecard report --bank FILE`` gives the
file). A survey whose bank cannot be found is left out of the report, not the whole organisation with it: every
other team and survey is reported, and the page and the command name what was left out and how to include it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import pandas as pd

from scorecard.errors import ScorecardError
from scorecard.report import trends
from scorecard.report.collect import LeftOutSurvey, ReportError, ReportInput
from scorecard.survey.bank import Bank
from scorecard.survey.bank_file import load_bank


def bank_resolver(files: Sequence[str]) -> trends.BankResolver:
    """The banks a report scores with: each bank file of ``files`` (``report --bank FILE``) by its id, the shipped
    banks by theirs. Loads the files now, so that a bad one fails before any work; two files of one id are refused."""
    given: dict[str, Bank] = {}
    for path in files:
        bank = load_bank(path)
        if bank.id in given and given[bank.id].path != bank.path:
            raise ReportError(f"two --bank files declare bank id {bank.id!r}: {given[bank.id].path} and {bank.path}")
        given[bank.id] = bank

    def bank_for(bank_id: str) -> Bank:
        return given[bank_id] if bank_id in given else load_bank(bank_id)

    return bank_for


def missing_banks(data: ReportInput, bank_for: trends.BankResolver) -> set[str]:
    """The bank ids of ``data``'s surveys that ``bank_for`` cannot load."""
    ids = {*data.answers["bank_id"], *data.system_answers["bank_id"], *data.respondent_answers["bank_id"]}
    missing = set()
    for bank_id in ids:
        try:
            bank_for(str(bank_id))
        except ScorecardError:  # an unknown id, an unreadable or invalid file: the survey cannot be scored
            missing.add(str(bank_id))
    return missing


def without_missing_banks(data: ReportInput, bank_for: trends.BankResolver) -> ReportInput:
    """``data`` without the surveys whose bank ``bank_for`` cannot load, those named in its ``left_out``
    (team, system, quarter order); ``data`` itself when every bank loads."""
    missing = missing_banks(data, bank_for)
    if not missing:
        return data
    found = {
        LeftOutSurvey(str(row.team), str(row.quarter), str(row.bank_id), str(getattr(row, "system", "") or ""))
        for frame in (data.answers, data.system_answers)
        for row in frame[frame["bank_id"].isin(missing)].itertuples(index=False)
    }
    left_out = sorted({*data.left_out, *found}, key=lambda s: (s.team, s.system, s.quarter, s.bank_id))
    return replace(
        data,
        answers=_kept(data.answers, missing),
        system_answers=_kept(data.system_answers, missing),
        respondent_answers=_kept(data.respondent_answers, missing),
        left_out=tuple(left_out),
    )


def left_out_warning(left_out: tuple[LeftOutSurvey, ...]) -> str:
    """The one stderr line naming the surveys left out, and how to include them."""
    named = "; ".join(survey.sentence() for survey in left_out[:5])
    more = f"; and {len(left_out) - 5} more" if len(left_out) > 5 else ""
    it = "it" if len(left_out) == 1 else "them"
    return f"Warning: left out {named}{more}: pass --bank FILE to include {it}"


def _kept(frame: pd.DataFrame, missing: set[str]) -> pd.DataFrame:
    return frame[~frame["bank_id"].isin(missing)].reset_index(drop=True)
