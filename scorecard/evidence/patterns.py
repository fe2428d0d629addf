"""What a scan looks for and leaves out: flag patterns, debt-comment words, staleness and exclusions.

Flag patterns are Python regexes compiled with ``re.MULTILINE`` and applied to a file's whole text; group 1
is the flag's name. Each names *keywords*: literals every match contains, as written, which git's ``-G``
searches for (see :func:`ScanSettings.keyword_regex`) so that only the few changes that can hold a flag are
read. A team adds its own patterns in the scanned repository's ``pyproject.toml`` or in a file given to
``scorecard scan --flags FILE`` (TOML, or YAML when the name ends in ``.yaml``/``.yml``), with the same keys::

    [tool.scorecard]                     # in a --flags file the keys may also sit at the top level
    stale_days = 180                     # a flag alive and older than this is stale
    exclude_paths = ["vendor/**", "*_pb2.py"]      # fnmatch globs on repository paths
    exclude_authors = ["\\\\[bot\\\\]", "^renovate"] # Python regexes searched in "Name <email>"
    exclude_commits = ["<40-hex sha>"]              # e.g. a mass reformatting

    [[tool.scorecard.flags]]
    id = "gin_toggle"                    # unique; reusing a default id replaces that pattern
    regex = '''^\\s*[\\w.]+\\.(use_\\w+)\\s*=\\s*(?:True|False)'''   # group 1 = the flag's name
    suffixes = [".gin"]
    keywords = ["use_"]                  # literals (case-sensitive) every match contains; optional

What is found with these settings inside one file is :mod:`scorecard.evidence.findings`.
"""

from __future__ import annotations

import fnmatch
import hashlib
import json
import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import yaml

from scorecard.errors import ScorecardError
from scorecard.evidence.filekinds import CODE_SUFFIXES

PY = frozenset({".py"})

DEFAULT_STALE_DAYS = 180
# The words of a debt comment, in any case (the comment itself: scorecard.evidence.findings.DEBT_COMMENT).
DEBT_KEYWORDS = ("TODO", "FIXME", "XXX", "HACK")
SETTING_NAMES = frozenset({"flags", "stale_days", "exclude_paths", "exclude_authors", "exclude_commits"})


class SettingsError(ScorecardError, ValueError):
    """Scan settings (flag patterns, exclusions) that cannot be used; the message is one line for the user."""


@dataclass(frozen=True)
class FlagPattern:
    """One kind of flag: a regex whose first group is the flag's name, for files with given suffixes."""

    id: str
    regex: str
    suffixes: frozenset[str]
    keywords: tuple[str, ...]
    compiled: re.Pattern[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        try:
            compiled = re.compile(self.regex, re.MULTILINE)
        except re.error as error:
            raise SettingsError(f"flag pattern {self.id!r}: invalid regex: {error}") from None
        if compiled.groups < 1:
            raise SettingsError(f"flag pattern {self.id!r}: the regex needs a group for the flag's name")
        object.__setattr__(self, "compiled", compiled)


DEFAULT_FLAG_PATTERNS = (
    FlagPattern(
        "absl_bool",
        r"""\bflags\.DEFINE_bool(?:ean)?\(\s*["']([A-Za-z_]\w*)["']""",
        PY,
        ("DEFINE_bool",),
    ),
    FlagPattern(
        "argparse_switch",
        r"""add_argument\(\s*["'](--?[A-Za-z][\w-]*)["'][^()]*?action\s*=\s*"""
        r"""(?:["']store_(?:true|false)["']|(?:argparse\.)?BooleanOptionalAction)""",
        PY,
        ("add_argument",),
    ),
    FlagPattern(
        "env_toggle",
        r"""\bos\.(?:environ\.get|getenv)\(\s*["']([A-Z][A-Z0-9_]*(?:ENABLE|DISABLE|USE|FLAG|EXPERIMENT)[A-Z0-9_]*)["']""",
        PY,
        ("environ.get", "getenv"),
    ),
    FlagPattern(
        "sdk_flag",
        r"""\b(?:is_enabled|is_feature_enabled|feature_enabled|variation|bool_variation|get_feature_flag)\(\s*["']([\w.:-]+)["']""",
        frozenset([".py", ".js", ".jsx", ".ts", ".tsx", ".java", ".kt", ".go", ".rb"]),
        ("is_enabled", "feature_enabled", "variation", "get_feature_flag"),
    ),
    FlagPattern(
        "config_toggle",
        r"""^\s*["']?((?:use|enable|disable|experimental)_\w+)["']?\s*[:=]\s*["']?(?i:true|false|yes|no|on|off)\b""",
        frozenset([".yaml", ".yml", ".toml", ".ini", ".cfg", ".json"]),
        ("use_", "enable_", "disable_", "experimental_"),
    ),
)


def derive_keywords(regex: str) -> tuple[str, ...]:
    """Literal words of 3+ characters in a regex, to use as ``-G`` keywords when a pattern names none.

    A superset is harmless (more changes are evaluated), so every word run outside escapes is taken.
    """
    without_escapes = re.sub(r"\\.", " ", regex)
    without_classes = re.sub(r"\[[^\]]*\]", " ", without_escapes)
    return tuple(sorted(set(re.findall(r"[A-Za-z_][A-Za-z0-9_]{2,}", without_classes))))


def _ere_escape(literal: str) -> str:
    return re.sub(r"([.\[\]()*+?{}|^$\\])", r"\\\1", literal)


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

    def keyword_regex(self) -> str:
        """One POSIX extended regex (for git's ``-G``): a flag keyword as written, or a debt word in any case."""
        flag_words = sorted({kw for pattern in self.flag_patterns for kw in pattern.keywords})
        return "|".join([_ere_escape(word) for word in flag_words] + [_ere_caseless(w) for w in DEBT_KEYWORDS])

    def scanned_suffixes(self) -> frozenset[str]:
        """The suffixes of files that can hold a flag or a debt comment."""
        return frozenset().union(CODE_SUFFIXES, *(p.suffixes for p in self.flag_patterns))

    def fingerprint(self) -> str:
        """A digest of everything that decides what a blob contains (patterns), to invalidate caches."""
        described = [[p.id, p.regex, sorted(p.suffixes), list(p.keywords)] for p in self.flag_patterns]
        return hashlib.sha1(json.dumps(described).encode()).hexdigest()[:16]

    def exclusion_fingerprint(self) -> str:
        """A digest of the exclusions and ``stale_days``: stored results depend on them too."""
        described = [self.exclude_paths, self.exclude_authors, self.exclude_commits, self.stale_days]
        return hashlib.sha1(json.dumps(described).encode()).hexdigest()[:16]

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
        )


