"""Benchmark: ``scorecard report --all`` for 20 teams x 8 quarters, every team with surveys and git evidence.

    python bench/report_bench.py [--teams 20] [--quarters 8] [--no-scans] [--keep DIR]

Builds an organisation with the demo generator (``scorecard.services.demo``: realistic drift, notes, unknowns; one
generated repository per team, really scanned), then measures, in one run on this machine:

- the report in-process, split into reading the store, computing trends and drawing charts, rendering;
- ``scorecard report --all`` end to end in a fresh process (interpreter start and imports included);
- the size of the HTML file and how many charts it holds.

Targets: under 3 s and under 2 MB. Not part of the test suite. Setting up the
organisation (surveys and scans) is timed apart and is not part of the figures.
"""

from __future__ import annotations

import argparse
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from scorecard import report  # noqa: E402
from scorecard.quarters import current_quarter  # noqa: E402
from scorecard.services import demo  # noqa: E402
from scorecard.services.demo_repositories import scan_demo_repositories  # noqa: E402
from scorecard.store import Store  # noqa: E402

AREAS = (
    "boundary-erosion",
    "data-dependencies",
    "feedback-loops",
    "system-anti-patterns",
    "configuration",
    "external-world",
    "other-debt",
    "measuring-debt",
)


def profiles(count: int, rng: random.Random) -> list[demo.TeamProfile]:
    """``count`` teams with their own maturity, direction and strong and weak areas."""
    names = [
        f"team-{index:02d}-{rng.choice(('ranking', 'search', 'ads', 'fraud', 'recsys', 'vision'))}"
        for index in range(count)
    ]
    return [
        demo.TeamProfile(
            name,
            rng.uniform(0.25, 0.7),
            rng.uniform(-0.03, 0.05),
            {area: rng.uniform(-0.15, 0.15) for area in rng.sample(AREAS, 3)},
            joined=0,
            skips_last=index % 9 == 8,
        )
        for index, name in enumerate(names)
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--teams", type=int, default=20)
    parser.add_argument("--quarters", type=int, default=8)
    parser.add_argument("--no-scans", action="store_true", help="surveys only (no git evidence)")
    parser.add_argument("--keep", type=Path, help="write the database and the report here")
    args = parser.parse_args()

    folder = args.keep or Path(tempfile.mkdtemp(prefix="scorecard-report-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    db, out = folder / "bench.db", folder / "review.html"
    for stale in (db, out):
        stale.unlink(missing_ok=True)
    shutil.rmtree(folder / "repos", ignore_errors=True)
    teams = profiles(args.teams, random.Random(7))
    started = time.perf_counter()
    with Store.open(db) as store:
        window = demo.populate(store, current_quarter(), args.quarters, teams)
        if not args.no_scans:
            scan_demo_repositories(store, folder / "repos", window, demo.demo_now(window[-1]), teams)
    setup = time.perf_counter() - started

    # In process: what the command does after its imports.
    timings = {}
    with Store.open(db) as store:
        started = time.perf_counter()
        data = report.collect_report(store, None, args.quarters)
        timings["read the store"] = time.perf_counter() - started
    started = time.perf_counter()
    context = report.build_report(data)
    timings["trends and charts"] = time.perf_counter() - started
    started = time.perf_counter()
    html = report.make_environment().get_template("report.html").render(context)
    report.write_report(html, out)
    timings["render and write"] = time.perf_counter() - started
    in_process = sum(timings.values())

    # End to end, as a user runs it.
    started = time.perf_counter()
    subprocess.run(
        [
            str(Path(sys.executable).with_name("scorecard")),
            "report",
            "--all",
            "-o",
            str(out),
            "--db",
            str(db),
            "--quarters",
            str(args.quarters),
        ],
        check=True,
        capture_output=True,
        cwd=ROOT,
    )
    end_to_end = time.perf_counter() - started
    size = out.stat().st_size
    charts = html.count('class="chart-svg"')

    print(
        f"organisation: {args.teams} teams x {args.quarters} quarters ({window[0]} to {window[-1]}), "
        f"{'surveys only' if args.no_scans else 'surveys and one scanned repository per team'}; setup {setup:.1f} s"
    )
    for name, seconds in timings.items():
        print(f"  {name:<20} {seconds:6.2f} s")
    print(f"  {'in process':<20} {in_process:6.2f} s")
    print(f"  {'end to end (CLI)':<20} {end_to_end:6.2f} s   target < 3 s")
    print(f"  {'HTML size':<20} {size / 1e6:6.2f} MB  target < 2 MB ({charts} charts)")
    print(f"report: {out}")


if __name__ == "__main__":
    main()
