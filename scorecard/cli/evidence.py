"""``scorecard evidence``: contradictions between answers and git evidence that a team examined and set aside."""

from __future__ import annotations

from pathlib import Path

import click

from scorecard import console
from scorecard.cli.common import ScorecardGroup, db_option, json_option, open_store
from scorecard.team_names import normalize_team_name


@click.group(cls=ScorecardGroup)
def evidence() -> None:
    """Contradictions between answers and git evidence that a team examined and set aside."""


@evidence.command("dismiss")
@click.option("--team", required=True, help="Team name.")
@click.option("--question", "question_id", required=True, help="The question whose contradiction to dismiss.")
@click.option("--reason", required=True, help="Why the evidence does not apply (kept, and shown in the report).")
@click.option(
    "--margin",
    type=float,
    default=0.2,
    show_default=True,
    help="How far (a fraction: 0.2 = 20%) a value may move before the dismissal lapses.",
)
@click.option("--bank", "bank_name", help="The survey of this bank (default: the team's latest survey).")
@db_option
@json_option
def evidence_dismiss(
    team: str,
    question_id: str,
    reason: str,
    margin: float,
    bank_name: str | None,
    db_path: Path | None,
    as_json: bool,
) -> None:
    """Dismiss every rule of a question that fires against the team's latest survey, with a reason.

    A dismissal holds while each value the rule measured stays within the margin of its value now; past it,
    the contradiction shows again.
    """
    from scorecard.services.dismissals import check_margin, check_reason, dismiss_question, dismissal_json

    team = normalize_team_name(team)  # inputs first: a bad one opens no database
    reason, margin = check_reason(reason), check_margin(margin)
    with open_store(db_path, create=False) as store:
        dismissed = dismiss_question(store, team, question_id, reason, margin, bank_name)
    if as_json:
        console.print_json([dismissal_json(d) for d in dismissed])
    else:
        console.print_dismissed(dismissed)


@evidence.command("list")
@click.option("--team", required=True, help="Team name.")
@click.option("--bank", "bank_name", help="A custom bank file the dismissals' rules are in.")
@db_option
@json_option
def evidence_list(team: str, bank_name: str | None, db_path: Path | None, as_json: bool) -> None:
    """The team's dismissals, newest first, each holding, lapsed, superseded or of a rule that is gone."""
    from scorecard.services.dismissals import dismissal_states, state_json
    from scorecard.survey.bank_file import load_bank

    team = normalize_team_name(team)
    bank = load_bank(bank_name) if bank_name else None
    with open_store(db_path, create=False) as store:
        states = dismissal_states(store, team, bank)
    if as_json:
        console.print_json([state_json(found) for found in states])
    else:
        console.print_dismissal_states(states)
