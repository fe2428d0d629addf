"""Who answers: asked once when a survey first opens, remembered, shown in the survey's header, changeable (``i``).

The answer comes from, in order: a choice made in this run (``i``), ``--respondent NAME`` on the command line
(never asked), the choice remembered in the user's settings file, and else :class:`RespondentPrompt` asks.
A name answers blind as that respondent; "the whole team" gives the team answer, as surveys always had.
"""

from __future__ import annotations

from collections.abc import Callable

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.markup import escape
from textual.widgets import Button, Input, Label, Static

from scorecard.errors import ScorecardError
from scorecard.services.respondent_choice import (
    THE_TEAM,
    AnsweringAs,
    answering_as,
    remember_choice,
    remembered_choice,
)
from scorecard.survey.respondents import MAX_RESPONDENT_NAME, RespondentError
from scorecard.tui.app import ScorecardApp
from scorecard.tui.dialogs import Dialog, closed_before_mount

EXPLAINED = (
    "Answer as yourself: only you see your answers until the review meeting, where everyone's are "
    "combined. Or answer for the whole team: the team answer, which counts over everyone's."
)


class RespondentPrompt(Dialog[AnsweringAs | None]):
    """A name (Enter) or the whole team (the button); None when cancelled. A name that cannot be one keeps the
    prompt open and says why."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, current: AnsweringAs | None = None) -> None:
        super().__init__()
        self.current = current

    def compose(self) -> ComposeResult:
        name = self.current.respondent if self.current and self.current.respondent else ""
        with Vertical(classes="dialog", id="respondent-dialog"):
            yield Label("Who is answering?", classes="dialog-title")
            yield Static(Content(EXPLAINED))
            yield Input(
                value=name, placeholder="Your name, e.g. Ana", max_length=MAX_RESPONDENT_NAME, id="respondent-name"
            )
            yield Static(id="respondent-error")
            yield Button("Answer for the whole team", id="whole-team", compact=True)
            yield Static("Enter: answer as this name · Tab, Enter: the whole team · Esc: back", classes="dialog-hint")

    def on_mount(self) -> None:
        if closed_before_mount(self):
            return
        self.query_one("#respondent-error", Static).display = False
        self.query_one(Input).focus()

    @on(Input.Submitted)
    def submit_name(self, event: Input.Submitted) -> None:
        event.stop()
        try:
            choice = answering_as(event.value)
        except RespondentError as error:
            self.refuse_entry("#respondent-error", error)
            return
        self.dismiss(choice)

    @on(Button.Pressed, "#whole-team")
    def whole_team(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(THE_TEAM)

    def action_cancel(self) -> None:
        self.dismiss(None)


def current_choice(app: ScorecardApp) -> AnsweringAs | None:
    """Who answers now, without asking: this run's choice, ``--respondent``, the remembered one; else None."""
    if app.answering_as is not None:
        return app.answering_as
    if app.respondent_override:
        return AnsweringAs(app.respondent_override)
    return remembered_choice()


def ask_who_answers(
    app: ScorecardApp, then: Callable[[AnsweringAs], None], cancelled: Callable[[], None] | None = None
) -> None:
    """Open the prompt; a choice is this run's from now on (over ``--respondent``), remembered for the next
    runs, and passed to ``then``. Esc calls ``cancelled``. A settings file that cannot be written is a warning:
    the choice still holds for this run."""

    def chosen(choice: AnsweringAs | None) -> None:
        if choice is None:
            if cancelled is not None:
                cancelled()
            return
        app.answering_as = choice
        try:
            remember_choice(choice)
        except ScorecardError as error:
            app.notify(f"Not remembered for next time: {escape(str(error))}", severity="warning")
        then(choice)

    app.push_screen(RespondentPrompt(current_choice(app)), chosen)


def with_who_answers(
    app: ScorecardApp, then: Callable[[AnsweringAs], None], cancelled: Callable[[], None] | None = None
) -> None:
    """``then(who answers)`` at once when that is known (see the module docstring), else once the prompt says."""
    choice = current_choice(app)
    if choice is not None:
        then(choice)
    else:
        ask_who_answers(app, then, cancelled)
