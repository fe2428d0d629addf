"""The review meeting: the screen a team projects in its quarterly review (``m`` on home or on the results).

Left, every question of the survey, the ones its respondents disagree on most first (⚠ disputed, the spread of
their points, ✓ once the team has settled it). Right, the question under the cursor: what the survey counts and
why, each respondent's answer and note side by side, the git evidence beside them, the keys that record the
team answer, and the team's open actions on it.

Keys: 1..N record the team answer (the question's options in order, then na, unknown, as in the survey), after
an optional note; ``a`` records an action; Tab moves between the list and the details (to scroll them); Esc
goes back. The meeting is read in a thread worker, as the home screen reads its list; writes go through
``app.write_or_offer_retry``. Every name, note and link is shown as typed, never read as markup.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from textual import getters, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, ItemGrid, VerticalScroll
from textual.content import Content
from textual.markup import escape
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from scorecard.errors import ScorecardError
from scorecard.quarters import QuarterError, current_quarter, next_quarter
from scorecard.services.actions import add_action
from scorecard.services.meeting import Meeting, MeetingItem, RespondentAnswer, meeting, record_team_answer
from scorecard.store import Store
from scorecard.survey.actions import ActionState
from scorecard.survey.answers_file import MAX_NOTE
from scorecard.tui.app import ScorecardApp
from scorecard.tui.dialogs import TextPrompt, closed_before_mount, ready_to_act
from scorecard.tui.survey_screen import contradiction_text, scanned_ago

CARD_WIDTH = 20
"""The narrowest a respondent's card may be before the cards wrap to another row."""


def item_line(item: MeetingItem) -> Content:
    """A question in the list: disputed, spread, settled, id, and as much of its text as fits on the line."""
    mark = "⚠" if item.disputed else " "
    spread = f"{item.spread:.2f}" if item.spread is not None else (" -- " if item.answer is None else "    ")
    settled = "✓" if item.settled else " "
    line = Content(f"{mark}{spread} {settled} {item.question.id}  ")
    return line + Content.styled(item.question.text, "dim")


def points_text(points: float | None) -> str:
    return "n/a" if points is None else f"{points:g}"


def respondent_card(given: RespondentAnswer) -> Static:
    lines = [Content(f"{given.number or '?'} {given.label} ({points_text(given.points)})")]
    if given.note:
        lines.append(Content.styled(f"“{given.note}”", "italic"))
    if given.link:
        lines.append(Content.styled(f"↗ {given.link}", "dim"))
    live = [c for c in given.contradictions if not c.dismissed]
    if live:
        lines.append(Content.styled(f"⚠ evidence: {live[0].message}", "$warning"))
    card = Static(Content("\n").join(lines), classes="respondent-card")
    card.border_title = Content(given.name)
    return card