def _string_list(table: Mapping[str, Any], key: str, source: str) -> tuple[str, ...]:
    value = table.get(key, [])
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise SettingsError(f"{source}: {key} must be a list of strings")
    return tuple(value)


def settings_from_mapping(table: Mapping[str, Any], source: str) -> ScanSettings:
    """Settings from a ``[tool.scorecard]``-shaped mapping (its flag patterns only: no defaults added)."""
    if not isinstance(table, Mapping):
        raise SettingsError(f"{source}: expected a table of settings")
    unknown = sorted(set(table) - SETTING_NAMES)
    if unknown:
        raise SettingsError(f"{source}: unknown setting {unknown[0]!r} (known: {', '.join(sorted(SETTING_NAMES))})")
    entries = table.get("flags", [])
    if not isinstance(entries, list):
        raise SettingsError(f"{source}: flags must be a list of tables with id, regex and suffixes")
    patterns = [_flag_pattern(entry, f"{source}: flags[{number}]") for number, entry in enumerate(entries, 1)]
    stale_days = table.get("stale_days", DEFAULT_STALE_DAYS)
    if not isinstance(stale_days, int) or isinstance(stale_days, bool) or stale_days < 0:
        raise SettingsError(f"{source}: stale_days must be a whole number of days")
    authors = _author_regexes(table, source)
    commits = tuple(sha.lower() for sha in _string_list(table, "exclude_commits", source))
    return ScanSettings(
        flag_patterns=tuple(patterns),
        stale_days=stale_days,
        exclude_paths=_string_list(table, "exclude_paths", source),
        exclude_authors=authors,
        exclude_commits=commits,
    )


def _flag_pattern(entry: Any, where: str) -> FlagPattern:
    """One ``[[flags]]`` table as a pattern; ``where`` names it in errors (``file: flags[2]``)."""
    if not isinstance(entry, Mapping) or not isinstance(entry.get("id"), str) or not entry.get("id"):
        raise SettingsError(f"{where}: needs an id")
    if not isinstance(entry.get("regex"), str):
        raise SettingsError(f"{where} ({entry['id']}): needs a regex")
    suffixes = _string_list(entry, "suffixes", where)
    if not suffixes:
        raise SettingsError(f"{where} ({entry['id']}): needs suffixes, e.g. ['.py']")
    try:
        re.compile(entry["regex"], re.MULTILINE)
    except re.error as error:
        raise SettingsError(f"{where} ({entry['id']}): invalid regex: {error}") from None
    keywords = _string_list(entry, "keywords", where) or derive_keywords(entry["regex"])
    if not keywords:
        raise SettingsError(f"{where} ({entry['id']}): name keywords that every match contains")
    normalized = frozenset(s.lower() if s.startswith(".") else f".{s.lower()}" for s in suffixes)
    return FlagPattern(entry["id"], entry["regex"], normalized, keywords)


def _author_regexes(table: Mapping[str, Any], source: str) -> tuple[str, ...]:
    authors = _string_list(table, "exclude_authors", source)
    for regex in authors:
        try:
            re.compile(regex)
        except re.error as error:
            raise SettingsError(f"{source}: exclude_authors {regex!r}: {error}") from None
    return authors


def parse_settings_text(text: str, source: str, yaml_format: bool = False) -> ScanSettings | None:
    """Parse a ``--flags`` file (TOML, or YAML) or a ``pyproject.toml``; None when it has no scorecard table.

    In a pyproject only ``[tool.scorecard]`` counts; in a ``--flags`` file the same keys may also sit at the
    top level.
    """
    try:
        data = yaml.safe_load(text) if yaml_format else tomllib.loads(text)
    except (tomllib.TOMLDecodeError, yaml.YAMLError) as error:
        first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise SettingsError(f"{source}: cannot parse: {first}") from None
    if data is None:
        return None
    if not isinstance(data, Mapping):
        raise SettingsError(f"{source}: expected a table of settings")
    tool = data.get("tool")
    if isinstance(tool, Mapping) and "scorecard" in tool:
        return settings_from_mapping(tool["scorecard"], f"{source} [tool.scorecard]")
    if source.endswith("pyproject.toml"):
        return None
    return settings_from_mapping(data, source)
