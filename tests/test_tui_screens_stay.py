"""The screens stay put across a too-small terminal and a scan cancelled as it starts (real SQLite files)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import pytest
from textual.screen import Screen
from textual.widgets import Input, Static

from scorecard.services.stoppable_scan import ScanEvent
from scorecard.store import Store
from scorecard.tui import make_app, scan_screen
from scorecard.tui.dialogs import TextPrompt
from scorecard.tui.scan_screen import ScanScreen
from tests.tui_pilot import clock, settle, type_at_once


def survey_app(db: Path, bank: Path):
    return make_app(db_path=db, team="ranking", quarter="2026Q4", bank_name=str(bank), clock=clock)


def stack(app) -> list[str]:
    return [type(screen).__name__ for screen in app.screen_stack if type(screen) is not Screen]


async def test_ctrl_p_on_the_too_small_notice_opens_nothing(tmp_path, tiny_bank_path):
    app = survey_app(tmp_path / "small.db", tiny_bank_path)
    async with app.run_test(size=(60, 15)) as pilot:
        await type_at_once(pilot, "ctrl+p", "enter", "enter")
        assert stack(app) == ["SurveyScreen", "TooSmall"]
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        assert stack(app) == ["SurveyScreen"]


async def test_a_note_being_typed_survives_a_resize_to_60x15_and_back(tmp_path, tiny_bank_path):
    db = tmp_path / "note.db"
    app = survey_app(db, tiny_bank_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("2", "b", "n", *"hal")
        await pilot.resize_terminal(60, 15)
        await pilot.pause()
        assert stack(app) == ["SurveyScreen", "TextPrompt", "TooSmall"]
        await pilot.press("x", "enter")  # the notice takes no key
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        assert stack(app) == ["SurveyScreen", "TextPrompt"]
        await pilot.press("f", "enter")
        await pilot.pause()
        assert "Note: half" in str(app.screen.query_one("#note", Static).render())


async def test_a_dialog_opened_behind_the_too_small_notice_is_covered_and_the_notice_leaves_with_it(
    tmp_path, tiny_bank_path
):
    app = survey_app(tmp_path / "late.db", tiny_bank_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.resize_terminal(60, 15)
        await pilot.pause()
        app.push_screen(TextPrompt("Opened by a key typed before the resize"))
        await pilot.pause()
        assert stack(app) == ["SurveyScreen", "TooSmall", "TextPrompt", "TooSmall"]
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        assert stack(app) == ["SurveyScreen", "TooSmall", "TextPrompt"]
        await pilot.press("escape")
        await pilot.pause()
        assert stack(app) == ["SurveyScreen"]


@pytest.mark.parametrize("size", [(60, 15), (40, 10), (20, 5)])
async def test_the_survey_under_the_too_small_notice_survives_any_small_size(tmp_path, tiny_bank_path, size):
    app = survey_app(tmp_path / "tiny-terminal.db", tiny_bank_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("question_mark")
        await pilot.resize_terminal(*size)  # the screen below the notice is laid out at this size too
        await pilot.pause()
        assert stack(app) == ["SurveyScreen", "TooSmall"]
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        assert stack(app) == ["SurveyScreen"]


class GatedScan:
    """A stand-in for the scan's child process that starts only once the test opens ``gate``."""

    gate: ClassVar[threading.Event] = threading.Event()
    made: ClassVar[list[GatedScan]] = []

    def __init__(self, db_path: Path | str, team: str, targets: list[tuple[str, str | None]]) -> None:
        assert self.gate.wait(timeout=30)
        self.started = self.cancelled = False
        self.made.append(self)

    def start(self) -> None:
        self.started = True

    def events(self) -> Iterator[ScanEvent]:
        yield ScanEvent("progress", "reading commits")
        yield ScanEvent("done")

    def cancel(self) -> None:
        self.cancelled = True


async def test_esc_while_the_scan_starts_leaves_no_child_process_running(tmp_path, monkeypatch):
    db = tmp_path / "scan.db"
    Store.open(db).close()
    monkeypatch.setattr(scan_screen, "CancellableScan", GatedScan)
    GatedScan.gate.clear()
    app = make_app(db_path=db, quarter="2026Q4", clock=clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        app.push_screen(ScanScreen("ranking", [(str(tmp_path), None)]))
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ScanScreen) and screen.query_one(Input).value == ""
        await pilot.press("enter", "escape")  # start; Esc before the child exists
        GatedScan.gate.set()
        await settle(pilot)
        assert "Cancelled" in "\n".join(screen.query_one("#scan-log").lines)
        await pilot.press("escape")
        await pilot.pause()
        assert stack(app) == ["HomeScreen"]
    (scan,) = GatedScan.made
    assert scan.cancelled or not scan.started
