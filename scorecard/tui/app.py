"""The Textual application and its one composition root, :func:`make_app`.

The App receives its store, clock and evidence source and creates none of them, so the CLI and the tests build
it the same way. Screens import this module for a typed ``app`` (``getters.app(ScorecardApp)``): this module
imports each screen where it first shows it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from pathlib import Path

from textual import events
from textual.app import App
from textual.binding import Binding
from textual.command import CommandPalette
from textual.geometry import Size
from textual.screen import Screen
from textual.theme import ThemeProvider

from scorecard.quarters import current_quarter, normalize_quarter
from scorecard.services.respondent_choice import AnsweringAs
from scorecard.services.sessions import open_session
from scorecard.services.team_metrics import evidence_and_scan_time
from scorecard.store import DatabaseLocked, Store
from scorecard.survey.bank import DEFAULT_BANK
from scorecard.survey.bank_file import load_bank
from scorecard.survey.contradictions import Evidence
from scorecard.survey.session import SurveySession
from scorecard.tui.dialogs import Palette, RetryPrompt, TooSmall

MIN_WIDTH, MIN_HEIGHT = 80, 24

Clock = Callable[[], datetime]
EvidenceSource = Callable[[Store, str, str | None], tuple[Evidence | Mapping[str, float], str | None]]
"""A team's evidence (or its latest metrics alone) and when it was scanned: ``(store, team, system)``, the system
None for the team level (all the team's repositories), a name for that system's repositories only."""


class ScorecardApp(App[None]):
    """Home, survey, review and results over one store."""

    CSS_PATH = "app.tcss"
    TITLE = "scorecard"
    BINDINGS = [Binding("ctrl+p", "command_palette", "Jump", show=False, priority=True)]

    def __init__(
        self,
        store: Store,
        clock: Clock,
        evidence: EvidenceSource,
        team: str | None = None,
        quarter: str | None = None,
        bank_name: str | None = None,
        respondent: str | None = None,
        system: str = "",
    ) -> None:
        super().__init__()
        self.system = system
        """``--system NAME``: the system every team's survey of this run is for ('' the team-level survey), until
        the picker (``y`` on home) chooses another for a team."""
        self.chosen_systems: dict[str, str] = {}
        """Team name -> the system chosen for it in this run (never remembered: see system_prompt.py)."""
        self.respondent_override = respondent
        """``--respondent NAME`` from the command line: answer as NAME without asking."""
        self.answering_as: AnsweringAs | None = None
        """Who answers, once chosen in this run (``i``): it wins over the override and the remembered choice."""
        self.store = store
        self.clock = clock
        self.evidence = evidence
        self.direct_team = team
        self.quarter_override = quarter
        self.bank = load_bank(bank_name or DEFAULT_BANK)
        """The bank new surveys use (a shipped one by id, or a custom file)."""
        self.terminal_size: Size | None = None
        """The size of the last resize, once there was one."""

    @property
    def current_quarter(self) -> str:
        return self.quarter_override or current_quarter(self.clock())

    def on_mount(self) -> None:
        from scorecard.tui.home_screen import HomeScreen

        if self.direct_team:
            # `scorecard survey --team T`: straight into the survey; q leaves the app.
            self.open_survey(self.direct_team)
        else:
            self.push_screen(HomeScreen())
        self._check_size()
        # At once, not queued: a screen must never be laid out at a size too small for it, even for a frame.
        self.screen_change_signal.subscribe(self, self._screen_changed, immediate=True)

    async def on_event(self, event: events.Event) -> None:
        # Keys typed after a quit (q, then w before the app closed) must not open anything on a closing app; nor
        # may a key reach a screen while the app shuts down (it stops running, then removes the screens' widgets).
        if isinstance(event, events.Key) and (
            self.return_code is not None or not self.is_running or not self.screen_stack
        ):
            return
        await super().on_event(event)

    # -- the one way the TUI writes -----------------------------------------------------------------------

    def write_or_offer_retry(self, write: Callable[[], object], then: Callable[[], None] | None = None) -> None:
        """Run ``write`` (a store write), then ``then``; when another process holds the lock, ask first.

        On :class:`DatabaseLocked` the :class:`RetryPrompt` opens: r or Enter runs ``write`` again, Esc gives up
        (nothing is written and ``then`` is not called).
        """
        try:
            write()
        except DatabaseLocked as error:

            def retry(again: bool | None) -> None:
                if again:
                    self.write_or_offer_retry(write, then)

            self.push_screen(RetryPrompt(str(error)), retry)
            return
        if then is not None:
            then()

    # -- navigation -------------------------------------------------------------------------------------

    def open_survey(self, team: str) -> None:
        """Open ``team``'s survey of this quarter as whoever answers (asked first if nobody knows yet; Esc on
        that question at the start of `scorecard survey --team` leaves the app)."""
        from scorecard.tui.respondent_prompt import with_who_answers
        from scorecard.tui.survey_screen import SurveyScreen

        def open_as(choice: AnsweringAs) -> None:
            self.push_screen(SurveyScreen(self.open_session_as(team, choice)))

        with_who_answers(self, open_as, cancelled=self.leave_survey if self.direct_team else None)

    def system_for(self, team: str) -> str:
        """The system ``team``'s survey is for in this run: the one picked for it, else ``--system`` ('' none)."""
        return self.chosen_systems.get(team, self.system)

    def open_session_as(self, team: str, choice: AnsweringAs) -> SurveySession:
        system = self.system_for(team)
        # A system's survey sits beside the evidence of the repositories tied to it (none tied: no evidence).
        metrics, scanned_at = self.evidence(self.store, team, system or None)
        quarter = self.current_quarter
        return open_session(
            self.store, self.bank, team, quarter, metrics, scanned_at, respondent=choice.respondent, system=system
        )

    def open_meeting(self, team: str, quarter: str | None = None) -> None:
        """Open the review meeting of ``team``'s survey of ``quarter`` (None: this quarter's if there is one, else
        the team's latest); Esc comes back here."""
        from scorecard.tui.meeting_screen import MeetingScreen

        self.push_screen(MeetingScreen(team, quarter))

    def leave_survey(self) -> None:
        if self.direct_team:
            self.exit()
            return
        from scorecard.tui.home_screen import HomeScreen

        while not isinstance(self.screen, HomeScreen) and len(self.screen_stack) > 2:
            self.pop_screen()

    def complete_survey(self, session: SurveySession) -> None:
        from scorecard.tui.results_screen import ResultsScreen
        from scorecard.tui.survey_screen import SurveyScreen

        def show_results() -> None:
            # The survey screen of this session gives way to the results; once it has, a second completion
            # (c pressed again through a retry prompt) has nothing left to show.
            survey = next((s for s in self.screen_stack if isinstance(s, SurveyScreen) and s.session is session), None)
            if survey is None:
                return
            while self.screen is not survey:  # the review, and whatever opened on top of it meanwhile
                self.pop_screen()
            self.switch_screen(ResultsScreen(session))

        self.write_or_offer_retry(session.complete, show_results)

    def action_command_palette(self) -> None:
        from scorecard.tui.survey_screen import QuestionJumps, SurveyScreen

        screen = self.screen
        if isinstance(screen, TooSmall | CommandPalette) or not self.use_command_palette:
            return
        # On the survey, Ctrl+P jumps to any question; elsewhere it is Textual's usual palette.
        if isinstance(screen, SurveyScreen):
            self.push_screen(Palette(providers=[QuestionJumps], placeholder="Jump to a question…"))
        else:
            self.push_screen(Palette())

    def search_themes(self) -> None:
        """The palette's "Change theme": Textual's theme search, in a palette that closes once."""
        if not isinstance(self.screen, TooSmall | CommandPalette):
            self.push_screen(Palette(providers=[ThemeProvider], placeholder="Search for themes…"))

    # -- a terminal that is too small -------------------------------------------------------------------

    def on_resize(self, event: events.Resize) -> None:
        self.terminal_size = event.size  # self.size follows only after this handler
        self._check_size()

    def _screen_changed(self, _screen: Screen[object]) -> None:
        # A screen opened late (by a key typed before a resize) may land on top of the notice, or the notice
        # may come back on top after the terminal grew: check again after every change of screen.
        self._check_size()

    def _check_size(self) -> None:
        if len(self.screen_stack) < 2:  # the first resize comes before on_mount shows the first screen
            return
        width, height = self.terminal_size or self.size
        small = width < MIN_WIDTH or height < MIN_HEIGHT
        showing = isinstance(self.screen, TooSmall)
        if small and not showing:
            self.push_screen(TooSmall())
        elif not small and showing:
            self.pop_screen()


def make_app(
    store: Store | None = None,
    db_path: Path | str | None = None,
    team: str | None = None,
    quarter: str | None = None,
    bank_name: str | None = None,
    clock: Clock | None = None,
    evidence: EvidenceSource | None = None,
    respondent: str | None = None,
    system: str = "",
) -> ScorecardApp:
    """Build the app for the CLI and for tests alike: pass a store, or the path of one to open."""
    clock = clock or (lambda: datetime.now(UTC))
    if store is None:
        from scorecard.paths import resolve_db_path

        store = Store.open(resolve_db_path(db_path), clock=clock, timeout=1.0)
    return ScorecardApp(
        store,
        clock,
        evidence or evidence_and_scan_time,
        team=team,
        quarter=normalize_quarter(quarter) if quarter else None,
        bank_name=bank_name,
        respondent=respondent,
        system=system,
    )
