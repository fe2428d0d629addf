"""Flags: added, renamed, moved and removed along the chain, per quarter, and equal to the patterns at HEAD."""

from __future__ import annotations

from pathlib import Path

import pytest

from scorecard.evidence.findings import Evaluator
from scorecard.evidence.patterns import ScanSettings
from scorecard.evidence.repository_scan import load_flags_file
from tests.gitrepo import RepoBuilder, build_flag_repo, run_git, scan_summary


@pytest.fixture
def flag_repo(tmp_path: Path) -> tuple[RepoBuilder, dict[str, str]]:
    return build_flag_repo(tmp_path / "flags")


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
    summary = scan_summary(repo.path, flags_config=load_flags_file(flags_file))
    metrics = summary["metrics"]
    assert metrics["flags.alive"] == 2 and metrics["flags.stale"] == 1  # use_ema is 173 days old
    assert metrics["flags.removed_last_quarter"] == 1  # legacy_eval, 2024-04-10
    quarters = {q["quarter"]: q["flags_alive"] for q in summary["quarters"]}
    assert quarters == {"2024Q1": 3, "2024Q2": 2, "2024Q3": 2}


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
    assert {(i["pattern"], i["name"], i["file"]) for i in summary["flags"]["items"]} == expected


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

    flags = scan_summary(repo.path, flags_config=load_flags_file(yaml_file))["flags"]
    assert flags["by_pattern"] == {"gin_toggle": 1, "lr_knob": 1}
