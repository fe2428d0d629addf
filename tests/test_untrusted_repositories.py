"""A scanned repository is untrusted input: whatever it holds, a scan neither hangs nor crashes.

Each repository here is one git wrote (``tests/gitrepo.py``) with something hostile or odd in it: regexes that
make a backtracking engine run for hours, lines megabytes long, paths that are not UTF-8, commit times no
calendar holds, settings nested past any recursion limit. The hang guards scan in a child process that must
finish within a minute: a guard, not a timing test.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from scorecard.evidence.checkpoint import Checkpoint
from scorecard.evidence.history import decode_name
from scorecard.evidence.patterns import SettingsError
from scorecard.evidence.records import COMMIT_COLUMNS
from scorecard.evidence.repository_scan import ScanOptions, load_flags_file, scan_repository
from tests.gitrepo import RepoBuilder, git_log_churn, numbered_lines, run_git, scan_summary

ROOT = Path(__file__).resolve().parents[1]
SCAN_IN_A_CHILD = """
import json, sys
from datetime import UTC, datetime
from scorecard.evidence.repository_scan import ScanOptions, scan_repository
options = ScanOptions(team="t", now=datetime(2024, 7, 1, tzinfo=UTC))
print(json.dumps(scan_repository(sys.argv[1], options, None, None).summary))
"""
# Python's re tries every way to split the a's before "$" fails: 2**40 steps.
BACKTRACKING_BAIT = "a" * 40 + "!"
EVIL_PYPROJECT = """
[tool.scorecard]
exclude_authors = ["(a+)+$", "\\\\[bot\\\\]"]

