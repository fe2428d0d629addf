"""Messages quote user text safely: ``one_line`` and ``describe`` of scorecard/errors.py, by example and by property."""

from __future__ import annotations

import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from scorecard.errors import describe, one_line

ESCAPED = {"Cc", "Cf", "Cs", "Zl", "Zp"}
# Every code point, surrogates included (a str can hold one; a terminal cannot print it).
ANY_TEXT = st.text(st.characters(exclude_categories=()), max_size=120)
SHORT_TEXT = st.text(st.characters(exclude_categories=()), max_size=20)
NESTED = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | SHORT_TEXT
    | st.builds(pow, st.just(7), st.integers(300, 2000)),
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(SHORT_TEXT, inner, max_size=5),
    max_leaves=20,
)


def is_one_safe_line(text: str) -> bool:
    return len(text.splitlines()) <= 1 and not any(unicodedata.category(c) in ESCAPED for c in text)


def test_an_escape_sequence_cannot_retitle_the_terminal_nor_a_newline_split_the_line():
    assert (
        one_line("team\x1b]0;pwned\x07\nnext\u202egnp.exe\x85") == "team\\x1b]0;pwned\\x07\\x0anext\\u202egnp.exe\\x85"
    )


def test_a_long_text_is_cut_with_an_ellipsis_and_never_inside_an_escape():
    assert one_line("abcdefgh", 5) == "abcd…"
    assert one_line("ab\x1bcdef", 6) == "ab…"  # "ab\x1b" would need 6 characters and no ellipsis
    assert one_line("ab\x1bcdef", 7) == "ab\\x1b…"
    assert one_line("short", 5) == "short"


def test_describe_walks_no_more_of_a_value_than_it_shows():
    huge = [list(range(10**6))] * 10**6  # a million references: walking it all would take minutes
    assert describe(huge, 20) == "[[0, 1, 2, 3, 4, 5,…"
    assert describe(10**5000) == "<an integer of about 5001 digits>"
    assert describe({"k": "v\n"}) == "{'k': 'v\\x0a'}"


@settings(max_examples=200, deadline=None)
@given(text=ANY_TEXT, limit=st.integers(1, 80))
def test_one_line_is_one_safe_line_within_the_limit(text, limit):
    """200 examples: any text, any limit; the cut keeps whole escapes and the result is idempotent."""
    full = one_line(text, 10**6)
    shown = one_line(text, limit)
    assert is_one_safe_line(shown) and len(shown) <= limit
    if len(full) <= limit:
        assert shown == full
    else:
        kept = shown.removesuffix("…")
        assert shown.endswith("…") and full.startswith(kept)
    assert one_line(shown, limit) == shown


@settings(max_examples=200, deadline=None)
@given(text=ANY_TEXT, limit=st.integers(1, 80))
def test_one_line_cuts_between_characters_of_the_input(text, limit):
    """200 examples: what is kept before "…" is the escaping of a prefix of the input, never half an escape."""
    shown = one_line(text, limit)
    kept = shown.removesuffix("…")
    if shown != kept:
        assert any(one_line(text[:n], 10**6) == kept for n in range(len(text) + 1))


@settings(max_examples=120, deadline=None)
@given(value=NESTED, limit=st.integers(2, 80))
def test_describe_is_one_safe_line_within_the_limit(value, limit):
    """120 examples: nested lists, mappings, huge integers, floats, any text."""
    shown = describe(value, limit)
    assert is_one_safe_line(shown) and len(shown) <= limit
