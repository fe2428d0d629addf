"""What scorecard looks for inside files: feature flags and debt comments, and how they live and die.

Pure: no git, no I/O. :func:`replay` walks the first-parent chain oldest first and asks a callback for the
evidence in a blob only where it can have changed, which is what keeps a scan fast:

- git's ``-G`` (see :func:`scorecard.evidence.git.keyword_hits`) marks the file changes whose added or removed lines
  contain a *keyword*: a literal every match of a flag pattern contains, as written (``add_argument``), or a
  debt word in any case (``todo``);
- a file whose text holds a flag keyword is *tracked*: every later change to it is evaluated, because a
  multi-line match can change on a line without a keyword (a flag renamed on the line after
  ``add_argument(``);
- any other change cannot create a flag (no keyword before, none added) and cannot change a debt comment
  (those are single lines, and none with a debt word was added or removed), so its evidence carries over.

The replay is therefore exact: the flags alive at HEAD are exactly what the patterns match in the HEAD tree,
and debt comments added minus removed equal those alive at HEAD.

Flag patterns (the defaults are the contract of the git-evidence issue) are Python regexes compiled with
``re.MULTILINE`` and applied to a file's whole text; group 1 is the flag's name. A team adds its own in the
scanned repository's ``pyproject.toml`` or in a file given to ``scorecard scan --flags FILE`` (TOML, or YAML
when the name ends in ``.yaml``/``.yml``), with the same keys::

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

Debt comments are lines of files with a code suffix matching :data:`DEBT_COMMENT` (case-insensitive).
"""

from __future__ import annotations

import fnmatch
import hashlib
import json
import re
import tomllib
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import yaml

from scorecard.errors import ScorecardError
from scorecard.evidence.filekinds import CODE_SUFFIXES, suffix_of

PY = frozenset({".py"})

DEFAULT_STALE_DAYS = 180
DEBT_COMMENT = re.compile(r"(?:#|//|/\*|^\s*\*|--)\s*.*?\b(?:TODO|FIXME|XXX|HACK)\b", re.IGNORECASE | re.ASCII)
DEBT_KEYWORDS = ("TODO", "FIXME", "XXX", "HACK")
_DEBT_PROBE_WORDS = tuple(word.lower().encode() for word in DEBT_KEYWORDS)  # found in lower-cased bytes


