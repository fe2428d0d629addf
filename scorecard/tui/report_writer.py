"""Write the HTML trend report from the TUI: ask where, then read, render and write in a thread worker."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from textual.markup import escape

from scorecard import report
from scorecard.errors import ScorecardError
from scorecard.store import Store
from scorecard.survey.bank import Bank
from scorecard.survey.bank_file import load_bank
from scorecard.tui.dialogs import TextPrompt

if TYPE_CHECKING:
    from scorecard.tui.app import ScorecardApp


def ask_and_write_report(app: ScorecardApp, team: str | None, quarter: str) -> None:
    """Prompt for a path, then write the report of ``team`` (or of every team) without freezing the UI."""
    in_use = app.bank
    default = f"scorecard-{team or 'all-teams'}-{quarter}.html".replace("/", "-")

    def bank_for(bank_id: str) -> Bank:
        # A custom bank is known by its file, not its id: use the one this app was started with.
        return in_use if bank_id == in_use.id else load_bank(bank_id)

    def write(path_text: str | None) -> None:
        if not path_text:
            return
        output = Path(path_text).expanduser().resolve()
        try:
            report.check_writable(output)
            page = page_maker(app.store, team, bank_for)
        except ScorecardError as error:
            app.notify(escape(str(error)), severity="error")
            return
        app.notify(f"Writing {escape(str(output))}…")

        def read_render_write() -> None:  # in the worker thread: no widget, no connection of the UI thread
            try:
                report.write_report(page(), output)
            except ScorecardError as error:
                app.notify(escape(str(error)), severity="error")  # notify is thread-safe
                return
            app.notify(f"Report written to {escape(str(output))}")

        app.run_worker(read_render_write, thread=True, exclusive=True, exit_on_error=False, group="report")

    app.push_screen(TextPrompt("Write the HTML report to", value=default), write)


def page_maker(store: Store, team: str | None, bank_for: Callable[[str], Bank]) -> Callable[[], str]:
    """The report's HTML, made when called: read through a connection of the calling thread's own.

    A ``Store.memory()`` (tests only) has no file, and its connection cannot leave the UI thread: it is read
    here, now, and only the rendering is left for later.
    """
    if store.path is None:
        data = report.collect_report(store, team)
        return lambda: report.render_report(data, bank_for)
    path = store.path

    def read_and_render() -> str:
        with Store.open(path, migrate=False) as own:
            data = report.collect_report(own, team)
        return report.render_report(data, bank_for)

    return read_and_render
