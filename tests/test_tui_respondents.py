"""Answering as a respondent in the TUI: asked once and remembered, shown in the header, changeable, blind;
links (``l``) and the team's open actions beside their question."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from textual.widgets import Input, Static

from scorecard.paths import settings_path
from scorecard.services.actions import add_action
from scorecard.services.surveys import score_survey, stored_answers
from scorecard.store import Store
from scorecard.survey.answers_file import MAX_LINK
from scorecard.survey.bank_file import load_bank_file
from scorecard.survey.respondents import chosen_options
from scorecard.survey.scoring import score_answers
from scorecard.tui import make_app
from scorecard.tui.dialogs import TextPrompt
from scorecard.tui.home_screen import HomeScreen
from scorecard.tui.respondent_prompt import RespondentPrompt
from scorecard.tui.results_screen import ResultsScreen
from scorecard.tui.review_screen import ReviewScreen
from scorecard.tui.survey_screen import SurveyScreen
from tests.tui_pilot import clock, settle, toasts


def survey_app(store: Store, bank_path: Path, **kwargs):
    return make_app(store=store, team="ranking", quarter="2026Q4", bank_name=str(bank_path), clock=clock, **kwargs)


def text_of(app, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


def remembered() -> object:
    return json.loads(settings_path().read_text(encoding="utf-8"))["respondent"]


def chosen_marks(app) -> list[str]:
    """The options of the question shown, as drawn: "●" marks the one this session chose."""
    return [str(option.prompt) for option in app.screen.query_one("#options").options]


async def test_the_prompt_asks_once_and_the_choice_is_remembered_across_restarts(
    store, tiny_bank_path, nobody_chose_yet
):
    app = survey_app(store, tiny_bank_path)
    async with app.run_test(size=(80, 24)) as pilot:
        assert isinstance(app.screen, RespondentPrompt)
        await pilot.press(*"Ana", "enter")
        await pilot.pause()
        assert isinstance(app.screen, SurveyScreen)
        assert app.screen.sub_title == "Answering as Ana"
        assert "Answering as Ana" in text_of(app, "#answering-as")
        await pilot.press("3")
    assert remembered() == "Ana"
    again = survey_app(store, tiny_bank_path)
    async with again.run_test(size=(80, 24)) as pilot:
        assert isinstance(again.screen, SurveyScreen)  # not asked again
        assert again.screen.sub_title == "Answering as Ana"
        assert again.screen.session.answer_for("a-1").option_id == "all"  # Ana's own answer, resumed
    survey = store.find_survey("ranking", "2026Q4", "tiny")
    assert store.answers_for(survey.id) == {}  # no team answer was written
    assert list(store.respondent_answers_for(survey.id)) == ["Ana"]


async def test_the_whole_team_is_one_tab_away_and_answers_as_before(store, tiny_bank_path, nobody_chose_yet):
    app = survey_app(store, tiny_bank_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("tab", "enter")
        await pilot.pause()
        assert app.screen.sub_title == "Answering for the team"
        await pilot.press("2")
    assert remembered() is None
    survey = store.find_survey("ranking", "2026Q4", "tiny")
    assert store.answers_for(survey.id)["a-1"].option_id == "some"
    assert store.respondent_answers_for(survey.id) == {}


async def test_respondent_on_the_command_line_is_never_asked_nor_remembered(store, tiny_bank_path, nobody_chose_yet):
    app = survey_app(store, tiny_bank_path, respondent="Bob")
    async with app.run_test(size=(80, 24)) as pilot:
        assert isinstance(app.screen, SurveyScreen)
        assert app.screen.sub_title == "Answering as Bob"
        await pilot.press("1")
    assert not settings_path().exists()
    assert list(store.respondent_answers_for(store.find_survey("ranking", "2026Q4", "tiny").id)) == ["Bob"]


async def test_respondent_on_the_command_line_wins_over_the_remembered_choice(store, tiny_bank_path):
    app = survey_app(store, tiny_bank_path, respondent="Bob")  # "the team" is remembered (conftest)
    async with app.run_test(size=(80, 24)):
        assert app.screen.sub_title == "Answering as Bob"


async def test_a_bad_name_keeps_the_prompt_open_and_says_why(store, tiny_bank_path, nobody_chose_yet):
    app = survey_app(store, tiny_bank_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("space", "space", "enter")
        await pilot.pause()
        assert isinstance(app.screen, RespondentPrompt)
        assert "A respondent name cannot be empty" in text_of(app, "#respondent-error")
        app.screen.query_one(Input).value = "A\u200bna"  # pasted with an invisible character
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, RespondentPrompt)
        assert "invisible or control character U+200B" in text_of(app, "#respondent-error")
        app.screen.query_one(Input).value = "Ana"
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen.sub_title == "Answering as Ana"
    assert store.find_survey("ranking", "2026Q4", "tiny") is not None


async def test_esc_on_the_prompt_of_survey_team_leaves_and_from_home_stays_home(
    store, tiny_bank_path, nobody_chose_yet
):
    app = survey_app(store, tiny_bank_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("escape")
        await pilot.pause()
        assert app.return_code is not None  # `scorecard survey --team T` asked who answers: Esc leaves
    store.ensure_team("ranking")
    home = make_app(store=store, quarter="2026Q4", bank_name=str(tiny_bank_path), clock=clock)
    async with home.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(home.screen, RespondentPrompt)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(home.screen, HomeScreen)
    assert store.find_survey("ranking", "2026Q4", "tiny") is None  # nothing opened, nothing started


async def test_two_respondents_answer_in_turn_and_neither_sees_the_other(store, tiny_bank_path, tiny_bank):
    ana = survey_app(store, tiny_bank_path, respondent="Ana")
    async with ana.run_test(size=(80, 24)) as pilot:
        await pilot.press("3", "2", "3")  # a-1 all, a-2 all, b-1 all: the review opens
        await pilot.pause()
        assert isinstance(ana.screen, ReviewScreen)
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(ana.screen, ResultsScreen)
        results = text_of(ana, "#results-body")
        assert "Ana's answers scored on their own" in results and "review meeting (m)" in results
        assert "Overall 100 / 100" in results
    survey = store.find_survey("ranking", "2026Q4", "tiny")
    assert survey.status == "complete"
    bob = survey_app(store, tiny_bank_path, respondent="Bob")
    async with bob.run_test(size=(80, 24)) as pilot:
        screen = bob.screen
        assert "0/3 answered" in text_of(bob, "#answered")
        assert not any("●" in option for option in chosen_marks(bob))  # Ana's "all" is not shown
        await pilot.press("1")  # a-1 none
        await pilot.press("b")
        assert ["●" in option for option in chosen_marks(bob)] == [True, False, False, False, False]  # his own
        await pilot.press("s", "1", "2")  # a-2 none, b-1 half
        await pilot.pause()
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(bob.screen, ResultsScreen) and screen.session.respondent == "Bob"
        own = score_answers(tiny_bank, {"a-1": "none", "a-2": "none", "b-1": "half"})
        assert f"Overall {tiny_bank.format_score(own.overall)} / 100" in text_of(bob, "#results-body")
    by_name = store.respondent_answers_for(survey.id)
    assert {name: {q: a.option_id for q, a in answers.items()} for name, answers in by_name.items()} == {
        "Ana": {"a-1": "all", "a-2": "all", "b-1": "all"},
        "Bob": {"a-1": "none", "a-2": "none", "b-1": "half"},
    }
    # The survey counts the lower median of two respondents: the lower answer, Bob's, on every question.
    assert chosen_options(stored_answers(store, tiny_bank, survey.id)) == {"a-1": "none", "a-2": "none", "b-1": "half"}
    assert score_survey(store, survey, bank=tiny_bank).card.overall == own.overall


async def test_changing_who_answers_mid_survey_reopens_it_as_them(store, tiny_bank_path):
    app = survey_app(store, tiny_bank_path)  # the team answers (remembered, conftest)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("2")  # the team's a-1: some
        await pilot.press("i")
        await pilot.pause()
        assert isinstance(app.screen, RespondentPrompt)
        await pilot.press(*"Ana", "enter")
        await pilot.pause()
        assert isinstance(app.screen, SurveyScreen) and app.screen.sub_title == "Answering as Ana"
        assert app.screen.session.question.id == "a-1"  # her first unanswered question
        assert not any("●" in option for option in chosen_marks(app))  # the team's answer is not shown
        await pilot.press("1")
        await pilot.press("q")  # `survey --team`: leaving the reopened survey leaves the app
        await pilot.pause()
        assert app.return_code is not None
    survey = store.find_survey("ranking", "2026Q4", "tiny")
    assert store.answers_for(survey.id)["a-1"].option_id == "some"
    assert store.respondent_answers_for(survey.id)["Ana"]["a-1"].option_id == "none"
    assert remembered() == "Ana"


async def test_who_answers_can_be_changed_from_home(store, tiny_bank_path):
    store.ensure_team("ranking")
    app = make_app(store=store, quarter="2026Q4", bank_name=str(tiny_bank_path), clock=clock)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("i", *"Bob", "enter")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert any("Answering as Bob from now on" in toast for toast in toasts(pilot))
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, SurveyScreen) and app.screen.sub_title == "Answering as Bob"
    assert remembered() == "Bob"


async def test_l_stores_a_link_shows_it_and_an_empty_one_removes_it(store, tiny_bank_path):
    app = survey_app(store, tiny_bank_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("l")  # nothing answered yet: nothing to hang a link on
        assert isinstance(app.screen, SurveyScreen)
        await pilot.press("2", "b", "l")
        await pilot.pause()
        assert isinstance(app.screen, TextPrompt)
        await pilot.press(*"https://ci.example.com/j/7", "enter")
        await pilot.pause()
        assert "Link: https://ci.example.com/j/7" in text_of(app, "#link")
        await pilot.press("3", "b")  # another option keeps the link
        assert "Link: https://ci.example.com/j/7" in text_of(app, "#link")
        survey_id = app.screen.session.survey.id
        assert store.answers_for(survey_id)["a-1"].link == "https://ci.example.com/j/7"
        await pilot.press("l")
        await pilot.pause()
        app.screen.query_one(Input).value = ""
        await pilot.press("enter")
        await pilot.pause()
        assert not app.screen.query_one("#link", Static).display
    assert store.answers_for(survey_id)["a-1"].link is None


async def test_a_link_never_passes_the_answers_file_limit_and_is_one_line(store, tiny_bank_path):
    app = survey_app(store, tiny_bank_path, respondent="Ana")
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await pilot.press("2", "b", "l")
        await pilot.pause()
        field = app.screen.query_one(Input)
        field.insert_text_at_cursor("x" * MAX_LINK)  # a paste of exactly the limit is taken
        field.insert_text_at_cursor("y" * 10)  # one past it is refused whole
        await pilot.press("z", "enter")
        await pilot.pause()
        survey_id = app.screen.session.survey.id
        assert store.respondent_answers_for(survey_id)["Ana"]["a-1"].link == "x" * MAX_LINK
        await pilot.press("l")
        await pilot.pause()
        app.screen.query_one(Input).value = "https://x\x1b[31m"  # a control character, pasted
        await pilot.press("enter")
        await pilot.pause()
        assert any("A link is one line of plain text" in toast for toast in toasts(pilot))
    assert store.respondent_answers_for(survey_id)["Ana"]["a-1"].link == "x" * MAX_LINK  # unchanged


async def test_an_open_action_shows_beside_its_question(store, tiny_bank_path, tiny_bank):
    store.ensure_team("ranking")
    add_action(store, "ranking", "a-1", "all", "2027Q1", owner="Ana", bank=tiny_bank)
    app = survey_app(store, tiny_bank_path, respondent="Bob")
    async with app.run_test(size=(80, 24)) as pilot:
        actions = app.screen.query_one("#actions", Static)
        assert actions.display
        assert "Action due 2027Q1: reach 3 “All.”, owner Ana" in str(actions.render())
        await pilot.press("1")  # on to a-2, which has no action
        assert not app.screen.query_one("#actions", Static).display


async def test_a_corrupt_settings_file_asks_again_instead_of_crashing(store, tiny_bank_path):
    settings_path().write_bytes(b"\x00{garbage")
    app = survey_app(store, tiny_bank_path)
    async with app.run_test(size=(80, 24)) as pilot:
        assert isinstance(app.screen, RespondentPrompt)
        await pilot.press(*"Ana", "enter")
        await pilot.pause()
        assert app.screen.sub_title == "Answering as Ana"
    assert remembered() == "Ana"  # a good file again


async def test_a_settings_file_that_cannot_be_written_warns_and_answers_anyway(store, tiny_bank_path):
    settings_path().unlink()
    settings_path().mkdir()  # a folder where the file should be: unreadable and unwritable
    app = survey_app(store, tiny_bank_path)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await pilot.press(*"Ana", "enter")
        await pilot.pause()
        assert app.screen.sub_title == "Answering as Ana"
        assert any("Not remembered for next time" in toast for toast in toasts(pilot))
        await pilot.press("2")
    survey = store.find_survey("ranking", "2026Q4", "tiny")
    assert store.respondent_answers_for(survey.id)["Ana"]["a-1"].option_id == "some"


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_the_prompt_fits_the_smallest_terminal(store, tiny_bank_path, nobody_chose_yet, size):
    app = survey_app(store, tiny_bank_path)
    async with app.run_test(size=size):
        dialog = app.screen.query_one("#respondent-dialog")
        assert dialog.region.height <= size[1] and dialog.region.y >= 0
        assert app.screen.query_one("#whole-team").region.height > 0  # the button is on screen


def test_the_tiny_bank_is_what_these_tests_count_on(tiny_bank_path):
    bank = load_bank_file(tiny_bank_path)
    assert [q.id for q in bank.questions] == ["a-1", "a-2", "b-1"]
