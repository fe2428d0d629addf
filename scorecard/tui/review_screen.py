"""Review before completing: every unanswered, skipped and carried-over question, one keystroke away."""

from __future__ import annotations

from textual import getters, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from scorecard.survey.session import SurveySession
from scorecard.tui.app import ScorecardApp
from scorecard.tui.dialogs import Dialog, closed_before_mount


class ReviewScreen(Dialog[str | None]):
    """Dismisses with the question id to jump to, or None to go back where the person was."""

    app = getters.app(ScorecardApp)

    BINDINGS = [
        Binding("escape", "back", "Back to survey"),
        Binding("c", "complete", "Complete survey"),
    ]

    def __init__(self, session: SurveySession) -> None:
        super().__init__()
        self.session = session

    def compose(self) -> ComposeResult:
        items = self.session.review_items()
        with Vertical(classes="dialog wide"):
            yield Static("Review", classes="dialog-title")
            answered, total = self.session.answered_count, self.session.total
            if items:
                summary = f"{answered}/{total} answered. These still need a look (Enter opens one):"
            else:
                summary = f"All {total} questions answered. Press c to complete the survey and see the results."
            yield Static(Content(summary), id="review-summary")
            options = OptionList(id="review-items")
            for question_id, why in items:
                question = self.session.bank.question(question_id)
                text = question.text if question else question_id
                options.add_option(Option(Content(f"[{why}] {question_id}: {text}"), id=question_id))
            options.display = bool(items)
            yield options
        yield Footer()

    def on_mount(self) -> None:
        if closed_before_mount(self):
            return
        items = self.query_one(OptionList)
        if items.option_count:
            items.highlighted = 0
        items.focus()

    @on(OptionList.OptionSelected)
    def open_question(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_back(self) -> None:
        self.dismiss(None)

    def action_complete(self) -> None:
        left = len(self.session.review_items())
        if left:
            self.notify(
                f"{left} question(s) still need an answer (na and unknown are answers too).", severity="warning"
            )
            return
        self.app.complete_survey(self.session)
