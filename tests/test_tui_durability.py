"""Nothing is ever lost: kill a survey mid-way (SIGKILL, no chance to clean up) and count what was stored."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from scorecard.store import Store

DRIVER = textwrap.dedent(
    """
    import asyncio, sys, time
    from scorecard.tui import make_app

    async def main(db):
        app = make_app(db_path=db, team="ranking", quarter="2026Q4")
        async with app.run_test(size=(80, 24)) as pilot:
            for number in range(1, 1000):
                await pilot.press("2")
                await pilot.pause()
                print(f"answered {number}", flush=True)
                time.sleep(0.2)  # a person thinking; the parent kills us somewhere in here

    asyncio.run(main(sys.argv[1]))
    """
)


@pytest.mark.slow
def test_killed_survey_keeps_exactly_the_answers_given(tmp_path: Path):
    db = tmp_path / "killed.db"
    process = subprocess.Popen(
        [sys.executable, "-c", DRIVER, str(db)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env={**os.environ, "TEXTUAL": ""},
    )
    answered = 0
    assert process.stdout is not None
    for line in process.stdout:
        answered = int(line.split()[1])
        if answered == 5:
            os.kill(process.pid, signal.SIGKILL)
            break
    process.wait(timeout=30)
    assert answered == 5 and process.returncode == -signal.SIGKILL
    with Store.open(db) as store:
        survey = store.find_survey("ranking", "2026Q4", "sculley2015")
        assert survey is not None
        assert len(store.answers_for(survey.id)) == 5
