"""``scorecard report --demo``: the sample organisation built in a temporary folder and read back as a report."""

from __future__ import annotations

import tempfile
from pathlib import Path

from scorecard.report.collect import ReportInput, collect_report
from scorecard.services.demo import DEMO_QUARTERS, demo_now, populate
from scorecard.services.demo_repositories import scan_demo_repositories
from scorecard.store import Store


def demo_report(quarters: int = DEMO_QUARTERS, last_quarter: str | None = None, scans: bool = True) -> ReportInput:
    """The demo organisation (database and repositories in a temporary folder), read back as a report's
    input. ``scans=False`` leaves out the git evidence (faster; the report says "no scan yet")."""
    with tempfile.TemporaryDirectory(prefix="scorecard-demo-") as name, Store.open(Path(name) / "demo.db") as store:
        window = populate(store, last_quarter, max(quarters, DEMO_QUARTERS))
        if scans:
            scan_demo_repositories(store, Path(name) / "repos", window, demo_now(window[-1]))
        return collect_report(store, None, quarters, title="Technical debt review (demo organisation)")
