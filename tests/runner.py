"""The command line run in-process, as a user would call it, for the tests of every module that has a command."""

from __future__ import annotations

from pathlib import Path

import click.testing
from click.testing import CliRunner

from scorecard.cli import main


def run_cli(*args: str, db: Path | None = None, input: str | None = None) -> click.testing.Result:
    """``run_cli("show", "--team", "t", db=path)``: exit code and output of one command; never a traceback."""
    argv = [*args, "--db", str(db)] if db else list(args)
    result = CliRunner().invoke(main, argv, catch_exceptions=False, input=input)
    assert "Traceback" not in result.output
    return result
