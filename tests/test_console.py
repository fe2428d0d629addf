"""What the command line prints for people: rich's bars, and colour only where the user's terminal wants it."""

from __future__ import annotations

import io
import os
import pty
import re
import subprocess
import sys
from pathlib import Path

from rich.console import Console

from scorecard.console import score_bar
from scorecard.metric_contract import LATEST
from tests.gitrepo import RepoBuilder
from tests.runner import run_cli

ROOT = Path(__file__).resolve().parents[1]
SCORECARD = str(Path(sys.executable).with_name("scorecard"))
COLOUR = re.compile(r"\x1b\[(?:3|4|9)\d")
"""An SGR foreground or background colour code (bold and dim are not colour)."""


def rendered(renderable: object, **console: object) -> str:
    buffer = io.StringIO()
    Console(file=buffer, width=40, **console).print(renderable)  # type: ignore[arg-type]
    return buffer.getvalue()


def test_a_score_bar_fills_its_share_of_the_width() -> None:
    assert rendered(score_bar(1.5, 2.0), no_color=True).rstrip() == "━" * 15


def test_a_score_bar_without_colour_draws_the_filled_part_only() -> None:
    # With colour, rich draws the empty part in grey; without, it leaves it blank so the length still reads.
    assert rendered(score_bar(0.5, 1.0), force_terminal=False).rstrip() == "━" * 10
    coloured = re.sub(
        r"\x1b\[[0-9;]*m", "", rendered(score_bar(0.5, 1.0), force_terminal=True, color_system="truecolor")
    )
    assert coloured.rstrip() == "━" * 10 + "╺" + "━" * 9


def test_a_score_above_the_scale_fills_the_bar_and_no_score_leaves_it_blank() -> None:
    assert rendered(score_bar(9.0, 1.0), no_color=True).rstrip() == "━" * 20
    assert rendered(score_bar(None, 1.0), no_color=True).strip() == ""


def show_on_a_terminal(db: Path, environment: dict[str, str]) -> str:
    """``scorecard show`` with its output on a pseudo-terminal, as a person at a terminal sees it."""
    leader, follower = pty.openpty()
    env = {key: value for key, value in os.environ.items() if key not in ("NO_COLOR", "FORCE_COLOR", "TERM")}
    env.update({"TERM": "xterm-256color", "COLUMNS": "100", **environment})
    process = subprocess.Popen(
        [SCORECARD, "--db", str(db), "show", "--team", "ranking"], stdout=follower, stderr=follower, env=env
    )
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    assert process.wait(timeout=60) == 0
    return b"".join(chunks).decode()


def test_show_honours_no_color_on_a_terminal(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    imported = subprocess.run(
        [SCORECARD, "--db", str(db), "survey", "--answers", str(ROOT / "examples" / "answers.yaml")],
        capture_output=True,
        text=True,
    )
    assert imported.returncode == 0, imported.stderr
    coloured = show_on_a_terminal(db, {})
    assert COLOUR.search(coloured), "a terminal without NO_COLOR gets colour (else this test proves nothing)"
    plain = show_on_a_terminal(db, {"NO_COLOR": "1"})
    assert "Overall" in plain and "━" in plain
    assert not COLOUR.search(plain)


def test_every_metric_the_console_reads_is_a_latest_metric_of_the_contract() -> None:
    # The scan summary reads metrics by name; a renamed metric would print 0 silently, so the names are checked.
    source = (ROOT / "scorecard" / "console.py").read_text()
    read = set(re.findall(r"""metrics\.get\(['"]([a-z_.]+)['"]\)|m\[['"]([a-z_.]+)['"]\]""", source))
    names = {name for pair in read for name in pair if name}
    assert len(names) >= 8
    assert names <= set(LATEST), sorted(names - set(LATEST))


TITLE_SEQUENCE = "\x1b]0;PWNED\x07"  # an xterm "set window title" sequence


def test_scan_escapes_a_repository_name_and_its_pyproject_flag_id_in_what_it_prints(tmp_path: Path) -> None:
    # The repository's folder name and a flag id in its own pyproject are the repository's text, not scorecard's:
    # printed raw they retitle the terminal.
    repo = RepoBuilder(tmp_path / f"repo{TITLE_SEQUENCE}x")
    pyproject = '[[tool.scorecard.flags]]\nid = "e\\u001b]0;X\\u0007"\nregex = "(a"\nsuffixes = [".py"]\n'
    repo.commit({"pyproject.toml": pyproject, "model.py": "x = 1\n"})

    result = run_cli("scan", str(repo.path), "--team", "ranking", db=tmp_path / "x.db")

    assert result.exit_code == 0, result.output
    assert "invalid regex for RE2" in result.output  # the warning is there, and
    assert "\x1b" not in result.output and "\x07" not in result.output  # nothing in it reaches the terminal raw
    assert "repo\\x1b]0;PWNED\\x07x @ " in result.output


def test_flag_kinds_are_pluralised_as_english_does() -> None:
    from scorecard.console import plural

    assert [plural(k) for k in ("cli option", "env toggle", "feature switch")] == [
        "cli options",
        "env toggles",
        "feature switches",
    ]


def test_show_words_a_gain_as_the_report_does(tmp_path: Path) -> None:
    answers = tmp_path / "a.yaml"
    answers.write_text("team: ranking\nquarter: 2026Q4\nanswers:\n  entanglement-1: aggregate\n", encoding="utf-8")
    db = tmp_path / "s.db"
    assert run_cli("survey", "--answers", str(answers), db=db).exit_code == 0
    shown = run_cli("show", "--team", "ranking", db=db).output
    assert "  +67.0  entanglement-1: aggregate -> automated-checks" in shown  # one decimal finer than 0-100