class PatternConfigError(ScorecardError, ValueError):
    """A flags configuration that cannot be used; the message is one line for the user."""


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
            raise PatternConfigError(f"flag pattern {self.id!r}: invalid regex: {error}") from None
        if compiled.groups < 1:
            raise PatternConfigError(f"flag pattern {self.id!r}: the regex needs a group for the flag's name")
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
class EvidenceConfig:
    """Flag patterns, staleness and the opt-in exclusions for one scan."""

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
        described = [self.exclude_paths, self.exclude_authors, self.exclude_commits, self.stale_days]
        return hashlib.sha1(json.dumps(described).encode()).hexdigest()[:16]

    def path_excluded(self) -> Callable[[str], bool]:
        """A predicate for excluded paths (fnmatch globs, ``*`` crossing ``/``)."""
        if not self.exclude_paths:
            return lambda path: False
        combined = re.compile("|".join(fnmatch.translate(glob) for glob in self.exclude_paths))
        return lambda path: combined.match(path) is not None

    def merged(self, other: EvidenceConfig | None) -> EvidenceConfig:
        """This configuration with ``other``'s patterns added (same id: replaced) and its settings on top."""
        if other is None:
            return self
        patterns = {p.id: p for p in self.flag_patterns}
        patterns.update({p.id: p for p in other.flag_patterns})
        return EvidenceConfig(
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
        raise PatternConfigError(f"{source}: {key} must be a list of strings")
    return tuple(value)


def config_from_mapping(table: Mapping[str, Any], source: str) -> EvidenceConfig:
    """Build a configuration from a ``[tool.scorecard]``-shaped mapping (flags only; no defaults added)."""
    if not isinstance(table, Mapping):
        raise PatternConfigError(f"{source}: expected a table of settings")
    known = {"flags", "stale_days", "exclude_paths", "exclude_authors", "exclude_commits"}
    unknown = sorted(set(table) - known)
    if unknown:
        raise PatternConfigError(f"{source}: unknown setting {unknown[0]!r} (known: {', '.join(sorted(known))})")
    patterns = []
    entries = table.get("flags", [])
    if not isinstance(entries, list):
        raise PatternConfigError(f"{source}: flags must be a list of tables with id, regex and suffixes")
    for number, entry in enumerate(entries, 1):
        where = f"{source}: flags[{number}]"
        if not isinstance(entry, Mapping) or not isinstance(entry.get("id"), str) or not entry.get("id"):
            raise PatternConfigError(f"{where}: needs an id")
        if not isinstance(entry.get("regex"), str):
            raise PatternConfigError(f"{where} ({entry['id']}): needs a regex")
        suffixes = _string_list(entry, "suffixes", where)
        if not suffixes:
            raise PatternConfigError(f"{where} ({entry['id']}): needs suffixes, e.g. ['.py']")
        try:
            re.compile(entry["regex"], re.MULTILINE)
        except re.error as error:
            raise PatternConfigError(f"{where} ({entry['id']}): invalid regex: {error}") from None
        keywords = _string_list(entry, "keywords", where) or derive_keywords(entry["regex"])
        if not keywords:
            raise PatternConfigError(f"{where} ({entry['id']}): name keywords that every match contains")
        normalized = frozenset(s.lower() if s.startswith(".") else f".{s.lower()}" for s in suffixes)
        patterns.append(FlagPattern(entry["id"], entry["regex"], normalized, keywords))
    stale_days = table.get("stale_days", DEFAULT_STALE_DAYS)
    if not isinstance(stale_days, int) or isinstance(stale_days, bool) or stale_days < 0:
        raise PatternConfigError(f"{source}: stale_days must be a whole number of days")
    authors = _string_list(table, "exclude_authors", source)
    for regex in authors:
        try:
            re.compile(regex)
        except re.error as error:
            raise PatternConfigError(f"{source}: exclude_authors {regex!r}: {error}") from None
    commits = tuple(sha.lower() for sha in _string_list(table, "exclude_commits", source))
    return EvidenceConfig(
        flag_patterns=tuple(patterns),
        stale_days=stale_days,
        exclude_paths=_string_list(table, "exclude_paths", source),
        exclude_authors=authors,
        exclude_commits=commits,
    )


def parse_config_text(text: str, source: str, yaml_format: bool = False) -> EvidenceConfig | None:
    """Parse a ``--flags`` file (TOML, or YAML) or a ``pyproject.toml``; None when it has no scorecard table.

    In a pyproject only ``[tool.scorecard]`` counts; in a ``--flags`` file the same keys may also sit at the
    top level.
    """
    try:
        data = yaml.safe_load(text) if yaml_format else tomllib.loads(text)
    except (tomllib.TOMLDecodeError, yaml.YAMLError) as error:
        first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise PatternConfigError(f"{source}: cannot parse: {first}") from None
    if data is None:
        return None
    if not isinstance(data, Mapping):
        raise PatternConfigError(f"{source}: expected a table of settings")
    tool = data.get("tool")
    if isinstance(tool, Mapping) and "scorecard" in tool:
        return config_from_mapping(tool["scorecard"], f"{source} [tool.scorecard]")
    if source.endswith("pyproject.toml"):
        return None
    return config_from_mapping(data, source)


# ---------------------------------------------------------------------------------------------------------
# The evidence in one blob


@dataclass(frozen=True)
class BlobEvidence:
    """What one version of a file holds: flags as ``(pattern id, name)`` and debt-comment lines.

    ``tracked``: the text holds a flag keyword, so every later change to the file must be evaluated.
    """

    flags: frozenset[tuple[str, str]] = frozenset()
    debt: Counter[str] = field(default_factory=Counter)
    tracked: bool = False

    def to_json(self) -> str:
        document = {"flags": sorted(self.flags), "debt": dict(self.debt), "tracked": self.tracked}
        return json.dumps(document, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> BlobEvidence:
        data = json.loads(text)
        return cls(frozenset((p, n) for p, n in data["flags"]), Counter(data["debt"]), bool(data["tracked"]))


EMPTY_EVIDENCE = BlobEvidence()


@dataclass(frozen=True)
class _SuffixRules:
    patterns: tuple[FlagPattern, ...]
    flag_words: tuple[bytes, ...]  # the flag keywords of these patterns, as written (like git -G)
    debt: bool  # a code suffix: debt comments count


def _debt_line_starts(data: bytes) -> set[int]:
    """Where the lines holding a debt word (any ASCII case) start.

    Plain substring search in the lower-cased bytes: many times faster than a case-insensitive regex.
    The set is filled in ascending order, so it iterates in the same order whichever way it was found.
    """
    lower = data.lower()
    found: list[int] = []
    for word in _DEBT_PROBE_WORDS:
        at = lower.find(word)
        while at >= 0:
            found.append(lower.rfind(b"\n", 0, at) + 1)
            end = lower.find(b"\n", at)
            at = lower.find(word, end) if end >= 0 else -1
    return set(sorted(found))


class Evaluator:
    """Find flags and debt comments in file contents, for one configuration (compiled once)."""

    def __init__(self, config: EvidenceConfig):
        self.config = config
        self._by_suffix: dict[str, _SuffixRules] = {}

    def _rules(self, suffix: str) -> _SuffixRules:
        found = self._by_suffix.get(suffix)
        if found is None:
            patterns = tuple(p for p in self.config.flag_patterns if suffix in p.suffixes)
            words = sorted({kw for p in patterns for kw in p.keywords})
            keywords = tuple(word.encode() for word in words)
            found = self._by_suffix[suffix] = _SuffixRules(patterns, keywords, suffix in CODE_SUFFIXES)
        return found

    def relevant(self, path: str) -> bool:
        """Whether a file at ``path`` can hold a flag or a debt comment at all."""
        rules = self._rules(suffix_of(path))
        return bool(rules.flag_words) or rules.debt

    def evaluate(self, data: bytes | None, path: str) -> BlobEvidence | None:
        """The evidence in a file's contents; None when it holds no keyword of either kind."""
        if data is None or b"\0" in data[:8000]:
            return None
        rules = self._rules(suffix_of(path))
        # Probe the bytes first (keywords are ASCII): most files evaluated for a debt comment hold no flag.
        tracked = any(word in data for word in rules.flag_words)
        flags: frozenset[tuple[str, str]] = frozenset()
        if tracked:
            text = data.decode("utf-8", "replace")
            flags = frozenset(
                (pattern.id, match.group(1))
                for pattern in rules.patterns
                if any(keyword in text for keyword in pattern.keywords)
                for match in pattern.compiled.finditer(text)
                if match.group(1)
            )
        lines: Counter[str] = Counter()
        if rules.debt:
            for start in _debt_line_starts(data):
                end = data.find(b"\n", start)
                line = (data[start:] if end < 0 else data[start:end]).decode("utf-8", "replace")
                if DEBT_COMMENT.search(line):
                    lines[line] += 1
        if not tracked and not lines:
            return None
        return BlobEvidence(flags, lines, tracked)


# ---------------------------------------------------------------------------------------------------------
# Replaying the first-parent chain


@dataclass(frozen=True)
class ChainChange:
    """A file change on the first-parent chain, in the order to replay (oldest commit first)."""

    sha: str
    committed_at: int
    path: str
    old_path: str | None
    status: str
    blob: str | None
    keyword_hit: bool


@dataclass
class FlagLife:
    """One flag's life: identity (pattern, name, path at the end), when it came and when it went."""

    pattern: str
    name: str
    path: str
    introduced_commit: str
    introduced_at: int
    removed_commit: str | None = None
    removed_at: int | None = None

    @property
    def alive(self) -> bool:
        return self.removed_commit is None


@dataclass(frozen=True)
class DebtChange:
    sha: str
    committed_at: int
    path: str
    added: int
    removed: int


@dataclass
class _FileState:
    evidence: BlobEvidence
    lives: dict[tuple[str, str], FlagLife]


@dataclass
class ReplayState:
    """Where a replay of the chain stands: what each file holds, every flag life and debt change so far.

    A replay resumed from the state at commit C and fed the chain's changes after C ends exactly where one
    replay of the whole chain does (a scan keeps the state at HEAD as a checkpoint for the next rescan).
    """

    files: dict[str, _FileState] = field(default_factory=dict)
    flags: list[FlagLife] = field(default_factory=list)  # in the order they were introduced
    debt_changes: list[DebtChange] = field(default_factory=list)

    def debt_alive(self) -> dict[str, int]:
        """Debt-comment lines per path at the replayed head."""
        return {path: sum(s.evidence.debt.values()) for path, s in self.files.items() if s.evidence.debt}

    def to_document(self) -> dict[str, Any]:
        """A JSON-able copy (flag lives refer to their flag by position in ``flags``)."""
        position = {id(life): number for number, life in enumerate(self.flags)}
        return {
            "flags": [
                [f.pattern, f.name, f.path, f.introduced_commit, f.introduced_at, f.removed_commit, f.removed_at]
                for f in self.flags
            ],
            "files": [
                [
                    path,
                    sorted(s.evidence.flags),
                    dict(s.evidence.debt),
                    s.evidence.tracked,
                    [[key[0], key[1], position[id(life)]] for key, life in s.lives.items()],
                ]
                for path, s in self.files.items()
            ],
            "debt_changes": [[d.sha, d.committed_at, d.path, d.added, d.removed] for d in self.debt_changes],
        }

    @classmethod
    def from_document(cls, document: Mapping[str, Any]) -> ReplayState:
        flags = [FlagLife(*row) for row in document["flags"]]
        files = {
            path: _FileState(
                BlobEvidence(frozenset((p, n) for p, n in found), Counter(debt), bool(tracked)),
                {(p, n): flags[number] for p, n, number in lives},
            )
            for path, found, debt, tracked, lives in document["files"]
        }
        return cls(files, flags, [DebtChange(*row) for row in document["debt_changes"]])


@dataclass
class ReplayResult:
    flags: list[FlagLife]  # every flag that ever lived; alive ones have no removed_commit
    debt_changes: list[DebtChange]
    debt_alive: dict[str, int]  # path -> debt-comment lines at HEAD
    blobs_evaluated: int = 0


BlobSource = Callable[[str, str], BlobEvidence | None]


def replay(changes: Iterable[ChainChange], evidence_of: BlobSource, state: ReplayState | None = None) -> ReplayResult:
    """Flag lifecycles and debt-comment changes from the chain's file changes, oldest first.

    ``evidence_of(blob, path)`` returns the evidence in one file version (it reads and caches blobs). A
    change is evaluated when git's ``-G`` saw a keyword in it or its file holds a flag keyword; otherwise
    its file's debt comments and (absent) flags carry over, following a rename. ``state`` (updated in place)
    resumes a replay where an earlier one stopped; by default the replay starts before the first commit.
    """
    state = state if state is not None else ReplayState()
    files, flags, debt_changes = state.files, state.flags, state.debt_changes
    evaluated = 0

    def apply_commit(batch: list[ChainChange]) -> None:
        nonlocal evaluated
        # Take every old state first: a commit may swap two files by renames.
        before = {change.path: files.pop(change.old_path or change.path, None) for change in batch}
        for change in batch:
            old = before[change.path]
            if change.status == "D":
                new_evidence = None
            elif change.keyword_hit or (old is not None and old.evidence.tracked):
                new_evidence = evidence_of(change.blob, change.path) if change.blob else None
                evaluated += 1
            else:
                if old is not None:  # no flag keyword before, none added: only the path can change
                    files[change.path] = old
                continue
            old_evidence = old.evidence if old else EMPTY_EVIDENCE
            after = new_evidence or EMPTY_EVIDENCE
            lives = old.lives if old else {}
            for key in list(lives):
                if key not in after.flags:
                    life = lives.pop(key)
                    life.removed_commit, life.removed_at = change.sha, change.committed_at
            for key in after.flags:
                found = lives.get(key)
                if found is None:
                    found = lives[key] = FlagLife(key[0], key[1], change.path, change.sha, change.committed_at)
                    flags.append(found)
                found.path = change.path
            added = after.debt - old_evidence.debt
            removed = old_evidence.debt - after.debt
            if added or removed:
                debt_changes.append(
                    DebtChange(change.sha, change.committed_at, change.path, sum(added.values()), sum(removed.values()))
                )
            if new_evidence is not None:
                files[change.path] = _FileState(new_evidence, lives)

    batch: list[ChainChange] = []
    for change in changes:
        if batch and change.sha != batch[0].sha:
            apply_commit(batch)
            batch = []
        batch.append(change)
    if batch:
        apply_commit(batch)
    return ReplayResult(flags, debt_changes, state.debt_alive(), evaluated)
