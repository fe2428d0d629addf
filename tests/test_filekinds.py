"""File kinds and languages: the first matching rule wins."""

from __future__ import annotations

import pytest

from scorecard.evidence.filekinds import kind_of, language_of


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
