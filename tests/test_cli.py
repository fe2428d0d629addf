"""The command line, driven through click's CliRunner and checked against the database afterwards."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import click
import pytest
import yaml
from click.testing import CliRunner

from scorecard.cli import main
from scorecard.store import SCHEMA_VERSION, Store
from tests.runner import run_cli as run

ANSWERS = """\
team: ranking
quarter: 2026Q4
bank: sculley2015
answers:
  entanglement-1: automated-checks
  glue-code-1: {option: partly-wrapped, note: "wrapped in our own predictor API"}
  feedback-1: na
"""


def dump(db: Path) -> str | None:
    """Everything in the database, schema and rows, as SQL text (None if there is no file)."""
    if not db.exists():
        return None
    with sqlite3.connect(db) as conn:
        return "\n".join(conn.iterdump())


@pytest.fixture
def answers_file(tmp_path: Path) -> Path:
    path = tmp_path / "answers.yaml"
    path.write_text(ANSWERS, encoding="utf-8")
    return path


@pytest.fixture
def seeded_db(tmp_path: Path, answers_file: Path) -> Path:
    db = tmp_path / "seeded.db"
    assert run("survey", "--answers", str(answers_file), db=db).exit_code == 0
    return db


def write(tmp_path: Path, text: str, name: str = "bad.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# -- happy paths ---------------------------------------------------------------------------------------------


def test_import_then_show_json(seeded_db):
    result = run("show", "--team", "ranking", "--json", db=seeded_db)
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["team"] == "ranking" and doc["quarter"] == "2026Q4"
    assert doc["bank"] == "sculley2015" and doc["bank_version"] == 2
    assert doc["answered"] == 3 and doc["status"] == "draft"
    assert doc["questions"] >= 40
    assert doc["completeness"] == pytest.approx(2 / doc["questions"], abs=1e-4)
    # entanglement-1 is at its best option, so its area scores 100; feedback-1 (na) leaves its area unscored.
    assert doc["areas"]["boundary-erosion"] == 100.0
    assert doc["areas"]["feedback-loops"] is None
    assert set(doc["areas"]) == {
        "boundary-erosion",
        "data-dependencies",
        "feedback-loops",
        "system-anti-patterns",
        "configuration",
        "external-world",
        "other-debt",
        "measuring-debt",
    }
    assert doc["level"] is not None and doc["overall"] is not None


def test_import_stores_answers_with_points_and_notes(seeded_db):
    with Store.open(seeded_db) as store:
        survey = store.latest_survey("ranking")
        answers = store.answers_for(survey.id)
    assert answers["entanglement-1"].points == 1.0
    assert answers["feedback-1"].points is None
    assert answers["glue-code-1"].note == "wrapped in our own predictor API"


def test_importing_the_same_file_twice_changes_nothing(seeded_db, answers_file):
    before = dump(seeded_db)
    result = run("survey", "--answers", str(answers_file), "--json", db=seeded_db)
    assert result.exit_code == 0
    assert json.loads(result.stdout)["changed"] == 0
    assert dump(seeded_db) == before


def test_export_round_trip_is_exact(tmp_path, seeded_db):
    exported = run("answers", "export", "--team", "ranking", "--quarter", "2026Q4", db=seeded_db)
    assert exported.exit_code == 0
    assert yaml.safe_load(exported.stdout) == yaml.safe_load(ANSWERS)
    # Import the exported file elsewhere and export again: byte for byte the same file.
    fresh = tmp_path / "fresh.db"
    path = write(tmp_path, exported.stdout, "exported.yaml")
    assert run("survey", "--answers", str(path), db=fresh).exit_code == 0
    again = run("answers", "export", "--team", "ranking", "--quarter", "2026Q4", db=fresh)
    assert again.stdout == exported.stdout


def test_export_to_a_file(tmp_path, seeded_db):
    out = tmp_path / "out.yaml"
    assert run("answers", "export", "--team", "ranking", "-o", str(out), db=seeded_db).exit_code == 0
    assert yaml.safe_load(out.read_text())["answers"]["feedback-1"] == "na"


def test_a_complete_survey_is_marked_complete(tmp_path):
    answers = {f"{a}-{n}": "automated" for a in ("data", "model", "infra", "monitor") for n in range(1, 8)}
    answers["data-6"] = "within-2-months"  # its options are calendar time since version 2
    path = write(
        tmp_path, yaml.safe_dump({"team": "t", "quarter": "2026Q3", "bank": "ml-test-score", "answers": answers})
    )
    result = run("survey", "--answers", str(path), "--json")
    doc = json.loads(result.stdout)
    assert doc["status"] == "complete" and doc["overall"] == 7.0 and doc["completeness"] == 1.0


def test_quarter_option_overrides_the_file(tmp_path, answers_file, seeded_db):
    assert run("survey", "--answers", str(answers_file), "--quarter", "2027Q1", db=seeded_db).exit_code == 0
    result = run("show", "--team", "ranking", "--json", db=seeded_db)
    assert json.loads(result.stdout)["quarter"] == "2027Q1"
    older = run("show", "--team", "ranking", "--quarter", "2026Q4", "--json", db=seeded_db)
    assert json.loads(older.stdout)["quarter"] == "2026Q4"


def test_default_database_comes_from_the_environment(answers_file, isolated_data):
    assert run("survey", "--answers", str(answers_file)).exit_code == 0
    assert isolated_data.exists()
    assert json.loads(run("teams", "--json").stdout) == [
        {"team": "ranking", "quarter": "2026Q4", "bank": "sculley2015", "status": "draft"}
    ]


def test_questions_list_and_show_json():
    listed = json.loads(run("questions", "list", "--json").stdout)
    by_id = {bank["id"]: bank for bank in listed}
    assert by_id["ml-test-score"]["questions"] == 28 and by_id["ml-test-score"]["areas"] == 4
    shown = json.loads(run("questions", "show", "ml-test-score", "--json").stdout)
    first = shown["questions"][0]
    assert (first["id"], first["area"]) == ("data-1", "data")
    assert first["topics"]
    assert [(o["id"], o["points"]) for o in first["options"]] == [
        ("none", 0),
        ("manual", 0.5),
        ("automated", 1),
        ("unknown", 0),
    ]  # no na: the rubric has no N/A (version 2)
    assert shown["offers_na"] is False


def test_questions_lint_clean_and_broken(tmp_path):
    assert run("questions", "lint").exit_code == 0
    broken = write(tmp_path, "id: x\nversion: 1\nquestions: [\n")
    result = run("questions", "lint", str(broken))
    assert result.exit_code == 1
    assert f"{broken}:" in result.output and "YAML syntax error" in result.output


# -- bad input: one line, non-zero exit, database untouched -----------------------------------------------------


def assert_fails(result: click.testing.Result, *fragments: str, code: int = 1) -> None:
    assert result.exit_code == code, result.output
    error_lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(error_lines) == 1, result.stderr
    assert error_lines[0].startswith("Error: ")
    for fragment in fragments:
        assert fragment in error_lines[0]


@pytest.mark.parametrize(
    ("text", "fragments"),
    [
        ("team: [unclosed\n", ("is not valid YAML", "line 2")),
        ("- just\n- a list\n", ("must be a YAML mapping",)),
        ("team: ranking\nanswers: [a, b]\n", ("needs an `answers:` mapping",)),
        ("team: ranking\nbank: nope\nanswers: {a: b}\n", ("unknown question bank 'nope'",)),
        (
            "team: ranking\nanswers: {nope-1: x, entanglement-1: wrong, nope-2: y, feedback-1: maybe}\n",
            ("nope-1, nope-2", "entanglement-1: wrong", "feedback-1: maybe"),
        ),
        ("team: ranking\nquarter: 2026Q5\nanswers: {feedback-1: na}\n", ("malformed quarter '2026Q5'",)),
        ("team: other\nanswers: {feedback-1: na}\n", ("for team 'other', not 'ranking'",)),
        ("team: ranking\nanswers: {feedback-1: {option: na, colour: red}}\n", ("unknown keys colour",)),
    ],
)
def test_bad_answers_files(tmp_path, seeded_db, text, fragments):
    before = dump(seeded_db)
    path = write(tmp_path, text)
    assert_fails(run("survey", "--team", "ranking", "--answers", str(path), db=seeded_db), *fragments)
    assert dump(seeded_db) == before


def test_answers_file_without_a_team(tmp_path, seeded_db):
    before = dump(seeded_db)
    path = write(tmp_path, "quarter: 2026Q4\nanswers: {feedback-1: na}\n")
    assert_fails(run("survey", "--answers", str(path), db=seeded_db), "names no team", "--team")
    assert dump(seeded_db) == before


def test_missing_answers_file(tmp_path, seeded_db):
    before = dump(seeded_db)
    assert_fails(run("survey", "--answers", str(tmp_path / "none.yaml"), db=seeded_db), "not found")
    assert dump(seeded_db) == before


def test_bad_answers_file_creates_no_database(tmp_path):
    db = tmp_path / "never.db"
    path = write(tmp_path, "team: ranking\nanswers: {nope-1: x}\n")
    assert_fails(run("survey", "--answers", str(path), db=db), "nope-1")
    assert not db.exists()


def test_malformed_quarter_option(answers_file, seeded_db):
    before = dump(seeded_db)
    assert_fails(run("survey", "--answers", str(answers_file), "--quarter", "Q4", db=seeded_db), "malformed quarter")
    assert_fails(run("show", "--team", "ranking", "--quarter", "2026-4", db=seeded_db), "malformed quarter")
    assert dump(seeded_db) == before


def test_db_that_is_not_sqlite(tmp_path, answers_file):
    db = write(tmp_path, "this is a text file, not a database\n" * 20, "notes.db")
    before = db.read_bytes()
    assert_fails(run("survey", "--answers", str(answers_file), db=db), "is not a scorecard database")
    assert db.read_bytes() == before


def test_db_that_is_a_directory(tmp_path, answers_file):
    assert_fails(run("survey", "--answers", str(answers_file), db=tmp_path), "is a directory")


def test_db_in_a_folder_that_cannot_be_created(tmp_path, answers_file):
    blocker = write(tmp_path, "a file where a folder should be", "blocker")
    assert_fails(run("survey", "--answers", str(answers_file), db=blocker / "sub" / "x.db"), "cannot create the folder")
    assert blocker.read_text() == "a file where a folder should be"


def test_db_on_a_read_only_filesystem(answers_file):
    # /proc is read-only even for root, so this holds whoever runs the tests.
    assert_fails(run("survey", "--answers", str(answers_file), db=Path("/proc/scorecard.db")), "cannot open or write")


def test_db_with_a_newer_schema(seeded_db, answers_file):
    with sqlite3.connect(seeded_db) as conn:
        conn.execute(
            "insert into _sqlite_migrations (migration_set, name, applied_at) values ('scorecard', 'm999_future', 'x')"
        )
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    before = dump(seeded_db)
    assert_fails(run("survey", "--answers", str(answers_file), db=seeded_db), "newer than this scorecard", "upgrade")
    assert_fails(run("show", "--team", "ranking", db=seeded_db), "newer than this scorecard")
    assert dump(seeded_db) == before


def test_unknown_team_and_missing_survey(seeded_db):
    assert_fails(run("show", "--team", "nobody", db=seeded_db), "unknown team 'nobody'", "ranking")
    assert_fails(run("show", "--team", "ranking", "--quarter", "2020Q1", db=seeded_db), "no 2020Q1 survey")
    assert_fails(run("answers", "export", "--team", "nobody", db=seeded_db), "unknown team")


def test_unknown_bank_in_questions_show():
    assert_fails(run("questions", "show", "nope"), "unknown question bank 'nope'")


def test_interactive_survey_says_it_is_not_there_yet():
    result = run("survey", "--team", "ranking")
    assert result.exit_code == 2
    assert "--answers FILE" in result.stderr


def _commands(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = []
    for name, command in group.commands.items():
        found.append((*prefix, name))
        if isinstance(command, click.Group):
            found.extend(_commands(command, (*prefix, name)))
    return found


@pytest.mark.parametrize("path", _commands(main))
def test_every_command_has_help(path):
    result = run(*path, "--help")
    assert result.exit_code == 0
    assert "Usage:" in result.stdout and len(result.stdout.splitlines()) > 3


def test_show_includes_the_latest_scan_and_its_contradictions(tmp_path, seeded_db):
    from tests.gitrepo import RepoBuilder

    repo = RepoBuilder(tmp_path / "repo")
    # Experiment switches untouched since 2024 and none removed: against dead-code-2's "expired flags are removed
    # at least quarterly". The 12 files changing together would once have fired entanglement-1: co-change is not CACE.
    switches = "".join(f"flags.DEFINE_bool('experiment_{k}', False, '')\n" for k in range(4))
    repo.commit({"train.py": switches, **{f"m{k}.py": "x = 0\n" for k in range(12)}}, when="2024-01-03")
    for n in range(1, 6):
        repo.commit({f"m{k}.py": f"x = {n}\n" for k in range(12)}, when=f"2024-0{n + 1}-03")
    more = write(tmp_path, "team: ranking\nquarter: 2026Q4\nanswers:\n  dead-code-2: removed\n", "more.yaml")
    assert run("survey", "--answers", str(more), db=seeded_db).exit_code == 0
    assert run("scan", str(repo.path), "--team", "ranking", db=seeded_db).exit_code == 0
    doc = json.loads(run("show", "--team", "ranking", "--json", db=seeded_db).stdout)
    assert doc["metrics"]["coupling.strong_pairs"] == 66  # 12 choose 2
    assert doc["metrics"]["flags.feature_switches.stale"] == 4
    assert [c["question"] for c in doc["contradictions"]] == ["dead-code-2"]
    [contradiction] = doc["contradictions"]
    assert contradiction["option"] == "removed"
    assert contradiction["rule"] == (
        "flags.feature_switches.stale >= 3 and flags.feature_switches.removed_last_quarter == 0"
    )
    assert contradiction["claim"].startswith("Expired experiment flags are claimed")
    assert len(contradiction["examples"]) == 4 and contradiction["examples"][0].startswith(
        "experiment_0 (feature_switch"
    )
    assert contradiction["dismissed"] is False and contradiction["reason"] is None


@pytest.mark.slow
def test_scan_draws_a_progress_bar_on_a_terminal(tmp_path):
    """stderr on a pseudo-terminal (no real TTY needed): the bar is drawn; with --json or a pipe it is not."""
    import os
    import pty
    import re
    import subprocess
    import sys

    from tests.gitrepo import RepoBuilder

    repo = RepoBuilder(tmp_path / "repo")
    for n in range(3):
        repo.commit({"a.py": f"x = {n}\n"}, when=f"2024-0{n + 1}-01")
    scorecard = str(Path(sys.executable).with_name("scorecard"))
    command = [scorecard, "scan", str(repo.path), "--team", "t", "--db", str(tmp_path / "p.db")]
    leader, follower = pty.openpty()
    process = subprocess.run(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=follower, timeout=60)
    os.close(follower)
    drawn = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:
            break
        if not chunk:
            break
        drawn += chunk
    os.close(leader)
    assert process.returncode == 0
    text = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", drawn.decode())
    assert "repo: full scan" in text and "━" in text and "100% 3/3 commits" in text
    piped = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert piped.returncode == 0 and "commits" in piped.stdout and "100%" not in piped.stderr


def test_scan_progress_shows_one_bar_per_repository_and_messages_between():
    import io
    import re

    from rich.console import Console

    from scorecard.console import ScanProgress

    out = io.StringIO()
    bars = ScanProgress(Console(file=out, force_terminal=True, width=100, color_system=None))
    with bars.progress:
        bars.message("repo: full scan")
        bars.advance("/x/repo", 2_000, 4_000)
        bars.advance("/x/repo", 4_000, 4_000)
        bars.advance("/x/other", 1, 1)
        bars.message("repo: stored")
    text = out.getvalue()
    assert "repo: full scan" in text and "repo: stored" in text
    assert "4000/4000 commits" in text and re.search(r"other\s+━+ 100% 1/1\s+commits", text)
    assert len(bars.tasks) == 2


# -- --db: before or after the command, over the environment ------------------------------------------------


def test_db_before_the_command_reaches_every_subcommand(tmp_path, answers_file, monkeypatch, cli):
    from scorecard.paths import default_db_path

    monkeypatch.delenv("SCORECARD_DB")
    chosen = tmp_path / "F.db"
    assert cli("--db", str(chosen), "survey", "--answers", str(answers_file)).exit_code == 0
    shown = cli("--db", str(chosen), "show", "--team", "ranking", "--json")
    assert shown.exit_code == 0 and json.loads(shown.stdout)["team"] == "ranking"
    assert [row["team"] for row in json.loads(cli("--db", str(chosen), "teams", "--json").stdout)] == ["ranking"]
    exported = cli("--db", str(chosen), "answers", "export", "--team", "ranking")
    assert exported.exit_code == 0 and "entanglement-1" in exported.stdout
    assert not default_db_path().exists()


def leaf_commands(group: click.Group, path: tuple[str, ...] = ()) -> dict[tuple[str, ...], click.Command]:
    found: dict[tuple[str, ...], click.Command] = {}
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            found.update(leaf_commands(command, (*path, name)))
        else:
            found[(*path, name)] = command
    return found


def test_the_group_db_reaches_every_command_that_opens_a_database(tmp_path, answers_file, monkeypatch, cli):
    from scorecard.paths import default_db_path
    from tests.gitrepo import RepoBuilder

    monkeypatch.delenv("SCORECARD_DB")
    chosen = str(tmp_path / "F.db")
    repo = RepoBuilder(tmp_path / "repo")
    repo.commit({"train.py": "import torch\n"}, message="first")
    runs = {
        ("survey",): ["survey", "--answers", str(answers_file)],
        ("show",): ["show", "--team", "ranking", "--json"],
        ("teams",): ["teams", "--json"],
        ("scan",): ["scan", str(repo.path), "--team", "ranking", "--json"],
        ("report",): ["report", "--all", "-o", str(tmp_path / "r.html")],
        ("answers", "export"): ["answers", "export", "--team", "ranking"],
        ("evidence", "list"): ["evidence", "list", "--team", "ranking", "--json"],
        ("actions", "add"): [
            "actions",
            "add",
            "--team",
            "ranking",
            "--question",
            "glue-code-1",
            "--target",
            "wrapped",
            "--due",
            "2027Q1",
            "--json",
        ],
        ("actions", "list"): ["actions", "list", "--team", "ranking", "--json"],
        ("actions", "drop"): ["actions", "drop", "1", "--reason", "done elsewhere"],
    }
    # evidence dismiss needs a rule that fires on the team's answers: its own tests drive it; here it must at
    # least read the chosen database (its refusal names the team's evidence, not a missing database).
    opening = {
        path for path, command in leaf_commands(main).items() if any(p.name == "db_path" for p in command.params)
    }
    assert opening - set(runs) == {("evidence", "dismiss")}, "a new command: add it to this walk"
    for path, argv in runs.items():
        result = cli("--db", chosen, *argv)
        assert result.exit_code == 0, (path, result.output)
    dismissed = cli(
        "--db", chosen, "evidence", "dismiss", "--team", "ranking", "--question", "glue-code-1", "--reason", "by design"
    )
    assert "no scorecard database" not in dismissed.output
    assert not default_db_path().exists()


def test_the_command_line_db_wins_over_the_environment(tmp_path, answers_file, isolated_data, cli):
    group, command = tmp_path / "group.db", tmp_path / "command.db"
    assert cli("--db", str(group), "survey", "--answers", str(answers_file)).exit_code == 0
    assert group.exists() and not isolated_data.exists()  # $SCORECARD_DB points at isolated_data
    # After the command beats before it.
    assert cli("--db", str(group), "survey", "--answers", str(answers_file), "--db", str(command)).exit_code == 0
    assert command.exists()
    # Neither given: the environment's database, which a read-only command does not create.
    missing = cli("teams", "--json")
    assert missing.exit_code == 1 and f"no scorecard database at {isolated_data}" in missing.stderr
    assert not isolated_data.exists()


def test_bare_scorecard_without_a_terminal_says_what_to_do():
    result = CliRunner().invoke(main, [], catch_exceptions=False)
    assert result.exit_code == 2
    assert "needs a terminal" in result.stderr and "--answers FILE" in result.stderr


def test_scan_prints_flags_by_kind_and_the_ml_metrics(tmp_path):
    from tests.gitrepo import RepoBuilder

    repo = RepoBuilder(tmp_path / "repo")
    repo.commit(
        {
            "train.py": "import torch\nimport argparse\np.add_argument('--fast', action='store_true')\n"
            "if loss < 0.25:\n    stop()\n",
            "configs/run.yaml": "use_amp: true\n",
            "poetry.lock": "# lock\n",
        },
        when="2024-01-03",
    )
    result = run("scan", str(repo.path), "--team", "ranking", db=tmp_path / "d.db")
    assert result.exit_code == 0, result.output
    assert "2 flags alive (1 cli options, 1 config keys), 2 untouched 180+ days;" in result.stdout
    assert "1 code files import an ML framework (100%), 1 float thresholds, 0 notebooks" in result.stdout
    assert "1 lock files, 0 lines of CI" in result.stdout


def test_an_answers_file_for_ml_test_score_may_not_answer_na_and_nothing_is_written(tmp_path):
    db = tmp_path / "na.db"
    answers = {"data-1": "na", "data-2": "automated", "model-1": "na"}
    path = write(
        tmp_path, yaml.safe_dump({"team": "t", "quarter": "2026Q3", "bank": "ml-test-score", "answers": answers})
    )
    result = run("survey", "--answers", str(path), db=db)
    assert result.exit_code != 0
    message = result.output.strip()
    assert len(message.splitlines()) == 1
    assert "does not offer na (its rubric has no N/A: na would score 0)" in message
    assert "data-1, model-1" in message
    shown = run("show", "--team", "t", "--json", db=db)
    assert shown.exit_code != 0  # no survey was stored


def test_a_stored_na_in_ml_test_score_still_scores_zero_and_is_listed_to_raise(tmp_path):
    from scorecard.survey.bank_file import load_bank
    from scorecard.survey.records import AnswerInput

    old = load_bank("ml-test-score", 1)  # version 1 offered na
    assert old.offers_na and not load_bank("ml-test-score").offers_na
    answers = [AnswerInput(q.id, q.best_option.id, 1.0) for q in old.questions if q.id != "data-1"]
    with Store.open(tmp_path / "old.db") as store:
        store.import_answers("t", "2026Q3", old.id, 1, [AnswerInput("data-1", "na", None), *answers], complete=True)
    result = run("show", "--team", "t", "--json", db=tmp_path / "old.db")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["bank_version"] == 1 and doc["overall"] == 6.0
    assert [(i["question"], i["from"], i["gain"]) for i in doc["improvements"]] == [("data-1", "na", 1.0)]
