"""The action dialog (``a`` in the review meeting): what the team commits to on one question.

Target option, due quarter (default: the next quarter), owner and note; Enter in any field records the action
through the actions service, and a bad value (a due quarter that is no quarter, or before this one; an owner no
name can be) is shown in the dialog on one line, nothing written, the fields kept for a correction.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual import getters, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Input, Label, Select, Static

from scorecard.errors import ScorecardError, one_line
from scorecard.store import DatabaseLocked
from scorecard.survey.actions import MAX_NOTE, ActionState
from scorecard.survey.bank import Option, Question
from scorecard.tui.app import ScorecardApp
from scorecard.tui.dialogs import Dialog, closed_before_mount

AddAction = Callable[[str, str, str | None, str | None], ActionState]
"""Record an action: (target option id, due quarter, owner, note) -> the action as stored; raises
:class:`~scorecard.errors.ScorecardError` (one line) when a value is bad."""


def default_target(question: Question, counted: str | None) -> Option:
    """What a team most likely aims for: the option just above the counted one (the best when unanswered)."""
    points = {option.id: option.points for option in question.all_options}
    now = points.get(counted) if counted else None
    better = [o for o in question.options if now is None or (o.points or 0.0) > now]
    if now is None or not better:
        return question.best_option
    return min(better, key=lambda option: option.points or 0.0)


class ActionDialog(Dialog[ActionState | None]):
    """Dismisses with the action recorded, or None when cancelled (Esc)."""

    app = getters.app(ScorecardApp)

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, question: Question, counted: str | None, due: str, add: AddAction) -> None:
        super().__init__()
        self.question = question
        self.counted = counted
        """The option the survey counts now (None: unanswered)."""
        self.due = due
        self.add = add

    def compose(self) -> ComposeResult:
        target = default_target(self.question, self.counted)
        with Vertical(classes="dialog", id="action-dialog"):
            yield Label(Content(f"Action on {self.question.id}: raise the answer to"), classes="dialog-title")
            yield Select(
                [(Content(f"{option.label} ({option.points:g})"), option.id) for option in self.question.options],
                value=target.id,
                allow_blank=False,
                compact=True,
                id="action-target",
            )
            yield Label("Due by the end of quarter", classes="action-label")
            yield Input(value=self.due, placeholder="e.g. 2027Q1", id="action-due", max_length=20, compact=True)
            yield Label("Owner (optional)", classes="action-label")
            yield Input(placeholder="Who sees it through", id="action-owner", max_length=200, compact=True)
            yield Label("Note (optional)", classes="action-label")
            yield Input(placeholder="What the work is", id="action-note", max_length=MAX_NOTE, compact=True)
            yield Static(id="action-error")
            yield Static("Enter to save · Esc to cancel", classes="dialog-hint")

    def on_mount(self) -> None:
        if closed_before_mount(self):
            return
        self.query_one("#action-error", Static).display = False
        self.query_one("#action-due", Input).focus()

    def values(self) -> tuple[str, str, str | None, str | None]:
        target = self.query_one("#action-target", Select).value
        due = self.query_one("#action-due", Input).value.strip()
        owner = self.query_one("#action-owner", Input).value.strip() or None
        note = self.query_one("#action-note", Input).value.strip() or None
        return str(target), due, owner, note

    @on(Input.Submitted)
    def save(self, event: Input.Submitted) -> None:
        event.stop()
        if not self.is_active:
            return
        target, due, owner, note = self.values()
        outcome: dict[str, Any] = {}

        def write() -> None:
            try:
                outcome["state"] = self.add(target, due, owner, note)
            except DatabaseLocked:
                raise  # the app offers to retry
            except ScorecardError as error:
                outcome["error"] = str(error)

        def then() -> None:
            if "error" in outcome:
                self.show_error(outcome["error"])
            else:
                self.dismiss(outcome["state"])

        self.app.write_or_offer_retry(write, then)

    def show_error(self, message: str) -> None:
        error = self.query_one("#action-error", Static)
        error.update(Content(one_line(message, 200)))
        error.display = True

    def action_cancel(self) -> None:
        self.dismiss(None)
