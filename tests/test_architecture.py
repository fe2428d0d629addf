"""The shape of the code, enforced: a headless core, SQL and git each in one place, modules a reader can hold.

The layers themselves are import-linter's contract (``pyproject.toml``, run by ``lint-imports`` in the test
command); this file checks what import-linter cannot: what is loaded at run time, which modules start
programs, and the size of files and functions.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "scorecard"
MAX_FILE_LINES = 500
MAX_FUNCTION_LINES = 60
# Files allowed past MAX_FILE_LINES, each with the reason its docstring gives for being one unit.
LONG_FILES: dict[str, str] = {}
# Functions allowed past MAX_FUNCTION_LINES, and why.
LONG_FUNCTIONS = {"store/schema.py:m002_repos_scans_commits": "a shipped migration is a record: never edited"}


def _modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def test_importing_the_whole_core_loads_no_textual():
    core = [
        ".".join(("scorecard", *path.relative_to(PACKAGE).with_suffix("").parts)).removesuffix(".__init__")
        for path in _modules()
        if "tui" not in path.relative_to(PACKAGE).parts and path.stem != "__main__"
    ]
    code = f"import sys\nfor m in {core!r}: __import__(m)\nprint(sorted(m for m in sys.modules if m.split('.')[0] == 'textual'))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_only_the_store_imports_sqlite():
    speaks_sql = re.compile(r"^\s*(import sqlite3|import sqlite_utils|from sqlite_utils|from sqlite3)", re.MULTILINE)
    offenders = [
        path.relative_to(PACKAGE).as_posix()
        for path in _modules()
        if path.relative_to(PACKAGE).parts[0] != "store" and speaks_sql.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_only_evidence_git_starts_git():
    starts_a_program = re.compile(r"^\s*import subprocess|from subprocess import|\bgit\.(?:Repo|Git)\b", re.MULTILINE)
    # The stoppable scan starts `python -m scorecard.services.stoppable_scan` (a child the TUI can end), not git.
    allowed = {"evidence/git.py", "services/stoppable_scan.py"}
    offenders = [
        path.relative_to(PACKAGE).as_posix()
        for path in _modules()
        if path.relative_to(PACKAGE).as_posix() not in allowed
        and starts_a_program.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_no_module_is_longer_than_a_reader_can_hold():
    too_long = {
        path.relative_to(PACKAGE).as_posix(): lines
        for path in _modules()
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_FILE_LINES
    }
    assert set(too_long) <= set(LONG_FILES), too_long


def test_no_function_is_longer_than_a_screen():
    too_long = []
    for path in _modules():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                where = f"{path.relative_to(PACKAGE).as_posix()}:{node.name}"
                if length > MAX_FUNCTION_LINES and where not in LONG_FUNCTIONS:
                    too_long.append(f"{path.relative_to(PACKAGE).as_posix()}:{node.lineno} {node.name} ({length})")
    assert too_long == []


def test_every_module_says_what_it_is_for():
    undocumented = [
        path.relative_to(PACKAGE).as_posix()
        for path in _modules()
        if path.read_text(encoding="utf-8").strip() and ast.get_docstring(ast.parse(path.read_text())) is None
    ]
    assert undocumented == []


def test_no_private_function_is_left_unused_in_its_module():
    """A module-level ``_function`` is the module's own: if the module never names it again, it is dead code."""
    unused = []
    for path in _modules():
        text = path.read_text(encoding="utf-8")
        for node in ast.parse(text).body:
            private = node.name if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) else ""
            named_once = len(re.findall(rf"\b{private}\b", text)) < 2
            if private.startswith("_") and not private.startswith("__") and named_once:
                unused.append(f"{path.relative_to(PACKAGE).as_posix()}:{node.lineno} {private}")
    assert unused == []
