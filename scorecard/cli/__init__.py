"""The ``scorecard`` command line: each command parses its arguments and makes one library call.

Every failure a user can cause ends as one line ``Error: ...`` on stderr and a non-zero exit code: 1 for bad
input or environment, 2 for bad usage, 130 for Ctrl-C. ``--json`` prints JSON for scripts; people get rich
output (:mod:`scorecard.console`).

The shared parts (errors, ``--db``) are in :mod:`.common`; a group with several commands of its own has its
module (:mod:`.evidence`, :mod:`.actions`).
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from scorecard import console
from scorecard.cli.actions import actions
from scorecard.cli.common import ScorecardGroup, database_path, db_option, json_option, open_store
from scorecard.cli.evidence import evidence
from scorecard.errors import one_line
from scorecard.survey.bank import DEFAULT_BANK
from scorecard.survey.systems import system_option
from scorecard.team_names import normalize_team_name


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


def run_tui(
    db_path: Path | None,
    team: str | None = None,
    quarter: str | None = None,
    bank_name: str | None = None,
    respondent: str | None = None,
    system: str | None = None,
) -> None:
    """Open the terminal interface; it needs a real terminal on both ends. The quarter, the bank, the
    respondent and the system are checked first, so a typo opens (or creates) no database."""
    from scorecard.quarters import normalize_quarter
    from scorecard.survey.bank_file import load_bank
    from scorecard.survey.respondents import normalize_respondent

    quarter = normalize_quarter(quarter) if quarter else None
    team = normalize_team_name(team) if team else None
    respondent = normalize_respondent(respondent) if respondent else None
    system = system_option(system)
    if bank_name:
        load_bank(bank_name)
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise click.UsageError(
            "the interactive survey needs a terminal: for scripts use `scorecard survey --answers FILE`"
        )
    from scorecard.tui import make_app  # Textual is imported only when the TUI runs

    make_app(
        db_path=database_path(db_path),
        team=team,
        quarter=quarter,
        bank_name=bank_name,
        respondent=respondent,
        system=system,
    ).run()


# ---------------------------------------------------------------------------------------------------------
# questions


@main.group(cls=ScorecardGroup)
def questions() -> None:
    """The question banks, the metric contract, and a validator for custom banks."""


@questions.command("list")
@json_option
def questions_list(as_json: bool) -> None:
    """List the shipped banks with their area and question counts."""
    from scorecard.survey.bank import bank_summary
    from scorecard.survey.bank_file import shipped_banks

    banks = shipped_banks()
    if as_json:
        console.print_json([bank_summary(bank) for bank in banks])
    else:
        console.print_banks(banks)


@questions.command("show")
@click.argument("bank_name", metavar="BANK")
@json_option
def questions_show(bank_name: str, as_json: bool) -> None:
    """Print a whole bank: areas, questions, options and their points."""
    from scorecard.survey.bank import bank_document
    from scorecard.survey.bank_file import load_bank

    bank = load_bank(bank_name)
    if as_json:
        console.print_json(bank_document(bank))
    else:
        console.print_bank(bank)


@questions.command("lint")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@json_option
def questions_lint(paths: tuple[Path, ...], as_json: bool) -> None:
    """Check bank files (default: every shipped bank); exit 1 if any problem is found."""
    from scorecard.survey.bank_file import lint_bank_paths

    files, problems = lint_bank_paths(paths)
    if as_json:
        console.print_json(
            {
                "files": [str(p) for p in files],
                "problems": [
                    {"file": p.file, "line": p.line, "question": p.question, "message": p.message} for p in problems
                ],
            }
        )
    else:
        for problem in problems:
            click.echo(str(problem))
        status = f"{len(problems)} problem(s)" if problems else "ok"
        click.echo(f"{status} in {len(files)} bank file(s)", err=bool(problems))
    if problems:
        sys.exit(1)


@questions.command("metrics")
@json_option
def questions_metrics(as_json: bool) -> None:
    """The metric contract: every git-evidence metric's name, unit, definition and team roll-up."""
    from scorecard.metric_contract import contract_document

    if as_json:
        console.print_json(contract_document())
    else:
        console.print_metric_contract()


