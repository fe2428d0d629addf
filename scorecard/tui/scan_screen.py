"""Scan a team's repositories from the TUI: a thread worker follows a cancellable child process.

The UI never waits on git: the worker thread reads the child's events and posts them back as messages.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from textual import getters, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.markup import escape
from textual.message import Message
from textual.widgets import Footer, Input, Log, ProgressBar, Static
from textual.worker import get_current_worker

from scorecard.services.stoppable_scan import CancellableScan
from scorecard.tui.app import ScorecardApp
from scorecard.tui.dialogs import Dialog, closed_before_mount


def repositories(count: int) -> str:
    return f"{count} repositor{'y' if count == 1 else 'ies'}"


class ScanScreen(Dialog[bool]):
    """Dismisses with True when at least one repository was scanned and stored."""

    app = getters.app(ScorecardApp)

    BINDINGS = [Binding("escape", "cancel_or_close", "Cancel scan / close")]

    @dataclass
    class Progress(Message):
        """A line from the running scan (a phase started, a repository stored)."""

        line: str
        """What the scan says, for the log."""
        repo_done: bool = False
        """True when a repository's scan was stored (counted for the result of the screen)."""

    @dataclass
    class Advanced(Message):
        """The repository being read: ``read`` of ``total`` commits so far (drives the progress bar)."""

        read: int
        total: int

    @dataclass
    class Finished(Message):
        """The scan ended: ``error`` is its one-line reason when it failed, ``cancelled`` when stopped."""

        error: str | None = None
        cancelled: bool = False

    def __init__(self, team: str, targets: list[tuple[str, str | None]]) -> None:
        super().__init__()
        self.team = team
        self.targets = list(targets)
        self.stored = 0
        self.running = False
        self.cancelled = False
        self.scan: CancellableScan | None = None

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide", id="scan-dialog"):
            yield Static(Content(f"Scan the git history of {self.team}'s repositories"), classes="dialog-title")
            yield Static(id="scan-targets")
            yield Input(
                placeholder="Path of a repository to add (Enter adds it; Enter on empty starts)", id="scan-path"
            )
            yield ProgressBar(total=None, show_eta=False, id="scan-progress")
            yield Log(id="scan-log", max_lines=200)
            yield Static(
                "Enter on an empty line: scan all listed · Esc: cancel a running scan, or close",
                classes="dialog-hint",
            )
        yield Footer()

    def on_mount(self) -> None:
        if closed_before_mount(self):
            return
        self._draw_targets()
        self.query_one(Input).focus()

    def _draw_targets(self) -> None:
        if self.targets:
            lines = [f"  {path}" + (f"  (subdir {subdir})" if subdir else "") for path, subdir in self.targets]
            text = "Repositories:\n" + "\n".join(lines)
        else:
            text = "No repository yet: type the path of one (a git working copy or a bare repository)."
        self.query_one("#scan-targets", Static).update(Content(text))

    @on(Input.Submitted, "#scan-path")
    def add_or_start(self, event: Input.Submitted) -> None:
        if self.running:
            return
        path = event.value.strip()
        if path:
            resolved = str(Path(path).expanduser().resolve())
            if not Path(resolved).is_dir():
                self.notify(f"{escape(path)} is not a directory", severity="error")
                return
            if all(existing != resolved for existing, _ in self.targets):
                self.targets.append((resolved, None))
            event.input.value = ""
            self._draw_targets()
            return
        if not self.targets:
            self.notify("Add a repository path first.", severity="warning")
            return
        self.start_scan()

    def start_scan(self) -> None:
        self.running = True
        self.cancelled = False
        self.stored = 0
        self.query_one(ProgressBar).update(total=None, progress=0)
        self.query_one(Input).disabled = True
        self.query_one(Log).write_line(f"Scanning {repositories(len(self.targets))}…")
        self.run_scan()

    @work(thread=True, exclusive=True, exit_on_error=False)
    def run_scan(self) -> None:
        try:
            self._follow_scan()
        except Exception as error:  # the UI must hear about any failure, or it would wait forever
            self.post_message(self.Finished(error=f"internal error ({type(error).__name__}: {error})"))

    def _follow_scan(self) -> None:
        worker = get_current_worker()
        db_path = self.app.store.path
        if db_path is None:  # Store.memory(): the scan runs in a child process, which cannot see it
            self.post_message(self.Finished(error="a scan needs a database file, and this store is in memory"))
            return
        scan = self.scan = CancellableScan(db_path, self.team, self.targets)
        if self.cancelled:  # Esc while the scan was starting
            self.post_message(self.Finished(cancelled=True))
            return
        scan.start()
        for event in scan.events():
            if worker.is_cancelled or self.cancelled:
                # Esc may have come before the child existed (cancel() then had nothing to stop): stop it here.
                scan.cancel()
                self.post_message(self.Finished(cancelled=True))
                return
            if event.kind == "advance":
                self.post_message(self.Advanced(event.summary["read"], event.summary["total"]))
            elif event.kind == "progress":
                self.post_message(self.Progress(event.message))
            elif event.kind == "repo":
                self.post_message(self.Progress(event.message + " · stored", repo_done=True))
            elif event.kind == "error":
                self.post_message(self.Finished(error=event.message))
                return
        self.post_message(self.Finished())

    @on(Progress)
    def show_progress(self, message: Progress) -> None:
        self.query_one(Log).write_line(message.line)
        if message.repo_done:
            self.stored += 1

    @on(Advanced)
    def show_commits_read(self, message: Advanced) -> None:
        # The bar follows the commits of the repository being read; the log says which repository it is.
        self.query_one(ProgressBar).update(total=max(message.total, 1), progress=message.read)

    @on(Finished)
    def show_finished(self, message: Finished) -> None:
        self.running = False
        self.query_one(Input).disabled = False
        log = self.query_one(Log)
        if message.cancelled:
            log.write_line("Cancelled: the repository being read keeps its previous scan.")
        elif message.error:
            log.write_line(f"Error: {message.error}")
        else:
            log.write_line(f"Done: {repositories(self.stored)} scanned. Esc to close.")

    def action_cancel_or_close(self) -> None:
        if self.running:
            # Ending the child process ends the worker's event stream; the worker then reports "cancelled".
            self.cancelled = True
            if self.scan is not None:
                self.scan.cancel()
            return
        self.dismiss(self.stored > 0)
