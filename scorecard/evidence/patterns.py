"""What a scan looks for and leaves out: flag patterns, debt-comment words, staleness and exclusions.

The one idea: a scanned repository's own ``pyproject.toml`` is untrusted, and so are its regexes. Every regex
here runs on RE2 (linear time, so ``(a+)+$`` cannot hang a scan), and limits (``MAX_*``) bound the work per
file. What RE2 or a limit refuses is one line: an error for a ``--flags`` file, a warning (that setting
ignored) for the repository's own file, which a team cannot always fix. Flag patterns run with ``(?m)`` on a
file's whole text, group 1 is the flag's name, and their *keywords* are the literals git's ``-G`` searches for
so only changes that can hold a flag are read. The settings format, key by key: docs/scan-settings.md.
"""

from __future__ import annotations

import fnmatch
import hashlib
import json
import re
import tomllib
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Protocol, TypeVar

import re2
import yaml

from scorecard.errors import ScorecardError
from scorecard.evidence.filekinds import CODE_SUFFIXES, DEFAULT_CONFIG_MAX_LINES, KindRules

PY = frozenset({".py"})

DEFAULT_STALE_DAYS = 180
# The words of a debt comment, in any case (the comment itself: scorecard.evidence.findings.is_debt_comment).
DEBT_KEYWORDS = ("TODO", "FIXME", "XXX", "HACK")
# Part of the patterns' fingerprint, so that the first scan by this scorecard reads the history afresh:
# earlier ones ran the patterns on Python's re and wrote a backslash in a path as is (see git.decode_path),
# and cached findings without the digest of each flag's text (see findings.FileFindings.flag_texts).
RESULTS_FORMAT = "re2+flag-texts"
# libyaml's safe loader when PyYAML has it: the pure-Python scanner takes quadratic time on "[[[[...".
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
A = TypeVar("A")
T = TypeVar("T")
SETTING_NAMES = frozenset(
    {"flags", "stale_days", "exclude_paths", "exclude_authors", "exclude_commits"}
    | {"data_paths", "config_paths", "config_max_lines"}  # file kinds, see scorecard.evidence.filekinds
)
# Bounds on what a scan does per file version (each pattern, each keyword is a pass over the text), far above
# what a team writes. RE2's time is linear, but past some thousands of instructions its DFA no longer fits
# its memory and it falls back to a far slower automaton (the built-in patterns hold about a hundred).
MAX_PROGRAM_SIZE = 2_000
MAX_FLAG_PATTERNS = 100
MAX_KEYWORDS = 50
MAX_LIST_ENTRIES = 500


class SettingsError(ScorecardError, ValueError):
    """Scan settings (flag patterns, exclusions) that cannot be used; the message is one line for the user."""


class Matcher(Protocol):
    """A regex compiled by RE2 (``re2`` has no type hints): what a scan calls on one."""

    @property
    def groups(self) -> int: ...

    @property
    def programsize(self) -> int: ...

    def search(self, text: str) -> Any: ...

    def finditer(self, text: bytes) -> Iterator[Any]: ...

    def findall(self, text: str) -> list[Any]: ...

    def sub(self, replace: Callable[[Any], str], text: str) -> str: ...


def _re2_options() -> Any:
    options = re2.Options()
    options.log_errors = False  # else RE2 prints every refused regex on stderr; the SettingsError says it once
    return options


_RE2_OPTIONS = _re2_options()


def compile_regex(regex: str, where: str, multiline: bool = False) -> Matcher:
    """``regex`` compiled by RE2, with ``(?m)`` when ``multiline``; a regex RE2 refuses raises
    :class:`SettingsError` naming ``where`` and RE2's reason, in one line."""
    try:
        compiled: Matcher = re2.compile(f"(?m){regex}" if multiline else regex, _RE2_OPTIONS)
    except re2.error as error:
        reason = error.args[0] if error.args else "refused"
        text = reason.decode("utf-8", "replace") if isinstance(reason, bytes) else str(reason)
        raise SettingsError(f"{where}: invalid regex for RE2: {' '.join(text.split())}") from None
    size = compiled.programsize
    if size > MAX_PROGRAM_SIZE:
        raise SettingsError(f"{where}: regex too large ({size} RE2 instructions, at most {MAX_PROGRAM_SIZE})")
    return compiled


