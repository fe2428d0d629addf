"""Pilot tests of the review meeting: opened with m from home and from the results, its order, a team answer
by number key and note, an action by a, a bad due quarter, Esc, and names that look like markup."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest
from textual.widgets import Input, OptionList, Static

from scorecard.services.sessions import open_session
from scorecard.store import Store
from scorecard.survey.records import AnswerInput
from scorecard.tui import make_app
from scorecard.tui.action_dialog import ActionDialog
from scorecard.tui.dialogs import TextPrompt
from scorecard.tui.home_screen import HomeScreen
from scorecard.tui.meeting_screen import MeetingScreen
from scorecard.tui.results_screen import ResultsScreen
from tests.tui_pilot import clock, settle

POINTS = {"none": 0.0, "some": 0.5, "half": 0.5, "all": 1.0, "unknown": 0.0}


def evidence(_store, _team, _system=None):
    return {"coupling.strong_pairs": 5}, "2026-11-23T12:00:00+00:00"


def seed(path, tiny_bank, bo="Bo"):
    with Store.open(path, clock=clock) as store:
        for who, answers in (("Ana", {"a-1": "all", "a-2": "all", "b-1": "half"}), (bo, {"a-1": "none", "b-1": "all"})):
            given = [AnswerInput(q, o, POINTS[o], f"{who} thinks {o}") for q, o in answers.items()]
            store.import_answers("ranking", "2026Q4", "tiny", 1, given, complete=False, respondent=who)


def app_on(path, tiny_bank_path):
    return make_app(db_path=path, quarter="2026Q4", bank_name=str(tiny_bank_path), clock=clock, evidence=evidence)


def question_list(app) -> list[str]:
    options = app.screen.query_one("#meeting-questions", OptionList)
    return [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]


async def open_from_home(pilot):
    await settle(pilot)
    assert isinstance(pilot.app.screen, HomeScreen)
    await pilot.press("m")
    await settle(pilot)
    assert isinstance(pilot.app.screen, MeetingScreen)


@asynccontextmanager
async def meeting_open(db, tiny_bank, tiny_bank_path, bo="Bo", seeded=True, from_home=True) -> AsyncIterator:
    """The app on ``db`` (seeded with Ana's and ``bo``'s answers), running, the meeting opened with m from home
    (``from_home``; else on the home screen): the steps every test here starts with. Yields (app, pilot)."""
    if seeded:
        seed(db, tiny_bank, bo)
    app = app_on(db, tiny_bank_path)
    async with app.run_test(size=(80, 24)) as pilot:
        if from_home:
            await open_from_home(pilot)
        else:
            await settle(pilot)
        yield app, pilot


async def test_m_on_home_opens_the_meeting_ordered_by_spread_and_escape_returns(tmp_path, tiny_bank, tiny_bank_path):
    db = tmp_path / "m.db"
    async with meeting_open(db, tiny_bank, tiny_bank_path) as (app, pilot):
        lines = question_list(app)
        assert [re.search(r"[ab]-[12]", line).group() for line in lines] == ["a-1", "b-1", "a-2"]
        assert lines[0].startswith("⚠1.00") and lines[1].startswith("⚠0.50") and lines[2].startswith(" ")
        cards = [str(card.render()) for card in app.screen.query(".respondent-card")]
        assert any("Ana thinks all" in card for card in cards) and any("Bo thinks none" in card for card in cards)
        evidence_panel = str(app.screen.query_one("#meeting-evidence", Static).render())
        assert "argues against the answer of Ana" in evidence_panel
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)


async def test_m_on_the_results_opens_that_surveys_meeting(tmp_path, tiny_bank, tiny_bank_path):
    db = tmp_path / "m.db"
    async with meeting_open(db, tiny_bank, tiny_bank_path, from_home=False) as (app, pilot):
        session = open_session(app.store, app.bank, "ranking", "2026Q4")
        await app.push_screen(ResultsScreen(session))
        await pilot.press("m")
        await settle(pilot)
        assert isinstance(app.screen, MeetingScreen)
        assert (app.screen.meeting.survey.team, app.screen.meeting.survey.quarter) == ("ranking", "2026Q4")
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ResultsScreen)


async def test_a_number_key_and_a_note_record_the_team_answer_and_the_list_updates(tmp_path, tiny_bank, tiny_bank_path):
    db = tmp_path / "m.db"
    async with meeting_open(db, tiny_bank, tiny_bank_path) as (app, pilot):
        await pilot.press("down", "2")  # b-1, its option 2: "Half."
        assert isinstance(app.screen, TextPrompt)
        await pilot.press(*"we agreed", "enter")
        await settle(pilot)
        assert isinstance(app.screen, MeetingScreen)
        assert question_list(app)[1].startswith("⚠0.50 ✓ b-1  Third question?")
        assert app.screen.selected().question.id == "b-1"  # the cursor stays on the question just settled
        assert "the team's answer" in str(app.screen.query_one("#meeting-counted", Static).render())
    with Store.open(db) as store:
        survey = store.latest_survey("ranking")
        stored = store.answers_for(survey.id)["b-1"]
        assert (stored.option_id, stored.points, stored.note) == ("half", 0.5, "we agreed")


async def test_escape_on_the_note_records_nothing(tmp_path, tiny_bank, tiny_bank_path):
    db = tmp_path / "m.db"
    async with meeting_open(db, tiny_bank, tiny_bank_path) as (app, pilot):
        await pilot.press("3", "escape")
        await settle(pilot)
        assert isinstance(app.screen, MeetingScreen)
    with Store.open(db) as store:
        assert store.answers_for(store.latest_survey("ranking").id) == {}


async def test_a_adds_an_action_shown_beside_its_question(tmp_path, tiny_bank, tiny_bank_path):
    db = tmp_path / "m.db"
    async with meeting_open(db, tiny_bank, tiny_bank_path) as (app, pilot):
        await pilot.press("a")
        dialog = app.screen
        assert isinstance(dialog, ActionDialog)
        assert dialog.query_one("#action-due", Input).value == "2027Q1"  # the next quarter
        dialog.query_one("#action-owner", Input).value = "Ana"
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, MeetingScreen)
        actions = str(app.screen.query_one("#meeting-actions", Static).render())
        assert "Some. by 2027Q1 · Ana" in actions  # the option above the counted "none"
    with Store.open(db) as store:
        [action] = store.actions_for("ranking")
        assert (action.question_id, action.target, action.due, action.owner) == ("a-1", "some", "2027Q1", "Ana")


@pytest.mark.parametrize(("due", "message"), [("2027Q9", "malformed quarter"), ("2026Q3", "is before 2026Q4")])
async def test_a_bad_due_quarter_shows_the_error_in_the_dialog_and_writes_nothing(
    tmp_path, tiny_bank, tiny_bank_path, due, message
):
    db = tmp_path / "m.db"
    async with meeting_open(db, tiny_bank, tiny_bank_path) as (app, pilot):
        await pilot.press("a")
        app.screen.query_one("#action-due", Input).value = due
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ActionDialog)  # still open, to correct the value
        error = app.screen.query_one("#action-error", Static)
        assert error.display and message in str(error.render()) and "\n" not in str(error.render())
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, MeetingScreen)
    with Store.open(db) as store:
        assert store.actions_for("ranking") == []


async def test_names_and_notes_that_look_like_markup_are_shown_as_typed(tmp_path, tiny_bank, tiny_bank_path):
    db = tmp_path / "m.db"
    async with meeting_open(db, tiny_bank, tiny_bank_path, bo="Bo [b]x[/i]") as (app, _pilot):
        summary = str(app.screen.query_one("#meeting-summary", Static).render())
        assert "Bo [b]x[/i]" in summary
        cards = list(app.screen.query(".respondent-card"))
        assert any(str(card.border_title) and "Bo [b]x[/i] thinks none" in str(card.render()) for card in cards)


async def test_a_team_without_a_survey_says_so_and_escape_returns(tmp_path, tiny_bank_path):
    db = tmp_path / "m.db"
    with Store.open(db, clock=clock) as store:
        store.ensure_team("search")
    async with meeting_open(db, None, tiny_bank_path, seeded=False) as (app, pilot):
        assert "has no survey yet" in str(app.screen.query_one("#meeting-summary", Static).render())
        await pilot.press("1", "a", "escape")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
