"""Shared fixtures: no test ever touches a real user's database or data directory."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def isolated_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point SCORECARD_DB and the platform data dirs at tmp_path for every test."""
    db = tmp_path / "scorecard.db"
    monkeypatch.setenv("SCORECARD_DB", str(db))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.delenv("SCORECARD_DEBUG", raising=False)
    return db
