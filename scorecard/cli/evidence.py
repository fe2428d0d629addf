"""``scorecard evidence``: contradictions between answers and git evidence that a team examined and set aside."""

from __future__ import annotations

from pathlib import Path

import click

from scorecard import console
from scorecard.cli.common import ScorecardGroup, list_team_records, open_store, print_result, team_options
from scorecard.team_names import normalize_team_name


@click.group(cls=ScorecardGroup)
def evidence() -> None:
    """Contradictions between answers and git evidence that a team examined and set aside."""


@evidence.command("dismiss")
@team_options(
    bank_help="The survey of this bank (default: the team's latest survey).",
    system_help="Dismiss for this system of the team, against its latest survey (default: the whole team).",
)
@click.option("--question", "question_id", required=True, help="The question whose contradiction to dismiss.")
@click.option("--reason", required=True, help="Why the evidence does not apply (kept, and shown in the report).")
@click.option(
    "--margin",
    type=float,
    default=0.2,
    show_default=True,
    help="How far (a fraction: 0.2 = 20%) a value may move before the dismissal lapses.",
)
def evidence_dismiss(
    team: str,
    system: str | None,
    question_id: str,
    reason: str,
    margin: float,
    bank_name: str | None,
    db_path: Path | None,
    as_json: bool,
) -> None:
    """Dismiss every rule of a question that fires against the team's latest survey, with a reason.

    A dismissal holds while each value the rule measured stays within the margin of its value now; past it,
    the contradiction shows again. With --system it covers that system's surveys; without, the whole team's
    (every system's too).
    """
    from scorecard.services.dismissals import check_margin, check_reason, dismiss_question, dismissal_json
    from scorecard.survey.systems import system_option

    team = normalize_team_name(team)  # inputs first: a bad one opens no database
    system = system_option(system)
    reason, margin = check_reason(reason), check_margin(margin)
    with open_store(db_path, create=False) as store:
        dismissed = dismiss_question(store, team, question_id, reason, margin, bank_name, system)
    print_result(dismissed, as_json, lambda found: [dismissal_json(d) for d in found], console.print_dismissed)


@evidence.command("list")
@team_options(
    bank_help="A custom bank file the dismissals' rules are in.",
    system_help="Only the dismissals covering this system of the team: its own and the whole team's (default: all).",
)
def evidence_list(team: str, system: str | None, bank_name: str | None, db_path: Path | None, as_json: bool) -> None:
    """The team's dismissals, newest first, each holding, lapsed, superseded or of a rule that is gone."""
    from scorecard.services.dismissals import dismissal_states, state_json

    list_team_records(
        (team, system, bank_name, db_path), dismissal_states, as_json, (state_json, console.print_dismissal_states)
    )
