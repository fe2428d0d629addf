"""Flags: added, renamed, moved and removed along the chain, per quarter, equal to the patterns at HEAD; their
kinds, one flag however many files hold it, and when each was last changed."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from scorecard.evidence.findings import Evaluator
from scorecard.evidence.flags import FlagHistory, flags_frame
from scorecard.evidence.patterns import DEFAULT_STALE_DAYS, ScanSettings
from scorecard.evidence.replay import FlagLife
from scorecard.evidence.repository_scan import load_flags_file
from scorecard.quarters import quarter_of
from tests.gitrepo import RepoBuilder, build_flag_repo, run_git, scan_summary


@pytest.fixture
def flag_repo(tmp_path: Path) -> tuple[RepoBuilder, dict[str, str]]:
    return build_flag_repo(tmp_path / "flags")


def item(kind, name, pattern, files, introduced, at, age, changed=None, changed_at=None, since=None, stale=False):
    return {
        "kind": kind,
        "name": name,
        "pattern": pattern,
        "experiment": False,
        "file": files[0],
        "files": files,
        "introduced_commit": introduced,
        "introduced_at": at,
        "age_days": age,
        "last_changed_commit": changed or introduced,
        "last_changed_at": changed_at or at,
        "days_since_change": age if since is None else since,
        "stale": stale,
    }


def test_flags_added_renamed_moved_and_removed(flag_repo):
    repo, shas = flag_repo
    flags = scan_summary(repo.path)["flags"]
    assert flags["items"] == [
        item(
            "cli_option",
            "--amp",
            "argparse_switch",
            ["trainer.py"],
            shas["renamed"],
            "2024-02-20T00:00:00+00:00",
            132.0,
        ),
        item(
            "config_key", "use_ema", "config_toggle", ["config.yaml"], shas["added"], "2024-01-10T00:00:00+00:00", 173.0
        ),
    ]
    assert (flags["alive"], flags["removed"], flags["stale"], flags["occurrences"]) == (2, 2, 0, 2)
    assert flags["by_pattern"] == {"argparse_switch": 1, "config_toggle": 1}
    assert flags["by_kind"] == {"cli_option": 1, "env_toggle": 0, "config_key": 1, "feature_switch": 0}
    assert flags["median_age_days"] == pytest.approx(152.5)
    assert flags["median_days_since_change"] == pytest.approx(152.5)


def test_flag_metrics_per_quarter_and_staleness(flag_repo, tmp_path: Path):
    repo, _ = flag_repo
    flags_file = tmp_path / "flags.toml"
    flags_file.write_text("stale_days = 150\n")
    summary = scan_summary(repo.path, flags_config=load_flags_file(flags_file))
    metrics = summary["metrics"]
    assert metrics["flags.alive"] == 2 and metrics["flags.stale"] == 1  # use_ema: untouched for 173 days
    assert (metrics["flags.cli_options"], metrics["flags.config_keys"], metrics["flags.env_toggles"]) == (1, 1, 0)
    assert metrics["flags.removed_last_quarter"] == 1  # legacy_eval, 2024-04-10
    assert metrics["flags.feature_switches.removed_last_quarter"] == 0
    quarters = {q["quarter"]: q["flags_alive"] for q in summary["quarters"]}
    assert quarters == {"2024Q1": 3, "2024Q2": 2, "2024Q3": 2}
    assert summary["examples"]["flags.stale"] == [
        "use_ema (config_key, config.yaml, introduced 2024-01-10, last changed 2024-01-10)"
    ]
    assert summary["examples"]["flags.removed_last_quarter"] == [
        "legacy_eval (cli_option, trainer.py, introduced 2024-01-10, removed 2024-04-10)"
    ]


def test_alive_flags_equal_the_patterns_applied_to_the_head_tree(flag_repo):
    repo, _ = flag_repo
    summary = scan_summary(repo.path)
    evaluator = Evaluator(ScanSettings())
    expected = set()
    for path in run_git(repo.path, "ls-tree", "-r", "-z", "--name-only", "HEAD").split(b"\0"):
        if path:
            name = path.decode()
            found = evaluator.evaluate(run_git(repo.path, "show", f"HEAD:{name}"), name)
            expected |= {(p, n, name) for p, n in (found.flags if found else ())}
    assert {(i["pattern"], i["name"], f) for i in summary["flags"]["items"] for f in i["files"]} == expected


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
    assert flags["by_kind"]["feature_switch"] == 1  # a team's pattern without a kind
    yaml_file = tmp_path / "flags.yaml"
    yaml_file.write_text(
        "flags:\n  - id: lr_knob\n    regex: '\\.(lr) ='\n    suffixes: [gin]\n    keywords: [lr]\n    kind: config_key\n"
    )

    flags = scan_summary(repo.path, flags_config=load_flags_file(yaml_file))["flags"]
    assert flags["by_pattern"] == {"gin_toggle": 1, "lr_knob": 1}
    assert [(i["name"], i["kind"]) for i in flags["items"]] == [("lr", "config_key"), ("use_swa", "feature_switch")]


# -- one flag, however many files hold it -------------------------------------------------------------------


def test_a_key_in_many_generated_files_is_one_flag_until_its_last_occurrence_goes(tmp_path: Path):
    repo = RepoBuilder(tmp_path / "r")
    configs = {f"configs/run{i:02}.json": '{\n  "use_fp16": true,\n  "lr": 0.1\n}\n' for i in range(40)}
    repo.commit(configs, when="2024-01-10")
    # A key moved from one file to another in one commit is no removal, and the flag keeps its introduction.
    repo.commit(
        {"configs/run00.json": '{"lr": 0.1}\n', "configs/extra.json": '{"use_fp16": true}\n'}, when="2024-02-01"
    )
    repo.commit({path: None for path in configs if path != "configs/run00.json"}, when="2024-04-20")
    middle = scan_summary(repo.path, now="2024-05-01")
    assert middle["metrics"]["flags.alive"] == 1 and middle["metrics"]["flags.config_keys"] == 1
    [flag] = middle["flags"]["items"]
    assert flag["files"] == ["configs/extra.json"] and flag["introduced_at"].startswith("2024-01-10")
    # Files deleted while the flag stayed elsewhere: it was touched then.
    assert flag["last_changed_at"].startswith("2024-04-20")
    assert middle["flags"]["occurrences"] == 1
    assert {q["quarter"]: q["flags_alive"] for q in middle["quarters"]} == {"2024Q1": 1, "2024Q2": 1}

    repo.commit({"configs/extra.json": None}, when="2024-05-15")
    after = scan_summary(repo.path, now="2024-07-02")
    assert after["metrics"]["flags.alive"] == 0 and after["flags"]["removed"] == 1
    assert after["metrics"]["flags.removed_last_quarter"] == 1  # one flag removed in 2024Q2, not 41 occurrences
    assert after["examples"]["flags.removed_last_quarter"] == [
        "use_fp16 (config_key, configs/extra.json and 40 more files, introduced 2024-01-10, removed 2024-05-15)"
    ]


def test_a_flag_removed_and_brought_back_counts_one_removal_and_its_first_introduction(tmp_path: Path):
    repo = RepoBuilder(tmp_path / "r")
    repo.commit({"a.yaml": "use_x: true\n"}, when="2024-01-10")
    repo.commit({"a.yaml": "lr: 1\n"}, when="2024-02-10")
    repo.commit({"b.yaml": "use_x: false\n"}, when="2024-05-10")
    summary = scan_summary(repo.path, now="2024-07-10")
    [flag] = summary["flags"]["items"]
    assert flag["introduced_at"].startswith("2024-01-10") and flag["last_changed_at"].startswith("2024-05-10")
    assert summary["flags"]["removed"] == 0
    per_quarter = {q: v for q, v in summary["metrics"].items()}
    assert per_quarter["flags.removed_last_quarter"] == 0  # 2024Q2: brought back, not removed
    assert {q["quarter"]: q["flags_alive"] for q in summary["quarters"]} == {"2024Q1": 0, "2024Q2": 1, "2024Q3": 1}


# -- when a flag last changed ---------------------------------------------------------------------------------

# The flag's text: from its name to the end of its match (the action), so the help text before the action.
ARGUMENT = 'parser.add_argument(\n    "--fast",\n    help="{help}",\n    action="store_true",\n)\nx = 1\n'


def test_a_flag_changes_when_its_text_changes_and_only_then(tmp_path: Path):
    repo = RepoBuilder(tmp_path / "r")
    repo.commit({"conf.yaml": "use_ema: true\nlr: 0.1\n", "cli.py": ARGUMENT.format(help="go")}, when="2024-01-10")
    # Another line of each file, and the flags re-indented: no change of the flags.
    repo.commit(
        {"conf.yaml": "use_ema:   true\nlr: 0.2\n", "cli.py": ARGUMENT.format(help="go") + "y = 2\n"}, when="2024-02-10"
    )
    # A formatter rewraps the call and changes its quotes: no change either.
    reformatted = "parser.add_argument('--fast', help='go',\n  action='store_true')\nx = 1\n"
    repo.commit({"cli.py": reformatted}, when="2024-02-20")
    untouched = {i["name"]: i["last_changed_at"][:10] for i in scan_summary(repo.path)["flags"]["items"]}
    assert untouched == {"--fast": "2024-01-10", "use_ema": "2024-01-10"}
    # The toggle flipped; the help text inside the multi-line add_argument edited.
    flipped = repo.commit({"conf.yaml": "use_ema: false\nlr: 0.2\n"}, when="2024-03-10")
    helped = repo.commit({"cli.py": ARGUMENT.format(help="go faster")}, when="2024-04-10")
    items = {i["name"]: i for i in scan_summary(repo.path, now="2024-07-09")["flags"]["items"]}
    assert (items["use_ema"]["last_changed_commit"], items["use_ema"]["last_changed_at"][:10]) == (
        flipped,
        "2024-03-10",
    )
    assert (items["--fast"]["last_changed_commit"], items["--fast"]["last_changed_at"][:10]) == (helped, "2024-04-10")
    assert items["--fast"]["days_since_change"] == 90.0 and items["--fast"]["age_days"] == 181.0


def test_stale_means_untouched_for_stale_days_not_old(tmp_path: Path):
    repo = RepoBuilder(tmp_path / "r")
    repo.commit({"a.yaml": "use_old: true\nuse_kept: true\n"}, when="2023-01-10")
    repo.commit({"a.yaml": "use_old: true\nuse_kept: false\n"}, when="2024-06-01")
    summary = scan_summary(repo.path, now="2024-07-01")
    metrics = summary["metrics"]
    assert metrics["flags.alive"] == 2 and metrics["flags.stale"] == 1
    assert metrics["flags.median_age_days"] == pytest.approx(538.0)
    assert metrics["flags.median_days_since_change"] == pytest.approx((538 + 30) / 2)
    assert summary["examples"]["flags.stale"] == [
        "use_old (config_key, a.yaml, introduced 2023-01-10, last changed 2023-01-10)"
    ]
    per_quarter = {q["quarter"]: q for q in summary["quarters"]}
    assert per_quarter["2023Q3"]["flags_alive"] == 2


# -- which matches are flags, and of which kind ---------------------------------------------------------------


def flags_in(text: str, path: str) -> set[tuple[str, str]]:
    found = Evaluator(ScanSettings()).evaluate(text.encode(), path)
    return set(found.flags) if found else set()


@pytest.mark.parametrize(
    ("text", "path", "expected"),
    [
        # Environment toggles: the switch word as a whole part of the name.
        ('os.environ.get("USE_FAST_PATH")', "a.py", {("env_toggle", "USE_FAST_PATH")}),
        ('os.getenv("ACCELERATE_USE_FSDP", "0")', "a.py", {("env_toggle", "ACCELERATE_USE_FSDP")}),
        ('os.environ.get("FEAST_OPENLINEAGE_ENABLED")', "a.py", {("env_toggle", "FEAST_OPENLINEAGE_ENABLED")}),
        ('os.environ.get("TF_DISABLE_X")', "a.py", {("env_toggle", "TF_DISABLE_X")}),
        ('os.environ.get("NVCC_FLAGS", "")', "a.py", set()),
        ('os.environ.get("AWS_USER")', "a.py", set()),
        ('os.environ.get("SNOWFLAKE_CI_WAREHOUSE")', "a.py", set()),
        ('os.environ.get("UNSUPPORTED_DO_NOT_PACKAGE_USER_MODULES")', "a.py", set()),
        ('os.environ.get("MLFLOW_EXPERIMENT_NAME")', "a.py", set()),
        # Command-line switches: boolean ones only, named by their long option.
        ('p.add_argument("-f", "--force", action="store_true")', "a.py", {("argparse_switch", "--force")}),
        ('p.add_argument("--lr", type=float, default=0.1)', "a.py", set()),
        ('@click.option("--no-progress", is_flag=True, help="x")', "a.py", {("click_switch", "--no-progress")}),
        ('@click.option("--name", default="x")', "a.py", set()),
        ('flags.DEFINE_bool("use_tpu", False, "x")', "a.py", {("absl_bool", "use_tpu")}),
        # Config keys: use_/enable_/disable_/experimental_ with a boolean value.
        (
            '{"use_cache": true, "enable_x": false}',
            "a.json",
            {("config_toggle", "use_cache"), ("config_toggle", "enable_x")},
        ),
        ('{\n  "use_cache": true\n}', "a.json", {("config_toggle", "use_cache")}),
        ("use_cache: 'online'\n", "a.yaml", set()),
        ('if is_feature_enabled("new-ranker"):', "a.py", {("sdk_flag", "new-ranker")}),
    ],
)
def test_default_patterns_match_switches_and_not_names_that_merely_contain_a_word(text, path, expected):
    assert {(pattern, name) for pattern, name in flags_in(text, path)} == expected


def test_kinds_and_experiments_and_files_that_hold_no_flags_of_the_system(tmp_path: Path):
    repo = RepoBuilder(tmp_path / "r")
    repo.commit(
        {
            "train.py": 'import os\nos.environ.get("ENABLE_EXPERIMENTAL_ATTN")\nos.environ.get("USE_CACHE")\n'
            'p.add_argument("--ab-test", action="store_true")\n',
            "conf.yaml": "use_variant_b: true\nuse_amp: true\n",
            # Tests, tool configuration and docs hold switches of the tests and tools, not of the system.
            "tests/test_train.py": 'p.add_argument("--slow", action="store_true")\n',
            "setup.cfg": "[isort]\nuse_parentheses = True\n",
            ".codecov.yml": "enable_partials: yes\n",
            "docs/_project.yaml": "use_site_branding: true\n",
            "docs/conf.py": 'os.environ.get("SPHINX_ENABLE_GALLERY")\n',
            "src/settings.toml": "enable_cache = true\n",
        },
        when="2024-01-10",
    )
    summary = scan_summary(repo.path)
    kinds = {i["name"]: (i["kind"], i["experiment"]) for i in summary["flags"]["items"]}
    assert kinds == {
        "ENABLE_EXPERIMENTAL_ATTN": ("feature_switch", True),
        "USE_CACHE": ("env_toggle", False),
        "--ab-test": ("feature_switch", True),
        "use_variant_b": ("feature_switch", True),
        "use_amp": ("config_key", False),
        "enable_cache": ("config_key", False),
    }
    metrics = summary["metrics"]
    assert (metrics["flags.feature_switches"], metrics["flags.experiments.alive"]) == (3, 3)
    assert (metrics["flags.cli_options"], metrics["flags.env_toggles"], metrics["flags.config_keys"]) == (0, 1, 2)
    assert summary["flags"]["experiments"] == 3


def test_flag_examples_name_the_flags_behind_each_metric_most_telling_first():
    day = 86_400
    lives = [
        FlagLife("config_toggle", "use_amp", f"configs/run{i}.json", "c1", 10 * day, changed_at=[]) for i in range(40)
    ]
    lives += [
        FlagLife(
            "argparse_switch", "--fresh", "train.py", "c2", 300 * day, last_changed_commit="c3", changed_at=[390 * day]
        ),
        FlagLife("env_toggle", "USE_GONE", "env.py", "c2", 20 * day, "c4", 250 * day),
    ]
    now = datetime.fromtimestamp(400 * day, tz=UTC)
    frame = flags_frame(lives, ScanSettings(), now)
    examples = FlagHistory(frame, now, DEFAULT_STALE_DAYS).examples(
        quarter_of(datetime.fromtimestamp(250 * day, tz=UTC))
    )
    assert examples["flags.alive"] == [
        "use_amp (config_key, configs/run0.json and 39 more files, introduced 1970-01-11, last changed 1970-01-11)",
        "--fresh (cli_option, train.py, introduced 1970-10-28, last changed 1971-01-26)",
    ]
    assert examples["flags.stale"] == examples["flags.alive"][:1]
    assert examples["flags.config_keys"] == examples["flags.alive"][:1]
    assert examples["flags.removed_last_quarter"] == [
        "USE_GONE (env_toggle, env.py, introduced 1970-01-21, removed 1970-09-08)"
    ]
    assert "flags.feature_switches" not in examples and "flags.experiments.alive" not in examples


def test_the_report_lists_a_key_held_by_many_files_once_longest_untouched_first(tmp_path: Path):
    from scorecard.store import Store

    repo = RepoBuilder(tmp_path / "r")
    configs = {f"configs/run{i:02}.json": '{\n  "use_fp16": true\n}\n' for i in range(3)}
    repo.commit(
        {**configs, "train.py": "import argparse\np.add_argument('--fast', action='store_true')\n"}, when="2024-01-10"
    )
    repo.commit({"train.py": "import argparse\np.add_argument('--fast', action='store_false')\n"}, when="2024-09-01")
    store = Store.memory()
    scan_summary(repo.path, now="2025-06-01", store=store)
    rows = store.alive_flags("t")
    assert [(kind, name, where, stale) for kind, name, where, _age, stale, _since in rows] == [
        ("config_key", "use_fp16", "configs/run00.json (+2 files)", True),
        ("cli_option", "--fast", "train.py", True),
    ]
    assert [round(since) for *_rest, since in rows] == [508, 273]
