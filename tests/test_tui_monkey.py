"""The monkey test: seeded random keys over home, survey, review, results, the review meeting and the dialogs, at 80x24 and at 60x15
(the too-small notice), sent in bursts faster than the screens change. The app must never raise (Pilot re-raises
what the app raised) and never end by itself.

The keys are everything the screens bind, plus letters, digits and the usual special keys, and now and then a
resize to the other size and back. ``q``, Ctrl+C and Ctrl+Q are left out: they quit on purpose. Esc on the results of
``scorecard survey --team T`` and the palette's "Quit" quit on purpose too; the run counts those quits and
starts the app again on the same database. A failure names the seed, the size and the last keys sent.
"""

from __future__ import annotations

import random
import string
from pathlib import Path

import pytest
from textual.binding import Binding
from textual.pilot import Pilot

from scorecard.paths import settings_path
from scorecard.store import Store
from scorecard.survey.records import AnswerInput
from scorecard.tui import ScorecardApp, make_app
from scorecard.tui.action_dialog import ActionDialog
from scorecard.tui.dialogs import RetryPrompt, TextPrompt
from scorecard.tui.home_screen import HomeScreen
from scorecard.tui.meeting_screen import MeetingScreen
from scorecard.tui.respondent_prompt import RespondentPrompt
from scorecard.tui.results_screen import ResultsScreen
from scorecard.tui.review_screen import ReviewScreen
from scorecard.tui.scan_screen import ScanScreen
from scorecard.tui.survey_screen import SurveyScreen
from scorecard.tui.system_prompt import SystemPrompt
from tests.tui_pilot import clock, key_event, settle

SEEDS = (11, 12, 13, 14)
SIZES = ((80, 24), (60, 15))
KEYS_PER_RUN = 400
TOTAL_KEYS = len(SEEDS) * len(SIZES) * KEYS_PER_RUN
"""3,200 keys: 4 seeds x 2 sizes x 400 keys."""
LONGEST_BURST = 8
"""Keys sent at once before the test waits for the app (and its workers) to catch up."""

NOBODY_CHOSE = (13, 14)
"""Seeds that start on a computer where nobody said yet who answers; the others start as the team (conftest)."""
QUITTING = {"q", "ctrl+c", "ctrl+q"}
SCREENS = (
    HomeScreen,
    SurveyScreen,
    ReviewScreen,
    ResultsScreen,
    TextPrompt,
    RetryPrompt,
    ScanScreen,
    RespondentPrompt,
    MeetingScreen,
    ActionDialog,
    SystemPrompt,
)
BOUND = sorted(
    {
        key.strip()
        for screen in SCREENS
        for binding in screen.BINDINGS
        if isinstance(binding, Binding)
        for key in binding.key.split(",")
    }
    - QUITTING
)
GENERAL = [
    *(c for c in string.ascii_lowercase if c not in QUITTING),
    *string.digits,
    *("enter", "escape", "tab", "up", "down", "left", "right", "backspace", "ctrl+p", "space", "question_mark", "f1"),
]
RESIZE = "resize"
"""Not a key: the terminal takes the other size of the two for the rest of the burst, then its own again."""
ALPHABET = (*BOUND, *GENERAL, RESIZE)  # bound keys come twice: the screens see them more often


def seed_database(path: Path) -> None:
    """Two teams: one with last quarter's answers to carry over, one whose survey has a bank the app lacks."""
    with Store.open(path, clock=clock) as store:
        store.import_answers("ranking", "2026Q3", "tiny", 1, [AnswerInput("a-1", "all", 1.0, "kept")], complete=True)
        # Two respondents who disagree: the review meeting (m) has a dispute to show.
        for name, option, points in (("Ana", "none", 0.0), ("Bo", "all", 1.0)):
            answer = AnswerInput("b-1", option, points, f"{name} [b]thinks[/b]")
            store.import_answers("ranking", "2026Q3", "tiny", 1, [answer], complete=True, respondent=name)
        store.import_answers("search", "2026Q3", "elsewhere", 1, [AnswerInput("x-1", "yes", 1.0)], complete=False)


