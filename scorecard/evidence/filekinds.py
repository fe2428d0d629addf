"""What kind of file a path is (code, config, test, lock, data, ...), and which language a code file is in.

The kinds are part of the metric definitions (lines per kind, config churn). The first matching rule wins:
a team's ``config_paths``/``data_paths`` globs, lock files, tests, CI, data by place (:data:`DATA_DIRS`),
config by place, then by suffix. Then one rule by size for a file *version* whose lines are known: a config
file with a config suffix over ``config_max_lines`` (1,000) lines is ``data`` (:meth:`KindRules.sized`,
applied by :func:`scorecard.evidence.lines.version_kinds`), since JSON and YAML are also what programs write,
and counted as configuration they bury the hand-written config a question asks about. The rules in full,
and why 1,000: README, "Git evidence", file kinds.
"""

from __future__ import annotations

import fnmatch
import posixpath
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

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

# Code that is configuration when it lies in a config folder (mmdetection-style configs, LazyConfig modules).
CONFIG_CODE_SUFFIXES = frozenset({".py"})
TEST_DIRS = frozenset({"test", "tests", "testing", "__tests__"})
CI_DIRS = frozenset({".github", ".gitlab", ".circleci", ".buildkite"})
CI_NAMES = frozenset({".gitlab-ci.yml", ".travis.yml", "Jenkinsfile", "azure-pipelines.yml", ".pre-commit-config.yaml"})
# Under a CI directory, but what people read: issue and pull-request forms are not CI configuration.
CI_TEMPLATE_DIRS = frozenset({"ISSUE_TEMPLATE", "PULL_REQUEST_TEMPLATE", "DISCUSSION_TEMPLATE"})
CONFIG_DIRS = frozenset({"config", "configs", "conf", "cfg"})
TEST_NAME_GLOBS = ("test_*", "*_test.*", "*.test.*", "*.spec.*", "conftest.py")
# Directories where programs write what they produce (lower-cased): a config-suffix file there is data.
DATA_DIRS = frozenset(
    {
        "results", "result", "outputs", "output", "runs", "logs",
        "artifacts", "checkpoints", "snapshots", "__snapshots__",
        "benchmark_results", "benchmark-results", "bench_results",
        "testdata", "test_data", "test_fixtures", "fixtures", "golden", "goldens",
        "mlruns", "wandb", "lightning_logs", "dist", "generated",
    }
)  # fmt: skip
# Dependency lock files: by exact name, or by how the name ends.
# (package-lock.json, pnpm-lock.yaml, conda-lock.yml, yarn.lock, poetry.lock, Pipfile.lock, uv.lock, pdm.lock,
# Cargo.lock, Gemfile.lock... all end so.)
LOCK_NAMES = frozenset({"go.sum", "npm-shrinkwrap.json"})
LOCK_NAME_ENDINGS = (".lock", "-lock.json", "-lock.yaml", "-lock.yml", ".lock.json", ".lock.yaml", ".lock.yml")
DEFAULT_CONFIG_MAX_LINES = 1_000
_CACHED_PATHS = 262_144  # paths whose kind one KindRules remembers

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


def _name_regex(globs: Iterable[str]) -> re.Pattern[str] | None:
    # fnmatch's regexes use atomic groups: Python's re cannot backtrack into them.
    return re.compile("|".join(fnmatch.translate(glob) for glob in globs)) if globs else None


def is_lock_file(name: str) -> bool:
    """Whether a file name (no directory) is a dependency lock file's."""
    lower = name.lower()
    return lower in LOCK_NAMES or lower.endswith(LOCK_NAME_ENDINGS)


