"""What one version of a file holds: the flags its text matches and its debt-comment lines.

Pure: bytes in, findings out. A scan evaluates only the file versions where something can have changed
(see :mod:`scorecard.evidence.replay`), and caches each blob's findings by blob id and suffix.

Debt comments are lines of files with a code suffix matching :data:`DEBT_COMMENT` (case-insensitive): a
comment marker, then one of the debt words as a whole word.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field

from scorecard.evidence.filekinds import CODE_SUFFIXES, suffix_of
from scorecard.evidence.patterns import DEBT_KEYWORDS, FlagPattern, ScanSettings

DEBT_COMMENT = re.compile(
    r"(?:#|//|/\*|^\s*\*|--)\s*.*?\b(?:" + "|".join(DEBT_KEYWORDS) + r")\b", re.IGNORECASE | re.ASCII
)
_DEBT_PROBE_WORDS = tuple(word.lower().encode() for word in DEBT_KEYWORDS)  # found in lower-cased bytes
# git's own test for a binary blob: a NUL byte among the first 8000 bytes (xdiff's FIRST_FEW_BYTES).
BINARY_PROBE_BYTES = 8000


@dataclass(frozen=True)
class FileFindings:
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
    def from_json(cls, text: str) -> FileFindings:
        data = json.loads(text)
        return cls(frozenset((p, n) for p, n in data["flags"]), Counter(data["debt"]), bool(data["tracked"]))


NO_FINDINGS = FileFindings()


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
    """Finds flags and debt comments in file contents, for one scan's settings (rules cached per suffix)."""

    def __init__(self, settings: ScanSettings):
        self.settings = settings
        self._by_suffix: dict[str, _SuffixRules] = {}

    def _rules(self, suffix: str) -> _SuffixRules:
        found = self._by_suffix.get(suffix)
        if found is None:
            patterns = tuple(p for p in self.settings.flag_patterns if suffix in p.suffixes)
            words = sorted({kw for p in patterns for kw in p.keywords})
            keywords = tuple(word.encode() for word in words)
            found = self._by_suffix[suffix] = _SuffixRules(patterns, keywords, suffix in CODE_SUFFIXES)
        return found

    def relevant(self, path: str) -> bool:
        """Whether a file at ``path`` can hold a flag or a debt comment at all."""
        rules = self._rules(suffix_of(path))
        return bool(rules.flag_words) or rules.debt

    def evaluate(self, data: bytes | None, path: str) -> FileFindings | None:
        """What a file's contents hold; None when no keyword of either kind (or binary, or no blob)."""
        if data is None or b"\0" in data[:BINARY_PROBE_BYTES]:
            return None
        rules = self._rules(suffix_of(path))
        # Probe the bytes first (keywords are ASCII): most files evaluated for a debt comment hold no flag.
        tracked = any(word in data for word in rules.flag_words)
        flags = _flags_in(data, rules.patterns) if tracked else frozenset()
        lines = _debt_comments_in(data) if rules.debt else Counter()
        if not tracked and not lines:
            return None
        return FileFindings(flags, lines, tracked)


def _flags_in(data: bytes, patterns: tuple[FlagPattern, ...]) -> frozenset[tuple[str, str]]:
    text = data.decode("utf-8", "replace")
    return frozenset(
        (pattern.id, match.group(1))
        for pattern in patterns
        if any(keyword in text for keyword in pattern.keywords)
        for match in pattern.compiled.finditer(text)
        if match.group(1)
    )


def _debt_comments_in(data: bytes) -> Counter[str]:
    lines: Counter[str] = Counter()
    for start in _debt_line_starts(data):
        end = data.find(b"\n", start)
        line = (data[start:] if end < 0 else data[start:end]).decode("utf-8", "replace")
        if DEBT_COMMENT.search(line):
            lines[line] += 1
    return lines
