"""The report package's public API, and trend modules that stay pure (sizes: tests/test_architecture.py)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from scorecard import report

PACKAGE = Path(report.__file__).parent


@pytest.mark.parametrize("name", ["trends.py", "changes.py"])
def test_trend_modules_are_pure(name):
    tree = ast.parse((PACKAGE / name).read_text(encoding="utf-8"))
    imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    imported |= {node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert not {m for m in imported if m.startswith(("scorecard.store", "jinja2", "matplotlib", "sqlite3"))}


def test_the_public_api():
    assert sorted(report.__all__) == [
        "DEFAULT_QUARTERS",
        "GitFrames",
        "ReportError",
        "ReportInput",
        "bank_resolver",
        "build_report",
        "check_writable",
        "collect_git_frames",
        "collect_report",
        "demo_report",
        "left_out_warning",
        "make_environment",
        "render_report",
        "without_missing_banks",
        "write_report",
    ]
