"""Results: the overall score and level, every area with its change since last quarter, what to do next."""

from __future__ import annotations

from pathlib import Path

from textual import getters
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.markup import escape
from textual.screen import Screen
from textual.widgets import Footer, Static

from scorecard.services.surveys import area_deltas, previous_survey, score_survey
from scorecard.survey.answers_file import answers_yaml
from scorecard.survey.records import Survey
from scorecard.survey.scoring import ScoreCard
from scorecard.survey.session import SurveySession
from scorecard.tui.app import ScorecardApp
from scorecard.tui.dialogs import TextPrompt, closed_before_mount
from scorecard.tui.survey_screen import contradiction_text

BAR_WIDTH = 20


def score_bar(score: float | None, full: float) -> str:
    if score is None:
        return "·" * BAR_WIDTH
    filled = round(BAR_WIDTH * max(0.0, min(score, full)) / full)
    return "█" * filled + "░" * (BAR_WIDTH - filled)


def delta_text(delta: float | None) -> str:
    if delta is None:
        return "  new"
    if abs(delta) < 0.05:
        return "    ="
    return (
        f"{'▲' if delta > 0 else '▼'}{abs(delta):4.0f}"
        if abs(delta) >= 1
        else f"{'▲' if delta > 0 else '▼'}{abs(delta):4.1f}"
    )


class ResultsScreen(Screen[None]):
    app = getters.app(ScorecardApp)

    BINDINGS = [
        Binding("e", "export", "Export answers"),
        Binding("w", "write_report", "Report"),
        Binding("m", "meeting", "Meeting"),
        Binding("escape,q", "close", "Done"),
    ]

    def __init__(self, session: SurveySession) -> None:
        super().__init__()
        self.session = session

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="results"):
            yield Static(id="results-body")
        yield Footer()

    def on_mount(self) -> None:
        if closed_before_mount(self):
            return
        self.query_one("#results-body", Static).update(self.render_results())

    def previous(self) -> tuple[Survey, ScoreCard] | None:
        """Last time's survey of this team and bank, scored; None on a first survey."""
        store, survey = self.app.store, self.session.survey
        previous = previous_survey(store, survey)
        return (previous, score_survey(store, previous, bank=self.session.bank).card) if previous else None

    def render_results(self) -> Content:
        session = self.session
        bank, card, survey = session.bank, session.scorecard(), session.survey
        before = self.previous()
        deltas = area_deltas(card, before[1] if before else None)
        lines: list[Content] = []
        level = card.level.label if card.level else "no level yet"
        change = ""
        if before and before[1].overall is not None and card.overall is not None:
            change = f"  ({delta_text(card.overall - before[1].overall).strip()} since {before[0].quarter})"
        lines.append(
            Content.from_markup(
                "[b]$team$system · $quarter[/b]   Overall [b]$overall[/b] / $full · $level$change",
                team=survey.team,
                system=f" · System: {survey.system}" if survey.system else "",
                quarter=survey.quarter,
                overall=bank.format_score(card.overall),
                full=f"{bank.scale_max():g}",
                level=level,
                change=change,
            )
        )
        lines.append(Content(f"{card.answered}/{card.questions} answered · completeness {card.completeness:.0%}"))
        if session.respondent:
            # Blind until the review: a respondent's results are their own answers scored, never the team's.
            lines.append(
                Content.from_markup(
                    "[b]$name's answers[/b] scored on their own. The team's combined view is in the review "
                    "meeting (m).",
                    name=session.respondent,
                )
            )
        lines.append(Content(""))
        for area in card.areas:
            score = bank.format_score(area.score)
            weakest = " ← weakest" if area.area == card.weakest_area else ""
            bar = score_bar(area.score, bank.scale_max(area.area))
            lines.append(Content(f"{area.title[:30]:<30} {bar} {score:>5} {delta_text(deltas[area.area])}{weakest}"))
        lines.append(Content(""))
        lines.extend(self.render_advice())
        return Content("\n").join(lines)

    def render_advice(self) -> list[Content]:
        """Where answers and evidence disagree, then the changes that would raise the score most."""
        session = self.session
        card = session.scorecard()
        lines: list[Content] = []
        contradictions = session.contradictions()
        if contradictions:
            lines.append(Content.from_markup("[b]Where answers and git evidence disagree[/b]"))
            for c in contradictions:
                lines.append(Content(f"{c.question_id} ({c.option_id}):{contradiction_text(c, hint=False)}"))
        else:
            lines.append(Content("No contradictions between answers and git evidence."))
        lines.append(Content(""))
        if card.improvements:
            lines.append(Content.from_markup("[b]The three changes that would raise the score most[/b]"))
            for imp in card.improvements:
                question = session.bank.question(imp.question_id)
                text = question.text if question else imp.question_id
                lines.append(Content(f"+{imp.gain:.1f}  {imp.question_id} → {imp.to_option}: {text}"))
        return lines

    def action_export(self) -> None:
        survey = self.session.survey
        who = f"-{self.session.respondent}" if self.session.respondent else ""
        default = f"{survey.team}-{survey.quarter}{who}.yaml".replace("/", "-")

        def write(path: str | None) -> None:
            if not path:
                return
            session = self.session
            text = answers_yaml(survey.team, survey.quarter, session.bank, session.answers, session.respondent)
            try:
                Path(path).expanduser().write_text(text, encoding="utf-8")
            except OSError as error:
                self.notify(f"Cannot write {escape(path)}: {error.strerror}", severity="error")
                return
            self.notify(f"Answers written to {escape(path)}")

        self.app.push_screen(TextPrompt("Export answers to", value=default), write)

    def action_write_report(self) -> None:
        from scorecard.tui.report_writer import ask_and_write_report

        ask_and_write_report(self.app, self.session.survey.team, self.session.survey.quarter)

    def action_meeting(self) -> None:
        self.app.open_meeting(self.session.survey.team, self.session.survey.quarter)

    def action_close(self) -> None:
        self.app.leave_survey()
