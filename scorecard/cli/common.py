"""What every command shares: errors as one line, the ``--db`` and ``--json`` options, and the store to open.

``--db`` is accepted before the command (``scorecard --db F show ...``) and after it; the one after wins, then
the one before, then ``$SCORECARD_DB``, then the default file (:func:`scorecard.paths.resolve_db_path`).
"""

from __future__ import annotations

import os
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from scorecard.errors import ScorecardError, one_line
from scorecard.paths import DB_ENV_VAR, resolve_db_path
from scorecard.store import Store

F = TypeVar("F", bound=Callable[..., Any])


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


def database_path(db_path: Path | None) -> Path:
    """The database a command uses: its own ``--db``, else the group's, else the environment's, else the default."""
    group_value = click.get_current_context().find_root().params.get("db_path")
    return resolve_db_path(db_path or group_value)


def open_store(db_path: Path | None, create: bool = True) -> Store:
    """The command's database; ``create=False`` for commands that only read (a typo makes no new file)."""
    return Store.open(database_path(db_path), create=create)
