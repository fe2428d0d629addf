"""Every definition of the git-evidence contract, with exact numbers on small real repositories.

Commit dates are fixed, so quarters are deterministic; the scan time is pinned to 2024-07-01 (current quarter
2024Q3, "last quarter" 2024Q2) unless a test says otherwise.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from scorecard.evidence import git as mining
from scorecard.evidence.filekinds import kind_of, language_of
from scorecard.evidence.patterns import (
    Evaluator,
    EvidenceConfig,
    PatternConfigError,
    derive_keywords,
    parse_config_text,
)
from tests.gitrepo import EMPTY_TREE, RepoBuilder, run_git, scan_summary


def lines(count: int, prefix: str = "line") -> str:
    return "".join(f"{prefix} {i}\n" for i in range(count))


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        ("tests/unit/model.py", "test"),
        ("src/test_model.py", "test"),
        ("src/model_test.go", "test"),
        ("web/app.test.ts", "test"),
        ("web/app.spec.js", "test"),
        ("conftest.py", "test"),
        ("pkg/__tests__/x.js", "test"),
        (".github/workflows/ci.yml", "ci"),
        (".gitlab-ci.yml", "ci"),
        ("Jenkinsfile", "ci"),
        (".pre-commit-config.yaml", "ci"),
        ("configs/default.py", "config"),
        ("src/conf/train.yaml", "config"),
        ("configs/README.md", "docs"),
        ("nb/explore.ipynb", "notebook"),
        ("src/model.PY", "code"),
        ("kernels/attn.cu", "code"),
        ("params.yaml", "config"),
        ("model.gin", "config"),
        ("README.md", "docs"),
        ("data/train.csv", "data"),
        ("weights.bin", "other"),
        ("Makefile", "other"),
    ],
)
def test_file_kinds_first_match_wins(path: str, kind: str):
    assert kind_of(path) == kind


def test_languages_of_code_suffixes():
    assert (language_of("a.py"), language_of("k.cuh"), language_of("x.md")) == ("Python", "CUDA", None)


# -- churn and lines ----------------------------------------------------------------------------------------


def git_churn(repo: Path) -> tuple[int, int, int]:
    """The oracle: ``git log --no-merges -M --numstat`` summed (added, deleted, binary entries)."""
    out = run_git(repo, "log", "--no-merges", "-M", "--numstat", "--format=", "-z")
    added = deleted = binary = 0
    for entry in out.split(b"\0"):
        entry = entry.strip(b"\n")
        if b"\t" not in entry:
            continue
        a, d, _ = entry.split(b"\t", 2)
        if a == b"-":
            binary += 1
        else:
            added, deleted = added + int(a), deleted + int(d)
    return added, deleted, binary


@pytest.fixture
def merged_repo(tmp_path: Path) -> RepoBuilder:
    """Renames (also across kinds), a binary file, a feature branch and a merge with a conflict resolution."""
    repo = RepoBuilder(tmp_path / "merged")
    model = "".join(f"m{i}\n" for i in range(1, 6))
    repo.commit({"src/a.py": lines(10), "src/model.py": "m0\n" + model, "logo.png": b"\x89PNG\0\1"}, when="2024-01-10")
    repo.commit(
        renames={"src/a.py": "src/b.py"},
        files={"src/b.py": lines(9) + "changed\nadded\n", "logo.png": b"\x89PNG\0\2"},
        when="2024-02-10",
    )
    base = repo.heads["main"]
    repo.commit(
        {"feat.py": lines(4, "f"), "src/model.py": "branch\n" + model}, branch="feature", parent=base, when="2024-04-05"
    )
    repo.commit({"README.md": "# x\n", "src/model.py": "main\n" + model}, when="2024-04-06")
    # The merge resolves the conflict on model.py with new text, and moves model.py into configs/.
    repo.commit(
        renames={"src/model.py": "configs/model.py"},
        files={"feat.py": lines(4, "f"), "configs/model.py": "resolved\nboth\n" + model},
        merge=repo.heads["feature"],
        when="2024-04-10",
    )
    return repo


def test_churn_counts_non_merge_commits_like_git_log(merged_repo: RepoBuilder):
    summary = scan_summary(merged_repo.path)
    assert summary["commits"] == 4 and summary["merges"] == 1
    churn = summary["churn"]
    # c1: 10 + 6 lines; c2: rename with +2 -1; feature: +4, model.py +1 -1; main: README +1, model.py +1 -1.
    assert (churn["added"], churn["deleted"], churn["binary_changes"]) == (25, 3, 2)
    assert (churn["added"], churn["deleted"], churn["binary_changes"]) == git_churn(merged_repo.path)
    assert churn["by_kind"] == {"code": {"added": 24, "deleted": 3}, "docs": {"added": 1, "deleted": 0}}
    assert summary["metrics"]["commits.last_quarter"] == 2  # the feature commit and README, in 2024Q2
    assert summary["metrics"]["churn.last_quarter"] == 9
    assert summary["metrics"]["deletion_ratio.last_quarter"] == pytest.approx(2 / 7)


def test_lines_at_head_equal_git_diff_numstat_from_the_empty_tree(merged_repo: RepoBuilder):
    summary = scan_summary(merged_repo.path)
    oracle = merged_repo.numstat_at_head()
    by_ext: Counter[str] = Counter()
    by_kind: Counter[str] = Counter()
    for path, count in oracle.items():
        if count is not None:
            by_ext[Path(path).suffix.lower() or "(none)"] += count
            by_kind[kind_of(path)] += count
    assert summary["lines"]["by_ext"] == dict(by_ext) == {".py": 22, ".md": 1}
    assert summary["lines"]["by_kind"] == dict(by_kind) == {"code": 15, "config": 7, "docs": 1}
    assert summary["lines"]["binary_files"] == 1
    # model.py moved from code to config in the merge: config_to_code_ratio follows.
    assert summary["config_to_code_ratio"] == pytest.approx(7 / 15)
    quarters = {q["quarter"]: q for q in summary["quarters"]}
    assert quarters["2024Q1"]["lines_by_kind"] == {"code": 17}
    assert quarters["2024Q2"]["lines_by_kind"] == {"code": 15, "config": 7, "docs": 1}


def test_lines_follow_binary_to_text_and_gitattributes(tmp_path: Path):
    repo = RepoBuilder(tmp_path / "r")
    repo.commit({"blob.txt": b"\0binary", "nb.ipynb": "{\n}\n", ".gitattributes": "*.ipynb -diff\n"})
    repo.commit({"blob.txt": "now\ntext\nthree\n"}, when="2024-02-01")
    repo.commit({"blob.txt": "now\ntext\n", "nb.ipynb": '{\n "a": 1\n}\n'}, when="2024-03-01")
    summary = scan_summary(repo.path)
    oracle = {path: n for path, n in repo.numstat_at_head().items() if n is not None}
    assert oracle == {"blob.txt": 2, ".gitattributes": 1}
    assert summary["lines"]["by_ext"] == {".txt": 2, "(none)": 1}
    assert summary["lines"]["binary_files"] == 1


def test_subdir_limits_commits_churn_and_lines(merged_repo: RepoBuilder):
    summary = scan_summary(merged_repo.path, subdir="src")
    assert summary["repo"] == "merged/src"
    assert summary["commits"] == 4  # every non-merge commit touched src/
    assert summary["lines"]["by_ext"] == {".py": 11}
    oracle = merged_repo.numstat_at_head("src")
    assert sum(n for n in oracle.values() if n) == 11


def test_config_and_test_to_code_ratios(tmp_path: Path):
    repo = RepoBuilder(tmp_path / "r")
    repo.commit(
        {
            "src/a.py": lines(10),
            "configs/default.py": lines(4),
            "params.yaml": lines(2),
            "tests/test_a.py": lines(5),
            ".github/workflows/ci.yml": lines(3),
        }
    )
    metrics = scan_summary(repo.path)["metrics"]
    assert (metrics["lines.code"], metrics["lines.config"], metrics["lines.test"]) == (10, 6, 5)
    assert metrics["config_to_code_ratio"] == pytest.approx(0.6)
    assert metrics["test_to_code_ratio"] == pytest.approx(0.5)


# -- flags ---------------------------------------------------------------------------------------------------

TRAIN = """import argparse
parser = argparse.ArgumentParser()
parser.add_argument(
    "--use-amp",
    action="store_true",
    help="mixed precision",
)
parser.add_argument("--lr", type=float)
flags.DEFINE_boolean("legacy_eval", False, "old path")
"""


@pytest.fixture
def flag_repo(tmp_path: Path) -> tuple[RepoBuilder, dict[str, str]]:
    repo = RepoBuilder(tmp_path / "flags")
    shas = {
        "added": repo.commit({"train.py": TRAIN, "config.yaml": "use_ema: true\nlr: 0.1\n"}, when="2024-01-10"),
        # Only the line after add_argument( changes: a multi-line match renamed.
        "renamed": repo.commit({"train.py": TRAIN.replace('"--use-amp"', '"--amp"')}, when="2024-02-20"),
        "moved": repo.commit(renames={"train.py": "trainer.py"}, when="2024-03-15"),
        "removed": repo.commit(
            {"trainer.py": TRAIN.replace('"--use-amp"', '"--amp"').replace(TRAIN.splitlines()[-1] + "\n", "")},
            when="2024-04-10",
        ),
    }
    return repo, shas


def test_flags_added_renamed_moved_and_removed(flag_repo):
    repo, shas = flag_repo
    flags = scan_summary(repo.path)["flags"]
    assert flags["items"] == [
        {
            "pattern": "argparse_switch",
            "name": "--amp",
            "file": "trainer.py",
            "introduced_commit": shas["renamed"],
            "introduced_at": "2024-02-20T00:00:00+00:00",
            "age_days": 132.0,
        },
        {
            "pattern": "config_toggle",
            "name": "use_ema",
            "file": "config.yaml",
            "introduced_commit": shas["added"],
            "introduced_at": "2024-01-10T00:00:00+00:00",
            "age_days": 173.0,
        },
    ]
    assert (flags["alive"], flags["removed"], flags["stale"]) == (2, 2, 0)
    assert flags["by_pattern"] == {"argparse_switch": 1, "config_toggle": 1}
    assert flags["median_age_days"] == pytest.approx(152.5)


def test_flag_metrics_per_quarter_and_staleness(flag_repo, tmp_path: Path):
    repo, _ = flag_repo
    flags_file = tmp_path / "flags.toml"
    flags_file.write_text("stale_days = 150\n")
    from scorecard.evidence.scan import load_flags_file

    summary = scan_summary(repo.path, flags_config=load_flags_file(flags_file))
    metrics = summary["metrics"]
    assert metrics["flags.alive"] == 2 and metrics["flags.stale"] == 1  # use_ema is 173 days old
    assert metrics["flags.removed_last_quarter"] == 1  # legacy_eval, 2024-04-10
    quarters = {q["quarter"]: q["flags_alive"] for q in summary["quarters"]}
    assert quarters == {"2024Q1": 3, "2024Q2": 2, "2024Q3": 2}


def test_alive_flags_equal_the_patterns_applied_to_the_head_tree(flag_repo):
    repo, _ = flag_repo
    summary = scan_summary(repo.path)
    evaluator = Evaluator(EvidenceConfig())
    expected = set()
    for path in run_git(repo.path, "ls-tree", "-r", "-z", "--name-only", "HEAD").split(b"\0"):
        if path:
            name = path.decode()
            found = evaluator.evaluate(run_git(repo.path, "show", f"HEAD:{name}"), name)
            expected |= {(p, n, name) for p, n in (found.flags if found else ())}
    assert {(i["pattern"], i["name"], i["file"]) for i in summary["flags"]["items"]} == expected


def test_default_patterns_match_across_lines_and_on_one_line():
    text = """
