"""``d`` on the survey screen: a contradiction dismissed with a reason, through Textual's Pilot, checked against the
store; the evidence panel and the results screen show the claim, the examples, and the dismissal with its reason."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input, Static

from scorecard.store import Store
from scorecard.survey.contradictions import Evidence
from scorecard.tui import make_app
from scorecard.tui.dialogs import TextPrompt
from scorecard.tui.results_screen import ResultsScreen
from scorecard.tui.survey_screen import SurveyScreen
from tests.tui_pilot import clock, save_through_a_lock, settle

PAIRS = [f"src/m{n}.py <> src/m{n + 1}.py" for n in range(5)]
REASON = "Generated stubs change together"


def evidence(_store: Store, _team: str, _system: str | None = None) -> tuple[Evidence, str]:
    return Evidence(
        {"coupling.strong_pairs": 7.0}, examples={"coupling.strong_pairs": PAIRS}
    ), "2026-11-23T12:00:00+00:00"


def survey_app(store: Store, bank_path: Path):
    return make_app(
        store=store, team="ranking", quarter="2026Q4", bank_name=str(bank_path), clock=clock, evidence=evidence
    )


def panel_text(app) -> str:
    return str(app.screen.query_one("#evidence", Static).render())


async def answer_against_the_evidence(pilot) -> None:
    await pilot.press("3", "b")  # a-1: "all", which the coupling rule contradicts; back to look at it
    await pilot.pause()


async def test_the_panel_shows_the_claim_what_was_measured_and_examples(store, tiny_bank_path):
    app = survey_app(store, tiny_bank_path)
    async with app.run_test(size=(100, 40)) as pilot:
        await answer_against_the_evidence(pilot)
        text = panel_text(app)
        assert "disagrees with this answer: Coupled files." in text
        assert "Claim tested: Everything is claimed decoupled" in text
        assert "7 file pairs that change together (degree >= 0.5) (rule: >= 3)" in text
        assert f"e.g. {PAIRS[0]}, {PAIRS[1]}, {PAIRS[2]} (+2 more)" in text
        assert "d: dismiss it with a reason" in text
        assert app.screen.query_one("#evidence", Static).has_class("contradicted")


async def test_d_asks_the_reason_then_dismisses_and_the_panel_says_so(store, tiny_bank_path):
    app = survey_app(store, tiny_bank_path)
    async with app.run_test(size=(100, 40)) as pilot:
        await answer_against_the_evidence(pilot)
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, TextPrompt)
        app.screen.query_one(Input).value = f"  {REASON}  "
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, SurveyScreen)
        text = panel_text(app)
        assert f"Dismissed by the team: {REASON}" in text and "disagrees" not in text
        assert not app.screen.query_one("#evidence", Static).has_class("contradicted")
    [stored] = store.dismissals_for("ranking")
    assert (stored.bank_id, stored.question_id, stored.option_id, stored.reason) == ("tiny", "a-1", "all", REASON)
    assert stored.claim.startswith("Everything is claimed decoupled") and stored.values[0].value == 7.0
    assert stored.margin == 0.2


async def test_a_dismissal_made_earlier_shows_when_the_survey_opens_and_on_the_results(store, tiny_bank_path):
    app = survey_app(store, tiny_bank_path)
    async with app.run_test(size=(100, 40)) as pilot:
        await answer_against_the_evidence(pilot)
        await pilot.press("d")
        await pilot.pause()
        app.screen.query_one(Input).value = REASON
        await pilot.press("enter", "q")
    again = survey_app(store, tiny_bank_path)
    async with again.run_test(size=(100, 40)) as pilot:
        again.screen.session.jump_to_question("a-1")
        again.screen.refresh_question()
        assert f"Dismissed by the team: {REASON}" in panel_text(again)
        again.push_screen(ResultsScreen(again.screen.session))
        await settle(pilot)
        results = str(again.screen.query_one("#results-body", Static).render())
        assert f"a-1 (all):\n✓ Dismissed by the team: {REASON}" in results


async def test_nothing_to_dismiss_esc_or_an_empty_reason_dismiss_nothing(store, tiny_bank_path):
    app = survey_app(store, tiny_bank_path)
    async with app.run_test(size=(100, 40), notifications=True) as pilot:
        await pilot.press("d")  # a-1 not answered yet: no contradiction
        await pilot.pause()
        assert isinstance(app.screen, SurveyScreen)
        await answer_against_the_evidence(pilot)
        await pilot.press("d", "escape")
        await pilot.pause()
        await pilot.press("d")
        await pilot.pause()
        app.screen.query_one(Input).value = "   "
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, SurveyScreen) and "disagrees" in panel_text(app)
        toasts = [str(toast.render()) for toast in app.screen.query("Toast")]
        assert any("No contradiction to dismiss" in t for t in toasts)
        assert any("A dismissal needs a reason" in t for t in toasts)
    assert store.dismissals_for("ranking") == []


async def test_a_locked_database_offers_a_retry_and_then_dismisses(tmp_path, tiny_bank_path):
    path = tmp_path / "locked.db"
    with Store.open(path, clock=clock, timeout=0.1) as store:
        app = survey_app(store, tiny_bank_path)
        async with app.run_test(size=(100, 40)) as pilot:
            await answer_against_the_evidence(pilot)
            await pilot.press("d")
            await pilot.pause()
            app.screen.query_one(Input).value = REASON
            await save_through_a_lock(pilot, path, "enter")
            assert isinstance(app.screen, SurveyScreen) and f"Dismissed by the team: {REASON}" in panel_text(app)
        assert [d.reason for d in store.dismissals_for("ranking")] == [REASON]