@dataclass(frozen=True)
class KindRules:
    """The classifier's tables; the defaults are the contract, a team may pass its own.

    ``config_paths`` and ``data_paths`` are fnmatch globs on repository paths (``*`` crosses ``/``), the
    settings of the same names; ``config_max_lines`` 0 turns the size rule off.
    """

    code: frozenset[str] = CODE_SUFFIXES
    config: frozenset[str] = CONFIG_SUFFIXES
    docs: frozenset[str] = DOCS_SUFFIXES
    data: frozenset[str] = DATA_SUFFIXES
    notebook: frozenset[str] = NOTEBOOK_SUFFIXES
    test_dirs: frozenset[str] = TEST_DIRS
    config_dirs: frozenset[str] = CONFIG_DIRS
    ci_dirs: frozenset[str] = CI_DIRS
    ci_names: frozenset[str] = CI_NAMES
    data_dirs: frozenset[str] = DATA_DIRS
    test_name_globs: tuple[str, ...] = TEST_NAME_GLOBS
    config_paths: tuple[str, ...] = ()
    data_paths: tuple[str, ...] = ()
    config_max_lines: int = DEFAULT_CONFIG_MAX_LINES
    _test_names: re.Pattern[str] = field(init=False, repr=False, compare=False)
    _config_globs: re.Pattern[str] | None = field(init=False, repr=False, compare=False)
    _data_globs: re.Pattern[str] | None = field(init=False, repr=False, compare=False)
    _kinds: dict[str, str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_test_names", _name_regex(self.test_name_globs) or re.compile("(?!)"))
        object.__setattr__(self, "_config_globs", _name_regex(self.config_paths))
        object.__setattr__(self, "_data_globs", _name_regex(self.data_paths))
        object.__setattr__(self, "_kinds", {})

    def kind_of(self, path: str) -> str:
        """The kind of ``path`` (a repository-relative path with ``/`` separators), by path alone (cached)."""
        kind = self._kinds.get(path)
        if kind is None:
            if len(self._kinds) >= _CACHED_PATHS:
                self._kinds.clear()
            kind = self._kinds[path] = self._kind_by_path(path)
        return kind

    def _kind_by_path(self, path: str) -> str:
        if self._config_globs is not None and self._config_globs.match(path):
            return "config"
        if self._data_globs is not None and self._data_globs.match(path):
            return "data"
        parts = path.split("/")
        directories, name = parts[:-1], parts[-1]
        if is_lock_file(name):
            return "lock"
        suffix = suffix_of(name)
        if any(part in self.test_dirs for part in directories) or self._test_names.match(name):
            return "test"
        if any(part in self.ci_dirs for part in directories) or name in self.ci_names:
            ci_docs = suffix in self.docs or any(part in CI_TEMPLATE_DIRS for part in directories)
            return "docs" if ci_docs else "ci"
        configured = suffix in self.config
        if configured and any(part.lower() in self.data_dirs for part in directories):
            return "data"
        if any(part in self.config_dirs for part in directories) and (suffix in CONFIG_CODE_SUFFIXES or configured):
            return "config"
        return self._kind_by_suffix(suffix)

    def _kind_by_suffix(self, suffix: str) -> str:
        for kind, suffixes in (
            ("notebook", self.notebook),
            ("code", self.code),
            ("config", self.config),
            ("docs", self.docs),
            ("data", self.data),
        ):
            if suffix in suffixes:
                return kind
        return "other"

    def sized(self, path: str) -> bool:
        """Whether the size rule can apply to ``path``: a config file with a config suffix that no
        ``config_paths`` glob names (its versions over ``config_max_lines`` lines are data)."""
        if not self.config_max_lines or self.kind_of(path) != "config" or suffix_of(path) not in self.config:
            return False
        return self._config_globs is None or not self._config_globs.match(path)


DEFAULT_RULES = KindRules()


def kind_of(path: str) -> str:
    """The kind of ``path`` under the default rules, by path alone (cached: histories repeat the same paths)."""
    return DEFAULT_RULES.kind_of(path)


def language_of(path: str) -> str | None:
    """The programming language of a code file, or None for anything that is not code."""
    return LANGUAGES.get(suffix_of(path))
