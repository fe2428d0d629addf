"""Small modal steps, each returning a typed value with ``dismiss``."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static


class TextPrompt(ModalScreen[str | None]):
    """Ask for one line of text (a team name, a note, a file path): the text, or None when cancelled."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, title: str, value: str = "", placeholder: str = "", hint: str = "") -> None:
        super().__init__()
        self.title_text = title
        self.value = value
        self.placeholder = placeholder
        self.hint = hint

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(Content(self.title_text), classes="dialog-title")
            yield Input(value=self.value, placeholder=self.placeholder, id="prompt-input")
            yield Static(Content(self.hint or "Enter to save · Esc to cancel"), classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    @on(Input.Submitted)
    def submit(self, event: Input.Submitted) -> None:
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)


class RetryPrompt(ModalScreen[bool]):
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
    """Shown while the terminal is smaller than the layout needs; removed when it grows again."""

    def compose(self) -> ComposeResult:
        yield Static("scorecard needs a terminal of at least 80 x 24.\nPlease make this window larger.", id="too-small")
