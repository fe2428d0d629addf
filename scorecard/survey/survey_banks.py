"""The bank a stored survey is scored with: the version it was taken under.

A survey stores its bank's id and version. The bank in use (a custom file is known by its path, not its id) or
else the shipped bank of that id is taken at the survey's version: the current file when it is that version, else
the archive beside it (:mod:`scorecard.survey.bank_paths`), so a survey taken under v1 scores exactly as it did.
A version with no file at all (a custom bank never archived, a database from a newer release) is scored with the
bank as it is, as before versions were kept: answers to questions or options it does not have are left out.
"""

from __future__ import annotations

from scorecard.survey.bank import Bank
from scorecard.survey.bank_file import load_bank
from scorecard.survey.bank_paths import version_path


def bank_of(bank_id: str, version: int, in_use: Bank | None = None) -> Bank:
    """The bank of a survey of ``bank_id`` taken under ``version``: ``in_use`` when it has that id, else the
    shipped bank, at that version when its file is kept."""
    bank = in_use if in_use is not None and in_use.id == bank_id else load_bank(bank_id)
    if bank.version == version or bank.path is None or not version_path(bank, version).is_file():
        return bank
    return load_bank(str(bank.path), version)
