"""A first survey taken through the real TUI in tmux at a person's pace, timed: how long does a bank take?

The pace is a model of a careful first-time respondent, not a recording of one:

- reading: every question's stem and all its options at 238 words a minute (the mean silent reading rate of
  adults for non-fiction, Brysbaert 2019, "How many words do we read per minute?");
- deciding: ``--decide`` seconds per question once it is read (default 20: recalling how one's own system
  really works; with it the v1 bank models at 36 minutes, inside the 35-45 minutes a first v1 survey was seen
  to take, so the model is calibrated on v1 and then applied unchanged to v2);
- help: on every ``--help-every``-th question (default 4) the person opens the help (``?``), reads it at the same
  rate and closes it.

The answers pressed are the middle option of each question (which option does not change the time). Run it as

    python bench/survey_pace.py --bank sculley2015 [--scale 1.0]

``--scale 0.05`` runs 20x faster to check the script; the report gives the modelled minutes and the wall-clock
minutes of the run (equal at scale 1, apart from the TUI's own time). It needs tmux, and writes a fresh database
and config folder under a temporary directory.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

WORDS_PER_MINUTE = 238
UNIVERSAL = ("na", "unknown")
"""Options every question offers; the bank's word count leaves them out (its changelog counts the bank's own)."""
SCORECARD = str(Path(sys.executable).with_name("scorecard"))


def words(text: str) -> int:
    return len(text.split())


def tmux(*args: str) -> str:
    return subprocess.run(["tmux", *args], capture_output=True, text=True, check=True).stdout


def bank_questions(bank: str) -> list[dict]:
    shown = subprocess.run([SCORECARD, "questions", "show", bank, "--json"], capture_output=True, text=True, check=True)
    return json.loads(shown.stdout)["questions"]


def reading_seconds(text_words: int) -> float:
    return text_words / WORDS_PER_MINUTE * 60.0


def wait_for(session: str, needle: str, timeout: float = 20.0) -> str:
    """The pane once it shows ``needle`` (the TUI has drawn the next question)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        pane = tmux("capture-pane", "-p", "-t", session)
        if needle in pane:
            return pane
        time.sleep(0.1)
    raise SystemExit(f"the TUI never showed {needle!r}; last screen:\n{pane}")


def run(bank: str, scale: float, decide: float = 20.0, help_every: int = 4) -> dict:
    questions = bank_questions(bank)
    folder = Path(tempfile.mkdtemp(prefix="survey-pace-"))
    session = "survey-pace"
    command = (
        f"XDG_CONFIG_HOME={folder / 'config'} {SCORECARD} --db {folder / 'pace.db'} "
        f"survey --team pace --bank {bank} --respondent Pat"
    )
    tmux("new-session", "-d", "-s", session, "-x", "80", "-y", "24", command)
    modelled = 0.0
    started = time.monotonic()
    try:
        for number, question in enumerate(questions, start=1):
            wait_for(session, question["id"])
            # Everything on screen is read, "not applicable" and "don't know" included.
            pause = reading_seconds(words(question["text"]) + sum(words(o["label"]) for o in question["options"]))
            pause += decide
            time.sleep(pause * scale)
            if help_every and number % help_every == 0:
                help_text = " ".join(str(value) for value in question.get("help", {}).values())
                reading = reading_seconds(words(help_text)) + 2.0  # find the key, read, close
                tmux("send-keys", "-t", session, "?")
                time.sleep(reading * scale)
                tmux("send-keys", "-t", session, "?")
                pause += reading
            modelled += pause
            own = [o for o in question["options"] if o["id"] not in UNIVERSAL]
            tmux("send-keys", "-t", session, str(len(own) // 2 + 1))
        pane = wait_for(session, f"All {len(questions)} questions answered", timeout=20.0)
        elapsed = time.monotonic() - started
    finally:
        tmux("kill-session", "-t", session)
        shutil.rmtree(folder, ignore_errors=True)
    total_words = sum(
        words(q["text"]) + sum(words(o["label"]) for o in q["options"] if o["id"] not in UNIVERSAL) for q in questions
    )
    return {
        "bank": bank,
        "questions": len(questions),
        "words": total_words,
        "modelled_minutes": round(modelled / 60, 1),
        "wall_minutes": round(elapsed / 60, 1),
        "scale": scale,
        "last_screen_has": [line.strip(" █") for line in pane.splitlines() if "questions answered" in line][:1],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bank", default="sculley2015")
    parser.add_argument("--scale", type=float, default=1.0, help="1.0: real time; 0.05: 20x faster")
    parser.add_argument("--decide", type=float, default=20.0, help="seconds to choose, once a question is read")
    parser.add_argument("--help-every", type=int, default=4, help="open the help on every Nth question (0: never)")
    arguments = parser.parse_args()
    print(json.dumps(run(arguments.bank, arguments.scale, arguments.decide, arguments.help_every), indent=1))


if __name__ == "__main__":
    main()
