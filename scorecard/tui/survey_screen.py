"""The survey screen: one question at a time, the areas beside it, the git evidence below it.

Keys: 1-9 choose an option (or arrows and Enter), b/Left back, s/Right skip, n note, l link, d dismiss the
evidence's contradiction with a reason, i who answers, ?/F1 help, Ctrl+P jump to any question, r review, q save
and quit. Every answer is saved the moment it is chosen (see session.py).

The header says which system the survey is for ("ranking / NAME"; the team alone for its team-level survey) and
who answers (the screen's ``sub_title``: "Answering as Ana" or "Answering for the team"); a respondent sees only
their own answers (blind, see session.py). Under the question: the team's actions on it
that this survey answers to (:func:`scorecard.services.sessions.survey_actions`).

Keys typed quickly are handled after the screen has moved on: an option list's choice names its question, and
a choice (or a jump) that arrives for a question no longer shown, or while a dialog covers the survey, is dropped.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from textual import getters, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider, SimpleCommand
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.markup import escape
from textual.screen import Screen
from textual.widgets import Footer, OptionList, ProgressBar, Static
from textual.widgets.option_list import Option

from scorecard.errors import one_line
from scorecard.metric_contract import describe_metric
from scorecard.services.dismissals import record_dismissals
from scorecard.services.respondent_choice import AnsweringAs
from scorecard.services.sessions import survey_actions
from scorecard.survey.actions import ActionState
from scorecard.survey.answers_file import MAX_LINK, MAX_NOTE
from scorecard.survey.contradictions import Contradiction
from scorecard.survey.dismissals import MAX_REASON
from scorecard.survey.session import SurveySession
from scorecard.tui.app import ScorecardApp
from scorecard.tui.dialogs import TextPrompt, closed_before_mount, ready_to_act


def option_key(question_id: str, option_id: str) -> str:
    """The id of an option in the list: the question's id with the option's (ids never contain ":")."""
    return f"{question_id}:{option_id}"


def split_option_key(key: str) -> tuple[str, str]:
    question_id, _, option_id = key.rpartition(":")
    return question_id, option_id


def scanned_ago(scanned_at: str | None, now: datetime) -> str:
    """ "scanned 3 days ago" from an ISO timestamp (the clock is injected so snapshots stay still)."""
    if not scanned_at:
        return "no scan yet"
    days = (now - datetime.fromisoformat(scanned_at)).days
    return "scanned today" if days <= 0 else f"scanned {days} day{'s' if days != 1 else ''} ago"


EXAMPLES_SHOWN = 3
ACTION_LABEL = 40
"""Characters of an action's target option shown beside its question."""


def contradiction_text(found: Contradiction, hint: bool = True) -> str:
    """A contradiction in the evidence panel: what it says, the claim it tests, what was measured, a few of the
    files or flags behind it, and whether the team dismissed it (with the reason); ``hint``: how to dismiss it."""
    if found.dismissed:
        return f"\n✓ Dismissed by the team: {found.reason}\n  ({found.message})"
    lines = [f"\n⚠ The evidence disagrees with this answer: {found.message}"]
    if found.claim:
        lines.append(f"  Claim tested: {found.claim}")
    lines.extend(f"  · {condition.description}" for condition in found.conditions)
    if found.examples:
        more = f" (+{len(found.examples) - EXAMPLES_SHOWN} more)" if len(found.examples) > EXAMPLES_SHOWN else ""
        lines.append(f"  e.g. {', '.join(found.examples[:EXAMPLES_SHOWN])}{more}")
    if found.lapsed_reason:
        lines.append(f"  Dismissed before ({found.lapsed_reason}), but the evidence has moved past its margin.")
    if hint:
        lines.append("  d: dismiss it with a reason")
    return "\n".join(lines)


