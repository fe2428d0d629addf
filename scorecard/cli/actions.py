"""``scorecard actions``: what a team committed to fix in a review, and whether it did (kept, missed, open,
dropped; the rule is :mod:`scorecard.survey.actions`').

Every input that can be checked without the database is checked first, so a typo opens none; the database must
exist already (an action belongs to a team the store knows), so no command here creates one.
"""

from __future__ import annotations

from pathlib import Path

import click

from scorecard import console
from scorecard.cli.common import ScorecardGroup, db_option, json_option, open_store
from scorecard.team_names import normalize_team_name


@click.group(cls=ScorecardGroup)
def actions() -> None:
    """What a team committed to fix, by when, and whether it did."""


@actions.command("add")
@click.option("--team", required=True, help="Team name.")
@click.option("--question", "question_id", required=True, help="The question whose answer the team will raise.")
@click.option("--target", required=True, help="The option (of that question) the answer must reach at least.")
@click.option("--due", required=True, help="The last quarter to reach it in, like 2027Q1.")
@click.option("--owner", help="Who sees it through.")
@click.option("--note", help="What the team will do.")
@click.option("--bank", "bank_name", help="A bank id or file (default: the bank of the team's latest survey).")
@db_option
@json_option
def actions_add(
    team: str,
    question_id: str,
    target: str,
    due: str,
    owner: str | None,
    note: str | None,
    bank_name: str | None,
    db_path: Path | None,
    as_json: bool,
) -> None:
    """Record an action: raise QUESTION's answer to at least TARGET's points by the DUE quarter.

    It is kept when a survey from now to DUE answers that well and no live contradiction of the evidence
    disputes it; missed when DUE is over, or surveyed, without that.
    """
    from scorecard.services.actions import action_json, add_action
    from scorecard.survey.actions import check_note, check_owner, check_quarter, check_question, check_target
    from scorecard.survey.bank_file import load_bank

    team = normalize_team_name(team)  # inputs first: a bad one opens no database
    check_quarter(due, "--due")
    owner, note = check_owner(owner), check_note(note)
    bank = load_bank(bank_name) if bank_name else None
    if bank is not None:
        check_target(check_question(bank, question_id), target)
    with open_store(db_path, create=False) as store:
        state = add_action(store, team, question_id, target, due, owner, note, bank=bank)
    if as_json:
        console.print_json(action_json(state))
    else:
        console.print_action_added(state)


@actions.command("list")
@click.option("--team", required=True, help="Team name.")
@click.option("--bank", "bank_name", help="A custom bank file the actions' questions are in.")
@db_option
@json_option
def actions_list(team: str, bank_name: str | None, db_path: Path | None, as_json: bool) -> None:
    """The team's actions, oldest first, each open, kept (and in which quarter), missed or dropped."""
    from scorecard.services.actions import action_json, team_actions
    from scorecard.survey.bank_file import load_bank

    team = normalize_team_name(team)
    bank = load_bank(bank_name) if bank_name else None
    with open_store(db_path, create=False) as store:
        states = team_actions(store, team, bank)
    if as_json:
        console.print_json([action_json(state) for state in states])
    else:
        console.print_actions(states)


@actions.command("drop")
@click.argument("action_id", metavar="ID", type=click.IntRange(min=1))
@click.option("--reason", required=True, help="Why the team gives it up (kept, and shown in the report).")
@db_option
@json_option
def actions_drop(action_id: int, reason: str, db_path: Path | None, as_json: bool) -> None:
    """Drop action ID with a reason; it stays listed as dropped."""
    from scorecard.services.actions import action_json, drop_action
    from scorecard.survey.actions import check_reason

    reason = check_reason(reason)
    with open_store(db_path, create=False) as store:
        state = drop_action(store, action_id, reason)
    if as_json:
        console.print_json(action_json(state))
    else:
        console.print_action_dropped(state)