p.add_argument('--a', action='store_true')
p.add_argument(
    "--b",
    default=False,
    action=argparse.BooleanOptionalAction,
)
p.add_argument("--c", type=int)
flags.DEFINE_bool(
    "d", False, "x")
USE = os.environ.get("MODEL_USE_CACHE", "1")
if client.is_enabled("new-ranker"):
    pass
"""
    found = Evaluator(EvidenceConfig()).evaluate(text.encode(), "x.py")
    assert found is not None and found.flags == {
        ("argparse_switch", "--a"),
        ("argparse_switch", "--b"),
        ("absl_bool", "d"),
        ("env_toggle", "MODEL_USE_CACHE"),
        ("sdk_flag", "new-ranker"),
    }
    toml = Evaluator(EvidenceConfig()).evaluate(b'enable_x = "yes"\nuse_y: maybe\n', "a.toml")
    assert toml is not None and toml.flags == {("config_toggle", "enable_x")}


def test_custom_patterns_from_the_scanned_pyproject_and_a_flags_file(tmp_path: Path):
    repo = RepoBuilder(tmp_path / "r")
    pyproject = """
[tool.scorecard]
[[tool.scorecard.flags]]
id = "gin_toggle"
regex = '^\\s*[\\w.]+\\.(use_\\w+)\\s*=\\s*(?:True|False)'
suffixes = [".gin"]
"""
    repo.commit({"pyproject.toml": pyproject, "train.gin": "Trainer.use_swa = True\nTrainer.lr = 0.1\n"})
    flags = scan_summary(repo.path)["flags"]
    assert flags["by_pattern"] == {"gin_toggle": 1}
    yaml_file = tmp_path / "flags.yaml"
    yaml_file.write_text("flags:\n  - id: lr_knob\n    regex: '\\.(lr) ='\n    suffixes: [gin]\n    keywords: [lr]\n")
    from scorecard.evidence.scan import load_flags_file

    flags = scan_summary(repo.path, flags_config=load_flags_file(yaml_file))["flags"]
    assert flags["by_pattern"] == {"gin_toggle": 1, "lr_knob": 1}


def test_bad_flag_configuration_is_one_line():
    with pytest.raises(PatternConfigError, match=r"flags\[1\] \(x\): invalid regex") as error:
        parse_config_text("[[flags]]\nid = 'x'\nregex = '('\nsuffixes = ['.py']\n", "f.toml")
    assert "\n" not in str(error.value)
    with pytest.raises(PatternConfigError, match="needs a group"):
        parse_config_text("[[flags]]\nid = 'x'\nregex = 'abc'\nsuffixes = ['.py']\n", "f.toml")
    with pytest.raises(PatternConfigError, match="unknown setting 'flagz'"):
        parse_config_text("flagz = 1\n", "f.toml")
    assert derive_keywords(r"\bfoo_bar\(\s*(\w+)") == ("foo_bar",)


# -- debt comments -------------------------------------------------------------------------------------------


def test_debt_comments_alive_added_and_removed_per_quarter(tmp_path: Path):
    repo = RepoBuilder(tmp_path / "r")
    repo.commit(
        {
            "a.py": "# TODO: a\n# fixme b\nx = 1  # HACK\n# TODOs are not TODO-words? no: TODOs\n",
            "c.js": "// XXX js\nlet mastodon = 1;\n",
            "tests/test_a.py": "# todo in a test\n",
            "notes.md": "TODO in docs does not count\n",
            "s.sql": "-- FIXME sql\n",
        },
        when="2024-01-10",
    )
    repo.commit({"a.py": "# TODO: a\nx = 1  # HACK\n/* todo c */\n"}, when="2024-04-05")
    repo.commit({"c.js": None}, when="2024-04-20")
    summary = scan_summary(repo.path)
    # Line 4 of a.py holds a whole-word TODO ("TODO-words"), so it counts: 7 at first.
    assert summary["debt_comments"] == {"alive": 5, "added": 8, "removed": 3}
    quarters = {q["quarter"]: q["debt_comments_alive"] for q in summary["quarters"]}
    assert quarters == {"2024Q1": 7, "2024Q2": 5, "2024Q3": 5}
    assert summary["metrics"]["debt_comments.added_last_quarter"] == 1


# -- coupling, ownership, languages -------------------------------------------------------------------------


def test_change_coupling_degree(tmp_path: Path):
    repo = RepoBuilder(tmp_path / "r")
    for n in range(6):
        repo.commit({"a.py": f"a{n}\n", "b.py": f"b{n}\n"}, when=f"2024-01-{n + 1:02d}")
    for n in range(2):
        repo.commit({"a.py": f"a only {n}\n"}, when=f"2024-01-{n + 10:02d}")
    for n in range(4):
        repo.commit({"a.py": f"a with c {n}\n", "c.py": f"c{n}\n"}, when=f"2024-01-{n + 15:02d}")
    # One sweeping commit (31 files) is ignored.
    repo.commit({**{f"gen/{n}.py": "x\n" for n in range(29)}, "a.py": "sweep\n", "b.py": "sweep\n"}, when="2024-01-25")
    coupling = scan_summary(repo.path)["coupling"]
    assert coupling["top_pairs"] == [{"files": ["a.py", "b.py"], "shared_commits": 6, "degree": round(6 / 9, 3)}]
    assert coupling["strong_pairs"] == 1


def test_ownership_applies_the_mailmap_and_finds_the_bus_factor(tmp_path: Path):
    repo = RepoBuilder(tmp_path / "r")
    ann_old, ann, bob, cat = ("Ann", "ann@old.com"), ("Ann Lee", "ann@new.com"), ("Bob", "b@x.com"), ("Cat", "c@x")
    repo.commit({".mailmap": "Ann Lee <ann@new.com> Ann <ann@old.com>\n", "x.py": lines(10)}, author=ann_old)
    repo.commit({"x.py": lines(9) + "ten\neleven\n"}, author=ann, when="2024-01-20")
    repo.commit({"y.py": lines(5)}, author=bob, when="2024-02-01")
    repo.commit({"z.py": lines(3), "x.py": lines(9) + "ten\neleven\ntwelve\n"}, author=bob, when="2024-02-02")
    repo.commit({"w.py": lines(10)}, author=cat, when="2024-02-03")
    ownership = scan_summary(repo.path)["ownership"]
    # Churn: Ann 1 + 10 + 3 = 14, Cat 10, Bob 5 + 3 + 1 = 9; half of 33 needs Ann and Cat.
    assert ownership["authors"] == 3
    assert ownership["bus_factor"] == 2
    assert (ownership["files"], ownership["single_author_files"]) == (5, 4)
    assert ownership["single_author_share"] == pytest.approx(0.8)


def test_languages_with_at_least_five_percent_of_code_lines(tmp_path: Path):
    repo = RepoBuilder(tmp_path / "r")
    repo.commit({"a.py": lines(90), "k.cu": lines(6), "run.sh": lines(4), "conf.yaml": lines(50)})
    summary = scan_summary(repo.path)
    assert summary["languages"] == {"CUDA": 0.06, "Python": 0.9, "Shell": 0.04}
    assert summary["metrics"]["languages.count"] == 2


# -- exclusions ----------------------------------------------------------------------------------------------


def test_exclusions_are_opt_in(tmp_path: Path):
    repo = RepoBuilder(tmp_path / "r")
    repo.commit({"src/a.py": lines(10), "vendor/lib.py": lines(100)}, when="2024-04-01")
    bot = repo.commit({"src/a.py": lines(12)}, author=("renovate[bot]", "bot@x"), when="2024-04-02")
    sweep = repo.commit({"src/a.py": lines(12, "reformatted")}, when="2024-04-03")
    plain = scan_summary(repo.path)
    assert (plain["commits"], plain["churn"]["added"], plain["lines"]["by_ext"]) == (3, 124, {".py": 112})
    excluded = scan_summary(
        repo.path, exclude_paths=("vendor/*",), exclude_authors=(r"\[bot\]",), exclude_commits=(sweep[:10],)
    )
    assert excluded["commits"] == 1 and excluded["churn"]["added"] == 10
    assert excluded["lines"]["by_ext"] == {".py": 12}  # the bot's and the sweep's lines still exist
    assert bot not in {item["introduced_commit"] for item in excluded["flags"]["items"]}


def test_head_tree_oracle_helper_matches_git(tmp_path: Path):
    repo = RepoBuilder(tmp_path / "r")
    repo.commit({"a.py": "1\n2\n"})
    assert repo.numstat_at_head() == {"a.py": 2}
    assert run_git(repo.path, "cat-file", "-t", EMPTY_TREE).strip() == b"tree"
    assert mining.open_repository(repo.path).head


# -- checkpoints -------------------------------------------------------------------------------------------


def test_a_checkpoint_round_trips_and_a_damaged_one_is_refused(flag_repo):
    import numpy as np

    from scorecard.evidence.metrics import Checkpoint
    from scorecard.store import Store

    repo, _ = flag_repo
    store = Store.memory()
    scan_summary(repo.path, store=store)
    repo_id = store.find_repo("t", str(repo.path.resolve()), None)
    assert repo_id is not None
    blob = store.load_scan_checkpoint(repo_id)
    assert blob is not None
    checkpoint = Checkpoint.from_bytes(blob)
    assert checkpoint is not None and checkpoint.head == repo.heads["main"]
    again = Checkpoint.from_bytes(checkpoint.to_bytes())
    assert again is not None
    for name, value in vars(checkpoint).items():
        if isinstance(value, np.ndarray):
            assert np.array_equal(value, getattr(again, name)) and value.dtype == getattr(again, name).dtype, name
        elif name == "replay":
            assert value.to_document() == again.replay.to_document()
        else:
            assert value == getattr(again, name), name
    # The replayed flag lives are shared between the files that hold them and the list of all flags.
    lives = [life for state in again.replay.files.values() for life in state.lives.values()]
    assert lives and all(any(life is flag for flag in again.replay.flags) for life in lives)
    for damaged in (b"", b"junk", blob[: len(blob) // 2], blob.replace(b'"format": 1', b'"format": 0')):
        assert Checkpoint.from_bytes(damaged) is None
