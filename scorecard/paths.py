"""Every path scorecard reads or writes by default, in one place."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "scorecard"
DB_ENV_VAR = "SCORECARD_DB"
PACKAGE_DIR = Path(__file__).resolve().parent


def default_db_path() -> Path:
    """One SQLite file in the user's data directory (platformdirs), e.g. ~/.local/share/scorecard/."""
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)) / "scorecard.db"


def settings_path() -> Path:
    """The user's remembered choices (who answers surveys in the TUI): one small JSON file in the user's config
    directory (platformdirs), e.g. ~/.config/scorecard/settings.json."""
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)) / "settings.json"


def resolve_db_path(option: str | os.PathLike[str] | None = None) -> Path:
    """``--db PATH`` if given, else ``$SCORECARD_DB``, else :func:`default_db_path`."""
    if option:
        return Path(option).expanduser()
    from_env = os.environ.get(DB_ENV_VAR)
    if from_env:
        return Path(from_env).expanduser()
    return default_db_path()


def _shipped_dir(name: str) -> Path:
    # A wheel carries questions/ and templates/ inside the package (pyproject force-include); an editable
    # install or a source checkout finds them at the top of the repository instead.
    inside = PACKAGE_DIR / name
    return inside if inside.is_dir() else PACKAGE_DIR.parent / name


def banks_dir() -> Path:
    """The folder of the shipped question banks."""
    return _shipped_dir("questions")


def templates_dir() -> Path:
    """The folder of the shipped report templates."""
    return _shipped_dir("templates")
