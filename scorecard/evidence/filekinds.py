"""What kind of file a path is (code, config, test, ...), and which language a code file is written in.

The classification is part of the metric definitions (lines per kind, config churn): the first matching
rule wins, in this order: ``test``, ``ci``, ``config`` by place, ``notebook``, ``code``, ``config`` by suffix,
``docs``, ``data``, ``other``. Suffixes are compared lower-cased. A team can replace the suffix sets by
building its own :class:`KindRules`.
"""

from __future__ import annotations

import fnmatch
import posixpath
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

KINDS = ("test", "ci", "config", "notebook", "code", "docs", "data", "other")

CODE_SUFFIXES = frozenset(
    [
        ".py",
        ".pyx",
        ".pxd",
        ".pyi",
        ".c",
        ".h",
        ".cc",
        ".cpp",
        ".cxx",
        ".hpp",
        ".hh",
        ".cu",
        ".cuh",
        ".java",
        ".kt",
        ".scala",
        ".go",
        ".rs",
        ".js",
        ".jsx",
        ".ts",
        ".tsx",
        ".rb",
        ".r",
        ".jl",
        ".swift",
        ".sh",
        ".bash",
        ".sql",
        ".lua",
        ".php",
        ".cs",
    ]
)
CONFIG_SUFFIXES = frozenset(
    [
        ".yaml",
        ".yml",
        ".json",
        ".toml",
        ".ini",
        ".cfg",
        ".conf",
        ".gin",
        ".jsonnet",
        ".libsonnet",
        ".properties",
        ".env",
        ".hocon",
    ]
)
DOCS_SUFFIXES = frozenset([".md", ".rst", ".txt", ".adoc"])
DATA_SUFFIXES = frozenset([".csv", ".tsv", ".jsonl", ".parquet", ".npy", ".npz", ".pkl", ".h5"])
NOTEBOOK_SUFFIXES = frozenset({".ipynb"})

TEST_DIRS = frozenset({"test", "tests", "testing", "__tests__"})
CI_DIRS = frozenset({".github", ".gitlab", ".circleci", ".buildkite"})
CI_NAMES = frozenset({".gitlab-ci.yml", ".travis.yml", "Jenkinsfile", "azure-pipelines.yml", ".pre-commit-config.yaml"})
CONFIG_DIRS = frozenset({"config", "configs", "conf", "cfg"})
TEST_NAME_GLOBS = ("test_*", "*_test.*", "*.test.*", "*.spec.*", "conftest.py")

# The language of each code suffix, for the "multiple languages" smell.
LANGUAGES = {
    ".py": "Python", ".pyx": "Cython", ".pxd": "Cython", ".pyi": "Python",
    ".c": "C", ".h": "C",
    ".cc": "C++", ".cpp": "C++", ".cxx": "C++", ".hpp": "C++", ".hh": "C++",
    ".cu": "CUDA", ".cuh": "CUDA",
    ".java": "Java", ".kt": "Kotlin", ".scala": "Scala", ".go": "Go", ".rs": "Rust",
    ".js": "JavaScript", ".jsx": "JavaScript", ".ts": "TypeScript", ".tsx": "TypeScript",
    ".rb": "Ruby", ".r": "R", ".jl": "Julia", ".swift": "Swift",
    ".sh": "Shell", ".bash": "Shell", ".sql": "SQL", ".lua": "Lua", ".php": "PHP", ".cs": "C#",
}  # fmt: skip


def suffix_of(path: str) -> str:
    """The lower-cased suffix of a path's last component, with its dot (``""`` for none or a dotfile)."""
    name = posixpath.basename(path)
    dot = name.rfind(".")
    return name[dot:].lower() if dot > 0 else ""


def _test_name_regex(globs: Iterable[str]) -> re.Pattern[str]:
    return re.compile("|".join(fnmatch.translate(glob) for glob in globs))


@dataclass(frozen=True)
class KindRules:
    """The classifier's tables; the defaults are the contract, a team may pass its own."""

    code: frozenset[str] = CODE_SUFFIXES
    config: frozenset[str] = CONFIG_SUFFIXES
    docs: frozenset[str] = DOCS_SUFFIXES
    data: frozenset[str] = DATA_SUFFIXES
    notebook: frozenset[str] = NOTEBOOK_SUFFIXES
    test_dirs: frozenset[str] = TEST_DIRS
    config_dirs: frozenset[str] = CONFIG_DIRS
    ci_dirs: frozenset[str] = CI_DIRS
    ci_names: frozenset[str] = CI_NAMES
    test_name_globs: tuple[str, ...] = TEST_NAME_GLOBS
    _test_names: re.Pattern[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_test_names", _test_name_regex(self.test_name_globs))

    def kind_of(self, path: str) -> str:
        """The kind of ``path`` (a repository-relative path with ``/`` separators)."""
        parts = path.split("/")
        directories, name = parts[:-1], parts[-1]
        suffix = suffix_of(name)
        if any(part in self.test_dirs for part in directories) or self._test_names.match(name):
            return "test"
        if any(part in self.ci_dirs for part in directories) or name in self.ci_names:
            return "ci"
        if any(part in self.config_dirs for part in directories) and (suffix in self.code or suffix in self.config):
            return "config"
        if suffix in self.notebook:
            return "notebook"
        if suffix in self.code:
            return "code"
        if suffix in self.config:
            return "config"
        if suffix in self.docs:
            return "docs"
        if suffix in self.data:
            return "data"
        return "other"


DEFAULT_RULES = KindRules()


@lru_cache(maxsize=262_144)
def kind_of(path: str) -> str:
    """The kind of ``path`` under the default rules (cached: histories repeat the same paths)."""
    return DEFAULT_RULES.kind_of(path)


def language_of(path: str) -> str | None:
    """The programming language of a code file, or None for anything that is not code."""
    return LANGUAGES.get(suffix_of(path))