# What a flag is, as the evidence can tell: how the code reads it (see scorecard.evidence.flags).
CLI_OPTION = "cli_option"  # a command-line switch: argparse store_true/false, absl DEFINE_bool, click is_flag
ENV_TOGGLE = "env_toggle"  # an environment variable read as a switch (ENABLE_X, X_DISABLED, USE_X...)
CONFIG_KEY = "config_key"  # a boolean key in a configuration file (use_x: true)
FEATURE_SWITCH = "feature_switch"  # a feature-flag SDK call, or any flag whose name marks an experiment
FLAG_KINDS = (CLI_OPTION, ENV_TOGGLE, CONFIG_KEY, FEATURE_SWITCH)
# A team's pattern without a kind: a feature switch (the built-in patterns cover options, env and config, so
# a team writes its own for its feature and experiment switches); one that replaces a built-in pattern (same
# id) keeps that pattern's kind.
DEFAULT_KIND = FEATURE_SWITCH


@dataclass(frozen=True)
class FlagPattern:
    """One kind of flag: a regex whose first group is the flag's name, for files with given suffixes.

    ``kind`` (one of :data:`FLAG_KINDS`) is what a match of it is: how the code reads the flag.
    """

    id: str
    regex: str
    suffixes: frozenset[str]
    keywords: tuple[str, ...]
    kind: str = DEFAULT_KIND
    compiled: Matcher = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.kind not in FLAG_KINDS:
            raise SettingsError(f"flag pattern {self.id!r}: kind {self.kind!r} is not one of {', '.join(FLAG_KINDS)}")
        compiled = compile_regex(self.regex, f"flag pattern {self.id!r}", multiline=True)
        if compiled.groups < 1:
            raise SettingsError(f"flag pattern {self.id!r}: the regex needs a group for the flag's name")
        object.__setattr__(self, "compiled", compiled)


# A switch word of an environment variable, as a whole part between underscores: ENABLE_X, X_ENABLED, USE_X,
# X_DISABLE, EXPERIMENTAL_X, X_FLAG. A whole part, so that USER, WAREHOUSE and NVCC_FLAGS are not toggles;
# not EXPERIMENT, which names things (MLFLOW_EXPERIMENT_NAME) rather than switching them.
_ENV_SWITCH_PART = "(?:ENABLE|ENABLED|DISABLE|DISABLED|USE|EXPERIMENTAL|FLAG)"
_ENV_NAME = rf"(?:[A-Z][A-Z0-9]*_(?:[A-Z0-9]+_)*)?{_ENV_SWITCH_PART}(?:_[A-Z0-9]+)*"
# An option's first string, or the long one after a short alias ("-f", "--force" is --force).
_OPTION_NAME = r"""(?:["']-[A-Za-z0-9]["']\s*,\s*)?["'](--?[A-Za-z][\w-]*)["']"""

DEFAULT_FLAG_PATTERNS = (
    FlagPattern(
        "absl_bool",
        r"""\bflags\.DEFINE_bool(?:ean)?\(\s*["']([A-Za-z_]\w*)["']""",
        PY,
        ("DEFINE_bool",),
        CLI_OPTION,
    ),
    FlagPattern(
        "argparse_switch",
        rf"""add_argument\(\s*{_OPTION_NAME}[^()]*?action\s*=\s*"""
        r"""(?:["']store_(?:true|false)["']|(?:argparse\.)?BooleanOptionalAction)""",
        PY,
        ("add_argument",),
        CLI_OPTION,
    ),
    FlagPattern(
        "click_switch",
        rf"""\boption\(\s*{_OPTION_NAME}[^()]*?\bis_flag\s*=\s*True\b""",
        PY,
        ("is_flag",),
        CLI_OPTION,
    ),
    FlagPattern(
        "env_toggle",
        rf"""\bos\.(?:environ\.get|getenv)\(\s*["']({_ENV_NAME})["']""",
        PY,
        ("environ.get", "getenv"),
        ENV_TOGGLE,
    ),
    FlagPattern(
        "sdk_flag",
        r"""\b(?:is_enabled|is_feature_enabled|feature_enabled|variation|bool_variation|get_feature_flag)\(\s*["']([\w.:-]+)["']""",
        frozenset([".py", ".js", ".jsx", ".ts", ".tsx", ".java", ".kt", ".go", ".rb"]),
        ("is_enabled", "feature_enabled", "variation", "get_feature_flag"),
        FEATURE_SWITCH,
    ),
    FlagPattern(
        "config_toggle",
        # At a line's start, or after "{" or "," (a JSON object or YAML/TOML inline table on one line).
        r"""(?:^|[{,])\s*["']?((?:use|enable|disable|experimental)_\w+)["']?\s*[:=]\s*["']?(?i:true|false|yes|no|on|off)\b""",
        frozenset([".yaml", ".yml", ".toml", ".ini", ".cfg", ".json"]),
        ("use_", "enable_", "disable_", "experimental_"),
        CONFIG_KEY,
    ),
)
DEFAULT_KINDS = {pattern.id: pattern.kind for pattern in DEFAULT_FLAG_PATTERNS}