[[tool.scorecard.flags]]
id = "evil"
regex = '(a+)+$'
suffixes = [".txt"]
keywords = ["aaa"]
"""


def scan_in_a_child(repo: Path) -> dict:
    """The scan's summary, from a fresh Python process that must finish within a minute."""
    done = subprocess.run(
        [sys.executable, "-c", SCAN_IN_A_CHILD, str(repo)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


# -- regexes -----------------------------------------------------------------------------------------------


def test_catastrophic_regexes_from_the_scanned_pyproject_finish_and_still_match(tmp_path: Path):
    repo = RepoBuilder(tmp_path / "r")
    repo.commit({"pyproject.toml": EVIL_PYPROJECT, "evil.txt": f"{BACKTRACKING_BAIT}\naaaa\n"}, when="2024-01-10")
    repo.commit({"a.py": "x = 1\n"}, author=(BACKTRACKING_BAIT, "a@example.com"), when="2024-02-10")
    repo.commit({"b.py": "x = 2\n"}, author=("renovate[bot]", "bot@example.com"), when="2024-02-11")
    summary = scan_in_a_child(repo.path)
    assert summary["flags"]["items"][0]["name"] == "aaaa"  # group 1 is the flag's name on RE2 too
    assert summary["commits"] == 2  # the bot's commit is excluded, the bait's is not
    assert summary["warnings"] == []


def test_the_default_patterns_and_debt_comments_take_linear_time_on_hostile_files(tmp_path: Path):
    repo = RepoBuilder(tmp_path / "r")
    repo.commit(
        {
            # Each made Python's re retry from every position to the end of the file.
            "env.py": 'x = os.getenv("' + "USE" * 100_000 + "\n",
            "conf.yaml": "use_x: maybe\n" + "\n" * 200_000 + "use_y: true\n",
            "bundle.js": "//x " * 250_000 + "TODOS\n",  # one 1 MB line: a marker every 4 bytes, no debt word
        },
        when="2024-01-10",
    )
    summary = scan_in_a_child(repo.path)
    assert [(item["pattern"], item["name"]) for item in summary["flags"]["items"]] == [("config_toggle", "use_y")]
    assert summary["debt_comments"]["alive"] == 0


def test_a_regex_re2_refuses_is_a_warning_in_the_scanned_pyproject_and_an_error_in_a_flags_file(tmp_path: Path):
    pyproject = """
[tool.scorecard]
exclude_authors = ["(a)\\\\1", "^Bot"]

[[tool.scorecard.flags]]
id = "lookbehind"
regex = '(?<=knob\\.)(\\w+) ='
suffixes = [".gin"]

[[tool.scorecard.flags]]
id = "knob"
regex = 'knob\\.(\\w+) ='
suffixes = [".gin"]
"""
    repo = RepoBuilder(tmp_path / "r")
    repo.commit({"pyproject.toml": pyproject, "a.gin": "knob.lr = 1\n"}, when="2024-01-10")
    repo.commit({"b.py": "x\n"}, author=("Bot", "bot@example.com"), when="2024-01-11")
    summary = scan_summary(repo.path)
    assert summary["flags"]["by_pattern"] == {"knob": 1}
    assert summary["commits"] == 1
    [flag_warning, author_warning] = summary["warnings"]
    assert "flags[1] (lookbehind): invalid regex" in flag_warning and flag_warning.endswith("ignored")
    assert "exclude_authors '(a)\\\\1'" in author_warning and "\n" not in author_warning

    flags_file = tmp_path / "flags.toml"
    flags_file.write_text(pyproject.replace("[tool.scorecard]", ""))
    with pytest.raises(SettingsError, match=r"flags\[1\] \(lookbehind\): invalid regex") as error:
        load_flags_file(flags_file)
    assert "\n" not in str(error.value)


def test_a_regex_too_large_for_re2s_fast_automaton_is_a_warning_and_ignored(tmp_path: Path):
    # Each alternative adds instructions: 20,000 of them, and RE2's DFA thrashes (minutes on 1 MB).
    bloated = "(" + "|".join(f"[a-z]{{{width}}}x" for width in range(1, 200)) + ")"
    pyproject = f"""
[tool.scorecard]
[[tool.scorecard.flags]]
id = "bloated"
regex = '{bloated}'
suffixes = [".txt"]
keywords = ["x"]
"""
    repo = RepoBuilder(tmp_path / "r")
    repo.commit({"pyproject.toml": pyproject, "a.txt": "abx\n"}, when="2024-01-10")
    summary = scan_summary(repo.path)
    assert summary["flags"]["alive"] == 0
    [warning] = summary["warnings"]
    assert "flags[1] (bloated): regex too large" in warning and warning.endswith("ignored")


# -- paths ---------------------------------------------------------------------------------------------------


def test_paths_that_are_not_utf8_are_counted_as_git_counts_them(tmp_path: Path):
    repo = RepoBuilder(tmp_path / "r")
    repo.commit(
        {
            b"src/caf\xe9.py": numbered_lines(20) + "# TODO: accents\n",
            b"src/caf\\xe9.py": numbered_lines(3),  # a backslash: not the file above
            b"img\xff.png": b"\x89PNG\0\1",
            b".gitattributes": b"*.dat -diff\n",
            b"x\xe9.dat": "a\nb\n",  # text, yet binary to git by its attributes
            b"conf\xfe.yaml": "use_cache: true\n",
        },
        when="2024-01-10",
    )
    repo.commit({b"img\xff.png": "text now\n", b"x\xe9.dat": "a\nb\nc\n"}, when="2024-02-10")
    repo.commit(
        renames={b"src/caf\xe9.py": b"lib/\xe8t\xe9.py"},
        files={b"lib/\xe8t\xe9.py": numbered_lines(21) + "# TODO: accents\n"},
        when="2024-03-10",
    )
    result = scan_repository(repo.path, ScanOptions(team="t"), None, None)
    checkpoint = Checkpoint.from_bytes(result.checkpoint or b"")
    assert checkpoint is not None
    lines = {path: None if binary else count for path, (count, binary) in checkpoint.line_state.items()}
    assert lines == repo.numstat_at_head()
    assert "lib/\\xe8t\\xe9.py" in lines and "src/caf\\x5cxe9.py" in lines
    churn = result.summary["churn"]
    assert (churn["added"], churn["deleted"], churn["binary_changes"]) == git_log_churn(repo.path)
    assert [item["file"] for item in result.summary["flags"]["items"]] == ["conf\\xfe.yaml"]
    assert result.summary["debt_comments"] == {"alive": 1, "added": 1, "removed": 0}


# -- dates ---------------------------------------------------------------------------------------------------


def test_commits_dated_where_no_quarter_is_keep_their_changes_in_the_scans_quarter(tmp_path: Path):
    flag = "parser.add_argument('--fast', action='store_true')\n"
    repo = RepoBuilder(tmp_path / "r")
    repo.commit({"a.py": numbered_lines(3)}, when="2024-01-10")
    repo.commit({"a.py": numbered_lines(5) + flag}, when=253_402_300_800)  # 10000-01-01
    repo.commit({"b.py": "# TODO later\n"}, when=2**64 - 1)
    repo.commit({"a.py": numbered_lines(6)}, when=-86_400)  # git cannot read it: %ct is empty
    repo.commit({"c.py": "x\n"}, when="2024-05-02")
    summary = scan_summary(repo.path)
    churn = summary["churn"]
    assert (churn["added"], churn["deleted"], churn["binary_changes"]) == git_log_churn(repo.path)
    assert {q["quarter"]: q["commits"] for q in summary["quarters"]} == {"2024Q1": 1, "2024Q2": 1, "2024Q3": 3}
    assert summary["quarters"][-1]["lines_by_kind"] == {"code": 8}
    assert summary["flags"]["removed"] == 1 and summary["debt_comments"]["alive"] == 1
    [warning] = summary["warnings"]
    assert "commits with an impossible date" in warning and warning.endswith(
        ": 3, counted in the quarter of the scan, 2024Q3"
    )


# -- settings and names ----------------------------------------------------------------------------------------


def test_a_pyproject_nested_past_the_recursion_limit_is_ignored_with_a_warning(tmp_path: Path):
    repo = RepoBuilder(tmp_path / "r")
    repo.commit({"pyproject.toml": "x = " + "[" * 100_000, "a.py": "# TODO\n"}, when="2024-01-10")
    summary = scan_summary(repo.path)
    assert summary["debt_comments"]["alive"] == 1
    assert summary["warnings"] == ["r: pyproject.toml at HEAD is not valid TOML; its [tool.scorecard] is ignored"]
    flags_file = tmp_path / "flags.yaml"
    flags_file.write_text("[" * 100_000)
    with pytest.raises(SettingsError, match="cannot parse") as error:
        load_flags_file(flags_file)
    assert "\n" not in str(error.value)


def test_a_pyproject_over_the_limit_is_not_read_and_its_settings_are_ignored_with_a_warning(tmp_path: Path):
    from scorecard.evidence.repository_scan import PYPROJECT_LIMIT

    settings = '[tool.scorecard]\nexclude_paths = ["vendor/*"]\n'
    repo = RepoBuilder(tmp_path / "r")
    files = {"a.py": "# TODO\n", "vendor/b.py": "# TODO\n"}
    repo.commit({**files, "pyproject.toml": settings + "#" * (PYPROJECT_LIMIT - len(settings) - 1) + "\n"})
    assert scan_summary(repo.path)["debt_comments"]["alive"] == 1  # at the limit: read, vendor/ excluded
    repo.commit({"pyproject.toml": settings + "#" * PYPROJECT_LIMIT + "\n"}, when="2024-01-16")
    summary = scan_summary(repo.path)
    assert summary["warnings"] == [
        f"r: pyproject.toml at HEAD is {len(settings) + PYPROJECT_LIMIT + 1:,} bytes, over the 1,000,000 scorecard "
        "reads; its [tool.scorecard] is ignored"
    ]
    # The reader skipped the file and stayed in step with git: the rest of the scan reads the right blobs.
    assert summary["debt_comments"]["alive"] == 2 and summary["quarters"][-1]["lines_by_kind"]["code"] == 2


def test_flag_keywords_too_many_for_gits_pickaxe_or_its_command_line_still_find_every_flag(tmp_path: Path):
    # 150 KB of keywords: git -G would take minutes per thousand commits, and Linux refuses the argument.
    keywords = ", ".join(f'"knob_{number}_{"k" * 50_000}"' for number in range(3))
    pyproject = f"""
[tool.scorecard]
[[tool.scorecard.flags]]
id = "knob"
regex = 'knob\\.(\\w+) ='
suffixes = [".gin"]
keywords = ["knob.", {keywords}]
"""
    repo = RepoBuilder(tmp_path / "r")
    repo.commit({"pyproject.toml": pyproject, "a.gin": "knob.lr = 1\n"}, when="2024-01-10")
    repo.commit({"a.gin": "knob.lr = 1\nknob.wd = 2\n", "b.py": "# TODO\n"}, when="2024-02-10")
    summary = scan_summary(repo.path)
    assert summary["flags"]["by_pattern"] == {"knob": 2}
    assert summary["debt_comments"]["alive"] == 1


def test_author_names_with_control_characters_and_odd_mailmap_bytes_are_gits_and_reach_json_escaped(tmp_path: Path):
    repo = RepoBuilder(tmp_path / "r")
    odd = b"Eve\x1b[31m\x07\t\xff"
    mailmap = b"Ma\x01l\xfe\x1b <m@example.com> " + odd + b" <eve@example.com>\n\xff\xfe garbage\n"
    repo.commit({".mailmap": mailmap}, author=(odd, "eve@example.com"), when="2024-01-10")
    repo.commit({"a.py": "x\n"}, author=(b"Zed\x01\x7f", "zed@example.com"), when="2024-01-11")
    result = scan_repository(repo.path, ScanOptions(team="t"), None, None)
    names = {row[COMMIT_COLUMNS.index("author_name")] for row in result.record.commits}
    assert names == {decode_name(name) for name in run_git(repo.path, "log", "-z", "--format=%aN").split(b"\0")[:-1]}
    text = json.dumps(result.summary) + json.dumps(sorted(names))
    assert "\x1b" not in text and "\x07" not in text
