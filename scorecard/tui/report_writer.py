"""Write the HTML trend report from the TUI: ask where, read the store, render in a thread worker."""

from __future__ import annotations

from pathlib import Path

from textual.app import App

from scorecard.errors import ScorecardError
from scorecard.survey.bank import Bank
from scorecard.survey.bank_file import load_bank
from scorecard.tui.dialogs import TextPrompt


def ask_and_write_report(app: App[None], team: str | None, quarter: str) -> None:
    """Prompt for a path, then write the report of ``team`` (or of every team) without freezing the UI."""
    from scorecard import report as reports

    store = app.store  # type: ignore[attr-defined]
    in_use: Bank = app.bank  # type: ignore[attr-defined]
    default = f"scorecard-{team or 'all-teams'}-{quarter}.html".replace("/", "-")

    def bank_for(bank_id: str) -> Bank:
        # A custom bank is known by its file, not its id: use the one this app was started with.
        return in_use if bank_id == in_use.id else load_bank(bank_id)

    def write(path_text: str | None) -> None:
        if not path_text:
            return
        output = Path(path_text).expanduser().resolve()
        try:
            reports.check_writable(output)
            data = reports.collect_report(store, team)  # reads SQLite here, on the UI thread that owns it
        except ScorecardError as error:
            app.notify(str(error), severity="error")
            return
        app.notify(f"Writing {output}…")

        def render_and_write() -> None:
            try:
                reports.write_report(reports.render_report(data, bank_for), output)
            except ScorecardError as error:
                app.call_from_thread(app.notify, str(error), severity="error")
                return
            app.call_from_thread(app.notify, f"Report written to {output}")

        app.run_worker(render_and_write, thread=True, exclusive=True, exit_on_error=False, group="report")

    app.push_screen(TextPrompt("Write the HTML report to", value=default), write)
