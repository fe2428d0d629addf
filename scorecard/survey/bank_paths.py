"""Where each version of a bank is kept: the current file, and the archive beside it.

``questions/<id>.yaml`` is a bank's current version; every older version is frozen, byte for byte, at
``questions/archive/<id>.v<N>.yaml``. A custom bank file keeps its older versions the same way, in an
``archive`` folder beside it. Only paths and file names here: :mod:`scorecard.survey.bank_file` reads them.
"""

from __future__ import annotations

import re
from pathlib import Path

from scorecard.paths import banks_dir
from scorecard.survey.bank import Bank

ARCHIVE = "archive"
"""Older versions of each bank, frozen byte for byte: ``archive/<id>.v<N>.yaml`` beside the current file."""
VERSION_FILE = re.compile(r"(?P<id>.+)\.v(?P<version>[0-9]+)\.yaml")


def archive_files(folder: Path | None = None) -> list[Path]:
    """The older versions of the banks in ``folder`` (default: the shipped ones), sorted."""
    return sorted((folder or banks_dir()).joinpath(ARCHIVE).glob("*.v*.yaml"))


def version_path(bank: Bank, version: int) -> Path:
    """Where version ``version`` of ``bank`` is kept: the archive beside its current file, else (a copy of a
    shipped bank elsewhere, which is that bank) the shipped archive."""
    folder = bank.path.parent if bank.path is not None else banks_dir()
    folder = folder if folder.name == ARCHIVE else folder / ARCHIVE
    beside, shipped = (place / f"{bank.id}.v{version}.yaml" for place in (folder, banks_dir() / ARCHIVE))
    return beside if beside.is_file() or not shipped.is_file() else shipped


def bank_versions(bank: Bank) -> list[int]:
    """Every version of ``bank`` on disk: the archived ones and its own."""
    archived = {
        int(m["version"])
        for p in version_path(bank, 1).parent.glob(f"{bank.id}.v*.yaml")
        if (m := VERSION_FILE.fullmatch(p.name)) and m["id"] == bank.id
    }
    return sorted(archived | {bank.version})


def misnamed(bank: Bank) -> bool:
    """Whether ``bank`` is an archive file whose name says another bank or version than it holds."""
    named = VERSION_FILE.fullmatch(bank.path.name) if bank.path and bank.path.parent.name == ARCHIVE else None
    return named is not None and (named["id"], int(named["version"])) != (bank.id, bank.version)
