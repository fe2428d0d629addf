"""The shape ARCHITECTURE.md promises, enforced: a headless core, and SQL in one module only."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "scorecard"
HEADLESS = sorted(
    ".".join(("scorecard", *path.relative_to(PACKAGE).with_suffix("").parts)).removesuffix(".__init__")
    for path in PACKAGE.rglob("*.py")
    if path.stem not in {"__main__", "cli"} and "tui" not in path.parts
)


@pytest.mark.parametrize("module", HEADLESS)
def test_core_modules_never_import_textual(module):
    code = f"import sys, {module}; print(any(m == 'textual' or m.startswith('textual.') for m in sys.modules))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False", f"{module} pulls in textual"


def test_only_store_speaks_sql():
    speaks_sql = re.compile(r"^\s*(import sqlite3|import sqlite_utils|from sqlite_utils)", re.MULTILINE)
    offenders = [
        path.relative_to(PACKAGE).as_posix()
        for path in PACKAGE.rglob("*.py")
        if "store" not in path.relative_to(PACKAGE).parts and speaks_sql.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_only_mining_runs_git():
    runs_a_program = re.compile(r"^\s*import subprocess|from subprocess import|\bgit\.(?:Repo|Git)\b", re.MULTILINE)
    # scan_process.py starts `python -m scorecard.services.scan_process` (a scan that can be stopped), never git itself.
    allowed = {"git.py", "scan_process.py"}
    offenders = [
        path.relative_to(PACKAGE).as_posix()
        for path in PACKAGE.rglob("*.py")
        if path.name not in allowed and runs_a_program.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []
