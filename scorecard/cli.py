"""The ``scorecard`` command line: a thin click layer over bank, surveys, store and friends.

Every failure a user can cause ends as one line ``Error: ...`` on stderr and a non-zero exit code: 1 for bad
input or environment, 2 for bad usage, 130 for Ctrl-C. Commands print JSON with ``--json`` for scripts.
"""

from __future__ import annotations

import json
import os
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from scorecard.bank import DEFAULT_BANK, Bank, bank_files, lint_bank_file, load_bank
from scorecard.errors import ScorecardError
from scorecard.paths import DB_ENV_VAR, resolve_db_path
from scorecard.store import Store

F = TypeVar("F", bound=Callable[..., Any])


class ScorecardGroup(click.Group):
    """Turns every :class:`ScorecardError` into ``Error: <one line>`` and exit 1, and hides tracebacks."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ScorecardError as error:
            raise click.ClickException(str(error)) from None
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
                f"internal error ({type(error).__name__}: {error}); set SCORECARD_DEBUG=1 to see the traceback"
            ) from None


def db_option(func: F) -> F:
    return click.option(
        "--db",
        "db_path",
        type=click.Path(dir_okay=True, path_type=Path),
        envvar=DB_ENV_VAR,
        help=f"SQLite database file (default: ${DB_ENV_VAR}, else one file in the user data directory).",
    )(func)


def json_option(func: F) -> F:
    return click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")(func)


def open_store(db_path: Path | None) -> Store:
    return Store.open(resolve_db_path(db_path))


def echo_json(document: Any) -> None:
    click.echo(json.dumps(document, indent=2, ensure_ascii=False))


def _format_score(value: float | None, bank: Bank) -> str:
    if value is None:
        return "-"
    return f"{value:.1f}" if bank.aggregation == "min_section_sum" else f"{value:.0f}"


def _bar(value: float | None, full: float, width: int = 20) -> str:
    if value is None:
        return " " * width
    filled = round(width * max(0.0, min(value, full)) / full)
    return "#" * filled + "." * (width - filled)


@click.group(cls=ScorecardGroup, invoke_without_command=True)
@click.version_option(package_name="scorecard")
@db_option
@click.pass_context
def main(ctx: click.Context, db_path: Path | None) -> None:
    """scorecard: how much hidden technical debt an ML system carries, quarter by quarter.

    Without a command, opens the terminal interface (teams, surveys, results).
    """
    if ctx.invoked_subcommand is None:
        run_tui(db_path)


def run_tui(db_path: Path | None, **options: str | None) -> None:
    """Open the terminal interface; it needs a real terminal on both ends."""
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise click.UsageError(
            "the interactive survey needs a terminal: for scripts use `scorecard survey --answers FILE`"
        )
    from scorecard.tui import make_app  # Textual is imported only when the TUI runs

    make_app(db_path=db_path, **options).run()  # type: ignore[arg-type]


# ---------------------------------------------------------------------------------------------------------
# questions


@main.group(cls=ScorecardGroup)
def questions() -> None:
    """The question banks, and a validator for custom banks."""


def _bank_summary(bank: Bank) -> dict[str, Any]:
    return {
        "id": bank.id,
        "version": bank.version,
        "title": bank.title,
        "aggregation": bank.aggregation,
        "areas": len(bank.areas),
        "questions": len(bank.questions),
        "path": str(bank.path) if bank.path else None,
    }


@questions.command("list")
@json_option
def questions_list(as_json: bool) -> None:
    """List the shipped banks with their area and question counts."""
    banks = [load_bank(str(path)) for path in bank_files()]
    if as_json:
        echo_json([_bank_summary(bank) for bank in banks])
        return
    for bank in banks:
        default = " (default)" if bank.id == DEFAULT_BANK else ""
        click.echo(
            f"{bank.id:<16} v{bank.version:<3} {len(bank.areas):>2} areas {len(bank.questions):>3} questions  "
            f"{bank.title}{default}"
        )


def bank_json(bank: Bank) -> dict[str, Any]:
    """A whole bank as JSON (``questions show --json``)."""
    return {
        **_bank_summary(bank),
        "source": bank.source,
        "description": bank.description,
        "levels": [
            {"id": lv.id, "label": lv.label, "max": lv.max, "description": lv.description} for lv in bank.levels
        ],
        "areas": [{"id": a.id, "title": a.title, "description": a.description} for a in bank.areas],
        "questions": [
            {
                "id": q.id,
                "area": q.area,
                "topics": list(q.topics),
                "text": q.text,
                "help": {"why": q.help.why, "source": q.help.source, "good": q.help.good},
                "options": [{"id": o.id, "label": o.label, "points": o.points} for o in q.all_options],
                "evidence": [
                    {
                        "metric": r.metric,
                        "op": r.op,
                        "threshold": r.threshold,
                        "contradicts": list(r.contradicts),
                        "message": r.message,
                    }
                    for r in q.evidence
                ],
            }
            for q in bank.questions
        ],
    }


@questions.command("show")
@click.argument("bank_name", metavar="BANK")
@json_option
def questions_show(bank_name: str, as_json: bool) -> None:
    """Print a whole bank: areas, questions, options and their points."""
    bank = load_bank(bank_name)
    if as_json:
        echo_json(bank_json(bank))
        return
    click.echo(f"{bank.title} ({bank.id} v{bank.version}, aggregation {bank.aggregation})")
    for area in bank.areas:
        click.echo(f"\n== {area.title} [{area.id}]")
        for question in bank.questions_in(area.id):
            click.echo(f"\n{question.id}: {question.text}")
            for option in question.all_options:
                points = "--" if option.points is None else f"{option.points:g}"
                click.echo(f"   {option.id:<18} {points:>4}  {option.label}")


@questions.command("lint")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@json_option
def questions_lint(paths: tuple[Path, ...], as_json: bool) -> None:
    """Check bank files (default: every shipped bank); exit 1 if any problem is found."""
    files = list(paths) if paths else bank_files()
    expanded: list[Path] = []
    for path in files:
        expanded.extend(bank_files(path) if path.is_dir() else [path])
    problems = [problem for path in expanded for problem in lint_bank_file(path)]
    if as_json:
        echo_json(
            {
                "files": [str(p) for p in expanded],
                "problems": [
                    {"file": p.file, "line": p.line, "question": p.question, "message": p.message} for p in problems
                ],
            }
        )
    else:
        for problem in problems:
            click.echo(str(problem))
        status = f"{len(problems)} problem(s)" if problems else "ok"
        click.echo(f"{status} in {len(expanded)} bank file(s)", err=bool(problems))
    if problems:
        sys.exit(1)


# ---------------------------------------------------------------------------------------------------------
# survey, show, answers


@main.command()
@click.option("--team", help="Team name (an answers file may name it instead).")
@click.option("--quarter", help="Quarter like 2026Q4 (default: the file's, else the current quarter).")
@click.option("--bank", "bank_name", help=f"Question bank id or file (default: the file's, else {DEFAULT_BANK}).")
@click.option(
    "--answers",
    "answers_path",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Import this YAML answers file instead of asking interactively.",
)
@db_option
@json_option
def survey(
    team: str | None,
    quarter: str | None,
    bank_name: str | None,
    answers_path: Path | None,
    db_path: Path | None,
    as_json: bool,
) -> None:
    """Take this quarter's survey; with --answers FILE, import, score and store a scripted one."""
    from scorecard.surveys import apply_import, prepare_import, score_json, score_survey

    if answers_path is None:
        if not team:
            raise click.UsageError("the interactive survey needs --team T (or pass --answers FILE)")
        run_tui(db_path, team=team, quarter=quarter, bank_name=bank_name)
        return
    # Check the whole file before the database is even opened: a bad file leaves no trace.
    prepared = prepare_import(answers_path, team=team, quarter=quarter, bank_name=bank_name)
    with open_store(db_path) as store:
        result = apply_import(store, prepared)
        scored = score_survey(store, result.survey)
    if as_json:
        echo_json({**score_json(scored), "changed": result.changed})
        return
    survey_row = result.survey
    click.echo(
        f"Imported {result.changed} changed answer(s) for {survey_row.team} {survey_row.quarter} "
        f"({survey_row.bank_id} v{survey_row.bank_version}, {survey_row.status})."
    )
    _print_score(scored)


