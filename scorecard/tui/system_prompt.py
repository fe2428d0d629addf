"""Which system a team's survey is for (``y`` on home): the team level, one of its systems, or a new one typed in.

The choice is per team and holds for this run only (:attr:`ScorecardApp.chosen_systems`); unlike who answers it is
never written to the settings file: a system belongs to one team, and the next run may well be for another team.
The app's ``system`` (``--system NAME``: ``survey --team T --system NAME`` opens that survey directly, with no
home) preselects NAME for every team until the picker says otherwise. Choosing writes nothing: the survey of that
system is stored when it is opened (Enter on home), as any survey is.

A typed name follows the rule of ``--system`` (:func:`scorecard.survey.systems.normalize_system_name`); a name that
cannot be one keeps the dialog open and says why in one line. A name the team already has, spelt another way
(case), is that system, in the spelling the team has.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from scorecard.survey.systems import SystemNameError, normalize_system_name, same_system
from scorecard.team_names import MAX_TEAM_NAME
from scorecard.tui.dialogs import Dialog, closed_before_mount

EXPLAINED = "A survey is per system (a model, a pipeline, a service), or for the team as a whole."
TEAM_LEVEL = "Team level (the team as a whole)"


def system_label(system: str) -> str:
    """How a choice reads in the header and the notices: "System: NAME", or "team level"."""
    return f"System: {system}" if system else "team level"


class SystemPrompt(Dialog[str | None]):
    """Pick a system (Enter or a click on the list) or type a new one (Enter in the field): the system's name,
    ``''`` for the team level, None when cancelled (Esc)."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, team: str, systems: Sequence[str], current: str = "") -> None:
        super().__init__()
        self.team = team
        self.current = current
        known = list(systems)
        if current and not any(same_system(name, current) for name in known):
            known.append(current)  # a new system chosen earlier in this run, not stored yet
        self.choices = ["", *known]
        """The list's entries in order: '' (the team level), then the systems."""

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="system-dialog"):
            yield Label(Content(f"Which system does {self.team} answer for?"), classes="dialog-title")
            yield Static(Content(EXPLAINED))
            yield OptionList(*(self.option(choice) for choice in self.choices), id="system-choices")
            yield Input(placeholder="Or a new system's name, e.g. ranker", max_length=MAX_TEAM_NAME, id="system-name")
            yield Static(id="system-error")
            yield Static("↑↓ Enter: pick · Tab: type a new name · Esc: no change", classes="dialog-hint")

    def option(self, choice: str) -> Option:
        mark = "●" if same_system(choice, self.current) else " "
        # rich Text, not markup: a system called "[red]x" is shown as typed.
        return Option(Text(f"{mark} {choice or TEAM_LEVEL}"))

    def on_mount(self) -> None:
        if closed_before_mount(self):
            return
        self.query_one("#system-error", Static).display = False
        choices = self.query_one(OptionList)
        choices.highlighted = next(
            (index for index, choice in enumerate(self.choices) if same_system(choice, self.current)), 0
        )
        choices.focus()

    @on(OptionList.OptionSelected, "#system-choices")
    def picked(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(self.choices[event.option_index])

    @on(Input.Submitted, "#system-name")
    def typed(self, event: Input.Submitted) -> None:
        event.stop()
        try:
            name = normalize_system_name(event.value)
        except SystemNameError as error:
            self.refuse_entry("#system-error", error)
            return
        self.dismiss(next((known for known in self.choices if known and same_system(known, name)), name))

    def action_cancel(self) -> None:
        self.dismiss(None)