# On RE2 too: the regex they read is a repository's (Python's re takes quadratic time on "[[[[...").
_ESCAPES = compile_regex(r"\\.", "derive_keywords")
_CLASSES = compile_regex(r"\[[^\]]*\]", "derive_keywords")
_WORDS = compile_regex(r"[A-Za-z_][A-Za-z0-9_]{2,}", "derive_keywords")


def derive_keywords(regex: str) -> tuple[str, ...]:
    """Literal words of 3+ characters in a regex, to use as ``-G`` keywords when a pattern names none.

    A superset is harmless (more changes are evaluated), so every word run outside escapes is taken.
    """
    without_escapes = _ESCAPES.sub(lambda match: " ", regex)
    without_classes = _CLASSES.sub(lambda match: " ", without_escapes)
    return tuple(sorted(set(_WORDS.findall(without_classes))))


_ERE_SPECIAL = frozenset(".[]()*+?{}|^$\\")


def _ere_escape(literal: str) -> str:
    return "".join(f"\\{char}" if char in _ERE_SPECIAL else char for char in literal)


def _ere_caseless(literal: str) -> str:
    """A literal as a POSIX extended regex matching it in any ASCII case (``To`` -> ``[Tt][Oo]``).

    Bracket expressions, rather than git's ``--regexp-ignore-case``, which is slower on every diff line.
    """
    parts = []
    for char in literal:
        if char.isascii() and char.isalpha():
            parts.append(f"[{char.upper()}{char.lower()}]")
        else:
            parts.append(_ere_escape(char))
    return "".join(parts)


