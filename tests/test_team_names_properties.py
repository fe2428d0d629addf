"""Team names by property (scorecard/team_names.py): any text is a usable name or one short TeamNameError; a name
is normalised once for all; one team however it is cased or composed; nothing invisible survives."""

from __future__ import annotations

import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from scorecard.team_names import MAX_TEAM_NAME, TeamNameError, normalize_team_name, team_key

ANY_TEXT = st.text(st.characters(exclude_categories=()), max_size=120)
INVISIBLE = {"Cc", "Cf"}
# Dotless i (U+0131) upper-cases to I, whose case fold is i: Unicode's default folding keeps them apart
# (Turkish needs its own), so the two are rightly two names.
CASED_TEXT = st.text(st.characters(exclude_categories=(), exclude_characters="\u0131"), max_size=40)


def usable(text: str) -> str | None:
    try:
        return normalize_team_name(text)
    except TeamNameError as error:
        message = str(error)
        assert "\n" not in message and len(message) <= 200
        return None


@settings(max_examples=300, deadline=None)
@given(ANY_TEXT)
def test_any_text_is_a_usable_name_or_one_short_error_and_normalising_twice_changes_nothing(text):
    """300 examples: any code point, surrogates and controls included."""
    name = usable(text)
    if name is None:
        return
    assert 0 < len(name) <= MAX_TEAM_NAME and name == name.strip() and "  " not in name
    assert unicodedata.is_normalized("NFC", name)
    assert normalize_team_name(name) == name
    assert not any(unicodedata.category(c) in INVISIBLE for c in name + team_key(name))


@settings(max_examples=200, deadline=None)
@given(ANY_TEXT)
def test_nfc_and_nfd_spellings_are_one_team(text):
    """200 examples: the composed and the decomposed spelling of any text."""
    composed, decomposed = unicodedata.normalize("NFC", text), unicodedata.normalize("NFD", text)
    if usable(composed) is not None:
        assert team_key(composed) == team_key(decomposed)


@settings(max_examples=200, deadline=None)
@given(CASED_TEXT)
def test_upper_lower_and_title_case_spellings_are_one_team(text):
    """200 examples: any text but dotless i, in four casings."""
    variants = [v for v in (text, text.upper(), text.lower(), text.title()) if usable(v) is not None]
    assert len({team_key(v) for v in variants}) <= 1


def test_greek_letters_without_a_capital_are_one_team_in_capitals():
    # ΐ has no capital: upper-casing decomposes it, so team_key recomposes (NFC) after case folding.
    assert team_key("Team \u0390") == team_key("Team \u0390".upper())
