"""The system picker (``y`` on home): the team level, a system the team has, or a new one typed in; per team, for
this run; the home list's Systems column; the survey's and the results' headers naming the system."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input, OptionList, Static

from scorecard.services.team_systems import team_systems
from scorecard.store import Store
from scorecard.survey.records import AnswerInput
from scorecard.tui import make_app
from scorecard.tui.home_screen import HomeScreen
from scorecard.tui.results_screen import ResultsScreen
from scorecard.tui.survey_screen import SurveyScreen
from scorecard.tui.system_prompt import SystemPrompt
from tests.tui_pilot import clock, settle, toasts


def home_app(store: Store, bank_path: Path, **kwargs):
    return make_app(store=store, quarter="2026Q4", bank_name=str(bank_path), clock=clock, **kwargs)


def seed_two_systems(store: Store) -> None:
    """ranking: a team-level survey of 2026Q3 and one of its system Ranker; search: no survey."""
    store.import_answers("ranking", "2026Q3", "tiny", 1, [AnswerInput("a-1", "none", 0.0)], complete=False)
    store.import_answers(
        "ranking", "2026Q3", "tiny", 1, [AnswerInput("a-1", "all", 1.0)], complete=False, system="Ranker"
    )
    store.ensure_team("search")


def text_of(app, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


def choices(app) -> list[str]:
    return [str(option.prompt) for option in app.screen.query_one(OptionList).options]


async def test_pick_an_existing_system_and_answer_it_the_team_level_is_untouched(store, tiny_bank_path):
    seed_two_systems(store)
    app = home_app(store, tiny_bank_path)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        assert "ranking's survey: team level" in text_of(app, "#home-system")
        await pilot.press("y")
        await pilot.pause()
        assert isinstance(app.screen, SystemPrompt)
        assert choices(app) == ["● Team level (the team as a whole)", "  Ranker"]
        await pilot.press("down", "enter")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert "ranking's survey: System: Ranker" in text_of(app, "#home-system")
        assert any("ranking's survey: System: Ranker." in toast for toast in toasts(pilot))
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, SurveyScreen)
        assert "ranking / Ranker · 2026Q4" in text_of(app, "#survey-name")
        await pilot.press("2")  # a-1: some
        await pilot.pause()
    ranker = store.find_survey("ranking", "2026Q4", "tiny", system="Ranker")
    assert ranker is not None and ranker.system == "Ranker"
    assert store.answers_for(ranker.id)["a-1"].option_id == "some"
    assert store.find_survey("ranking", "2026Q4", "tiny") is None  # no team-level survey of 2026Q4 was started
    team_level = store.find_survey("ranking", "2026Q3", "tiny")
    assert store.answers_for(team_level.id)["a-1"].option_id == "none"


async def test_a_click_picks_a_system_too(store, tiny_bank_path):
    seed_two_systems(store)
    app = home_app(store, tiny_bank_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("y")
        await pilot.pause()
        choices_list = app.screen.query_one(OptionList)
        await pilot.click(choices_list, offset=(4, 2))  # the second line inside the border: Ranker
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert app.system_for("ranking") == "Ranker"


async def test_a_new_system_typed_in_gets_its_own_survey(store, tiny_bank_path):
    store.ensure_team("ranking")
    app = home_app(store, tiny_bank_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("y")
        await pilot.pause()
        await pilot.press("tab", *"  feature   store ", "enter")  # white space collapses, as in --system
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, SurveyScreen)
        await pilot.press("3")  # a-1: all
        await pilot.pause()
    survey = store.find_survey("ranking", "2026Q4", "tiny", system="feature store")
    assert survey is not None and survey.system == "feature store"
    assert store.answers_for(survey.id)["a-1"].option_id == "all"
    assert store.systems_of("ranking") == ["feature store"]
    assert store.find_survey("ranking", "2026Q4", "tiny") is None


async def test_a_name_typed_in_another_case_is_the_system_the_team_has(store, tiny_bank_path):
    seed_two_systems(store)
    app = home_app(store, tiny_bank_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("y", "tab", *"RANKER", "enter")
        await pilot.pause()
        assert app.system_for("ranking") == "Ranker"


async def test_an_invalid_name_shows_the_error_in_the_dialog_and_writes_nothing(store, tiny_bank_path):
    store.ensure_team("ranking")
    app = home_app(store, tiny_bank_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("y")
        await pilot.pause()
        app.screen.query_one(Input).value = "ranker\u200b"  # a zero-width space: invisible, refused
        await pilot.press("tab", "enter")
        await pilot.pause()
        assert isinstance(app.screen, SystemPrompt)
        error = text_of(app, "#system-error")
        assert "system name" in error and "type another, or Esc" in error and "\n" not in error
        app.screen.query_one(Input).value = "   "
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, SystemPrompt) and "system name" in text_of(app, "#system-error")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert app.system_for("ranking") == ""
    assert store.systems_of("ranking") == []
    assert store.latest_survey("ranking") is None


async def test_escape_keeps_the_choice_and_the_choice_is_per_team(store, tiny_bank_path):
    seed_two_systems(store)
    app = home_app(store, tiny_bank_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("y", "down", "enter")
        await pilot.pause()
        assert app.system_for("ranking") == "Ranker"
        await pilot.press("y")
        await pilot.pause()
        assert choices(app)[1] == "● Ranker"
        await pilot.press("up", "escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert app.system_for("ranking") == "Ranker"
        await pilot.press("down")  # search: a team of its own, still at the team level
        await pilot.pause()
        assert "search's survey: team level" in text_of(app, "#home-system")
        assert app.system_for("search") == ""


async def test_system_on_the_command_line_preselects_it(store, tiny_bank_path):
    seed_two_systems(store)
    app = home_app(store, tiny_bank_path, system="Ranker")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert "ranking's survey: System: Ranker" in text_of(app, "#home-system")
        await pilot.press("y")
        await pilot.pause()
        assert choices(app) == ["  Team level (the team as a whole)", "● Ranker"]
        await pilot.press("up", "enter")  # back to the team level, for this team
        await pilot.pause()
        assert app.system_for("ranking") == "" and app.system_for("search") == "Ranker"


async def test_home_lists_each_teams_systems_and_their_rollup(store, tiny_bank_path):
    seed_two_systems(store)
    app = home_app(store, tiny_bank_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        table = app.screen.query_one("#teams")
        assert [str(column.label) for column in table.columns.values()][-1] == "Systems"
        assert str(table.get_row("ranking")[-1]) == "1 · mean 100"
        assert str(table.get_row("search")[-1]) == "-"


async def test_home_has_no_systems_column_while_no_team_has_a_system(store, tiny_bank_path):
    store.ensure_team("ranking")
    app = home_app(store, tiny_bank_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        table = app.screen.query_one("#teams")
        assert "Systems" not in [str(column.label) for column in table.columns.values()]


def test_team_systems_names_systems_of_surveys_and_repositories(store, tiny_bank, tmp_path, cli):
    from tests.gitrepo import RepoBuilder

    seed_two_systems(store)
    repo = RepoBuilder(tmp_path / "repo")
    repo.commit({"train.py": "x = 1\n"}, when="2024-01-03")
    assert cli("scan", str(repo.path), "--team", "ranking", "--system", "Features", db=store.path).exit_code == 0
    ranking = team_systems(store, "ranking", tiny_bank)
    assert ranking.systems == ("Features", "Ranker") and ranking.summary == "2 · mean 100"
    assert team_systems(store, "search", tiny_bank).summary == "-"


async def test_the_picker_lists_a_system_tied_to_a_repository(store, tiny_bank_path, tmp_path, cli):
    from tests.gitrepo import RepoBuilder

    seed_two_systems(store)
    repo = RepoBuilder(tmp_path / "repo")
    repo.commit({"train.py": "x = 1\n"}, when="2024-01-03")
    assert cli("scan", str(repo.path), "--team", "ranking", "--system", "Features", db=store.path).exit_code == 0
    app = home_app(store, tiny_bank_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("y")
        await pilot.pause()
        assert choices(app) == ["● Team level (the team as a whole)", "  Features", "  Ranker"]


async def test_the_results_of_a_system_survey_name_the_system(store, tiny_bank_path):
    store.ensure_team("ranking")
    app = home_app(store, tiny_bank_path, system="Ranker")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("3", "2", "3")
        await pilot.pause()
        await pilot.press("r", "c")
        await pilot.pause()
        assert isinstance(app.screen, ResultsScreen)
        assert "ranking · System: Ranker · 2026Q4" in text_of(app, "#results-body")


def picker_app():
    """ranking with two systems, the picker open on ranking."""
    store = Store.memory(clock=clock)
    seed_two_systems(store)
    store.import_answers("ranking", "2026Q3", "tiny", 1, [AnswerInput("a-1", "none", 0.0)], False, system="Retrieval")
    return make_app(store=store, quarter="2026Q4", clock=clock)


def test_the_picker_at_80x24(snap_compare):
    assert snap_compare(picker_app(), terminal_size=(80, 24), press=["y"])


def test_last_quarter_of_a_system_survey_is_that_systems_own(store):
    from scorecard.services.surveys import previous_survey

    seed_two_systems(store)
    ranker = store.start_survey("ranking", "2026Q4", "tiny", 1, system="Ranker")
    team_level = store.start_survey("ranking", "2026Q4", "tiny", 1)
    before = previous_survey(store, ranker)
    assert before is not None and before.system == "Ranker" and before.quarter == "2026Q3"
    assert previous_survey(store, team_level).system == ""


# -- a system's survey beside its own evidence ------------------------------------------------------------------


def scanned_into_two_systems(tmp_path: Path) -> tuple[Path, Path]:
    """ranking's ranker repository (3 TODO comments in 20 code lines) tied to Ranker, its clean features one to
    Features, by real scans; the tiny bank with a rule on a-2 reading debt comments. The database and the bank."""
    from tests.banks import EVIDENCE_BANK, write_bank
    from tests.gitrepo import RepoBuilder
    from tests.runner import run_cli

    db = tmp_path / "systems.db"
    noisy = RepoBuilder(tmp_path / "ranker")
    noisy.commit({"train.py": "".join(f"x{i} = {i}\n" for i in range(17)) + "# TODO a\n# TODO b\n# TODO c\n"})
    clean = RepoBuilder(tmp_path / "features")
    clean.commit({"features.py": "".join(f"y{i} = {i}\n" for i in range(20))})
    for repo, system in ((noisy, "Ranker"), (clean, "Features")):
        result = run_cli("scan", str(repo.path), "--team", "ranking", "--system", system, db=db)
        assert result.exit_code == 0, result.output
    return db, write_bank(tmp_path, EVIDENCE_BANK, name="evidence.yaml")


@pytest.mark.parametrize(
    ("system", "shown", "not_shown"),
    [
        ("Ranker", "evidence: 3 TODO", "evidence: 0 TODO"),
        ("Features", "evidence: 0 TODO", "evidence: 3 TODO"),
        ("", "evidence: 3 TODO", "evidence: 0 TODO"),  # the team level: all the team's repositories
    ],
)
async def test_a_systems_survey_shows_the_evidence_of_its_own_repositories(tmp_path, system, shown, not_shown):
    db, bank = scanned_into_two_systems(tmp_path)
    app = make_app(db_path=db, team="ranking", system=system, quarter="2026Q4", bank_name=str(bank), clock=clock)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("1")  # a-1, then a-2: the question with the debt-comment rule
        await pilot.pause()
        assert app.screen.session.question.id == "a-2"
        evidence = text_of(app, "#evidence")
        assert shown in evidence and not_shown not in evidence


async def test_a_system_without_a_repository_has_no_evidence_in_the_survey(tmp_path):
    db, bank = scanned_into_two_systems(tmp_path)
    app = make_app(db_path=db, team="ranking", system="Serving", quarter="2026Q4", bank_name=str(bank), clock=clock)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("1")
        await pilot.pause()
        assert "no scan yet" in text_of(app, "#evidence")


# -- home for a team whose only surveys are its systems' ---------------------------------------------------------


async def test_home_shows_the_rollup_of_a_team_whose_only_surveys_are_its_systems(store, tiny_bank_path):
    for system, option, points, complete in (("Ranker", "all", 1.0, True), ("Features", "none", 0.0, False)):
        answer = AnswerInput("a-1", option, points)
        store.import_answers("ranking", "2026Q3", "tiny", 1, [answer], complete=complete, system=system)
    store.ensure_team("search")
    app = home_app(store, tiny_bank_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        table = app.screen.query_one("#teams")
        ranking = [str(cell) for cell in table.get_row("ranking")]
        level = app.bank.level_for(50.0)
        assert ranking == ["ranking", "2026Q3", "50", level.label, "1/2 complete", "2 · mean 50"]
        assert [str(cell) for cell in table.get_row("search")] == ["search", "-", "-", "-", "none", "-"]


async def test_home_shows_a_teams_own_survey_when_it_has_one_beside_its_systems(store, tiny_bank_path):
    seed_two_systems(store)  # a team-level survey of 2026Q3 (a-1 none: 0) and Ranker's (a-1 all: 100)
    app = home_app(store, tiny_bank_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        ranking = [str(cell) for cell in app.screen.query_one("#teams").get_row("ranking")]
        assert ranking[1:3] == ["2026Q3", "0"] and ranking[4].startswith("draft")


@pytest.mark.parametrize(("system", "todos", "argued"), [("Ranker", 3, True), ("Features", 0, False)])
async def test_a_systems_meeting_reads_the_evidence_of_its_own_repositories(tmp_path, system, todos, argued):
    from scorecard.tui.meeting_screen import MeetingScreen
    from tests.runner import run_cli

    db, bank = scanned_into_two_systems(tmp_path)
    answers = tmp_path / f"{system}.yaml"
    answers.write_text(
        f"team: ranking\nquarter: 2026Q4\nbank: {bank}\nsystem: {system}\nanswers:\n  a-1: some\n  a-2: all\n",
        encoding="utf-8",
    )
    assert run_cli("survey", "--answers", str(answers), db=db).exit_code == 0
    app = make_app(db_path=db, system=system, quarter="2026Q4", bank_name=str(bank), clock=clock)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("m")
        await settle(pilot)
        meeting = app.screen
        assert isinstance(meeting, MeetingScreen) and meeting.meeting is not None
        assert meeting.meeting.score.metrics["debt_comments.alive"] == todos
        a2 = next(item for item in meeting.meeting.items if item.question.id == "a-2")
        assert bool(a2.contradictions) == argued


async def test_home_sizes_its_columns_to_the_teams_it_lists_when_it_draws_them(store, tiny_bank_path):
    # DataTable's auto width is measured on idle; a terminal that drew in between kept the header's width and
    # showed "ranking" as "rank". The home list sizes each column from its cells as it fills them.
    store.ensure_team("a-rather-long-team-name")
    app = home_app(store, tiny_bank_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        table = app.screen.query_one("#teams")
        team = next(iter(table.columns.values()))
        assert not team.auto_width and team.width == len("a-rather-long-team-name")
        assert "a-rather-long-team-name" in table.render_line(1).text