def _print_score(scored: Any) -> None:
    card, bank, survey_row = scored.card, scored.bank, scored.survey
    full = 7.0 if bank.aggregation == "min_section_sum" else 100.0
    level = f"{card.level.label}" if card.level else "-"
    click.echo(f"{survey_row.team} · {survey_row.quarter} · {bank.id} v{survey_row.bank_version} · {survey_row.status}")
    click.echo(f"Overall {_format_score(card.overall, bank)} ({level})")
    click.echo(f"Answered {card.answered}/{card.questions}, completeness {card.completeness:.0%}")
    click.echo("")
    for area in card.areas:
        marker = "  <- weakest" if area.area == card.weakest_area else ""
        click.echo(
            f"  {area.title[:32]:<32} {_bar(area.score, full)} {_format_score(area.score, bank):>5}"
            f"  ({area.answered}/{area.questions}){marker}"
        )
    if card.improvements:
        click.echo("\nWhat would raise the score most:")
        for imp in card.improvements:
            question = bank.question(imp.question_id)
            text = question.text if question else imp.question_id
            click.echo(f"  +{imp.gain:.2f}  {imp.question_id}: {imp.from_option} -> {imp.to_option}  {text}")
    if scored.contradictions:
        click.echo("\nWhere answers and git evidence disagree:")
        for c in scored.contradictions:
            click.echo(f"  {c.question_id} ({c.option_id}): {c.metric} = {c.value:g}. {c.message}")


