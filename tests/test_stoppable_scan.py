"""The cancellable scan: a child process that streams events, and can be stopped without harm."""

from __future__ import annotations

import io
import json
import sqlite3
from pathlib import Path

from scorecard.services.stoppable_scan import CancellableScan, run_child
from scorecard.services.team_metrics import latest_metrics
from scorecard.store import Store
from tests.gitrepo import RepoBuilder


def small_repo(path: Path) -> Path:
    repo = RepoBuilder(path)
    repo.commit({"train.py": "import absl\nflags.DEFINE_bool('use_new_loss', False, '')\n# TODO: drop\n"})
    repo.commit({"configs/base.yaml": "use_cache: true\nlr: 0.1\n"}, when="2024-02-01")
    return path


def events_of(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines()]


def test_child_reports_progress_and_stores_the_scan(tmp_path):
    repo = small_repo(tmp_path / "repo")
    db = tmp_path / "s.db"
    Store.open(db).close()
    out = io.StringIO()
    run_child(str(db), "ranking", [(str(repo), None)], out)
    events = events_of(out.getvalue())
    assert [e["kind"] for e in events][-2:] == ["repo", "done"]
    # the bar's last tick: every commit of the stream read
    assert [e["summary"] for e in events if e["kind"] == "advance"][-1] == {"read": 2, "total": 2}
    assert events[-2]["summary"]["commits"] == 2
    with Store.open(db) as store:
        assert latest_metrics(store, "ranking")[0]["flags.alive"] == 2.0  # the absl flag and the yaml toggle


def test_child_turns_a_bad_path_into_one_error_line(tmp_path):
    db = tmp_path / "s.db"
    Store.open(db).close()
    out = io.StringIO()
    run_child(str(db), "ranking", [(str(tmp_path / "missing"), None)], out)
    kinds = [(e["kind"], e["message"]) for e in events_of(out.getvalue())]
    assert kinds[-1] == ("done", "")
    assert kinds[0][0] == "error" and "missing" in kinds[0][1] and "\n" not in kinds[0][1]


def test_process_scan_runs_to_done(tmp_path):
    repo = small_repo(tmp_path / "repo")
    db = tmp_path / "s.db"
    Store.open(db).close()
    scan = CancellableScan(db, "ranking", [(str(repo), None)])
    scan.start()
    kinds = [event.kind for event in scan.events()]
    assert kinds[-2:] == ["repo", "done"]


def test_cancel_leaves_the_store_as_it_was(tmp_path):
    repo = small_repo(tmp_path / "repo")
    db = tmp_path / "s.db"
    Store.open(db).close()
    before = "\n".join(sqlite3.connect(db).iterdump())
    scan = CancellableScan(db, "ranking", [(str(repo), None)])
    scan.start()
    scan.cancel()  # long before the child has even imported pandas
    events = list(scan.events())
    assert events and events[-1].kind == "error" and "exit code" in events[-1].message
    assert "\n".join(sqlite3.connect(db).iterdump()) == before
