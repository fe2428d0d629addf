"""Small modal steps, each returning a typed value with ``dismiss``, and the command palette they share.

Keys arrive faster than screens change: a second Enter can reach a dialog after its first Enter dismissed it.
Every dialog here dismisses once; a late second dismiss would otherwise pop the screen underneath.
"""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from textual import on
from textual.app import ComposeResult
from textual.await_complete import AwaitComplete
from textual.binding import Binding
from textual.command import CommandPalette
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen, Screen
from textual.widgets import Input, Label, OptionList, Static

ResultT = TypeVar("ResultT")


def closed_before_mount(screen: Screen[Any]) -> bool:
    """True when ``screen`` was closed before its on_mount ran, its widgets being removed: by Esc typed right
    after the key that opened it (it left the screen stack), or by the app quitting meanwhile."""
    return screen not in screen.app.screen_stack or screen.app.return_code is not None


def ready_to_act(screen: Screen[Any], drawn: bool) -> bool:
    """Whether a key's action or an option event may run on ``screen`` now: its on_mount has drawn it
    (``drawn``: the screen's own flag, set last thing in on_mount) and it has not closed since.

    ``is_mounted`` is not enough: it stays true while a closed screen's widgets are removed, and keys typed
    before the close (or before the app shut down: it stops running first, then removes the screens still on
    the stack) still arrive then, to draw into widgets that are gone (``NoMatches``).
    """
    return drawn and screen.app.is_running and not closed_before_mount(screen)


class Dialog(ModalScreen[ResultT], Generic[ResultT]):
    """A modal screen that answers once, and only while it is the screen on top."""

    def dismiss(self, result: ResultT | None = None) -> AwaitComplete:
        if not self.is_active:  # already dismissed, or something (the too-small notice) covers it
            return AwaitComplete.nothing()
        return super().dismiss(result)

    def refuse_entry(self, selector: str, error: Exception) -> None:
        """A refused entry said in the dialog itself (written as a sentence), which stays open for another try."""
        shown = self.query_one(selector, Static)
        text = str(error)
        shown.update(Content(f"{text[:1].upper()}{text[1:]}: type another, or Esc."))
        shown.display = True


class Palette(CommandPalette):
    """Textual's command palette, closed once: Enter pressed twice must not also close the screen below it, and
    what its input and list still send once it closed (keys typed after Esc or Enter) is dropped, not searched
    for in a list that is gone."""

    def dismiss(self, result: None = None) -> AwaitComplete:
        if not self.is_active:
            return AwaitComplete.nothing()
        return super().dismiss(result)

    @on(Input.Changed)
    @on(Input.Submitted)
    @on(OptionList.OptionSelected)
    def drop_once_closed(self, event: Input.Changed | Input.Submitted | OptionList.OptionSelected) -> None:
        if not self.is_active:
            event.prevent_default()  # the palette's own handlers (defined on CommandPalette) do not run
            event.stop()


class TextPrompt(Dialog[str | None]):
    """Ask for one line of text (a team name, a note, a file path): the text without surrounding spaces, or
    None when cancelled. An empty line is returned as ``""``: each caller says what nothing typed means."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, title: str, value: str = "", placeholder: str = "", hint: str = "", max_length: int = 0) -> None:
        super().__init__()
        self.title_text = title
        self.value = value
        self.placeholder = placeholder
        self.hint = hint
        self.max_length = max_length
        """At most this many characters may be typed or pasted (0: no limit)."""

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(Content(self.title_text), classes="dialog-title")
            yield Input(value=self.value, placeholder=self.placeholder, max_length=self.max_length, id="prompt-input")
            yield Static(Content(self.hint or "Enter to save · Esc to cancel"), classes="dialog-hint")

    def on_mount(self) -> None:
        if closed_before_mount(self):
            return
        self.query_one(Input).focus()

    @on(Input.Submitted)
    def submit(self, event: Input.Submitted) -> None:
        self.dismiss(event.value.strip())

    def action_cancel(self) -> None:
        self.dismiss(None)


class RetryPrompt(Dialog[bool]):
    """Something outside the app (a locked database) got in the way: True to retry, False to give up."""

    BINDINGS = [
        Binding("r,enter", "retry", "Retry"),
        Binding("escape", "give_up", "Cancel"),
    ]

    def __init__(self, message: str) -> None:
        super().__init__()
        self.message = message

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("Could not save", classes="dialog-title")
            yield Static(Content(self.message))
            yield Static("r or Enter to retry · Esc to cancel (nothing is saved)", classes="dialog-hint")

    def action_retry(self) -> None:
        self.dismiss(True)

    def action_give_up(self) -> None:
        self.dismiss(False)


class TooSmall(ModalScreen[None]):
    """Shown while the terminal is smaller than the layout needs; removed when it grows again (see app.py)."""

    def compose(self) -> ComposeResult:
        yield Static("scorecard needs a terminal of at least 80 x 24.\nPlease make this window larger.", id="too-small")
