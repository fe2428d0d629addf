"""What one version of a file holds: the flags its text matches and its debt-comment lines.

Pure: bytes in, findings out. A scan evaluates only the file versions where something can have changed
(see :mod:`scorecard.evidence.replay`), and caches each blob's findings by blob id and suffix.

Debt comments are lines of files with a code suffix for which :func:`is_debt_comment` holds: a comment
marker, then one of the debt words (any ASCII case) as a whole word. Both passes over a file take time linear
in its size, however long its lines: flag patterns run on RE2 (see :mod:`scorecard.evidence.patterns`), and
debt comments are found without a regex.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field

from scorecard.evidence.filekinds import CODE_SUFFIXES, suffix_of
from scorecard.evidence.patterns import DEBT_KEYWORDS, FlagPattern, ScanSettings

_DEBT_PROBE_WORDS = tuple(word.lower().encode() for word in DEBT_KEYWORDS)  # found in lower-cased bytes
# Comment markers anywhere on a line; a line whose first other character is "*" (inside a block comment)
# is a comment too.
_COMMENT_MARKERS = (b"#", b"//", b"/*", b"--")
_ASCII_SPACE = b" \t\n\r\f\v"
_WORD_BYTES = frozenset(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")
# git's own test for a binary blob: a NUL byte among the first 8000 bytes (xdiff's FIRST_FEW_BYTES).
BINARY_PROBE_BYTES = 8000


@dataclass(frozen=True)
class FileFindings:
    """What one version of a file holds: flags as ``(pattern id, name)`` and debt-comment lines.

    ``tracked``: the text holds a flag keyword, so every later change to the file must be evaluated.
    ``flag_texts``: per flag, a digest of its text (see :func:`flag_text_digest`); where it differs between
    two versions of a file, the flag changed (:mod:`scorecard.evidence.replay`).
    """

    flags: frozenset[tuple[str, str]] = frozenset()
    debt: Counter[str] = field(default_factory=Counter)
    tracked: bool = False
    flag_texts: Mapping[tuple[str, str], str] = field(default_factory=dict)

    def to_json(self) -> str:
        document = {
            "flags": sorted(self.flags),
            "debt": dict(self.debt),
            "tracked": self.tracked,
            "texts": sorted([p, n, digest] for (p, n), digest in self.flag_texts.items()),
        }
        return json.dumps(document, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> FileFindings:
        data = json.loads(text)
        texts = {(p, n): digest for p, n, digest in data["texts"]}
        return cls(frozenset((p, n) for p, n in data["flags"]), Counter(data["debt"]), bool(data["tracked"]), texts)


NO_FINDINGS = FileFindings()


@dataclass(frozen=True)
class _SuffixRules:
    patterns: tuple[FlagPattern, ...]
    flag_words: tuple[bytes, ...]  # the flag keywords of these patterns, as written (like git -G)
    debt: bool  # a code suffix: debt comments count


def is_debt_comment(line: bytes) -> bool:
    r"""Whether one line (UTF-8, no newline) is a debt comment: a comment marker, then a debt word.

    The answer of the regex ``(?:#|//|/\*|^\s*\*|--)\s*.*?\b(?:TODO|FIXME|XXX|HACK)\b`` (ASCII, any case) on
    the decoded line, found in linear time: that regex retries every marker to the end of the line, which
    takes seconds on one minified line. A match needs a debt word starting at or after the end of some
    marker, so the first marker's end is the one to look from.
    """
    lower = line.lower()  # bytes: ASCII letters only, so positions stay where they were
    ends = [at + len(marker) for marker in _COMMENT_MARKERS if (at := lower.find(marker)) >= 0]
    indent = len(lower) - len(lower.lstrip(_ASCII_SPACE))
    if lower[indent : indent + 1] == b"*":
        ends.append(indent + 1)
    if not ends:
        return False
    start = min(ends)
    for word in _DEBT_PROBE_WORDS:
        at = lower.find(word, start)
        while at >= 0:
            after = at + len(word)
            if (at == 0 or lower[at - 1] not in _WORD_BYTES) and (
                after == len(lower) or lower[after] not in _WORD_BYTES
            ):
                return True
            at = lower.find(word, at + 1)
    return False


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
        flag_texts = _flags_in(data, rules.patterns) if tracked else {}
        lines = _debt_comments_in(data) if rules.debt else Counter()
        if not tracked and not lines:
            return None
        return FileFindings(frozenset(flag_texts), lines, tracked, flag_texts)


def flag_text_digest(occurrences: list[bytes]) -> str:
    """A digest of the text of a flag's occurrences in one file, each from its name to the end of its match
    (``--fast", action="store_true`` of an ``add_argument``, ``use_ema: true``), as a formatter cannot change
    it: whitespace and line breaks left out, ``'`` read as ``"``; in any order (moving an occurrence within
    the file does not change it). Black or ruff rewrapping a call changes none of it; a toggle flipped, an
    action or a help text before it edited does."""
    parts = sorted(b"".join(occurrence.split()).replace(b"'", b'"') for occurrence in occurrences)
    return hashlib.blake2b(b"\n".join(parts), digest_size=8).hexdigest()


def _flags_in(data: bytes, patterns: tuple[FlagPattern, ...]) -> dict[tuple[str, str], str]:
    """Each flag the patterns match, with the digest of its text."""
    # RE2 reads UTF-8 bytes: bytes that are not UTF-8 become U+FFFD first, as in the text the user sees.
    try:
        data.decode("utf-8")
        text = data
    except UnicodeDecodeError:
        text = data.decode("utf-8", "replace").encode("utf-8")
    occurrences: dict[tuple[str, str], list[bytes]] = {}
    for pattern in patterns:
        if not any(keyword.encode("utf-8") in text for keyword in pattern.keywords):
            continue
        for match in pattern.compiled.finditer(text):
            name = match.group(1)
            if not name:
                continue
            key = (pattern.id, name.decode("utf-8", "replace"))  # RE2's \C can end a group mid-character
            occurrences.setdefault(key, []).append(text[match.start(1) : match.end()])
    return {key: flag_text_digest(found) for key, found in occurrences.items()}


def _debt_comments_in(data: bytes) -> Counter[str]:
    lines: Counter[str] = Counter()
    for start in _debt_line_starts(data):
        end = data.find(b"\n", start)
        line = data[start:] if end < 0 else data[start:end]
        if is_debt_comment(line):
            lines[line.decode("utf-8", "replace")] += 1
    return lines