def count_purposeful_quits(app: ScorecardApp, quits: list[str]) -> None:
    """Note in ``quits`` each way the app quits because someone asked it to, before it quits."""
    leave_survey, action_quit = app.leave_survey, app.action_quit

    def leave() -> None:
        if app.direct_team:
            quits.append("left the survey of scorecard survey --team")
        leave_survey()

    async def quit_from_the_palette() -> None:
        quits.append("the palette's Quit")
        await action_quit()

    app.leave_survey = leave  # type: ignore[method-assign]
    app.action_quit = quit_from_the_palette  # type: ignore[method-assign]


async def send(pilot: Pilot[None], keys: list[str], size: tuple[int, int], other: tuple[int, int]) -> None:
    """Send ``keys`` at once; from a RESIZE on, the rest of them go to a terminal of the ``other`` size."""
    resized = False
    for key in keys:
        if key != RESIZE:
            pilot.app.post_message(key_event(key))
        elif not resized:
            resized = True
            await pilot.resize_terminal(*other)  # after the keys before it, as a terminal sends them
    await pilot.pause(0)
    if resized:
        await pilot.resize_terminal(*size)


async def monkey(db: Path, bank: Path, seed: int, size: tuple[int, int]) -> int:
    """Send KEYS_PER_RUN random keys; returns how many times the app quit on purpose (and was started again)."""
    rng = random.Random(seed)
    sent: list[str] = []
    quits: list[str] = []
    team = "ranking" if seed % 2 else None  # odd seeds: straight into the survey, as `survey --team` does
    other = (60, 15) if size == (80, 24) else (80, 24)
    while len(sent) < KEYS_PER_RUN:
        app = make_app(db_path=db, team=team, quarter="2026Q4", bank_name=str(bank), clock=clock)
        count_purposeful_quits(app, quits)
        quits_before = len(quits)
        try:
            async with app.run_test(size=size) as pilot:
                while len(sent) < KEYS_PER_RUN and app.return_code is None:
                    keys = [rng.choice(ALPHABET) for _ in range(rng.randint(1, LONGEST_BURST))]
                    sent.extend(keys)
                    await send(pilot, keys, size, other)
                    if app.return_code is None:
                        assert len(app.screen_stack) > 1, "only Textual's empty default screen is left"
                await settle(pilot)
        except BaseException as error:
            error.add_note(f"seed {seed}, size {size}, after {len(sent)} keys; the last: {sent[-24:]}")
            raise
        if app.return_code is None:
            return len(quits)
        assert len(quits) > quits_before, f"seed {seed}, size {size}: the app ended by itself; last {sent[-24:]}"
    return len(quits)


@pytest.mark.slow
@pytest.mark.parametrize("size", SIZES, ids=lambda size: f"{size[0]}x{size[1]}")
@pytest.mark.parametrize("seed", SEEDS)
async def test_random_keys_never_crash_the_app_or_end_it(tmp_path, tiny_bank_path, monkeypatch, seed, size):
    (tmp_path / "cwd").mkdir()
    monkeypatch.chdir(tmp_path / "cwd")  # exports, reports and palette screenshots are written here
    db = tmp_path / "monkey.db"
    seed_database(db)
    if seed in NOBODY_CHOSE:
        settings_path().unlink()  # the first survey opened asks who answers (Esc there leaves `survey --team`)
    quits = await monkey(db, tiny_bank_path, seed, size)
    assert quits <= KEYS_PER_RUN  # each one was asked for (see count_purposeful_quits)


def test_the_alphabet_holds_every_key_the_screens_bind_but_the_quitting_ones():
    assert {"a", "c", "w", "enter", "1", "9", "b", "left", "s", "right", "n", "r", "e", "escape"} <= set(ALPHABET)
    assert {"l", "i"} <= set(ALPHABET)
    assert {"question_mark", "f1", "tab", "ctrl+p", RESIZE} <= set(ALPHABET)
    assert not QUITTING & set(ALPHABET)
    assert TOTAL_KEYS == 3200
