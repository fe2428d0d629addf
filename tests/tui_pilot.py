"""Helpers for Pilot tests of the TUI: the still clock, a writer lock held from outside, waiting for workers,
keys typed faster than the screens change."""

from __future__ import annotations

import sqlite3
from contextlib import suppress
from datetime import UTC, datetime
from pathlib import Path

from textual import events
from textual.pilot import Pilot
from textual.worker import WorkerCancelled

from scorecard.tui.dialogs import RetryPrompt

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)

# What a terminal sends with these keys (Pilot's key names); other keys are a character or send none.
KEY_CHARACTERS = {"enter": "\r", "tab": "\t", "escape": "\x1b", "backspace": "\x7f", "space": " ", "question_mark": "?"}


def clock() -> datetime:
    return NOW


def hold_write_lock(path: Path) -> sqlite3.Connection:
    """Another process's connection holding the write lock of ``path`` (``rollback`` and ``close`` it)."""
    blocker = sqlite3.connect(path)
    blocker.execute("begin immediate")
    return blocker


async def save_through_a_lock(pilot: Pilot[None], path: Path, key: str) -> None:
    """Press ``key`` while another process holds the write lock: a retry dialog; release it, retry (r)."""
    blocker = hold_write_lock(path)
    await pilot.press(key)
    await pilot.pause()
    assert isinstance(pilot.app.screen, RetryPrompt)
    blocker.rollback()
    blocker.close()
    await pilot.press("r")
    await pilot.pause()


async def settle(pilot: Pilot[None]) -> None:
    """Wait for the thread workers (the home screen's team list, a report) and the messages they post.

    A read replaced by a newer one (``exclusive``) ends cancelled: that is no failure.
    """
    while True:
        await pilot.pause()
        running = [worker for worker in pilot.app.workers if not worker.is_finished]
        if not running:
            return
        for worker in running:
            with suppress(WorkerCancelled):
                await worker.wait()


def toasts(pilot: Pilot[None]) -> list[str]:
    """The text of every notification on screen, as the person reads it (run the app with notifications=True)."""
    return [str(toast.render()) for toast in pilot.app.screen.query("Toast")]


def key_event(key: str) -> events.Key:
    """The Key event of ``key`` (a Pilot key name: "a", "enter", "ctrl+p"), as a terminal sends it."""
    return events.Key(key, key if len(key) == 1 else KEY_CHARACTERS.get(key))


async def survey_drawn(pilot: Pilot[None]) -> None:
    """Wait until the survey screen on top has drawn its first question: keys typed before that are dropped
    (there is nothing to answer yet), which a test of fast typing must not mistake for its keys being lost."""
    from scorecard.tui.survey_screen import SurveyScreen

    for _ in range(200):
        screen = pilot.app.screen
        if isinstance(screen, SurveyScreen) and screen.drawn:
            return
        await pilot.pause(0.01)
    raise AssertionError(f"the survey was never drawn: {pilot.app.screen!r} is on top")


def _messages_pending(pilot: Pilot[None]) -> bool:
    # Textual keeps no public count of queued messages; every screen of the stack is asked, not just the one on
    # top: a key forwarded to a screen that another has since covered is still on its way.
    app = pilot.app
    pumps = [app, *(node for screen in app.screen_stack for node in screen.walk_children(with_self=True))]
    return any(not pump._message_queue.empty() for pump in pumps)


async def type_at_once(pilot: Pilot[None], *keys: str) -> None:
    """Send ``keys`` the way a terminal does when someone types faster than the screens change (or pastes):
    all queued at once, then wait until the app has handled them.

    ``pilot.press`` waits for the app to go idle after every key, so the event of one key is always handled
    before the next key arrives; here a key can arrive while the events of the one before are still queued.
    """
    for key in keys:
        pilot.app.post_message(key_event(key))
    # One pause waits for the messages queued when it starts; a key forwarded to a widget, then bubbling up to its
    # screen and the app, is queued again at each step. A test that ended with keys still on their way would shut
    # the app down under them, and check less than it says.
    await settle(pilot)
    for _ in range(50):  # a blinking cursor queues a timer now and then: wait for the keys, not for quiet
        if not _messages_pending(pilot):
            return
        await settle(pilot)
