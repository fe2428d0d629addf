"""A scan that can be stopped: repositories are scanned in a child process whose events stream back.

The TUI cannot interrupt git or pandas inside a thread, but it can end a process (and the git processes it
started: the child leads its own process group). Each repository's scan is written by the child in one
transaction, so stopping it leaves the store with the previous complete scan of the repository being read, or
the new one, never half: SQLite rolls back the unfinished transaction.

The child is ``python -m scorecard.services.stoppable_scan`` printing one JSON event per line, not a multiprocessing
worker: it needs nothing from the parent's interpreter state (a Textual app replaces stdout and stderr).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO


@dataclass(frozen=True)
class ScanEvent:
    """What the child reports: ``progress`` (a message), ``advance`` (``summary`` holds commits ``read`` of
    ``total`` for the repository being read), ``repo`` (one repository stored, with its summary), ``error`` (a
    one-line message; the scan stopped) or ``done``."""

    kind: str
    message: str = ""
    summary: dict[str, Any] = field(default_factory=dict)


class CancellableScan:
    """Scan ``targets`` (path, subdir) for ``team`` into the database at ``db_path`` in a child process."""

    def __init__(self, db_path: Path | str, team: str, targets: Sequence[tuple[str, str | None]]):
        self.command = [
            sys.executable,
            "-m",
            "scorecard.services.stoppable_scan",
            str(db_path),
            team,
            json.dumps(list(targets)),
        ]
        self._process: subprocess.Popen[str] | None = None

    def start(self) -> None:
        self._process = subprocess.Popen(
            self.command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            start_new_session=True,  # its own process group, so cancel() also ends the git children
        )

    def events(self) -> Iterator[ScanEvent]:
        """Events as the child prints them; ends after ``done``, or with ``error`` if the child died silently."""
        assert self._process is not None and self._process.stdout is not None, "start() first"
        for line in self._process.stdout:
            event = ScanEvent(**json.loads(line))
            yield event
            if event.kind == "done":
                break
        code = self._process.wait()
        if code != 0:
            yield ScanEvent("error", f"the scan process stopped (exit code {code})")

    def cancel(self) -> None:
        """Stop the child and its git processes now; the repository being read keeps its previous scan."""
        if self._process is None or self._process.poll() is not None:
            return
        try:
            os.killpg(self._process.pid, signal.SIGTERM)
            self._process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            os.killpg(self._process.pid, signal.SIGKILL)
            self._process.wait(timeout=5)
        except ProcessLookupError:
            pass


def _emit(out: TextIO, kind: str, message: str = "", summary: dict[str, Any] | None = None) -> None:
    out.write(json.dumps({"kind": kind, "message": message, "summary": summary or {}}) + "\n")
    out.flush()


def run_child(db_path: str, team: str, targets: list[tuple[str, str | None]], out: TextIO) -> None:
    """The child's work: scan each target in turn, reporting as it goes (also usable in-process by tests)."""
    from scorecard.errors import ScorecardError
    from scorecard.evidence.repository_scan import ScanOptions
    from scorecard.services.scanning import scan_repositories
    from scorecard.store import Store

    try:
        with Store.open(db_path) as store:
            for path, subdir in targets:
                options = ScanOptions(team=team, subdir=subdir)
                [summary] = scan_repositories(
                    store,
                    [path],
                    options,
                    jobs=1,
                    progress=lambda message: _emit(out, "progress", message),
                    advance=lambda _path, read, total: _emit(out, "advance", "", {"read": read, "total": total}),
                )
                _emit(out, "repo", f"{summary['repo']}: {summary['commits']} commits", summary)
    except ScorecardError as error:
        _emit(out, "error", str(error))
    except Exception as error:  # a bug: still one line for the user rather than a silent death
        _emit(out, "error", f"internal error ({type(error).__name__}: {error})")
    _emit(out, "done")


if __name__ == "__main__":
    run_child(sys.argv[1], sys.argv[2], [tuple(t) for t in json.loads(sys.argv[3])], sys.stdout)  # type: ignore[misc]
