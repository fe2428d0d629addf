"""File kinds and languages: the first matching rule wins; generated JSON/YAML is data, lock files are lock."""

from __future__ import annotations

import numpy as np
import pytest

from scorecard.evidence.filekinds import KindRules, kind_of, language_of
from scorecard.evidence.lines import version_kinds


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
        # Lock files, wherever they lie and whatever their suffix.
        ("ui/package-lock.json", "lock"),
        ("yarn.lock", "lock"),
        ("pnpm-lock.yaml", "lock"),
        ("poetry.lock", "lock"),
        ("Pipfile.lock", "lock"),
        ("uv.lock", "lock"),
        ("rust/Cargo.lock", "lock"),
        ("go.sum", "lock"),
        ("env/conda-lock.yml", "lock"),
        ("deps/rpms.lock.yaml", "lock"),
        ("tests/fixtures/yarn.lock", "lock"),
        # Under a CI directory, what people read is docs.
        (".github/ISSUE_TEMPLATE/bug.yml", "docs"),
        (".github/PULL_REQUEST_TEMPLATE.md", "docs"),
        (".github/CODEOWNERS", "ci"),
        (".github/workflows/scripts/notify.js", "ci"),
        # Config suffixes where programs write results are data; other suffixes there keep their kind.
        ("results/run1/metrics.json", "data"),
        ("outputs/2024-01-01/.hydra/config.yaml", "data"),
        ("src/pkg/testdata/expected.json", "data"),
        ("Benchmark_Results/summary.yaml", "data"),
        ("infra/dist/install.yaml", "data"),
        ("outputs/plot.py", "code"),
        ("tests/testdata/expected.json", "test"),
        # Hand-written configs in data/ and benchmarks/ stay config.
        ("data/coco.yaml", "config"),
        ("benchmarks/asv.conf.json", "config"),
    ],
)
def test_file_kinds_first_match_wins(path: str, kind: str):
    assert kind_of(path) == kind


def test_every_kind_is_listed():
    paths = ["a.py", "t/test_a.py", ".github/x.yml", "a.yaml", "a.ipynb", "a.md", "a.csv", "yarn.lock", "a.bin"]
    assert {kind_of(path) for path in paths} == {
        "code",
        "test",
        "ci",
        "config",
        "notebook",
        "docs",
        "data",
        "lock",
        "other",
    }


def kind_of_version(rules: KindRules, path: str, lines: int) -> str:
    """The kind the scan gives one version of ``path`` with ``lines`` lines (the size rule included)."""
    return str(version_kinds(rules, np.array([path], dtype=object), np.array([lines]))[0])


def test_a_config_version_over_the_size_limit_is_data():
    rules = KindRules()
    assert kind_of_version(rules, "params.yaml", 1_000) == "config"
    assert kind_of_version(rules, "params.yaml", 1_001) == "data"
    # Only config-suffix config files: code in a config directory, and code, keep their kind at any size.
    assert kind_of_version(rules, "configs/big.py", 5_000) == "config"
    assert kind_of_version(rules, "src/big.py", 5_000) == "code"
    assert kind_of_version(rules, "package-lock.json", 5_000) == "lock"
    assert kind_of_version(KindRules(config_max_lines=0), "params.yaml", 10**6) == "config"
    assert kind_of_version(KindRules(config_max_lines=10), "params.yaml", 11) == "data"


def test_a_teams_globs_beat_every_default():
    rules = KindRules(config_paths=("deploy/values.yaml", "results/keep/*"), data_paths=("experiments/**", "*.gin"))
    assert rules.kind_of("deploy/values.yaml") == "config"
    assert kind_of_version(rules, "deploy/values.yaml", 50_000) == "config"  # no size rule for a config glob
    assert rules.kind_of("results/keep/sweep.json") == "config"  # config_paths beat data directories
    assert rules.kind_of("experiments/a/run.py") == "data"  # data whatever the suffix
    assert rules.kind_of("tests/model.gin") == "data"  # a glob beats the test rule too
    assert rules.kind_of("src/model.py") == "code"
    assert KindRules().kind_of("experiments/a/run.py") == "code"


def test_languages_of_code_suffixes():
    assert (language_of("a.py"), language_of("k.cuh"), language_of("x.md")) == ("Python", "CUDA", None)


def test_code_in_a_config_package_of_java_or_go_is_code_python_there_is_config():
    """feast's java/.../config/ApplicationProperties.java (408 lines of Java) was counted as configuration."""
    assert kind_of("java/serving/src/main/java/feast/serving/config/ApplicationProperties.java") == "code"
    assert kind_of("pkg/config/loader.go") == "code"
    assert kind_of("configs/faster_rcnn/r50.py") == "config"
