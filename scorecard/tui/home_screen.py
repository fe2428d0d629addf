"""Home: every team with its latest quarter, score, level and survey status, and what to do next.

A team with systems (:mod:`scorecard.services.team_systems`) shows how many and their roll-up in a Systems column
(there only when some team has systems); the line under the list says which system the highlighted team's survey
is for, and ``y`` picks another (:mod:`scorecard.tui.system_prompt`).

A team whose only surveys are its systems' shows their roll-up in Quarter, Score and Level, and how many of those
system surveys are complete in Survey ("1/2 complete", beside "2 · mean 61" in Systems): "none" there read as
"this team never answered", and the score a person looks for in the list is the one ``show`` puts at the top, the
roll-up. A team with a team-level survey shows that survey there, as before (its systems' roll-up stays in the
Systems column).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from rich.text import Text
from textual import getters, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.markup import escape
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static
from textual.worker import get_current_worker

from scorecard.errors import ScorecardError
from scorecard.services.surveys import TeamOverview, team_overviews
from scorecard.services.team_systems import TeamSystems, every_team_systems
from scorecard.store import Store
from scorecard.survey.bank import Bank
from scorecard.tui.app import ScorecardApp
from scorecard.tui.dialogs import TextPrompt
from scorecard.tui.system_prompt import SystemPrompt, system_label

WELCOME = (
    "Welcome to scorecard.\n\n"
    "Once a quarter your team answers questions about the hidden technical debt of its ML system "
    "(Sculley et al., 2015), beside evidence mined from its git history.\n\n"
    "Start here: press a to add your team, then Enter to start this quarter's survey."
)


COLUMNS = ("Team", "Quarter", "Score", "Level", "Survey")


def cell_length(cell: str | Text) -> int:
    """Terminal cells a table cell takes on one line."""
    return cell.cell_len if isinstance(cell, Text) else Text(cell).cell_len


def overview_cells(row: TeamOverview, systems: TeamSystems | None) -> list[str | Text]:
    """Team, Quarter, Score, Level and Survey of one team: its team-level survey, or, when it has none but its
    systems have surveys, their roll-up (see the module docstring)."""
    if row.quarter is None and systems is not None and systems.status is not None:
        level = systems.level or "-"
        return [Text(row.team), systems.quarter or "-", systems.score_text, Text(level), systems.status]
    return [Text(row.team), row.quarter or "-", row.score_text, Text(row.level or "-"), row.status]


class HomeScreen(Screen[None]):
    app = getters.app(ScorecardApp)

    BINDINGS = [
        Binding("a", "add_team", "Add team"),
        Binding("c", "scan", "Scan"),
        Binding("w", "write_report", "Report"),
        # "Who": the footer holds every key at 80 columns only with short labels; the hint below says the rest.
        Binding("i", "answer_as", "Who", tooltip="Who answers the surveys opened from here: a name, or the team"),
        Binding("y", "pick_system", "System", tooltip="Which system the selected team's survey is for"),
        Binding("m", "meeting", "Meeting"),
        Binding("enter", "open_survey", "Start/resume survey"),
        Binding("q", "app.quit", "Quit"),
    ]

    @dataclass
    class TeamsRead(Message):
        """The worker read the team list (every team's latest survey, scored): draw it."""

        overviews: list[TeamOverview]
        """One row per team, by team name."""
        systems: dict[str, TeamSystems] = field(default_factory=dict)
        """Team name -> its systems (a team without any may be missing)."""

    def __init__(self) -> None:
        super().__init__()
        self.select_next: str | None = None
        """The team the cursor moves to when the list is next drawn (None: it stays on its team)."""
        self.team_systems: dict[str, TeamSystems] = {}
        """Each team's systems, as last read (the picker lists them without reading the store again)."""

    def compose(self) -> ComposeResult:
        with Vertical(id="home"):
            yield Static(id="home-title")
            yield Static(Content(WELCOME), id="welcome")
            yield DataTable(id="teams", cursor_type="row", zebra_stripes=True)
            yield Static(id="home-system")
            yield Static(
                "Enter: this quarter's survey for the selected team · y: for which system · m: its review meeting · "
                "i: who answers (you, or the team) · a: add a team · c: scan its repositories · w: the HTML report · q: quit",
                id="home-hint",
            )
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#welcome", Static).display = False  # until the read says there is no team
        table = self.query_one(DataTable)
        table.add_columns(*COLUMNS)
        table.focus()
        self.refresh_teams()

    def on_screen_resume(self) -> None:
        self.refresh_teams()

    # -- the team list, read off the UI thread ---------------------------------------------------------

    def refresh_teams(self, select: str | None = None) -> None:
        """Read the team list again (in a thread worker) and redraw it; ``select``: the team to move to."""
        self.select_next = select or self.select_next  # a newer read of the list keeps an older request
        self.query_one("#home-title", Static).update(
            Content.from_markup(
                "[b]scorecard[/b] · hidden technical debt, quarter by quarter · this quarter: $quarter",
                quarter=self.app.current_quarter,
            )
        )
        store, bank = self.app.store, self.app.bank
        if store.path is None:  # Store.memory() (tests): its one connection cannot leave the UI thread
            self.show_teams(self.TeamsRead(team_overviews(store, bank), every_team_systems(store, bank)))
        else:
            self.read_teams(store.path, bank)

    @work(thread=True, exclusive=True, exit_on_error=False, group="home-teams")
    def read_teams(self, path: Path, bank: Bank) -> None:
        try:
            with Store.open(path, migrate=False) as store:  # a connection of this thread's own
                overviews = team_overviews(store, bank)
                systems = every_team_systems(store, bank)
        except ScorecardError as error:
            self.app.notify(escape(str(error)), severity="error")
            return
        if not get_current_worker().is_cancelled:  # a newer read is on its way
            self.post_message(self.TeamsRead(overviews, systems))

    @on(TeamsRead)
    def show_teams(self, message: TeamsRead) -> None:
        table = self.query_one(DataTable)
        select, self.select_next = self.select_next or self.selected_team(), None
        self.team_systems = message.systems
        systems_column = any(systems.systems for systems in message.systems.values())
        labels = (*COLUMNS, *(("Systems",) if systems_column else ()))
        rows = []
        for row in message.overviews:
            # rich Text, not str: a team called "[red]x" is shown as typed, never read as markup.
            cells = overview_cells(row, message.systems.get(row.team))
            if systems_column:
                cells.append(Text(message.systems[row.team].summary if row.team in message.systems else "-"))
            rows.append((row.team, cells))
        # Columns are sized here from this read's cells, not left to DataTable's auto width: that is measured
        # on idle, and a table drawn in between kept its header widths ("ranking" showed as "rank" in a terminal).
        table.clear(columns=True)
        for index, label in enumerate(labels):
            width = max([cell_length(label), *(cell_length(cells[index]) for _, cells in rows)])
            table.add_column(label, width=width)
        for team, cells in rows:
            table.add_row(*cells, key=team)
        self.query_one("#welcome", Static).display = not message.overviews
        table.display = bool(message.overviews)
        names = [row.team for row in message.overviews]
        if select in names:
            table.move_cursor(row=names.index(select))
        if self.app.screen is self:  # a dialog on top keeps its focus
            table.focus()
        self.show_system()

    def show_system(self) -> None:
        """Say which system the highlighted team's survey is for (nothing without a team)."""
        team, line = self.selected_team(), self.query_one("#home-system", Static)
        line.display = team is not None
        if team is not None:
            line.update(
                Content.from_markup(
                    "[b]$team[/b]'s survey: [b]$system[/b] · y: another system",
                    team=team,
                    system=system_label(self.app.system_for(team)),
                )
            )

    @on(DataTable.RowHighlighted)
    def highlighted(self) -> None:
        self.show_system()

    def selected_team(self) -> str | None:
        table = self.query_one(DataTable)
        if not table.row_count:
            return None
        return str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)

    # -- actions ---------------------------------------------------------------------------------------

    def action_add_team(self) -> None:
        def add(name: str | None) -> None:
            if not name or not name.strip():
                return
            team = name.strip()
            self.app.write_or_offer_retry(
                lambda: self.app.store.ensure_team(team), lambda: self.refresh_teams(select=team)
            )

        self.app.push_screen(TextPrompt("Add a team", placeholder="Team name, e.g. ranking"), add)

    def action_open_survey(self) -> None:
        team = self.selected_team()
        if team is None:
            self.action_add_team()
            return
        self.app.open_survey(team)

    def action_scan(self) -> None:
        from scorecard.tui.scan_screen import ScanScreen

        team = self.selected_team()
        if team is None:
            self.notify("Add a team first (a).", severity="warning")
            return

        def scanned(any_stored: bool | None) -> None:
            if any_stored:
                self.refresh_teams(select=team)

        targets = self.app.store.team_repositories(team)
        self.app.push_screen(ScanScreen(team, targets), scanned)

    def action_meeting(self) -> None:
        team = self.selected_team()
        if team is None:
            self.notify("Add a team first (a).", severity="warning")
            return
        self.app.open_meeting(team)

    def action_pick_system(self) -> None:
        """Choose which system the selected team's survey is for, in this run (see system_prompt.py)."""
        team = self.selected_team()
        if team is None:
            self.notify("Add a team first (a).", severity="warning")
            return

        def chosen(system: str | None) -> None:
            if system is None:
                return
            self.app.chosen_systems[team] = system
            self.show_system()
            self.notify(escape(f"{team}'s survey: {system_label(system)}."))

        known = self.team_systems.get(team)
        prompt = SystemPrompt(team, known.systems if known else (), self.app.system_for(team))
        self.app.push_screen(prompt, chosen)

    def action_write_report(self) -> None:
        from scorecard.tui.report_writer import ask_and_write_report

        ask_and_write_report(self.app, None, self.app.current_quarter)

    def action_answer_as(self) -> None:
        """Say who answers the surveys opened from here on (remembered for the next runs too)."""
        from scorecard.tui.respondent_prompt import ask_who_answers

        ask_who_answers(self.app, lambda choice: self.notify(escape(f"{choice.label} from now on.")))

    @on(DataTable.RowSelected)
    def row_selected(self, event: DataTable.RowSelected) -> None:
        if self.is_active:  # a second Enter, typed before the survey opened, must not open it twice
            self.app.open_survey(str(event.row_key.value))