@dataclass(frozen=True)
class ScanSettings:
    """Flag patterns, staleness and the opt-in exclusions for one scan (defaults: the built-in patterns)."""

    flag_patterns: tuple[FlagPattern, ...] = DEFAULT_FLAG_PATTERNS
    stale_days: int = DEFAULT_STALE_DAYS
    exclude_paths: tuple[str, ...] = ()
    exclude_authors: tuple[str, ...] = ()
    exclude_commits: tuple[str, ...] = ()
    data_paths: tuple[str, ...] = ()
    config_paths: tuple[str, ...] = ()
    config_max_lines: int = DEFAULT_CONFIG_MAX_LINES

    @cached_property
    def kind_rules(self) -> KindRules:
        """The file-kind rules with these settings' globs and size limit (one per settings, so cached)."""
        return KindRules(
            config_paths=self.config_paths, data_paths=self.data_paths, config_max_lines=self.config_max_lines
        )

    def keyword_regex(self) -> str:
        """One POSIX extended regex (for git's ``-G``): a flag keyword as written, or a debt word in any case."""
        flag_words = sorted({kw for pattern in self.flag_patterns for kw in pattern.keywords})
        return "|".join([_ere_escape(word) for word in flag_words] + [_ere_caseless(w) for w in DEBT_KEYWORDS])

    def scanned_suffixes(self) -> frozenset[str]:
        """The suffixes of files that can hold a flag or a debt comment."""
        return frozenset().union(CODE_SUFFIXES, *(p.suffixes for p in self.flag_patterns))

    def fingerprint(self) -> str:
        """A digest of everything that decides what a blob contains (patterns, and :data:`RESULTS_FORMAT`),
        to invalidate caches."""
        described = [[p.id, p.regex, sorted(p.suffixes), list(p.keywords), p.kind] for p in self.flag_patterns]
        return hashlib.sha1(json.dumps([RESULTS_FORMAT, described]).encode()).hexdigest()[:16]

    def exclusion_fingerprint(self) -> str:
        """A digest of the exclusions, ``stale_days`` and the file-kind settings: stored results depend on them too."""
        described = [self.exclude_paths, self.exclude_authors, self.exclude_commits, self.stale_days]
        if self.data_paths or self.config_paths or self.config_max_lines != DEFAULT_CONFIG_MAX_LINES:
            described.append([self.data_paths, self.config_paths, self.config_max_lines])
        return hashlib.sha1(json.dumps(described).encode()).hexdigest()[:16]

    def author_excluded(self) -> Callable[[str], bool]:
        """A predicate for excluded authors: an ``exclude_authors`` regex found in ``"Name <email>"``."""
        if not self.exclude_authors:
            return lambda identity: False
        matchers = [compile_regex(regex, f"exclude_authors {regex!r}") for regex in self.exclude_authors]
        return lambda identity: any(matcher.search(identity) is not None for matcher in matchers)

    def path_excluded(self) -> Callable[[str], bool]:
        """A predicate for excluded paths (fnmatch globs, ``*`` crossing ``/``)."""
        if not self.exclude_paths:
            return lambda path: False
        combined = re.compile("|".join(fnmatch.translate(glob) for glob in self.exclude_paths))
        return lambda path: combined.match(path) is not None

    def merged(self, other: ScanSettings | None) -> ScanSettings:
        """These settings with ``other``'s patterns added (same id: replaced) and its settings on top."""
        if other is None:
            return self
        patterns = {p.id: p for p in self.flag_patterns}
        patterns.update({p.id: p for p in other.flag_patterns})
        return ScanSettings(
            flag_patterns=tuple(patterns.values()),
            stale_days=other.stale_days if other.stale_days != DEFAULT_STALE_DAYS else self.stale_days,
            exclude_paths=self.exclude_paths + other.exclude_paths,
            exclude_authors=self.exclude_authors + other.exclude_authors,
            exclude_commits=self.exclude_commits + other.exclude_commits,
            data_paths=self.data_paths + other.data_paths,
            config_paths=self.config_paths + other.config_paths,
            config_max_lines=(
                other.config_max_lines if other.config_max_lines != DEFAULT_CONFIG_MAX_LINES else self.config_max_lines
            ),
        )


def _string_list(table: Mapping[str, Any], key: str, source: str) -> tuple[str, ...]:
    value = table.get(key, [])
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise SettingsError(f"{source}: {key} must be a list of strings")
    if len(value) > MAX_LIST_ENTRIES:
        raise SettingsError(f"{source}: {key} holds {len(value)} entries, at most {MAX_LIST_ENTRIES}")
    return tuple(value)


def settings_from_mapping(table: Mapping[str, Any], source: str, warnings: list[str] | None = None) -> ScanSettings:
    """Settings from a ``[tool.scorecard]``-shaped mapping (its flag patterns only: no defaults added).

    With ``warnings`` (a scanned repository's own pyproject), a flag pattern or an author exclusion that cannot
    be used is left out with a warning there; without, it raises :class:`SettingsError` like any bad setting.
    """
    if not isinstance(table, Mapping):
        raise SettingsError(f"{source}: expected a table of settings")
    unknown = sorted(set(table) - SETTING_NAMES)
    if unknown:
        raise SettingsError(f"{source}: unknown setting {unknown[0]!r} (known: {', '.join(sorted(SETTING_NAMES))})")
    entries = table.get("flags", [])
    if not isinstance(entries, list):
        raise SettingsError(f"{source}: flags must be a list of tables with id, regex and suffixes")
    if len(entries) > MAX_FLAG_PATTERNS:
        raise SettingsError(f"{source}: {len(entries)} flag patterns, at most {MAX_FLAG_PATTERNS}")
    stale_days = table.get("stale_days", DEFAULT_STALE_DAYS)
    if not isinstance(stale_days, int) or isinstance(stale_days, bool) or stale_days < 0:
        raise SettingsError(f"{source}: stale_days must be a whole number of days")
    commits = tuple(sha.lower() for sha in _string_list(table, "exclude_commits", source))
    for sha in commits:
        if not re.fullmatch(r"[0-9a-f]{4,40}", sha):
            raise SettingsError(f"{source}: exclude_commits {sha!r} is not a commit id (4 to 40 hex digits)")
    paths = _string_list(table, "exclude_paths", source)
    data_paths, config_paths = _string_list(table, "data_paths", source), _string_list(table, "config_paths", source)
    config_max_lines = table.get("config_max_lines", DEFAULT_CONFIG_MAX_LINES)
    if not isinstance(config_max_lines, int) or isinstance(config_max_lines, bool) or config_max_lines < 0:
        raise SettingsError(f"{source}: config_max_lines must be a whole number of lines (0: no size rule)")
    author_regexes = _string_list(table, "exclude_authors", source)
    # Last: what cannot be used is left out (with warnings) only once the table as a whole can be.
    patterns = _each(
        enumerate(entries, 1), lambda pair: _flag_pattern(pair[1], f"{source}: flags[{pair[0]}]"), warnings
    )
    authors = _each(author_regexes, lambda regex: _author_regex(regex, source), warnings)
    return ScanSettings(patterns, stale_days, paths, authors, commits, data_paths, config_paths, config_max_lines)


