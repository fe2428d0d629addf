"""The TUI driven by keyboard through Textual's Pilot, checked against the store and scoring.py."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import DataTable, Input, OptionList, Static

from scorecard.store import Store
from scorecard.survey.bank_file import load_bank_file
from scorecard.survey.records import AnswerInput
from scorecard.survey.scoring import counted_answers, score_answers
from scorecard.tui import make_app
from scorecard.tui.dialogs import TextPrompt, TooSmall
from scorecard.tui.home_screen import HomeScreen
from scorecard.tui.results_screen import ResultsScreen
from scorecard.tui.review_screen import ReviewScreen
from scorecard.tui.survey_screen import SurveyScreen
from tests.tui_pilot import clock, save_through_a_lock, settle


@pytest.fixture
def bank_path(tiny_bank_path: Path) -> Path:
    return tiny_bank_path


def survey_app(store: Store, bank_path: Path, quarter: str = "2026Q4", **kwargs):
    return make_app(store=store, team="ranking", quarter=quarter, bank_name=str(bank_path), clock=clock, **kwargs)


def stored(store: Store, quarter: str = "2026Q4") -> dict[str, tuple[str, str | None, bool]]:
    survey = store.find_survey("ranking", quarter, "tiny")
    if survey is None:
        return {}
    return {q: (a.option_id, a.note, a.carried_over) for q, a in store.answers_for(survey.id).items()}


async def test_answer_a_whole_bank_by_number_keys(store, bank_path):
    app = survey_app(store, bank_path)
    async with app.run_test(size=(80, 24)) as pilot:
        assert isinstance(app.screen, SurveyScreen)
        assert "Area 1/2 Alpha · Question 1/3" in str(app.screen.query_one("#position", Static).render())
        await pilot.press("2")  # a-1: some
        assert stored(store) == {"a-1": ("some", None, False)}  # saved at once, before anything else
        await pilot.press("2", "3")  # a-2: all; b-1: all (the last question opens the review)
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.screen, ResultsScreen)
    assert stored(store) == {"a-1": ("some", None, False), "a-2": ("all", None, False), "b-1": ("all", None, False)}
    assert store.find_survey("ranking", "2026Q4", "tiny").status == "complete"


async def test_arrows_and_enter_choose_too(store, bank_path):
    app = survey_app(store, bank_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("down", "down", "enter")
        await pilot.pause()
        assert app.screen.session.index == 1
    assert stored(store) == {"a-1": ("all", None, False)}


async def test_go_back_and_change_an_answer(store, bank_path):
    app = survey_app(store, bank_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("1", "2")  # a-1 none, a-2 all
        await pilot.press("b", "b")
        assert app.screen.session.question.id == "a-1"
        options = app.screen.query_one("#options", OptionList)
        assert options.highlighted == 0  # the stored answer is highlighted
        await pilot.press("3")  # change a-1 to all
        await pilot.pause()
        assert app.screen.session.question.id == "a-2"
        await pilot.press("left")
        assert app.screen.session.question.id == "a-1"
    assert stored(store)["a-1"] == ("all", None, False)
    assert stored(store)["a-2"] == ("all", None, False)


async def test_skip_leaves_the_question_unanswered_and_review_lists_it(store, bank_path):
    app = survey_app(store, bank_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("s")  # skip a-1
        await pilot.press("right")  # skip a-2
        assert app.screen.session.question.id == "b-1"
        await pilot.press("1")
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        items = app.screen.query_one("#review-items", OptionList)
        assert [items.get_option_at_index(i).id for i in range(items.option_count)] == ["a-1", "a-2"]
        await pilot.press("c")  # cannot complete with questions open
        assert isinstance(app.screen, ReviewScreen)
        await pilot.press("down", "enter")  # open a-2 from the review
        await pilot.pause()
        assert isinstance(app.screen, SurveyScreen) and app.screen.session.question.id == "a-2"
    assert stored(store) == {"b-1": ("none", None, False)}


async def test_na_is_excluded_from_the_score(store, bank_path):
    app = survey_app(store, bank_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("3")  # a-1 all
        await pilot.press("3")  # a-2 (none, all, na, unknown): na
        await pilot.press("2")  # b-1 half
        await pilot.pause()
        await pilot.press("c")
        await pilot.pause()
        card = app.screen.session.scorecard()
    # alpha = mean(1.0) with a-2 left out = 100 (not 50); beta = 50
    assert card.area_scores() == {"alpha": 100.0, "beta": 50.0}
    assert stored(store)["a-2"] == ("na", None, False)


async def test_a_note_is_saved(store, bank_path):
    app = survey_app(store, bank_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("n")  # no answer yet: nothing to hang a note on
        assert isinstance(app.screen, SurveyScreen)
        await pilot.press("2", "b", "n")
        await pilot.pause()
        assert isinstance(app.screen, TextPrompt)
        await pilot.press(*"half done", "enter")
        await pilot.pause()
        assert "Note: half done" in str(app.screen.query_one("#note", Static).render())
    assert stored(store)["a-1"] == ("some", "half done", False)


async def test_a_note_never_passes_the_answers_file_limit_so_an_export_imports_again(store, bank_path):
    from textual.widgets import Input

    from scorecard.survey.answers_file import MAX_NOTE

    app = survey_app(store, bank_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("2", "b", "n")
        await pilot.pause()
        field = app.screen.query_one(Input)
        field.insert_text_at_cursor("x" * MAX_NOTE)  # a paste of exactly the limit is taken
        field.insert_text_at_cursor("y" * 500)  # one past it is refused whole (Textual's max_length)
        await pilot.press("z", "enter")
        await pilot.pause()
    assert stored(store)["a-1"] == ("some", "x" * MAX_NOTE, False)


async def test_quit_in_the_middle_and_resume_at_the_first_unanswered(store, bank_path):
    app = survey_app(store, bank_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("2", "s", "q")  # answer a-1, skip a-2, save and quit
        await pilot.pause()
    assert app.return_code == 0
    assert stored(store) == {"a-1": ("some", None, False)}
    again = survey_app(store, bank_path)
    async with again.run_test(size=(80, 24)) as pilot:
        assert again.screen.session.question.id == "a-2"
        await pilot.press("2")
        await pilot.pause()
        assert again.screen.session.question.id == "b-1"


async def test_carry_over_from_last_quarter(store, bank_path):
    store.import_answers(
        "ranking",
        "2026Q3",
        "tiny",
        1,
        [AnswerInput("a-1", "all", 1.0, "kept"), AnswerInput("a-2", "none", 0.0)],
        complete=False,
    )
    app = survey_app(store, bank_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        assert "Carried over" in str(screen.query_one("#carried-over", Static).render())
        # carried-over answers don't count until confirmed
        assert screen.session.scorecard().answered == 0
        await pilot.press("enter")  # confirm a-1 (its option is highlighted)
        await pilot.press("2")  # change a-2 to all
        await pilot.pause()
        assert screen.session.question.id == "b-1"
    assert stored(store) == {"a-1": ("all", "kept", False), "a-2": ("all", None, False)}


async def test_results_equal_scoring(store, bank_path):
    store.import_answers(
        "ranking", "2026Q3", "tiny", 1, [AnswerInput("a-1", "none", 0.0), AnswerInput("b-1", "half", 0.5)], True
    )
    app = survey_app(store, bank_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("2", "4")  # a-1 (not the carried "none": some), a-2 unknown
        await pilot.press("3")  # b-1 all
        await pilot.pause()
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.screen, ResultsScreen)
        text = str(app.screen.query_one("#results-body", Static).render())
    bank = load_bank_file(bank_path)
    survey = store.find_survey("ranking", "2026Q4", "tiny")
    card = score_answers(bank, counted_answers(store.answers_for(survey.id)))
    assert card.area_scores() == {"alpha": 25.0, "beta": 100.0}
    assert f"Overall {bank.format_score(card.overall)} / 100" in text  # the bank says how a score reads
    assert "Alpha" in text and " 25 ▲  25" in text  # alpha 0 -> 25
    assert "Beta" in text and " 100 ▲  50" in text  # beta 50 -> 100
    assert "← weakest" in text.split("Alpha")[1].split("\n")[0]
    assert f"+{card.improvements[0].gain:.1f}  a-2 → all" in text


async def test_home_lists_teams_and_adds_one(store, bank_path):
    store.import_answers("search", "2026Q4", "tiny", 1, [AnswerInput("a-1", "all", 1.0)], complete=False)
    app = make_app(store=store, quarter="2026Q4", bank_name=str(bank_path), clock=clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)  # the team list is read in a thread worker
        assert isinstance(app.screen, HomeScreen)
        table = app.screen.query_one(DataTable)
        assert [str(c) for c in table.get_row("search")] == ["search", "2026Q4", "100", "Low debt", "draft 33%"]
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, TextPrompt)
        await pilot.press(*"ranking", "enter")
        await settle(pilot)
        assert table.row_count == 2 and app.screen.selected_team() == "ranking"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, SurveyScreen)
        await pilot.press("3", "q")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        assert [str(c) for c in table.get_row("ranking")][4] == "draft 33%"


async def test_empty_database_shows_a_welcome(store):
    app = make_app(store=store, clock=clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        welcome = app.screen.query_one("#welcome", Static)
        assert welcome.display and "press a to add your team" in str(welcome.render())


async def test_ctrl_p_jumps_to_any_question(store, bank_path):
    app = survey_app(store, bank_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"b-1")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, SurveyScreen)
        assert app.screen.session.question.id == "b-1"


async def test_help_panel_toggles(store, bank_path):
    app = survey_app(store, bank_path)
    async with app.run_test(size=(80, 24)) as pilot:
        help_panel = app.screen.query_one("#help", Static)
        assert not help_panel.display
        await pilot.press("question_mark")
        assert help_panel.display and "Why it matters" in str(help_panel.render())
        await pilot.press("f1")
        assert not help_panel.display


async def test_evidence_is_shown_and_contradictions_warned(store, bank_path):
    def evidence(_store, _team, _system=None):
        return {"coupling.strong_pairs": 7.0}, "2026-11-23T12:00:00+00:00"

    app = survey_app(store, bank_path, evidence=evidence)
    async with app.run_test(size=(80, 24)) as pilot:
        panel = app.screen.query_one("#evidence", Static)
        assert "7 file pairs that change together" in str(panel.render())
        assert "scanned 3 days ago" in str(panel.render())
        await pilot.press("3", "b")  # answer "all", which the rule contradicts, then look back at it
        assert "disagrees" in str(panel.render()) and panel.has_class("contradicted")


async def test_no_scan_yet(store, bank_path):
    app = survey_app(store, bank_path)
    async with app.run_test(size=(80, 24)):
        assert "no scan yet" in str(app.screen.query_one("#evidence", Static).render())


async def test_a_small_terminal_asks_for_room(store, bank_path):
    app = survey_app(store, bank_path)
    async with app.run_test(size=(60, 20)) as pilot:
        assert isinstance(app.screen, TooSmall)
        await pilot.resize_terminal(100, 30)
        await pilot.pause()
        assert isinstance(app.screen, SurveyScreen)


async def test_a_locked_database_offers_a_retry(tmp_path, bank_path):
    path = tmp_path / "locked.db"
    app = make_app(db_path=path, team="ranking", quarter="2026Q4", bank_name=str(bank_path), clock=clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await save_through_a_lock(pilot, path, "2")
        assert isinstance(app.screen, SurveyScreen)
        assert app.screen.session.question.id == "a-2"
    with Store.open(path) as reopened:
        survey = reopened.find_survey("ranking", "2026Q4", "tiny")
        assert reopened.answers_for(survey.id)["a-1"].option_id == "some"


async def test_export_from_results(store, bank_path, tmp_path):
    app = survey_app(store, bank_path)
    target = tmp_path / "out.yaml"
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("1", "1", "1")
        await pilot.pause()
        await pilot.press("c")
        await pilot.pause()
        await pilot.press("e")
        await pilot.pause()
        prompt_input = app.screen.query_one(Input)
        prompt_input.value = str(target)
        await pilot.press("enter")
        await pilot.pause()
    assert "a-1: none" in target.read_text()


async def _open_scan_screen(pilot, app):
    """From the home screen with team "ranking" selected, press c; returns the scan screen."""
    from scorecard.tui.scan_screen import ScanScreen

    app.store.ensure_team("ranking")
    app.screen.refresh_teams(select="ranking")
    await settle(pilot)
    await pilot.press("c")
    await pilot.pause()
    assert isinstance(app.screen, ScanScreen)
    return app.screen


async def _wait_until_idle(pilot, screen, seconds: float = 30.0) -> None:
    for _ in range(int(seconds / 0.1)):
        await pilot.pause(0.1)
        if not screen.running:
            return
    raise AssertionError("the scan did not finish")


@pytest.mark.slow
async def test_scan_from_the_home_screen_feeds_the_survey_evidence(tmp_path):
    from tests.gitrepo import RepoBuilder

    repo = RepoBuilder(tmp_path / "repo")
    for n in range(6):
        flags = "".join(f"flags.DEFINE_bool('experiment_trick_{k}', False, '')\n" for k in range(n + 1))
        repo.commit({"train.py": flags}, when=f"2024-0{n + 1}-02")
    path = tmp_path / "scan.db"
    Store.open(path).close()
    app = make_app(db_path=path, quarter="2026Q4", clock=clock)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await _open_scan_screen(pilot, app)
        screen.query_one(Input).value = str(repo.path)
        await pilot.press("enter", "enter")
        await _wait_until_idle(pilot, screen)
        assert "Done: 1 repository scanned" in "\n".join(screen.query_one("#scan-log").lines)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("enter")  # the survey now shows the evidence of that scan
        await pilot.pause()
        app.screen.session.jump_to_question("dead-code-2")
        app.screen.refresh_question()
        evidence = str(app.screen.query_one("#evidence", Static).render())
    assert "6 feature switches untouched for 180+ days" in evidence and "scanned" in evidence
    with Store.open(path) as store:
        assert store.team_repositories("ranking") == [(str(repo.path), None)]


@pytest.mark.slow
async def test_a_scan_can_be_cancelled_and_stores_nothing(tmp_path):
    from scorecard.tui.scan_screen import ScanScreen
    from tests.gitrepo import RepoBuilder

    repo = RepoBuilder(tmp_path / "repo")
    repo.commit({"a.py": "x = 1\n"})
    path = tmp_path / "scan.db"
    Store.open(path).close()
    app = make_app(db_path=path, quarter="2026Q4", clock=clock)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await _open_scan_screen(pilot, app)
        screen.query_one(Input).value = str(repo.path)
        await pilot.press("enter", "enter", "escape")  # add it, start, then cancel at once
        await _wait_until_idle(pilot, screen)
        assert "Cancelled" in "\n".join(screen.query_one("#scan-log").lines)
        assert isinstance(app.screen, ScanScreen)  # the first Esc cancels; it does not close
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
    with Store.open(path) as store:
        assert store.latest_repo_metrics("ranking") == []


@pytest.mark.slow
async def test_write_the_report_from_results(tmp_path):
    from bs4 import BeautifulSoup

    path = tmp_path / "report.db"
    target = tmp_path / "team.html"
    app = make_app(db_path=path, team="ranking", quarter="2026Q4", bank_name="ml-test-score", clock=clock)
    async with app.run_test(size=(100, 30)) as pilot:
        for _ in range(28):
            await pilot.press("3")
        await pilot.pause()
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.screen, ResultsScreen)
        await pilot.press("w")
        await pilot.pause()
        app.screen.query_one(Input).value = str(target)
        await pilot.press("enter")
        for _ in range(100):  # rendering runs in a thread worker; the UI keeps answering meanwhile
            await pilot.pause(0.1)
            if target.exists():
                break
    page = BeautifulSoup(target.read_text(encoding="utf-8"), "html.parser")
    assert "ranking" in page.get_text()


async def test_tui_error_paths_notify_and_write_nothing(tmp_path, store, bank_path):
    """An unwritable export path, a report with no survey and a scan path that is no directory: a message each."""
    from scorecard.tui.scan_screen import ScanScreen

    app = survey_app(store, bank_path)
    messages: list[str] = []
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        app.notify = lambda message, **_: messages.append(str(message))  # type: ignore[method-assign]
        await pilot.press("1", "1", "1")
        await pilot.pause()
        await pilot.press("c")
        await pilot.pause()
        await pilot.press("e")
        await pilot.pause()
        app.screen.query_one(Input).value = str(tmp_path / "missing-folder" / "out.yaml")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ResultsScreen)
        app.push_screen(ScanScreen("ranking", []))
        await pilot.pause()
        app.screen.query_one(Input).value = str(tmp_path / "no-such-repo")
        await pilot.press("enter")
        await pilot.pause()
        app.screen.query_one(Input).value = ""  # the bad path stays for fixing; cleared, Enter means "start"
        await pilot.press("enter")  # nothing listed: nothing to scan
        await pilot.pause()
    assert any(m.startswith("Cannot write") and "missing-folder" in m for m in messages)
    assert any("is not a directory" in m for m in messages)
    assert any("Add a repository path first" in m for m in messages)
    assert not (tmp_path / "missing-folder").exists()


async def test_report_from_home_without_any_survey_says_so(tmp_path):
    path = tmp_path / "empty.db"
    app = make_app(db_path=path, quarter="2026Q4", clock=clock)
    messages: list[str] = []
    async with app.run_test(size=(100, 30)) as pilot:
        app.notify = lambda message, **_: messages.append(str(message))  # type: ignore[method-assign]
        app.store.ensure_team("ranking")
        app.screen.refresh_teams(select="ranking")
        await settle(pilot)
        await pilot.press("w")
        await pilot.pause()
        app.screen.query_one(Input).value = str(tmp_path / "r.html")
        await pilot.press("enter")
        await settle(pilot)  # the report is read in a thread worker
    assert any(m.startswith("nothing to report yet") for m in messages)
    assert not (tmp_path / "r.html").exists()


async def test_a_locked_database_when_completing_offers_a_retry(tmp_path, bank_path):
    path = tmp_path / "locked.db"
    app = make_app(db_path=path, team="ranking", quarter="2026Q4", bank_name=str(bank_path), clock=clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("1", "1", "1")
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        await save_through_a_lock(pilot, path, "c")
        assert isinstance(app.screen, ResultsScreen)
    with Store.open(path) as reopened:
        assert reopened.find_survey("ranking", "2026Q4", "tiny").status == "complete"