@main.command()
@click.option("--team", required=True, help="Team name.")
@click.option("--quarter", help="Quarter like 2026Q4 (default: the team's latest).")
@click.option("--bank", "bank_name", help="Only surveys of this bank.")
@db_option
@json_option
def show(team: str, quarter: str | None, bank_name: str | None, db_path: Path | None, as_json: bool) -> None:
    """Print a team's scores for its latest (or the given) survey."""
    from scorecard.surveys import find_team_survey, score_json, score_survey

    with open_store(db_path) as store:
        scored = score_survey(store, find_team_survey(store, team, quarter, bank_name))
    if as_json:
        echo_json(score_json(scored))
    else:
        _print_score(scored)


@main.command()
@db_option
@json_option
def teams(db_path: Path | None, as_json: bool) -> None:
    """List teams with their latest survey."""
    with open_store(db_path) as store:
        rows = []
        for team in store.list_teams():
            latest = store.latest_survey(team.name)
            rows.append(
                {
                    "team": team.name,
                    "quarter": latest.quarter if latest else None,
                    "bank": latest.bank_id if latest else None,
                    "status": latest.status if latest else None,
                }
            )
    if as_json:
        echo_json(rows)
        return
    if not rows:
        click.echo("No teams yet: import a survey with `scorecard survey --team T --answers FILE`.")
    for row in rows:
        click.echo(f"{row['team']:<24} {row['quarter'] or '-':<8} {row['bank'] or '-':<16} {row['status'] or 'none'}")


@main.group(cls=ScorecardGroup)
def answers() -> None:
    """Answers files: the YAML format `survey --answers` reads."""


@answers.command("export")
@click.option("--team", required=True, help="Team name.")
@click.option("--quarter", help="Quarter like 2026Q4 (default: the team's latest).")
@click.option("--bank", "bank_name", help="Only surveys of this bank.")
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False), help="Write here, not stdout.")
@db_option
def answers_export(
    team: str, quarter: str | None, bank_name: str | None, output: Path | None, db_path: Path | None
) -> None:
    """Write a survey's answers as YAML (the same format `survey --answers` reads)."""
    from scorecard.answers import answers_yaml
    from scorecard.surveys import find_team_survey

    with open_store(db_path) as store:
        found = find_team_survey(store, team, quarter, bank_name)
        text = answers_yaml(found.team, found.quarter, load_bank(found.bank_id), store.answers_for(found.id))
    if output is None:
        click.echo(text, nl=False)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as error:
        raise click.ClickException(f"cannot write {output}: {error.strerror}") from None
    click.echo(f"Wrote {output}", err=True)
