"""The ML-aware metrics of a scan, with the files behind them: checked against a hand-built history.

The scan time is pinned to 2024-07-01: the last complete quarter is 2024Q2.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from scorecard.services.team_metrics import team_metrics
from scorecard.store import Store
from tests.gitrepo import RepoBuilder, numbered_lines, scan_summary
from tests.runner import run_cli as run

LFS_POINTER = "version https://git-lfs.github.com/spec/v1\noid sha256:" + "b" * 64 + "\nsize 99\n"
MODEL = bytes(range(256)) * 4  # binary: NUL among the first bytes
TRAIN = "import torch\nfrom transformers import AutoModel\nif loss < 0.5 or 1e-3 > eps:\n    stop()\n"


def build_ml_repo(path: Path) -> RepoBuilder:
    repo = RepoBuilder(path)
    repo.commit({"nb/old.ipynb": "{}\n", "nb/a.ipynb": "{}\n"}, when="2024-02-01")
    repo.commit(
        {
            "nb/a.ipynb": '{\n "cells": []\n}\n',
            "nb/b.ipynb": "{\n}\n",
            "src/train.py": TRAIN,
            "src/util.py": "import os\n",
            "tests/test_train.py": "import torch\nassert loss < 0.5\n",
            ".github/workflows/ci.yml": numbered_lines(10),
            ".github/ISSUE_TEMPLATE/bug.md": numbered_lines(4),
            "models/net.pt": MODEL,
            "models/big.ckpt": LFS_POINTER,
            "poetry.lock": numbered_lines(30),
            "ui/package-lock.json": numbered_lines(20),
            "params.yaml": numbered_lines(1_001),
            "small.yaml": numbered_lines(7),
            "results/metrics.json": numbered_lines(50),
        },
        when="2024-04-10",
    )
    repo.commit({"nb/a.ipynb": '{\n "cells": [1]\n}\n', "nb/old.ipynb": None}, when="2024-05-10")
    return repo


@pytest.fixture
def ml_repo(tmp_path: Path) -> RepoBuilder:
    return build_ml_repo(tmp_path / "ml")


def test_ml_metrics_and_their_files(ml_repo: RepoBuilder):
    summary = scan_summary(ml_repo.path)
    metrics, examples = summary["metrics"], summary["examples"]
    assert metrics["notebooks.count"] == 2  # nb/a and nb/b: nb/old was deleted
    assert metrics["notebooks.changed_last_quarter"] == 3  # a (twice), b, and old (its deletion)
    assert examples["notebooks.changed_last_quarter"] == [
        "nb/a.ipynb (2 commits)",
        "nb/b.ipynb (1 commit)",
        "nb/old.ipynb (1 commit)",
    ]
    assert metrics["ci.lines"] == 10  # the issue template is docs
    assert examples["ci.lines"] == [".github/workflows/ci.yml (10 lines)"]
    assert metrics["artifacts.committed"] == 1 and metrics["artifacts.bytes"] == len(MODEL)  # no LFS pointer
    assert examples["artifacts.committed"] == ["models/net.pt (1.0 kB)"]
    assert metrics["lockfiles.count"] == 2
    assert examples["lockfiles.count"] == ["poetry.lock (30 lines)", "ui/package-lock.json (20 lines)"]
    assert metrics["ml_imports.files"] == 1 and metrics["ml_imports.share"] == 0.5  # tests are not code
    assert examples["ml_imports.files"] == ["src/train.py (torch, transformers)"]
    assert metrics["thresholds.literals"] == 2
    assert examples["thresholds.literals"] == ["src/train.py (2 float comparisons)"]
    # The 1,001-line params.yaml and the results are data; only small.yaml is config, and lines by suffix
    # stay git's.
    assert metrics["lines.config"] == 7 and examples["lines.config"] == ["small.yaml (7 lines)"]
    assert summary["lines"]["by_kind"]["data"] == 1_051 and summary["lines"]["by_kind"]["lock"] == 50
    assert summary["lines"]["by_ext"][".yaml"] == 1_008 and summary["lines"]["by_ext"][".json"] == 70
    assert {q["quarter"]: q["lines_by_kind"].get("data", 0) for q in summary["quarters"]} == {
        "2024Q1": 0,
        "2024Q2": 1_051,
        "2024Q3": 1_051,
    }


def test_path_exclusions_apply_to_the_ml_metrics(ml_repo: RepoBuilder):
    metrics = scan_summary(ml_repo.path, exclude_paths=("src/train.py", "nb/a.ipynb", "models/*"))["metrics"]
    assert metrics["ml_imports.files"] == 0 and metrics["thresholds.literals"] == 0
    assert metrics["ml_imports.share"] == 0  # src/util.py is still there
    assert metrics["notebooks.count"] == 1 and metrics["notebooks.changed_last_quarter"] == 2
    assert metrics["artifacts.committed"] == 0 and metrics["artifacts.bytes"] == 0


def test_a_repository_without_python_has_no_share(tmp_path: Path):
    repo = RepoBuilder(tmp_path / "r")
    repo.commit({"README.md": "hi\n"})
    metrics = scan_summary(repo.path)["metrics"]
    assert metrics["ml_imports.share"] is None and metrics["ml_imports.files"] == 0


def test_the_team_settings_decide_kinds(tmp_path: Path):
    repo = build_ml_repo(tmp_path / "ml")
    settings = '[tool.scorecard]\nconfig_paths = ["params.yaml"]\ndata_paths = ["small.yaml"]\nconfig_max_lines = 5\n'
    repo.commit({"pyproject.toml": settings, ".github/workflows/ci.yml": numbered_lines(12)}, when="2024-06-01")
    summary = scan_summary(repo.path)
    # params.yaml is config whatever its size; small.yaml is data; pyproject.toml (4 lines) is under the limit.
    assert summary["metrics"]["lines.config"] == 1_001 + 4
    assert summary["metrics"]["ci.lines"] == 12  # not config: the size rule is for config files only
    assert summary["lines"]["by_kind"]["data"] == 50 + 7


def test_examples_are_stored_with_the_scan_and_merged_per_team(tmp_path: Path):
    first, second = build_ml_repo(tmp_path / "one"), RepoBuilder(tmp_path / "two")
    second.commit({"train.py": "import jax\nimport jax.numpy\n", "lab.ipynb": "{}\n"}, when="2024-04-02")
    store = Store.open(tmp_path / "team.db")
    scan_summary(first.path, team="ranking", store=store)
    alone = team_metrics(store, "ranking")
    assert alone is not None and alone.examples["ml_imports.files"] == ["src/train.py (torch, transformers)"]
    scan_summary(second.path, team="ranking", store=store)
    both = team_metrics(store, "ranking")
    assert both is not None
    assert both.examples["ml_imports.files"] == ["one: src/train.py (torch, transformers)", "two: train.py (jax)"]
    assert both.examples["notebooks.changed_last_quarter"] == [
        "one: nb/a.ipynb (2 commits)",
        "two: lab.ipynb (1 commit)",
        "one: nb/b.ipynb (1 commit)",
        "one: nb/old.ipynb (1 commit)",
    ]
    assert all(len(strings) <= 10 for strings in both.examples.values())
    rows = store.db.execute("select metric, position, example from scan_examples order by scan_id, metric, position")
    assert ("thresholds.literals", 0, "src/train.py (2 float comparisons)") in rows.fetchall()
    store.close()


def test_a_bad_kind_setting_is_one_line(tmp_path: Path):
    repo = build_ml_repo(tmp_path / "ml")
    flags = tmp_path / "flags.toml"
    flags.write_text("config_max_lines = -5\n")
    result = run("scan", str(repo.path), "--team", "ml", "--db", str(tmp_path / "a.db"), "--flags", str(flags))
    assert result.exit_code == 1
    assert (
        result.output.strip() == f"Error: {flags}: config_max_lines must be a whole number of lines (0: no size rule)"
    )
    # In the scanned repository's own pyproject: a warning, and its [tool.scorecard] ignored.
    repo.commit({"pyproject.toml": "[tool.scorecard]\ndata_paths = 'x'\nconfig_max_lines = 1.5\n"}, when="2024-06-02")
    summary = scan_summary(repo.path)
    assert any("config_max_lines must be a whole number" in warning for warning in summary["warnings"])
    assert summary["lines"]["by_kind"]["data"] == 1_051


def test_a_rescan_reads_only_the_files_that_changed(tmp_path: Path):
    repo = build_ml_repo(tmp_path / "ml")
    store = Store.open(tmp_path / "a.db")
    first = scan_summary(repo.path, store=store)
    assert first["scan"]["head_blobs_read"] == 4  # two Python code files, two artifacts small enough to be pointers
    assert scan_summary(repo.path, store=store)["scan"]["head_blobs_read"] == 0
    repo.commit({"src/util.py": "import xgboost\n", "README.md": "hi\n"}, when="2024-06-03")
    again = scan_summary(repo.path, store=store)
    assert again["scan"]["from_checkpoint"] and again["scan"]["head_blobs_read"] == 1
    assert again["metrics"]["ml_imports.files"] == 2
    # Other exclusions: the checkpoint cannot be resumed, but what HEAD's blobs hold is still known.
    excluded = scan_summary(repo.path, store=store, exclude_paths=("README.md",))
    assert not excluded["scan"]["from_checkpoint"] and excluded["scan"]["head_blobs_read"] == 0
    assert excluded["metrics"]["ml_imports.files"] == 2
    store.close()


def test_sample_code_is_not_the_systems_glue_nor_its_thresholds():
    from scorecard.evidence.ml_metrics import is_sample_code

    assert is_sample_code("examples/by_feature/cross_validation.py")
    assert is_sample_code("src/pkg/Tutorials/intro.py") and is_sample_code("benchmarks/fp8/utils.py")
    assert not is_sample_code("src/accelerate/accelerator.py") and not is_sample_code("examples.py")
