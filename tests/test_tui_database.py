"""The TUI and its database: one retry prompt for every write, slow reads in thread workers with their own
connection, scores on the bank's scale, and what people type shown as typed (never read as markup)."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from textual.widgets import DataTable, Input, Static

from scorecard import report
from scorecard.store import Store
from scorecard.survey.records import AnswerInput
from scorecard.tui import home_screen, make_app
from scorecard.tui.dialogs import RetryPrompt, TextPrompt
from scorecard.tui.home_screen import HomeScreen
from scorecard.tui.results_screen import ResultsScreen
from scorecard.tui.survey_screen import SurveyScreen
from tests.banks import MEAN_BANK, write_bank
from tests.tui_pilot import clock, hold_write_lock, save_through_a_lock, settle, toasts

# The tiny bank scored as the ML Test Score scores: sums of points per area, the smallest sum overall.
SUM_BANK = MEAN_BANK.replace("id: tiny", "id: tiny-sum", 1).replace("aggregation: mean", "aggregation: min_section_sum")


@pytest.fixture
def bank_path(tiny_bank_path: Path) -> Path:
    return tiny_bank_path


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "tui.db"
    Store.open(path).close()
    return path


def home_app(db: Path, bank_path: Path):
    return make_app(db_path=db, quarter="2026Q4", bank_name=str(bank_path), clock=clock)


def teams_in(db: Path) -> list[str]:
    with Store.open(db) as store:
        return [team.name for team in store.list_teams()]


async def add_team(pilot, name: str, *, lock: Path | None = None) -> None:
    """On the home screen: a, the name, Enter; with ``lock``, Enter is pressed through a held write lock."""
    await pilot.press("a")
    await pilot.pause()
    assert isinstance(pilot.app.screen, TextPrompt)
    pilot.app.screen.query_one(Input).value = name
    if lock is None:
        await pilot.press("enter")
    else:
        await save_through_a_lock(pilot, lock, "enter")
    await settle(pilot)


# -- 1. a locked database reaches the person one way: the retry prompt ----------------------------------------


async def test_adding_a_team_through_a_locked_database_offers_a_retry(db, bank_path):
    app = home_app(db, bank_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await add_team(pilot, "ranking", lock=db)
        assert isinstance(app.screen, HomeScreen)
        assert app.screen.selected_team() == "ranking"
    assert teams_in(db) == ["ranking"]


async def test_giving_up_on_a_locked_database_adds_no_team(db, bank_path):
    app = home_app(db, bank_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        blocker = hold_write_lock(db)
        try:
            await pilot.press("a")
            await pilot.pause()
            app.screen.query_one(Input).value = "ranking"
            await pilot.press("enter")
            await pilot.pause()
            assert isinstance(app.screen, RetryPrompt)
            await pilot.press("escape")
            await settle(pilot)
        finally:
            blocker.rollback()
            blocker.close()
        assert isinstance(app.screen, HomeScreen)
        assert app.screen.query_one("#welcome", Static).display
    assert teams_in(db) == []


async def test_a_note_through_a_locked_database_offers_a_retry(db, bank_path):
    app = make_app(db_path=db, team="ranking", quarter="2026Q4", bank_name=str(bank_path), clock=clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("2", "b", "n")
        await pilot.pause()
        app.screen.query_one(Input).value = "half done"
        await save_through_a_lock(pilot, db, "enter")
        assert isinstance(app.screen, SurveyScreen)
        assert "Note: half done" in str(app.screen.query_one("#note", Static).render())
    with Store.open(db) as store:
        survey = store.find_survey("ranking", "2026Q4", "tiny")
        assert store.answers_for(survey.id)["a-1"].note == "half done"


# -- 2. the slow reads run in thread workers, each on a connection of its own --------------------------------


async def test_home_reads_the_team_list_in_a_worker_thread_on_its_own_connection(db, bank_path, monkeypatch):
    with Store.open(db) as store:
        store.import_answers("search", "2026Q4", "tiny", 1, [AnswerInput("a-1", "all", 1.0)], complete=False)
    reads: list[tuple[bool, Store]] = []
    real = home_screen.team_overviews

    def spy(store, bank=None):
        reads.append((threading.current_thread() is threading.main_thread(), store))
        return real(store, bank)

    monkeypatch.setattr(home_screen, "team_overviews", spy)
    app = home_app(db, bank_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        table = app.screen.query_one(DataTable)
        assert [str(c) for c in table.get_row("search")] == ["search", "2026Q4", "100", "Low debt", "draft 33%"]
    assert reads and all(not on_ui_thread and store is not app.store for on_ui_thread, store in reads)


async def test_home_keeps_the_cursor_on_its_team_after_a_survey(db, bank_path):
    with Store.open(db) as store:
        for team in ("alpha", "beta", "gamma"):
            store.ensure_team(team)
    app = home_app(db, bank_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("down", "enter")
        await pilot.pause()
        assert isinstance(app.screen, SurveyScreen) and app.screen.session.survey.team == "beta"
        await pilot.press("2", "q")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        assert app.screen.selected_team() == "beta"
        assert str(app.screen.query_one(DataTable).get_row("beta")[4]) == "draft 33%"


async def test_the_report_is_read_in_a_worker_thread_on_its_own_connection(db, bank_path, tmp_path, monkeypatch):
    reads: list[tuple[bool, Store]] = []
    real = report.collect_report

    def spy(store, team=None, *args, **kwargs):
        reads.append((threading.current_thread() is threading.main_thread(), store))
        return real(store, team, *args, **kwargs)

    monkeypatch.setattr(report, "collect_report", spy)
    app = home_app(db, bank_path)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await add_team(pilot, "ranking")
        await pilot.press("w")
        await pilot.pause()
        app.screen.query_one(Input).value = str(tmp_path / "r.html")
        await pilot.press("enter")
        await settle(pilot)
        assert any(text.startswith("nothing to report yet") for text in toasts(pilot))
    assert reads and all(not on_ui_thread and store is not app.store for on_ui_thread, store in reads)
    assert not (tmp_path / "r.html").exists()


# -- 3. scores on the scale of the survey's bank ---------------------------------------------------------------


async def test_home_and_results_show_scores_on_the_scale_of_the_bank(db, tmp_path):
    sum_bank = write_bank(tmp_path, SUM_BANK, "tiny-sum.yaml")
    with Store.open(db) as store:
        store.ensure_team("ranking")
    app = make_app(db_path=db, quarter="2026Q4", bank_name=str(sum_bank), clock=clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("enter", "2", "2", "2")  # a-1 some (0.5), a-2 all (1), b-1 half (0.5)
        await pilot.pause()
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.screen, ResultsScreen)
        text = str(app.screen.query_one("#results-body", Static).render())
        assert "Overall 0.5 / 1 ·" in text  # the smallest area has one question: 1 point at most
        assert "Alpha" in text and "█" * 15 + "░" * 5 + "   1.5" in text  # 1.5 of Alpha's 2 points
        assert "Beta" in text and "█" * 10 + "░" * 10 + "   0.5" in text  # 0.5 of Beta's 1 point
        await pilot.press("q")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        assert [str(c) for c in app.screen.query_one(DataTable).get_row("ranking")][2] == "0.5"


# -- 5. what people type is shown as typed ---------------------------------------------------------------------


async def test_a_report_path_with_markup_is_written_and_shown_as_typed(db, bank_path, tmp_path):
    with Store.open(db) as store:
        store.import_answers("ranking", "2026Q4", "tiny", 1, [AnswerInput("a-1", "all", 1.0)], complete=False)
    (tmp_path / "rep[").mkdir()
    target = tmp_path / "rep[/b]ort.html"
    app = home_app(db, bank_path)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("w")
        await pilot.pause()
        app.screen.query_one(Input).value = str(target)
        await pilot.press("enter")
        await settle(pilot)
        shown = "\n".join(toasts(pilot))
    assert f"Writing {target}…" in shown and f"Report written to {target}" in shown
    assert "ranking" in target.read_text(encoding="utf-8")


async def test_a_team_named_like_markup_is_shown_as_typed(db, bank_path, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # the export's default path is relative
    team = "[red]x[/red]"
    app = home_app(db, bank_path)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await settle(pilot)
        await add_team(pilot, team)
        assert str(app.screen.query_one(DataTable).get_row(team)[0]) == team
        await pilot.press("enter")
        await pilot.pause()
        assert team in str(app.screen.query_one("#survey-name", Static).render())
        await pilot.press("1", "1", "1")
        await pilot.pause()
        await pilot.press("c")
        await pilot.pause()
        assert f"{team} · 2026Q4" in str(app.screen.query_one("#results-body", Static).render())
        await pilot.press("e")
        await pilot.pause()
        await pilot.press("enter")  # the default path: the team's name ("/" made "-") and the quarter
        await pilot.pause()
        assert "Answers written to [red]x[-red]-2026Q4.yaml" in toasts(pilot)
    assert "a-1: none" in (tmp_path / "[red]x[-red]-2026Q4.yaml").read_text(encoding="utf-8")
    assert teams_in(db) == [team]
