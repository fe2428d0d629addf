"""Home: every team with its latest quarter, score, level and survey status, and what to do next."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from scorecard.services.surveys import team_overviews
from scorecard.store import DatabaseLocked
from scorecard.tui.dialogs import TextPrompt

WELCOME = (
    "Welcome to scorecard.\n\n"
    "Once a quarter your team answers questions about the hidden technical debt of its ML system "
    "(Sculley et al., 2015), beside evidence mined from its git history.\n\n"
    "Start here: press a to add your team, then Enter to start this quarter's survey."
)


class HomeScreen(Screen[None]):
    BINDINGS = [
        Binding("a", "add_team", "Add team"),
        Binding("c", "scan", "Scan repos"),
        Binding("w", "write_report", "Write report"),
        Binding("enter", "open_survey", "Start/resume survey"),
        Binding("q", "app.quit", "Quit"),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(id="home"):
            yield Static(id="home-title")
            yield Static(Content(WELCOME), id="welcome")
            yield DataTable(id="teams", cursor_type="row", zebra_stripes=True)
            yield Static(
                "Enter: start or resume this quarter's survey for the selected team · a: add a team · "
                "c: scan its repositories · w: write the HTML report of every team · q: quit",
                id="home-hint",
            )
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("Team", "Quarter", "Score", "Level", "Survey")
        self.refresh_teams()

    def on_screen_resume(self) -> None:
        self.refresh_teams()

    def refresh_teams(self, select: str | None = None) -> None:
        app = self.app
        overviews = team_overviews(app.store, app.bank)  # type: ignore[attr-defined]
        self.query_one("#home-title", Static).update(
            Content.from_markup(
                "[b]scorecard[/b] · hidden technical debt, quarter by quarter · this quarter: $quarter",
                quarter=app.current_quarter,  # type: ignore[attr-defined]
            )
        )
        table = self.query_one(DataTable)
        table.clear()
        for row in overviews:
            score = (
                "-"
                if row.overall is None
                else f"{row.overall:.1f}"
                if row.bank == "ml-test-score"
                else f"{row.overall:.0f}"
            )
            # rich Text, not str: a team called "[red]x" is shown as typed, never read as markup.
            table.add_row(Text(row.team), row.quarter or "-", score, Text(row.level or "-"), row.status, key=row.team)
        self.query_one("#welcome", Static).display = not overviews
        table.display = bool(overviews)
        if select is not None and overviews:
            names = [row.team for row in overviews]
            table.move_cursor(row=names.index(select))
        table.focus()

    def selected_team(self) -> str | None:
        table = self.query_one(DataTable)
        if not table.row_count:
            return None
        return str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)

    def action_add_team(self) -> None:
        def add(name: str | None) -> None:
            if not name or not name.strip():
                return
            try:
                self.app.store.ensure_team(name.strip())  # type: ignore[attr-defined]
            except DatabaseLocked as error:
                self.notify(f"{error}: try again in a moment", severity="error")
                return
            self.refresh_teams(select=name.strip())

        self.app.push_screen(TextPrompt("Add a team", placeholder="Team name, e.g. ranking"), add)

    def action_open_survey(self) -> None:
        team = self.selected_team()
        if team is None:
            self.action_add_team()
            return
        self.app.open_survey(team)  # type: ignore[attr-defined]

    def action_scan(self) -> None:
        from scorecard.tui.scan import ScanScreen

        team = self.selected_team()
        if team is None:
            self.notify("Add a team first (a).", severity="warning")
            return

        def scanned(any_stored: bool | None) -> None:
            if any_stored:
                self.refresh_teams(select=team)

        targets = self.app.store.team_repositories(team)  # type: ignore[attr-defined]
        self.app.push_screen(ScanScreen(team, targets), scanned)

    def action_write_report(self) -> None:
        from scorecard.tui.report_writer import ask_and_write_report

        ask_and_write_report(self.app, None, self.app.current_quarter)  # type: ignore[attr-defined]

    @on(DataTable.RowSelected)
    def row_selected(self, event: DataTable.RowSelected) -> None:
        self.app.open_survey(str(event.row_key.value))  # type: ignore[attr-defined]
