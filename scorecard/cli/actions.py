"""``scorecard actions``: what a team committed to fix in a review, and whether it did (kept, missed, open,
dropped; the rule is :mod:`scorecard.survey.actions`').

Every input that can be checked without the database is checked first, so a typo opens none; the database must
exist already (an action belongs to a team the store knows), so no command here creates one.
"""

from __future__ import annotations

from pathlib import Path

import click

from scorecard import console
from scorecard.cli.common import (
    ScorecardGroup,
    db_option,
    json_option,
    list_team_records,
    open_store,
    print_result,
    team_options,
)
from scorecard.team_names import normalize_team_name


@click.group(cls=ScorecardGroup)
def actions() -> None:
    """What a team committed to fix, by when, and whether it did."""


@actions.command("add")
@team_options(
    bank_help="A bank id or file (default: the bank of the latest survey of the team or its --system).",
    system_help="The team's system the action is for; only its surveys keep it (default: the team level).",
)
@click.option("--question", "question_id", required=True, help="The question whose answer the team will raise.")
@click.option("--target", required=True, help="The option (of that question) the answer must reach at least.")
@click.option("--due", required=True, help="The last quarter to reach it in, like 2027Q1.")
@click.option("--owner", help="Who sees it through.")
@click.option("--note", help="What the team will do.")
def actions_add(
    team: str,
    system: str | None,
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

    It is kept when a survey (of its system, with --system) from now to DUE answers that well and no live
    contradiction of the evidence disputes it; missed when DUE is over, or surveyed, without that.
    """
    from scorecard.services.actions import action_json, add_action
    from scorecard.survey.actions import check_note, check_owner, check_quarter, check_question, check_target
    from scorecard.survey.bank_file import load_bank
    from scorecard.survey.systems import system_option

    team = normalize_team_name(team)  # inputs first: a bad one opens no database
    system = system_option(system)
    check_quarter(due, "--due")
    owner, note = check_owner(owner), check_note(note)
    bank = load_bank(bank_name) if bank_name else None
    if bank is not None:
        check_target(check_question(bank, question_id), target)
    with open_store(db_path, create=False) as store:
        state = add_action(store, team, question_id, target, due, owner, note, bank_name, bank, system)
    print_result(state, as_json, action_json, console.print_action_added)


@actions.command("list")
@team_options(
    bank_help="A custom bank file the actions' questions are in.",
    system_help="Only the actions of this system of the team (default: every system's and the team level's).",
)
def actions_list(team: str, system: str | None, bank_name: str | None, db_path: Path | None, as_json: bool) -> None:
    """The team's actions, oldest first, each open, kept (and in which quarter), missed or dropped."""
    from scorecard.services.actions import action_json, team_actions

    list_team_records((team, system, bank_name, db_path), team_actions, as_json, (action_json, console.print_actions))


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
