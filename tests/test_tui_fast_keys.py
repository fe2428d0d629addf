"""Keys typed faster than the screens change, on real SQLite files: each event is applied to what it was meant
for, or dropped, and the TUI neither crashes nor loses its screens."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.screen import Screen
from textual.widgets import DataTable, Input, OptionList

from scorecard.store import Store
from scorecard.tui import make_app
from scorecard.tui.dialogs import RetryPrompt, TextPrompt
from scorecard.tui.results_screen import ResultsScreen
from scorecard.tui.review_screen import ReviewScreen
from scorecard.tui.scan_screen import ScanScreen
from scorecard.tui.survey_screen import SurveyScreen
from tests.tui_pilot import clock, hold_write_lock, settle, survey_drawn, type_at_once


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "keys.db"
    Store.open(path).close()
    return path


def survey_app(db: Path, bank: Path):
    return make_app(db_path=db, team="ranking", quarter="2026Q4", bank_name=str(bank), clock=clock)


def home_app(db: Path, bank: Path):
    return make_app(db_path=db, quarter="2026Q4", bank_name=str(bank), clock=clock)


def stored(db: Path) -> dict[str, str]:
    with Store.open(db) as store:
        survey = store.find_survey("ranking", "2026Q4", "tiny")
        return {q: a.option_id for q, a in store.answers_for(survey.id).items()} if survey else {}


def stack(app) -> list[str]:
    return [type(screen).__name__ for screen in app.screen_stack if type(screen) is not Screen]


# -- 1. Enter pressed several times in the survey ------------------------------------------------------------


async def test_enter_typed_three_times_at_once_answers_only_the_question_it_was_pressed_on(db, tiny_bank_path):
    app = survey_app(db, tiny_bank_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await survey_drawn(pilot)
        # "some" exists on a-1 only: its second Enter, applied to a-2, was "question a-2 has no option 'some'".
        await type_at_once(pilot, "down", "enter", "enter", "enter")
        assert stack(app) == ["SurveyScreen"]
    assert stored(db) == {"a-1": "some"}


async def test_a_late_enter_never_answers_the_next_question_with_a_like_named_option(db, tiny_bank_path):
    app = survey_app(db, tiny_bank_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await survey_drawn(pilot)  # keys typed before it are dropped: that would store {} and prove nothing
        await type_at_once(pilot, "down", "down", "enter", "enter")  # a-1 "all"; a-2 has an "all" too
    assert stored(db) == {"a-1": "all"}


async def test_number_keys_and_enters_mixed_at_once_answer_each_question_with_one_of_its_options(
    db, tiny_bank_path, tiny_bank
):
    app = survey_app(db, tiny_bank_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await survey_drawn(pilot)
        await type_at_once(pilot, "down", "enter", "2", "enter", "3", "enter", "enter")
        assert stack(app) in (["SurveyScreen"], ["SurveyScreen", "ReviewScreen"])
    answers = stored(db)
    assert answers["a-1"] == "some"
    assert all(tiny_bank.question(q).option(o) is not None for q, o in answers.items())


async def test_enter_twice_on_the_last_question_opens_one_review(db, tiny_bank_path):
    app = survey_app(db, tiny_bank_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("1", "1")
        await type_at_once(pilot, "enter", "enter")
        assert stack(app) == ["SurveyScreen", "ReviewScreen"]


async def test_a_number_key_that_reaches_the_survey_as_it_closes_is_dropped(db, tiny_bank_path):
    with Store.open(db) as store:
        store.ensure_team("ranking")
    app = home_app(db, tiny_bank_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await survey_drawn(pilot)
        survey = app.screen
        await app.pop_screen()  # closed: its widgets are gone, is_mounted still says True
        # A "1" typed before the close, still on its way: it once answered a-1, then raised NoMatches('#position').
        assert await app.run_action("choose_number(1)", survey) is False
        assert stack(app) == ["HomeScreen"]
    assert stored(db) == {}


# -- 2. Ctrl+P, then Enter twice ---------------------------------------------------------------------------


@pytest.mark.parametrize("typed", [(), ("b", "-", "1"), ("down",)])
async def test_ctrl_p_then_enter_twice_keeps_the_survey(db, tiny_bank_path, typed):
    app = survey_app(db, tiny_bank_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await type_at_once(pilot, "ctrl+p", *typed, "enter", "enter", "enter")
        await settle(pilot)
        assert stack(app) in (["SurveyScreen"], ["SurveyScreen", "Palette"])


async def test_a_question_jump_that_arrives_after_the_survey_was_covered_is_dropped(db, tiny_bank_path):
    app = survey_app(db, tiny_bank_path)
    async with app.run_test(size=(80, 24)) as pilot:
        survey = app.screen
        assert isinstance(survey, SurveyScreen)
        jump_to_b1 = survey.question_commands()[2].callback
        await pilot.press("r")
        jump_to_b1()  # the palette runs its command after closing: the review opened meanwhile
        jump_to_b1()  # and a second Enter runs it again
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen) and survey.session.question.id == "a-1"


async def test_the_usual_palette_closes_once_on_home(db, tiny_bank_path):
    with Store.open(db) as store:
        store.ensure_team("ranking")
    app = home_app(db, tiny_bank_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await type_at_once(pilot, "ctrl+p", "k", "e", "y", "s", "enter", "enter", "enter")
        await settle(pilot)
        assert stack(app)[0] == "HomeScreen"


# -- 3. a survey of a custom bank the app was not started with -------------------------------------------------


async def test_home_lists_a_team_whose_survey_has_a_custom_bank_with_no_score(db, tiny_bank_path):
    first = survey_app(db, tiny_bank_path)
    async with first.run_test(size=(80, 24)) as pilot:
        await pilot.press("2", "q")
    with Store.open(db) as store:
        store.ensure_team("search")
    app = make_app(db_path=db, quarter="2026Q4", clock=clock)  # the shipped default bank
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        table = app.screen.query_one(DataTable)
        assert [str(c) for c in table.get_row("ranking")] == ["ranking", "2026Q4", "-", "-", "draft"]
        assert [str(c) for c in table.get_row("search")] == ["search", "-", "-", "-", "none"]


async def test_home_scores_a_custom_bank_survey_with_the_bank_the_app_uses(db, tiny_bank_path):
    first = survey_app(db, tiny_bank_path)
    async with first.run_test(size=(80, 24)) as pilot:
        await pilot.press("3", "q")
    app = home_app(db, tiny_bank_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        row = [str(c) for c in app.screen.query_one(DataTable).get_row("ranking")]
        assert row[2:] == ["100", "Low debt", "draft 33%"]


# -- 5. siblings -------------------------------------------------------------------------------------------


async def test_a_team_name_submitted_with_enter_twice_adds_it_and_keeps_home(db, tiny_bank_path):
    app = home_app(db, tiny_bank_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("a")
        await type_at_once(pilot, "o", "p", "s", "enter", "enter")
        assert stack(app) in (["HomeScreen"], ["HomeScreen", "SurveyScreen"])
    with Store.open(db) as store:
        assert [team.name for team in store.list_teams()] == ["ops"]


async def test_enter_twice_on_a_team_opens_one_survey(db, tiny_bank_path):
    with Store.open(db) as store:
        store.ensure_team("ranking")
    app = home_app(db, tiny_bank_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await type_at_once(pilot, "enter", "enter")
        assert stack(app) == ["HomeScreen", "SurveyScreen"]


async def test_retry_pressed_twice_when_completing_shows_the_results_once(db, tiny_bank_path):
    app = survey_app(db, tiny_bank_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("1", "1", "1")
        await pilot.pause()
        blocker = hold_write_lock(db)
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.screen, RetryPrompt)
        blocker.rollback()
        blocker.close()
        await type_at_once(pilot, "r", "r", "c")
        assert stack(app) == ["ResultsScreen"]
    with Store.open(db) as store:
        assert store.find_survey("ranking", "2026Q4", "tiny").status == "complete"


async def test_a_survey_answered_na_throughout_shows_its_results(db, tiny_bank_path):
    app = survey_app(db, tiny_bank_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("4", "3", "4")  # "na" everywhere: nothing to score
        await pilot.pause()
        await type_at_once(pilot, "c", "c")
        assert isinstance(app.screen, ResultsScreen)
        assert "Overall - / 100 · no level yet" in str(app.screen.query_one("#results-body").render())


async def test_an_export_path_of_only_spaces_writes_nothing(db, tiny_bank_path, tmp_path, monkeypatch):
    (tmp_path / "cwd").mkdir()
    monkeypatch.chdir(tmp_path / "cwd")  # the default export path is relative
    app = survey_app(db, tiny_bank_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("1", "1", "1")
        await pilot.pause()
        await pilot.press("c")
        await pilot.pause()
        await pilot.press("e")
        await pilot.pause()
        app.screen.query_one(Input).value = "   "
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ResultsScreen)
    assert list((tmp_path / "cwd").iterdir()) == []


async def test_an_area_without_questions_cannot_be_opened(db, tiny_bank_path):
    from dataclasses import replace

    from scorecard.survey.bank import Area

    app = survey_app(db, tiny_bank_path)
    app.bank = replace(app.bank, areas=(*app.bank.areas, Area("empty", "Empty", "No question yet.")))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("tab")
        areas = app.screen.query_one("#areas", OptionList)
        areas.highlighted = 2
        await pilot.press("enter")
        assert app.screen.session.question.id == "a-1"


# -- 4. found by the monkey test ------------------------------------------------------------------------------


SCREENS_THAT_OPEN = {
    "review": lambda app: ReviewScreen(app.screen.session),
    "results": lambda app: ResultsScreen(app.screen.session),
    "text prompt": lambda app: TextPrompt("Note on a-1"),
    "scan": lambda app: ScanScreen("ranking", []),
}


@pytest.mark.parametrize("opened", SCREENS_THAT_OPEN)
async def test_a_screen_closed_the_moment_it_opened_leaves_the_survey_as_it_was(db, tiny_bank_path, opened):
    app = survey_app(db, tiny_bank_path)
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(SCREENS_THAT_OPEN[opened](app))
        app.pop_screen()  # Esc typed right after the key that opened it: before the screen mounted
        await settle(pilot)
        assert stack(app) == ["SurveyScreen"]


async def test_a_dialog_opened_by_a_key_handled_as_the_app_quits_does_not_fail(db, tiny_bank_path):
    app = survey_app(db, tiny_bank_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("1", "1", "1")
        await pilot.pause()
        await pilot.press("c")
        await pilot.pause()
        app.exit()  # Esc on the results of `scorecard survey --team`
        app.screen.action_write_report()  # w, typed right after
    assert app.return_code == 0


async def test_a_letter_reaching_the_palette_after_it_closed_searches_nothing(db, tiny_bank_path):
    app = survey_app(db, tiny_bank_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+p")
        palette = app.screen
        field = palette.query_one(Input)
        await palette.remove_children()  # closing: its list goes (the order a burst of keys can bring)
        palette.dismiss()  # Esc
        palette.post_message(Input.Changed(field, "b"))  # a letter typed after Esc, still on its way
        await settle(pilot)  # it once started a search in the removed list: NoMatches in a worker
        assert stack(app) == ["SurveyScreen"]


async def test_the_palette_opened_again_while_the_last_one_is_still_closing_opens(db, tiny_bank_path):
    with Store.open(db) as store:
        store.ensure_team("ranking")
    app = home_app(db, tiny_bank_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        app.screen.dismiss()  # Esc: the palette leaves the stack now, its widgets a moment later
        app.action_command_palette()  # Ctrl+P in that moment (two palettes once shared one id)
        await settle(pilot)
        assert stack(app) == ["HomeScreen", "Palette"]