def _each(items: Iterable[A], make: Callable[[A], T], warnings: list[str] | None) -> tuple[T, ...]:
    """``make`` of each item; one it refuses raises its error, or with ``warnings`` is left out with a warning."""
    made: list[T] = []
    for item in items:
        try:
            made.append(make(item))
        except SettingsError as error:
            if warnings is None:
                raise
            warnings.append(f"{error}; ignored")
    return tuple(made)


def _flag_pattern(entry: Any, where: str) -> FlagPattern:
    """One ``[[flags]]`` table as a pattern; ``where`` names it in errors (``file: flags[2]``)."""
    if not isinstance(entry, Mapping) or not isinstance(entry.get("id"), str) or not entry.get("id"):
        raise SettingsError(f"{where}: needs an id")
    if not isinstance(entry.get("regex"), str):
        raise SettingsError(f"{where} ({entry['id']}): needs a regex")
    suffixes = _string_list(entry, "suffixes", where)
    if not suffixes:
        raise SettingsError(f"{where} ({entry['id']}): needs suffixes, e.g. ['.py']")
    if compile_regex(entry["regex"], f"{where} ({entry['id']})", multiline=True).groups < 1:
        raise SettingsError(f"{where} ({entry['id']}): the regex needs a group for the flag's name")
    keywords = _string_list(entry, "keywords", where) or derive_keywords(entry["regex"])
    if not keywords or len(keywords) > MAX_KEYWORDS:
        raise SettingsError(f"{where} ({entry['id']}): name keywords that every match contains (1 to {MAX_KEYWORDS})")
    kind = entry.get("kind", DEFAULT_KINDS.get(entry["id"], DEFAULT_KIND))
    if kind not in FLAG_KINDS:
        raise SettingsError(f"{where} ({entry['id']}): kind must be one of {', '.join(FLAG_KINDS)}, not {kind!r}")
    normalized = frozenset(s.lower() if s.startswith(".") else f".{s.lower()}" for s in suffixes)
    return FlagPattern(entry["id"], entry["regex"], normalized, keywords, kind)


def _author_regex(regex: str, source: str) -> str:
    compile_regex(regex, f"{source}: exclude_authors {regex!r}")
    return regex


def parse_settings_text(
    text: str, source: str, yaml_format: bool = False, warnings: list[str] | None = None
) -> ScanSettings | None:
    """Parse a ``--flags`` file (TOML, or YAML) or a ``pyproject.toml``; None when it has no scorecard table.

    In a pyproject only ``[tool.scorecard]`` counts; in a ``--flags`` file the same keys may also sit at the
    top level. ``warnings``: see :func:`settings_from_mapping`.
    """
    try:
        data = yaml.load(text, Loader=_YAML_LOADER) if yaml_format else tomllib.loads(text)
    except (tomllib.TOMLDecodeError, yaml.YAMLError) as error:
        first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise SettingsError(f"{source}: cannot parse: {first}") from None
    except RecursionError:  # both parsers recurse into nested arrays and tables
        raise SettingsError(f"{source}: cannot parse: nested too deeply") from None
    if data is None:
        return None
    if not isinstance(data, Mapping):
        raise SettingsError(f"{source}: expected a table of settings")
    tool = data.get("tool")
    if isinstance(tool, Mapping) and "scorecard" in tool:
        return settings_from_mapping(tool["scorecard"], f"{source} [tool.scorecard]", warnings)
    if source.endswith("pyproject.toml"):
        return None
    return settings_from_mapping(data, source, warnings)
