"""The one exception family the command line turns into a one-line ``Error: ...`` and exit code 1.

Messages quote what users typed (team names, file values, paths), so :func:`one_line` makes any text safe to
print on one terminal line, and :func:`describe` quotes a parsed value without ever expanding more of it than
the message shows.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator

ELLIPSIS = "…"
# Control (Cc) and format (Cf: bidi overrides, zero-width) characters can retitle a terminal or reorder what
# it shows; surrogates (Cs) cannot be encoded to print; Zl and Zp end a line for str.splitlines.
_ESCAPED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})


class ScorecardError(Exception):
    """A problem with the user's input or environment, explained in one line (no traceback needed)."""


def _escape(char: str) -> str:
    if unicodedata.category(char) not in _ESCAPED_CATEGORIES:
        return char
    code = ord(char)
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def one_line(text: str, limit: int = 300) -> str:
    """``text`` on one line of at most ``limit`` characters: control and invisible characters escaped
    (``\\x1b``, ``\\u202e``), and a long text cut before an escape, never inside one, ending in "…"."""
    if limit < 1:
        raise ValueError(f"limit must be at least 1, not {limit}")
    pieces: list[str] = []
    length = 0
    for char in str(text):
        piece = _escape(char)
        if length + len(piece) > limit:
            # Keep room for the ellipsis: drop whole pieces until it fits, so no escape is split.
            while pieces and length + 1 > limit:
                length -= len(pieces.pop())
            return "".join(pieces) + ELLIPSIS
        pieces.append(piece)
        length += len(piece)
    return "".join(pieces)


def _pieces(value: object) -> Iterator[str]:
    """``value`` as a stream of short text pieces, depth first, so a caller can stop after a few."""
    if isinstance(value, str):
        yield "'"
        yield from value
        yield "'"
    elif isinstance(value, dict):
        yield "{"
        for index, (key, item) in enumerate(value.items()):
            yield ", " if index else ""
            yield from _pieces(key)
            yield ": "
            yield from _pieces(item)
        yield "}"
    elif isinstance(value, list | tuple | set | frozenset):
        yield "["
        for index, item in enumerate(value):
            yield ", " if index else ""
            yield from _pieces(item)
        yield "]"
    elif isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 200:
        # repr() of a huge int is slow, and past 4,300 digits it raises ValueError.
        yield f"<an integer of about {int(value.bit_length() * 0.30103) + 1} digits>"
    elif isinstance(value, bytes):
        yield repr(value[:100])
    else:
        yield repr(value)


def describe(value: object, limit: int = 60) -> str:
    """A parsed value quoted for a message (``'text'``, ``[1, 'a']``, ``{'k': 2}``): one line, at most
    ``limit`` characters; only as much of a nested value is walked as the message shows."""
    collected: list[str] = []
    length = 0
    for piece in _pieces(value):
        collected.append(piece)
        length += len(piece)
        if length > limit * 2:  # escapes may grow the text: collect a margin, then let one_line cut
            break
    return one_line("".join(collected), limit)