class MeetingScreen(Screen[None]):
    """One team's review meeting over one survey; Esc pops back to where it was opened."""

    app = getters.app(ScorecardApp)

    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (120, "-wide")]
    BINDINGS = [
        *(Binding(str(n), f"answer({n})", f"Team answer {n}", show=False) for n in range(1, 10)),
        Binding("a", "add_action", "Record action"),
        Binding("tab", "switch_focus", "Details/list"),
        Binding("escape", "close", "Back"),
    ]

    @dataclass
    class MeetingRead(Message):
        """The worker read the meeting (or why it could not): draw it."""

        found: Meeting | None
        """The meeting; None when it could not be read."""
        error: str | None = None
        """Why not, in one line."""
        scanned_at: str | None = None
        """When the team's repositories were last scanned (None: never)."""

    def __init__(self, team: str, quarter: str | None = None) -> None:
        super().__init__()
        self.team = team
        self.quarter = quarter
        """The survey's quarter; None: this quarter's survey if there is one, else the team's latest."""
        self.meeting: Meeting | None = None
        self.scanned_at: str | None = None
        self.select_next: str | None = None
        """The question the cursor moves to when the list is next drawn (None: it stays on its question)."""
        self.drawn = False
        """Set last thing in on_mount (see :func:`~scorecard.tui.dialogs.ready_to_act`)."""

    def compose(self) -> ComposeResult:
        yield Static(Content(self.team), id="meeting-title")
        yield Static(id="meeting-summary")
        with Horizontal(id="meeting-body"):
            yield OptionList(id="meeting-questions")
            with VerticalScroll(id="meeting-detail"):
                yield Static(id="meeting-question")
                yield Static(id="meeting-counted")
                with Horizontal(id="meeting-sides"):
                    yield ItemGrid(id="meeting-respondents", min_column_width=CARD_WIDTH)
                    yield Static(id="meeting-evidence")
                yield Static(id="meeting-keys")
                yield Static(id="meeting-actions")
        yield Footer()

    def on_mount(self) -> None:
        if closed_before_mount(self):
            return
        self.query_one("#meeting-questions", OptionList).focus()
        self.refresh_meeting()
        self.drawn = True

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Keys typed before the first read drew a question, or while the screen closes, have nothing to act on.
        if action in ("answer", "add_action"):
            return ready_to_act(self, self.drawn) and self.selected() is not None
        return True

    # -- reading, off the UI thread ---------------------------------------------------------------------------

    def refresh_meeting(self, select: str | None = None) -> None:
        self.select_next = select or self.select_next
        store = self.app.store
        if store.path is None:  # Store.memory() (tests): its one connection cannot leave the UI thread
            self.show_meeting(self.read(store))
        else:
            self.read_meeting(store.path)

    def read(self, store: Store) -> MeetingRead:
        try:
            system = self.app.system_for(self.team)
            evidence, scanned_at = self.app.evidence(store, self.team, system or None)  # that system's repositories
            found = meeting(
                store, self.team, self.quarter, self.app.bank, evidence, now=self.app.current_quarter, system=system
            )
        except ScorecardError as error:
            return self.MeetingRead(None, str(error))
        return self.MeetingRead(found, None, scanned_at)

    @work(thread=True, exclusive=True, exit_on_error=False, group="meeting-read")
    def read_meeting(self, path: Path) -> None:
        try:
            with Store.open(path, migrate=False) as store:  # a connection of this thread's own
                message = self.read(store)
        except ScorecardError as error:
            message = self.MeetingRead(None, str(error))
        if not get_current_worker().is_cancelled:  # a newer read is on its way
            self.post_message(message)

    @on(MeetingRead)
    def show_meeting(self, message: MeetingRead) -> None:
        if not self.query("#meeting-questions"):  # the screen was closed while the worker read
            return
        self.meeting, self.scanned_at = message.found, message.scanned_at
        found = message.found
        questions = self.query_one("#meeting-questions", OptionList)
        if found is None:
            self.query_one("#meeting-summary", Static).update(Content(f"No meeting: {message.error}"))
            questions.display = False
            self.query_one("#meeting-detail", VerticalScroll).display = False
            return
        self._draw_summary(found)
        select = self.select_next or self.selected_id()
        self.select_next = None
        questions.clear_options()
        questions.add_options(Option(item_line(item), id=item.question.id) for item in found.items)
        ids = [item.question.id for item in found.items]
        questions.highlighted = ids.index(select) if select in ids else 0
        self.draw_detail()
        self.refresh_bindings()  # a and the number keys have a question to act on now

    def _draw_summary(self, found: Meeting) -> None:
        survey, card = found.survey, found.score.card
        self.query_one("#meeting-title", Static).update(
            Content.from_markup(
                "[b]$team[/b] · $quarter · review meeting · score $score$level · $bank",
                team=survey.team,
                quarter=survey.quarter,
                score=found.bank.format_score(card.overall),
                level=f" {card.level.label}" if card.level else "",
                bank=found.bank.title,
            )
        )
        names = ", ".join(found.respondents) if found.respondents else "no respondents yet"
        disputed = sum(item.disputed for item in found.items)
        settled = sum(item.settled for item in found.items)
        spread = found.disagreement.overall
        self.query_one("#meeting-summary", Static).update(
            Content(
                f"{names} · {disputed} disputed"
                + (f" · mean spread {spread:.2f}" if spread is not None else "")
                + f" · {settled}/{len(found.items)} settled by the team"
            )
        )

    # -- the question under the cursor ------------------------------------------------------------------------

    def selected_id(self) -> str | None:
        questions = self.query_one("#meeting-questions", OptionList)
        if questions.highlighted is None or not questions.option_count:
            return None
        return questions.get_option_at_index(questions.highlighted).id

    def selected(self) -> MeetingItem | None:
        chosen = self.selected_id()
        if self.meeting is None or chosen is None:
            return None
        return next((item for item in self.meeting.items if item.question.id == chosen), None)

    @on(OptionList.OptionHighlighted, "#meeting-questions")
    def question_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        self.draw_detail()

    def draw_detail(self) -> None:
        item, found = self.selected(), self.meeting
        if item is None or found is None:
            return
        question = item.question
        area = found.bank.area(question.area)
        state = "disputed" if item.disputed else ("agreed" if len(item.respondents) > 1 else "")
        spread = f"spread {item.spread:.2f}" if item.spread is not None else ""
        head = " · ".join(x for x in (question.id, area.title if area else question.area, spread, state) if x)
        self.query_one("#meeting-question", Static).update(
            Content.from_markup("[dim]$head[/dim]\n[b]$text[/b]", head=head, text=question.text)
        )
        self.query_one("#meeting-counted", Static).update(self._counted(item))
        grid = self.query_one("#meeting-respondents", ItemGrid)
        grid.remove_children()
        grid.mount_all([respondent_card(given) for given in item.respondents] or [self._no_respondent(found)])
        self._draw_evidence(item)
        self.query_one("#meeting-keys", Static).update(self._keys(item))
        self._draw_actions(item)
        self.query_one("#meeting-detail", VerticalScroll).scroll_home(animate=False)

    def _counted(self, item: MeetingItem) -> Content:
        answer = item.answer
        if answer is None:
            return Content("Counted: nothing yet. Press a number to record the team answer.")
        source = "the team's answer" if answer.source == "team" else "the respondents' lower median"
        offered = self.meeting.bank.offered_options(item.question) if self.meeting else item.question.all_options
        number = next((n for n, o in enumerate(offered, 1) if o.id == answer.option_id), "?")
        text = Content.from_markup(
            "Counted: [b]$number[/b] ($points) · $source",
            number=str(number),
            points=f"{points_text(answer.points)} points" if answer.points is not None else "not applicable",
            source=source,
        )
        if answer.source == "team" and answer.note:
            text += Content(f"\nTeam note: {answer.note}")
        if answer.source == "team" and answer.link:
            text += Content(f"\nLink: {answer.link}")
        return text

    def _no_respondent(self, found: Meeting) -> Static:
        text = "No respondent answered this question." if found.respondents else "No respondent has answered yet."
        return Static(Content(text), classes="respondent-card")

    def _draw_evidence(self, item: MeetingItem) -> None:
        panel = self.query_one("#meeting-evidence", Static)
        found = self.meeting
        when = scanned_ago(self.scanned_at, self.app.clock())
        if found is None or not found.score.metrics:
            panel.update(Content(f"Git evidence: {when}. A scan (home, c) shows it here."))
            panel.set_class(False, "contradicted")
            return
        if item.contradictions:
            text = "Git evidence" + "".join(contradiction_text(c, hint=False) for c in item.contradictions)
        else:
            against = sorted({r.name for r in item.respondents for c in r.contradictions if not c.dismissed})
            text = f"Git evidence ({when}): nothing against the counted answer."
            if against:
                text += f"\n⚠ It argues against the answer of {', '.join(against)}."
        panel.update(Content(text))
        panel.set_class(any(not c.dismissed for c in item.contradictions), "contradicted")

    def _keys(self, item: MeetingItem) -> Content:
        chosen: dict[str, list[str]] = {}
        for given in item.respondents:
            chosen.setdefault(given.option_id, []).append(given.name)
        counted = item.answer.option_id if item.answer else None
        lines = [Content.from_markup("[b]Record the team answer[/b] (then a note, Enter to skip it)")]
        offered = self.meeting.bank.offered_options(item.question) if self.meeting else item.question.all_options
        for number, option in enumerate(offered, start=1):
            mark = "●" if option.id == counted else " "
            who = f"  ← {', '.join(chosen[option.id])}" if option.id in chosen else ""
            lines.append(Content(f"{mark} {number} {option.label}{who}"))
        return Content("\n").join(lines)

    def _draw_actions(self, item: MeetingItem) -> None:
        lines = [Content.from_markup("[b]Open actions[/b] (a: record one)")]
        for state in item.actions:
            action = state.action
            target = item.question.option(action.target)
            extra = "".join(f" · {x}" for x in (action.owner, action.note) if x)
            lines.append(Content(f"→ {target.label if target else action.target} by {action.due}{extra}"))
        if not item.actions:
            lines.append(Content("None yet."))
        self.query_one("#meeting-actions", Static).update(Content("\n").join(lines))

    # -- recording ---------------------------------------------------------------------------------------

    def action_answer(self, number: int) -> None:
        item, found = self.selected(), self.meeting
        if item is None or found is None:
            return
        options = found.bank.offered_options(item.question)
        if not 1 <= number <= len(options):
            return
        option = options[number - 1]
        team_note = item.answer.note if item.answer and item.answer.source == "team" else None
        question_id = item.question.id

        def save(note: str | None) -> None:
            if note is None or self.meeting is not found:  # cancelled, or the meeting was read again meanwhile
                return
            self.app.write_or_offer_retry(
                lambda: record_team_answer(self.app.store, found.survey, found.bank, question_id, option.id, note),
                lambda: self.refresh_meeting(select=question_id),
            )

        self.app.push_screen(
            TextPrompt(
                f"Team answer to {question_id}: {number} {option.label}",
                value=team_note or "",
                placeholder="Why the team settled on this (optional)",
                hint="Enter to record · Esc to cancel (nothing is recorded)",
                max_length=MAX_NOTE,
            ),
            save,
        )

    def action_add_action(self) -> None:
        from scorecard.tui.action_dialog import ActionDialog

        item, found = self.selected(), self.meeting
        if item is None or found is None:
            return
        try:
            # After the quarter the action is recorded in (the clock's, whatever quarter --quarter shows).
            due = next_quarter(current_quarter(self.app.clock()))
        except QuarterError:  # 2999Q4: no next quarter; the person types one
            due = ""
        question_id, team = item.question.id, found.survey.team
        bank, system = found.bank, found.survey.system

        def add(target: str, due: str, owner: str | None, note: str | None) -> ActionState:
            return add_action(self.app.store, team, question_id, target, due, owner, note, bank=bank, system=system)

        def added(state: ActionState | None) -> None:
            if state is not None:
                self.notify(escape(f"Action recorded on {question_id}, due {state.action.due}."))
                self.refresh_meeting(select=question_id)

        counted = item.answer.option_id if item.answer else None
        self.app.push_screen(ActionDialog(item.question, counted, due, add), added)

    def action_switch_focus(self) -> None:
        questions = self.query_one("#meeting-questions", OptionList)
        if questions.has_focus:
            self.query_one("#meeting-detail", VerticalScroll).focus()
        else:
            questions.focus()

    def action_close(self) -> None:
        if self.is_active:
            self.app.pop_screen()
