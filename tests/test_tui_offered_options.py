"""The survey screen offers only what the bank offers: no "Not applicable" in the ML Test Score (version 2)."""

from __future__ import annotations

from textual.widgets import OptionList

from scorecard.store import Store
from scorecard.tui import make_app
from scorecard.tui.survey_screen import SurveyScreen
from tests.tui_pilot import clock


async def test_ml_test_score_lists_no_na_and_its_number_keys_skip_it(tmp_path):
    path = tmp_path / "mts.db"
    app = make_app(db_path=path, team="ranking", quarter="2026Q4", bank_name="ml-test-score", clock=clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, SurveyScreen)
        options = app.screen.query_one("#options", OptionList)
        labels = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert options.option_count == 4  # none, manual, automated, don't know
        assert not any("Not applicable" in label for label in labels)
        assert "4  Don't know" in labels[3]
        await pilot.press("5")  # was na's key before version 2: now no option, nothing recorded
        await pilot.pause()
        await pilot.press("4")
        await pilot.pause()
    with Store.open(path) as store:
        survey = store.latest_survey("ranking", "ml-test-score", "2026Q4")
        assert survey is not None
        assert {qid: a.option_id for qid, a in store.answers_for(survey.id).items()} == {"data-1": "unknown"}
