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

from scorecard.errors import ScorecardError
from scorecard.paths import DB_ENV_VAR, resolve_db_path
from scorecard.store import Store
from scorecard.survey.bank import DEFAULT_BANK, Bank
from scorecard.survey.bank_file import bank_files, lint_bank_file, load_bank

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


class ScanProgressBars:
    """A progress bar per repository on stderr (a terminal only), and the scan's phase messages between them."""

    WIDTH = 30

    def __init__(self, stream: Any = None) -> None:
        self.stream = stream or sys.stderr
        self.open_line = False
        self.last: tuple[str, int] | None = None

    def advance(self, path: str, read: int, total: int) -> None:
        if self.last == (path, read):  # the final tick can repeat the last periodic one
            return
        self.last = (path, read)
        total = max(total, read, 1)
        filled = round(self.WIDTH * read / total)
        bar = "#" * filled + "-" * (self.WIDTH - filled)
        self.stream.write(f"\r{Path(path).name}: [{bar}] {read / total:4.0%} {read:,}/{total:,} commits")
        self.open_line = read < total
        self.stream.write("" if self.open_line else "\n")
        self.stream.flush()

    def message(self, text: str) -> None:
        self.close()
        self.stream.write(text + "\n")
        self.stream.flush()

    def close(self) -> None:
        if self.open_line:
            self.stream.write("\n")
            self.open_line = False


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
    from scorecard.services.surveys import apply_import, prepare_import, score_json, score_survey
    from scorecard.services.team_metrics import latest_metrics

    if answers_path is None:
        if not team:
            raise click.UsageError("the interactive survey needs --team T (or pass --answers FILE)")
        run_tui(db_path, team=team, quarter=quarter, bank_name=bank_name)
        return
    # Check the whole file before the database is even opened: a bad file leaves no trace.
    prepared = prepare_import(answers_path, team=team, quarter=quarter, bank_name=bank_name)
    with open_store(db_path) as store:
        result = apply_import(store, prepared)
        scored = score_survey(store, result.survey, latest_metrics(store, result.survey.team)[0])
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
    from scorecard.services.surveys import find_team_survey, score_json, score_survey
    from scorecard.services.team_metrics import latest_metrics

    with open_store(db_path) as store:
        scored = score_survey(store, find_team_survey(store, team, quarter, bank_name), latest_metrics(store, team)[0])
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


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--team", required=True, help="The team that owns these repositories.")
@click.option("--subdir", help="Scan only this directory of each repository (a team in a monorepo).")
@click.option(
    "--jobs", type=click.IntRange(1, 256), help="Repositories scanned in parallel processes (default: CPU count)."
)
@click.option(
    "--flags",
    "flags_file",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Extra flag patterns and settings: TOML, or YAML for .yaml/.yml (see scorecard.evidence.patterns).",
)
@click.option(
    "--exclude-path", "exclude_paths", multiple=True, metavar="GLOB", help="Skip paths (vendored, generated)."
)
@click.option("--exclude-author", "exclude_authors", multiple=True, metavar="REGEX", help="Skip authors (bots).")
@click.option("--exclude-commit", "exclude_commits", multiple=True, metavar="SHA", help="Skip commits (reformats).")
@click.option("--full", is_flag=True, help="Read the whole history again instead of only new commits.")
@db_option
@json_option
def scan(
    paths: tuple[Path, ...],
    team: str,
    subdir: str | None,
    jobs: int | None,
    flags_file: Path | None,
    exclude_paths: tuple[str, ...],
    exclude_authors: tuple[str, ...],
    exclude_commits: tuple[str, ...],
    full: bool,
    db_path: Path | None,
    as_json: bool,
) -> None:
    """Mine the git history of each repository PATH into the store (a rescan reads only new commits).

    With --json: one JSON document for one PATH, a list for several.
    """
    from scorecard.evidence.scan import ScanOptions, load_flags_file
    from scorecard.services.scanning import scan_repositories

    options = ScanOptions(
        team=team,
        subdir=subdir,
        flags_config=load_flags_file(flags_file) if flags_file else None,
        exclude_paths=exclude_paths,
        exclude_authors=exclude_authors,
        exclude_commits=exclude_commits,
        full=full,
    )
    on_terminal = not as_json and sys.stderr.isatty()
    bars = ScanProgressBars()
    with open_store(db_path) as store:
        try:
            summaries = scan_repositories(
                store,
                list(paths),
                options,
                jobs=jobs,
                progress=bars.message if on_terminal else None,
                advance=bars.advance if on_terminal else None,
            )
        finally:
            bars.close()
    for summary in summaries:
        for warning in summary["warnings"]:
            click.echo(f"Warning: {warning}", err=True)
    if as_json:
        echo_json(summaries[0] if len(summaries) == 1 else summaries)
        return
    for s in summaries:
        m = s["metrics"]
        ratio = "-" if s["config_to_code_ratio"] is None else f"{s['config_to_code_ratio']:.2f}"
        click.echo(f"{s['repo']} @ {s['head'][:12]} ({s['scan']['mode']} scan, {s['elapsed_s']:.1f}s)")
        click.echo(
            f"  {s['commits']} commits, churn +{s['churn']['added']} -{s['churn']['deleted']}, "
            f"{int(m['lines.code'])} code / {int(m['lines.config'])} config / {int(m['lines.test'])} test lines "
            f"(config:code {ratio})"
        )
        click.echo(
            f"  {s['flags']['alive']} flags alive ({s['flags']['stale']} stale), "
            f"{s['debt_comments']['alive']} debt comments, {s['coupling']['strong_pairs']} strongly coupled pairs, "
            f"bus factor {s['ownership']['bus_factor']}"
        )


@main.command()
@click.option("--team", help="One team's report.")
@click.option("--all", "all_teams", is_flag=True, help="Every team: an org overview, then a page per team.")
@click.option("--demo", is_flag=True, help="A sample organisation, built in a temporary database (--db unused).")
@click.option("-o", "--output", required=True, type=click.Path(path_type=Path), help="The HTML file to write.")
@click.option(
    "--quarters",
    default=8,
    show_default=True,
    type=click.IntRange(1, 40),
    help="How many quarters back from the latest surveyed one.",
)
@db_option
def report(team: str | None, all_teams: bool, demo: bool, output: Path, quarters: int, db_path: Path | None) -> None:
    """Write a self-contained HTML trend report (one file, works offline, prints a page per team)."""
    from scorecard import report as reports

    given = [name for name, on in (("--team", team is not None), ("--all", all_teams), ("--demo", demo)) if on]
    if len(given) != 1:
        raise reports.ReportError(
            "choose one of --team T, --all or --demo" + (f", not {' and '.join(given)}" if given else "")
        )
    reports.check_writable(output)  # before any work: a wrong path fails in a moment, not after the report
    if demo:
        data = reports.demo_report(quarters)
    else:
        with open_store(db_path) as store:
            data = reports.collect_report(store, team, quarters)
    reports.write_report(reports.render_report(data), output)
    click.echo(f"Wrote {output}: {len(data.teams)} team(s), {data.quarters[0]} to {data.quarters[-1]}", err=True)


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
    from scorecard.services.surveys import find_team_survey
    from scorecard.survey.answers_file import answers_yaml

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
