"""Shared fixtures: the tiny bank, a clock the test moves, a store on a real SQLite file, the CLI runner.

No test ever touches a real user's database or data directory (``isolated_data`` is autouse).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import click.testing
import pytest

from scorecard.store import Store
from scorecard.survey.bank import Bank
from scorecard.survey.bank_file import load_bank_file
from tests.banks import write_bank
from tests.runner import run_cli

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def isolated_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point SCORECARD_DB and the platform data dirs at tmp_path for every test."""
    db = tmp_path / "scorecard.db"
    monkeypatch.setenv("SCORECARD_DB", str(db))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    monkeypatch.delenv("SCORECARD_DEBUG", raising=False)
    return db


@pytest.fixture(autouse=True)
def team_answers_remembered(request: pytest.FixtureRequest, isolated_data: Path) -> None:
    """Every TUI test (tests/test_tui*.py) starts as someone who chose, once, to answer surveys for the whole
    team: the TUI answers as it did before respondents existed and does not ask. The real remembered setting
    (not a switch only tests use) skips the prompt; tests of the prompt itself take :func:`nobody_chose_yet`.
    Other tests get no settings file (some list everything in tmp_path)."""
    if not request.module.__name__.rpartition(".")[2].startswith("test_tui"):
        return
    from scorecard.services.respondent_choice import THE_TEAM, remember_choice

    remember_choice(THE_TEAM)


@pytest.fixture
def nobody_chose_yet() -> None:
    """No one on this computer said yet who answers: the TUI asks when a survey opens."""
    from scorecard.paths import settings_path

    settings_path().unlink()


class FakeClock:
    """A clock the test moves by hand (``tick``), so timestamps are exact."""

    def __init__(self, now: datetime = NOW) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def tick(self, minutes: int = 1) -> None:
        self.now += timedelta(minutes=minutes)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def store(tmp_path: Path, clock: FakeClock) -> Iterator[Store]:
    """A store on a real SQLite file in tmp_path, on the test's clock."""
    with Store.open(tmp_path / "store.db", clock=clock) as opened:
        yield opened


@pytest.fixture
def tiny_bank_path(tmp_path: Path) -> Path:
    """The tiny test bank (tests/banks.py) written as a file, as users write banks."""
    return write_bank(tmp_path)


@pytest.fixture
def tiny_bank(tiny_bank_path: Path) -> Bank:
    return load_bank_file(tiny_bank_path)


@pytest.fixture
def cli() -> Callable[..., click.testing.Result]:
    """``cli("show", "--team", "t", db=path)``: run the command line in-process (see tests/runner.py)."""
    return run_cli