# ---------------------------------------------------------------------------------------------------------
# survey, show, teams, answers


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
@click.option(
    "--respondent", help="Answer as this person (blind, combined with the others'); without it, the team answers."
)
@click.option(
    "--system", help="One system of the team (a model, a pipeline, a service); without it, the team-level survey."
)
@db_option
@json_option
def survey(
    team: str | None,
    quarter: str | None,
    bank_name: str | None,
    answers_path: Path | None,
    respondent: str | None,
    system: str | None,
    db_path: Path | None,
    as_json: bool,
) -> None:
    """Take this quarter's survey; with --answers FILE, import, score and store a scripted one."""
    from scorecard.services.surveys import import_answers_file, score_json

    if answers_path is None:
        if not team:
            raise click.UsageError("the interactive survey needs --team T (or pass --answers FILE)")
        run_tui(db_path, team=team, quarter=quarter, bank_name=bank_name, respondent=respondent, system=system)
        return
    result, scored = import_answers_file(
        answers_path,
        lambda: open_store(db_path),
        team=team,
        quarter=quarter,
        bank_name=bank_name,
        respondent=respondent,
        system=system,
    )
    if as_json:
        console.print_json({**score_json(scored), "changed": result.changed, "actions_added": result.actions_added})
        return
    found = result.survey
    added = f" and {result.actions_added} new action(s)" if result.actions_added else ""
    of_system = f" (system {found.system})" if found.system else ""
    click.echo(
        f"Imported {result.changed} changed answer(s){added} for {found.team}{of_system} {found.quarter} "
        f"({found.bank_id} v{found.bank_version}, {found.status})."
    )
    console.print_score(scored)


@main.command()
@click.option("--team", required=True, help="Team name.")
@click.option("--quarter", help="Quarter like 2026Q4 (default: the team's latest).")
@click.option("--bank", "bank_name", help="Only surveys of this bank.")
@click.option(
    "--system", help="One system of the team (a model, a pipeline, a service); without it, the team-level survey."
)
@db_option
@json_option
def show(
    team: str, quarter: str | None, bank_name: str | None, system: str | None, db_path: Path | None, as_json: bool
) -> None:
    """Print a team's scores for its latest (or the given) survey, beside its latest git evidence."""
    from scorecard.services.show import EvidenceOnly, evidence_only_json, show_team
    from scorecard.services.surveys import score_json
    from scorecard.services.systems import SystemsRollup, rollup_json, rollup_lines

    team = normalize_team_name(team)  # inputs first: a bad one opens no database
    system = system_option(system)
    with open_store(db_path, create=False) as store:
        shown = show_team(store, team, quarter, bank_name, system)
    if isinstance(shown, SystemsRollup):
        if as_json:
            console.print_json(rollup_json(shown))
        else:
            click.echo("\n".join(rollup_lines(shown)))
        return
    if isinstance(shown, EvidenceOnly):
        console.print_json(evidence_only_json(shown)) if as_json else console.print_evidence_only(shown)
    elif as_json:
        console.print_json(score_json(shown))
    else:
        console.print_score(shown)


