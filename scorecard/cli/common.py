"""What every command shares: errors as one line, the ``--db`` and ``--json`` options, and the store to open.

``--db`` is accepted before the command (``scorecard --db F show ...``) and after it; the one after wins, then
the one before, then ``$SCORECARD_DB``, then the default file (:func:`scorecard.paths.resolve_db_path`).
"""

from __future__ import annotations

import os
import sys
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import click

from scorecard import console
from scorecard.errors import ScorecardError, one_line
from scorecard.paths import DB_ENV_VAR, resolve_db_path
from scorecard.store import Store

F = TypeVar("F", bound=Callable[..., Any])
R = TypeVar("R")


class ScorecardGroup(click.Group):
    """Turns every :class:`ScorecardError` into ``Error: <one line>`` and exit 1, and hides tracebacks."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ScorecardError as error:
            # Messages quote user text: escaped and cut short, so a name cannot retitle the terminal or split
            # the one line scripts read.
            raise click.ClickException(one_line(str(error), limit=1000)) from None
        except (click.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise
        except BrokenPipeError:
            # The reader went away (`scorecard show | head`): stop quietly, as Unix tools do.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            ctx.exit(1)
        except KeyboardInterrupt:
            click.echo("Interrupted.", err=True)
            ctx.exit(130)
        except Exception as error:  # a bug: still one line for the user, the traceback on request
            if os.environ.get("SCORECARD_DEBUG"):
                traceback.print_exc()
            raise click.ClickException(
                one_line(f"internal error ({type(error).__name__}: {error}); set SCORECARD_DEBUG=1 for the traceback")
            ) from None


def db_option(func: F) -> F:
    # No envvar here: $SCORECARD_DB is read once, after both command-line places (see the module docstring).
    return click.option(
        "--db",
        "db_path",
        type=click.Path(dir_okay=True, path_type=Path),
        help=f"SQLite database file (default: ${DB_ENV_VAR}, else one file in the user data directory).",
    )(func)


def json_option(func: F) -> F:
    return click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")(func)


def team_options(bank_help: str, system_help: str) -> Callable[[F], F]:
    """The options of a command about one team's records (``actions``, ``evidence``): ``--team`` (required),
    ``--system``, ``--bank`` with ``bank_help``, ``--db`` and ``--json``, in that order in ``--help``."""

    def decorate(func: F) -> F:
        func = db_option(json_option(func))
        func = click.option("--bank", "bank_name", help=bank_help)(func)
        func = click.option("--system", help=system_help)(func)
        return click.option("--team", required=True, help="Team name.")(func)

    return decorate


def list_team_records(
    options: tuple[str, str | None, str | None, Path | None],
    read: Callable[[Store, str, Any, str | None], Sequence[R]],
    as_json: bool,
    shown: tuple[Callable[[R], Any], Callable[[Sequence[R]], None]],
) -> None:
    """A ``list`` command of :func:`team_options`: ``options`` (team, system, bank, db) checked before any
    database opens, ``read(store, team, bank, system)`` the records (system None: all), then printed as JSON
    (each through ``shown``'s first function) or for people (its second)."""
    from scorecard.survey.bank_file import load_bank
    from scorecard.survey.systems import system_option
    from scorecard.team_names import normalize_team_name

    team, system, bank_name, db_path = options
    team = normalize_team_name(team)  # inputs first: a bad one opens no database
    system = system_option(system) if system is not None else None
    bank = load_bank(bank_name) if bank_name else None
    with open_store(db_path, create=False) as store:
        records = read(store, team, bank, system)
    to_json, print_records = shown
    print_result(records, as_json, lambda found: [to_json(record) for record in found], print_records)


def print_result(result: R, as_json: bool, to_json: Callable[[R], Any], for_people: Callable[[R], None]) -> None:
    """A command's result as JSON (``--json``: ``to_json(result)``) or for people."""
    if as_json:
        console.print_json(to_json(result))
    else:
        for_people(result)


def database_path(db_path: Path | None) -> Path:
    """The database a command uses: its own ``--db``, else the group's, else the environment's, else the default."""
    group_value = click.get_current_context().find_root().params.get("db_path")
    return resolve_db_path(db_path or group_value)


def open_store(db_path: Path | None, create: bool = True) -> Store:
    """The command's database; ``create=False`` for commands that only read (a typo makes no new file)."""
    return Store.open(database_path(db_path), create=create)