class SurveyScreen(Screen[None]):
    """Answer a bank question by question; pops back (or exits) on ``q``, saving nothing more is needed."""

    app = getters.app(ScorecardApp)

    BINDINGS = [
        *(Binding(str(n), f"choose_number({n})", f"Option {n}", show=False) for n in range(1, 10)),
        Binding("b,left", "back", "Back"),
        Binding("s,right", "skip", "Skip"),
        Binding("n", "note", "Note"),
        Binding("l", "link", "Link"),
        Binding("d", "dismiss_evidence", "Dismiss evidence", show=False),
        Binding("question_mark,f1", "toggle_help", "Help"),
        Binding("r", "review", "Review"),
        # "Who": the footer holds every key at 80 columns only with a short label; the header says the rest.
        Binding("i", "answer_as", "Who", tooltip="Who answers: reopen this survey as another respondent or the team"),
        Binding("q", "quit_survey", "Save & quit"),
        Binding("tab", "focus_areas", "Areas", show=False),
    ]

    def __init__(self, session: SurveySession) -> None:
        super().__init__()
        self.session = session
        self.show_help = False
        self.sub_title = AnsweringAs(session.respondent).label
        self.actions: dict[str, list[ActionState]] = {}
        """Question id -> the team's actions beside it (read when the screen mounts)."""
        self.drawn = False
        """Set last thing in on_mount: from then on every widget an action draws into exists."""

    # -- layout -------------------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        survey = self.session.survey
        with Horizontal(id="survey-title"):
            yield Static(
                Content.from_markup(
                    "[b]$team[/b]$system · $quarter · $bank",  # "ranking / Ranker": fits at 80 columns
                    team=survey.team,
                    system=f" / {survey.system}" if survey.system else "",
                    quarter=survey.quarter,
                    bank=self.session.bank.title,
                ),
                id="survey-name",
            )
            yield Static(Content(self.sub_title or ""), id="answering-as")
            yield ProgressBar(total=self.session.total, show_eta=False, show_percentage=False, id="progress")
            yield Static(id="answered")
        yield Static(id="position")
        with Horizontal(id="survey-body"):
            yield OptionList(id="areas")
            with VerticalScroll(id="question-pane"):
                # Read in this order: the question, what git says about it, why it matters, then the answers.
                yield Static(id="question-text")
                yield Static(id="actions")
                yield Static(id="carried-over")
                yield Static(id="evidence")
                yield Static(id="help")
                yield OptionList(id="options")
                yield Static(id="note")
                yield Static(id="link")
        yield Footer()

    def on_mount(self) -> None:
        if closed_before_mount(self):
            return
        self.actions = survey_actions(self.app.store, self.session.survey, self.session.bank)
        self.refresh_question()
        self.query_one("#options", OptionList).focus()
        self.drawn = True

    @property
    def ready(self) -> bool:
        """Drawn and not closed since (see :func:`~scorecard.tui.dialogs.ready_to_act`)."""
        return ready_to_act(self, self.drawn)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # A key typed before the screen has drawn its first question (right after the Enter that opened it), or
        # arriving while it closes, is dropped: every action draws into widgets that exist only in between.
        return self.ready

    # -- drawing ------------------------------------------------------------------------------------------

    def refresh_question(self) -> None:
        session, question = self.session, self.session.question
        area = session.bank.area(question.area)
        self.query_one("#position", Static).update(
            Content(
                f"Area {session.area_index + 1}/{len(session.bank.areas)} {area.title if area else question.area}"
                f" · Question {session.index + 1}/{session.total}"
            )
        )
        self.query_one("#progress", ProgressBar).update(progress=session.answered_count)
        self.query_one("#answered", Static).update(f" {session.answered_count}/{session.total} answered")
        self._draw_areas()
        self.query_one("#question-text", Static).update(
            Content.from_markup("[dim]$id[/dim]\n[b]$text[/b]", id=question.id, text=question.text)
        )
        answer = session.answer_for(question.id)
        carried = self.query_one("#carried-over", Static)
        carried.update(
            Content("Carried over from last quarter - Enter confirms, or choose another option")
            if answer and answer.carried_over
            else ""
        )
        carried.display = bool(answer and answer.carried_over)
        options = self.query_one("#options", OptionList)
        options.clear_options()
        for number, option in enumerate(session.options, start=1):
            chosen = answer is not None and answer.option_id == option.id
            mark = "●" if chosen else " "
            options.add_option(
                Option(Content(f"{mark} {number}  {option.label}"), id=option_key(question.id, option.id))
            )
        ids = [o.id for o in session.options]
        options.highlighted = ids.index(answer.option_id) if answer and answer.option_id in ids else 0
        note = self.query_one("#note", Static)
        note.update(Content(f"Note: {answer.note}") if answer and answer.note else "")
        note.display = bool(answer and answer.note)
        link = self.query_one("#link", Static)
        link.update(Content(f"Link: {answer.link}") if answer and answer.link else "")
        link.display = bool(answer and answer.link)
        self._draw_actions()
        self._draw_evidence()
        help_panel = self.query_one("#help", Static)
        help_panel.update(
            Content.from_markup(
                "[b]Why it matters[/b]\n$why\n\n[b]Source[/b]\n$source\n\n[b]What good looks like[/b]\n$good",
                why=question.help.why,
                source=question.help.source,
                good=question.help.good,
            )
        )
        help_panel.display = self.show_help
        self.query_one("#question-pane", VerticalScroll).scroll_home(animate=False)

    def _draw_areas(self) -> None:
        areas = self.query_one("#areas", OptionList)
        highlighted = areas.highlighted
        areas.clear_options()
        for area in self.session.bank.areas:
            done, total = self.session.area_progress(area.id)
            mark = "✓" if done == total else ("•" if done else " ")
            current = "▶" if area.id == self.session.question.area else " "
            title = area.title if len(area.title) <= 18 else area.title[:17] + "…"
            areas.add_option(Option(Content(f"{current}{mark} {title:<18} {done:>2}/{total}"), id=area.id))
        if highlighted is not None:
            areas.highlighted = highlighted

    def _draw_actions(self) -> None:
        question = self.session.question
        lines = []
        ids = [option.id for option in self.session.options]
        for state in self.actions.get(question.id, []):
            action = state.action
            target = question.option(action.target)
            label = target.label if target else action.target
            # The option's number (the key that chooses it) and the start of its label: two lines at 80 columns.
            number = f"{ids.index(action.target) + 1} " if action.target in ids else ""
            short = label if len(label) <= ACTION_LABEL else label[: ACTION_LABEL - 1].rstrip() + "…"
            owner = f", owner {action.owner}" if action.owner else ""
            lines.append(f"Action due {action.due}: reach {number}“{short}”{owner}")
        panel = self.query_one("#actions", Static)
        panel.update(Content("\n".join(lines)))
        panel.display = bool(lines)

    def _draw_evidence(self) -> None:
        session, question = self.session, self.session.question
        panel = self.query_one("#evidence", Static)
        metrics = list(dict.fromkeys(c.metric for rule in question.evidence for c in rule.conditions))
        if not metrics:
            panel.display = False
            return
        panel.display = True
        when = scanned_ago(session.scanned_at, self.app.clock())
        if not session.metrics:
            panel.update(Content(f"Git evidence: {when}. Run a scan (home screen, c) to see it here."))
            return
        known = [describe_metric(m, session.metrics[m]) for m in metrics if m in session.metrics]
        text = "Git evidence: " + (", ".join(known) if known else "not measured by the last scan") + f" · {when}"
        found = session.contradiction_for(question.id)
        text += "".join(contradiction_text(c) for c in found)
        panel.update(Content(text))
        panel.set_class(any(not c.dismissed for c in found), "contradicted")

    # -- answering ----------------------------------------------------------------------------------------

    def choose(self, option_id: str) -> None:
        answer = self.session.answer_for(self.session.question.id)
        if answer and answer.carried_over and answer.option_id == option_id:
            self.app.write_or_offer_retry(self.session.confirm_carried_over, self.advance)
        else:
            self.app.write_or_offer_retry(lambda: self.session.choose(option_id), self.advance)

    def advance(self) -> None:
        """After an answer: the next question, or the review when this was the last one."""
        if self.session.at_end:
            self.refresh_question()
            self.action_review()
        else:
            self.session.go_to(self.session.index + 1)
            self.refresh_question()

    @on(OptionList.OptionSelected, "#options")
    def option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id is None or not self.is_active or not self.ready:
            return
        question_id, option_id = split_option_key(event.option.id)
        if question_id == self.session.question.id:  # else: Enter pressed on a question since answered
            self.choose(option_id)

    @on(OptionList.OptionSelected, "#areas")
    def area_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if (
            event.option.id is not None
            and self.is_active
            and self.ready
            and self.session.bank.questions_in(event.option.id)
        ):
            self.session.jump_to_area(event.option.id)
            self.refresh_question()
            self.query_one("#options", OptionList).focus()

    def action_choose_number(self, number: int) -> None:
        options = self.session.options
        if 1 <= number <= len(options):
            self.choose(options[number - 1].id)

    def action_back(self) -> None:
        self.session.back()
        self.refresh_question()

    def action_skip(self) -> None:
        if self.session.at_end:
            self.action_review()
            return
        self.session.skip()
        self.refresh_question()

    def action_note(self) -> None:
        answer = self.session.answer_for(self.session.question.id)
        if answer is None:
            self.notify("Answer the question first, then add a note.", severity="warning")
            return

        question_id = self.session.question.id

        def save_note(text: str | None) -> None:
            # The note belongs to the question it was opened on (an empty one clears it).
            if text is not None and self.session.question.id == question_id:
                self.app.write_or_offer_retry(lambda: self.session.set_note(text), self.refresh_question)

        self.app.push_screen(
            # The answers file's limit: a note typed here must survive an export and a re-import.
            TextPrompt(
                f"Note on {question_id}",
                value=answer.note or "",
                placeholder="Why this answer?",
                max_length=MAX_NOTE,
            ),
            save_note,
        )

    def action_link(self) -> None:
        answer = self.session.answer_for(self.session.question.id)
        if answer is None:
            self.notify("Answer the question first, then add a link.", severity="warning")
            return

        question_id = self.session.question.id

        def save_link(text: str | None) -> None:
            # As notes go: the link belongs to the question it was opened on, and an empty one removes it.
            if text is None or self.session.question.id != question_id:
                return
            if text != one_line(text, MAX_LINK):  # pasted control characters: the answers file refuses them too
                self.notify("A link is one line of plain text: nothing was saved.", severity="warning")
                return
            self.app.write_or_offer_retry(lambda: self.session.set_link(text), self.refresh_question)

        self.app.push_screen(
            # The answers file's limit (an Input holds one line): a link typed here survives an export.
            TextPrompt(
                f"Link for {question_id}",
                value=answer.link or "",
                placeholder="A ticket, a CI job, a dashboard, a path",
                hint="Enter to save (empty: remove the link) · Esc to cancel",
                max_length=MAX_LINK,
            ),
            save_link,
        )

    def action_answer_as(self) -> None:
        """Ask who answers, and reopen this survey as them (their own answers, on their first unanswered one)."""
        from scorecard.tui.respondent_prompt import ask_who_answers

        def reopen(choice: AnsweringAs) -> None:
            if self.app.screen is self:
                self.app.switch_screen(SurveyScreen(self.app.open_session_as(self.session.survey.team, choice)))

        ask_who_answers(self.app, reopen)

    def action_dismiss_evidence(self) -> None:
        """Ask why the evidence does not apply, then dismiss every contradiction of the question that shows."""
        question_id = self.session.question.id
        if not self.open_contradictions(question_id):
            self.notify("No contradiction to dismiss on this question.", severity="warning")
            return

        def dismiss(reason: str | None) -> None:
            if reason is None or self.session.question.id != question_id:
                return
            if not reason:
                self.notify("A dismissal needs a reason: nothing was dismissed.", severity="warning")
                return
            self.app.write_or_offer_retry(lambda: self.dismiss_with(question_id, reason), self.refresh_question)

        self.app.push_screen(
            TextPrompt(
                f"Dismiss the evidence on {question_id}: why does it not apply?",
                placeholder="The reason (kept, and shown in the report)",
                max_length=MAX_REASON,
            ),
            dismiss,
        )

    def open_contradictions(self, question_id: str) -> list[Contradiction]:
        return [c for c in self.session.contradiction_for(question_id) if not c.dismissed]

    def dismiss_with(self, question_id: str, reason: str) -> None:
        """Store the dismissals of the question's contradictions that show now, and take them into the session."""
        session = self.session
        found = self.open_contradictions(question_id)
        if found:
            survey = session.survey
            record_dismissals(self.app.store, survey.team, session.bank.id, found, reason, system=survey.system)
        session.dismissals = tuple(
            self.app.store.dismissals_for(session.survey.team, session.bank.id, session.survey.system)
        )

    def action_toggle_help(self) -> None:
        self.show_help = not self.show_help
        self.query_one("#help", Static).display = self.show_help

    def action_focus_areas(self) -> None:
        areas = self.query_one("#areas", OptionList)
        if areas.has_focus:
            self.query_one("#options", OptionList).focus()
        else:
            areas.focus()

    def question_commands(self) -> list[SimpleCommand]:
        """Every question as a command-palette entry (Ctrl+P); the palette reads names as markup."""
        commands = []
        for question in self.session.bank.questions:
            mark = "✓" if self.session.is_answered(question.id) else " "
            name = escape(f"{mark} {question.id}: {question.text}")
            commands.append(SimpleCommand(name, self._jumper(question.id), question.area))
        return commands

    def _jumper(self, question_id: str) -> Callable[[], None]:
        def jump() -> None:
            # Runs after the palette closed; a second Enter in the palette may run it again, or late.
            if not self.is_active or not self.ready:
                return
            self.session.jump_to_question(question_id)
            self.refresh_question()
            self.query_one("#options", OptionList).focus()

        return jump

    def action_review(self) -> None:
        from scorecard.tui.review_screen import ReviewScreen

        def after_review(question_id: str | None) -> None:
            if question_id:
                self.session.jump_to_question(question_id)
            self.refresh_question()

        self.app.push_screen(ReviewScreen(self.session), after_review)

    def action_quit_survey(self) -> None:
        # Every answer is already stored; leaving is all that is left to do.
        self.app.leave_survey()


class QuestionJumps(Provider):
    """The command palette's source on the survey (Ctrl+P): every question of the survey it was opened on."""

    def _commands(self) -> list[SimpleCommand]:
        return self.screen.question_commands() if isinstance(self.screen, SurveyScreen) else []

    async def discover(self) -> Hits:
        for name, callback, help_text in self._commands():
            yield DiscoveryHit(name, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, callback, help_text in self._commands():
            if (score := matcher.match(name)) > 0:
                yield Hit(score, matcher.highlight(name), callback, help=help_text)