@main.command()
@db_option
@json_option
def teams(db_path: Path | None, as_json: bool) -> None:
    """List teams with their latest survey."""
    from scorecard.services.teams import team_survey_rows

    with open_store(db_path, create=False) as store:
        rows = team_survey_rows(store)
    if as_json:
        console.print_json(rows)
    else:
        console.print_teams(rows)


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
@click.option("--system", help="Tie the repositories to this system of the team (a model, a pipeline, a service).")
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
    system: str | None,
    db_path: Path | None,
    as_json: bool,
) -> None:
    """Mine the git history of each repository PATH into the store (a rescan reads only new commits).

    With --json: one JSON document for one PATH, a list for several.
    """
    from scorecard.evidence.repository_scan import ScanOptions, load_flags_file
    from scorecard.services.scanning import check_repositories, scan_repositories

    options = ScanOptions(
        team=normalize_team_name(team),
        subdir=subdir,
        flags_config=load_flags_file(flags_file) if flags_file else None,
        exclude_paths=exclude_paths,
        exclude_authors=exclude_authors,
        exclude_commits=exclude_commits,
        full=full,
    )
    system_name = system_option(system) if system is not None else None
    check_repositories(paths, subdir)  # a bad path fails before any database is opened or created
    with open_store(db_path) as store, console.scan_progress(enabled=not as_json) as bars:
        summaries = scan_repositories(
            store,
            list(paths),
            options,
            jobs=jobs,
            progress=bars.message if bars else None,
            advance=bars.advance if bars else None,
            system=system_name,
        )
    for summary in summaries:
        for warning in summary["warnings"]:
            # A warning quotes the repository's own text (its folder name, its pyproject): escaped, one line.
            click.echo(f"Warning: {one_line(warning, 1000)}", err=True)
    if as_json:
        console.print_json(summaries[0] if len(summaries) == 1 else summaries)
    else:
        console.print_scan_summaries(summaries)


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
@click.option(
    "--bank",
    "bank_files",
    multiple=True,
    metavar="FILE",
    help="A custom bank file some surveys were taken with (repeat for several); without it they are left out.",
)
@db_option
def report(
    team: str | None,
    all_teams: bool,
    demo: bool,
    output: Path,
    quarters: int,
    bank_files: tuple[str, ...],
    db_path: Path | None,
) -> None:
    """Write a self-contained HTML trend report (one file, works offline, prints a page per team)."""
    from scorecard import report as reports
    from scorecard.files import refuse_overwriting_database

    given = [name for name, on in (("--team", team is not None), ("--all", all_teams), ("--demo", demo)) if on]
    if len(given) != 1:
        raise reports.ReportError(
            "choose one of --team T, --all or --demo" + (f", not {' and '.join(given)}" if given else "")
        )
    refuse_overwriting_database(output, database_path(db_path))
    reports.check_writable(output)  # before any work: a wrong path fails in a moment, not after the report
    bank_for = reports.bank_resolver(bank_files)  # a bad bank file fails before the database is read
    if demo:
        data = reports.demo_report(quarters)
    else:
        team = normalize_team_name(team) if team else None
        with open_store(db_path, create=False) as store:
            data = reports.collect_report(store, team, quarters)
    data = reports.without_missing_banks(data, bank_for)
    if data.left_out:
        click.echo(reports.left_out_warning(data.left_out), err=True)
    reports.write_report(reports.render_report(data, bank_for), output)
    click.echo(f"Wrote {output}: {len(data.teams)} team(s), {data.quarters[0]} to {data.quarters[-1]}", err=True)


@main.group(cls=ScorecardGroup)
def answers() -> None:
    """Answers files: the YAML format `survey --answers` reads."""


@answers.command("export")
@click.option("--team", required=True, help="Team name.")
@click.option("--quarter", help="Quarter like 2026Q4 (default: the team's latest).")
@click.option("--bank", "bank_name", help="Only surveys of this bank.")
@click.option("--respondent", help="Only this respondent's answers (default: the team's, and each respondent's).")
@click.option(
    "--system", help="One system of the team (a model, a pipeline, a service); without it, the team-level survey."
)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write here, not stdout; each respondent's file goes beside it (answers.NAME.yaml).",
)
@db_option
def answers_export(
    team: str,
    quarter: str | None,
    bank_name: str | None,
    respondent: str | None,
    system: str | None,
    output: Path | None,
    db_path: Path | None,
) -> None:
    """Write a survey's answers as YAML (the same format `survey --answers` reads).

    Without --respondent, the team answers go to stdout (or -o FILE) and, with -o, each respondent's answers to a
    file of their own beside it; stdout holds one file, so it names the respondents it leaves out.
    """
    from scorecard.files import refuse_overwriting_database, write_text_atomically
    from scorecard.services.answer_export import export_answer_files, respondent_file_path
    from scorecard.survey.respondents import normalize_respondent

    team = normalize_team_name(team)
    respondent = normalize_respondent(respondent) if respondent is not None else None
    system = system_option(system)
    with open_store(db_path, create=False) as store:
        files = export_answer_files(store, team, quarter, bank_name, respondent, system)
    if output is None:
        click.echo(files[0].text, nl=False)
        left_out = [exported.respondent for exported in files[1:] if exported.respondent]
        if left_out:
            click.echo(f"Left out {len(left_out)} respondent(s): use --respondent NAME or -o FILE.", err=True)
        return
    taken: set[Path] = set()
    paths = [
        output
        if exported.respondent is None or respondent
        else respondent_file_path(output, exported.respondent, taken)
        for exported in files
    ]
    for path in paths:  # every target is checked before any is written
        refuse_overwriting_database(path, database_path(db_path))
    for path, exported in zip(paths, files, strict=True):
        write_text_atomically(path, exported.text)
        click.echo(f"Wrote {path}", err=True)


main.add_command(evidence)
main.add_command(actions)
