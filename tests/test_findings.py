"""Findings in one file's contents: flags the default patterns match, debt-comment lines, tracking, caching."""

from __future__ import annotations

import re
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scorecard.evidence.findings import Evaluator, FileFindings, is_debt_comment
from scorecard.evidence.patterns import ScanSettings, parse_settings_text

# The definition of a debt comment as a regex (what scans used before is_debt_comment): the oracle.
OLD_DEBT_COMMENT = re.compile(r"(?:#|//|/\*|^\s*\*|--)\s*.*?\b(?:TODO|FIXME|XXX|HACK)\b", re.IGNORECASE | re.ASCII)
# Lines built of what decides the answer: markers and their pieces, debt words in several cases and inside
# longer words, word and non-word characters, every ASCII space, and non-ASCII letters (the long s and the Kelvin
# sign fold to s and k outside ASCII mode).
LINE_PARTS = st.sampled_from(
    ["#", "//", "/*", "--", "*", "-", "/", " ", "\t", "\v", "\f", "\r", "\x1c", "\xa0", "TODO", "todo", "FixMe",
     "XXX", "xxxx", "HACK", "hacks", "HAC\u212a", "\u017f", "é", "x", "_", "1", "(", ":"]
)  # fmt: skip


def test_default_patterns_match_across_lines_and_on_one_line():
    text = """
p.add_argument('--a', action='store_true')
p.add_argument(
    "--b",
    default=False,
    action=argparse.BooleanOptionalAction,
)
p.add_argument("--c", type=int)
flags.DEFINE_bool(
    "d", False, "x")
USE = os.environ.get("MODEL_USE_CACHE", "1")
if client.is_enabled("new-ranker"):
    pass
"""
    found = Evaluator(ScanSettings()).evaluate(text.encode(), "x.py")
    assert found is not None and found.flags == {
        ("argparse_switch", "--a"),
        ("argparse_switch", "--b"),
        ("absl_bool", "d"),
        ("env_toggle", "MODEL_USE_CACHE"),
        ("sdk_flag", "new-ranker"),
    }
    toml = Evaluator(ScanSettings()).evaluate(b'enable_x = "yes"\nuse_y: maybe\n', "a.toml")
    assert toml is not None and toml.flags == {("config_toggle", "enable_x")}


@pytest.mark.parametrize(
    ("line", "is_debt"),
    [
        ("# TODO: a", True),
        ("x = 1  # fixme later", True),
        ("// XXX js", True),
        ("/* todo c */", True),
        ("   * HACK in a block comment", True),
        ("-- FIXME sql", True),
        ("# TODOs are plural, not the word", False),
        ("TODO without a comment marker", False),
        ("let mastodon = 1;  // not a debt word", False),
    ],
)
def test_debt_comment_is_a_comment_marker_then_a_whole_debt_word(line: str, is_debt: bool):
    assert is_debt_comment(line.encode()) is is_debt


@settings(max_examples=400, deadline=None)
@given(st.lists(LINE_PARTS, max_size=14).map("".join))
def test_debt_comment_detection_answers_as_the_regex_did(line: str):
    assert is_debt_comment(line.encode("utf-8")) is (OLD_DEBT_COMMENT.search(line) is not None)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from([b"#", b"//", b"*", b" ", b"todo", b"\xff", b"\xe9", b"\xc3", b"x"]), max_size=10))
def test_debt_comment_detection_on_bytes_that_are_not_utf8_answers_as_on_the_decoded_line(parts: list[bytes]):
    line = b"".join(parts)
    expected = OLD_DEBT_COMMENT.search(line.decode("utf-8", "replace")) is not None
    assert is_debt_comment(line) is expected


def test_debt_comments_count_per_line_in_code_files_only():
    evaluator = Evaluator(ScanSettings())
    found = evaluator.evaluate(b"# TODO: a\n# TODO: a\nx = 1  # HACK\ny = 2\n# todo last", "a.py")
    assert found is not None and not found.tracked and found.flags == frozenset()
    assert found.debt == Counter({"# TODO: a": 2, "x = 1  # HACK": 1, "# todo last": 1})
    assert evaluator.evaluate(b"# TODO in docs\n", "notes.md") is None
    assert not evaluator.relevant("notes.md") and evaluator.relevant("a.py") and evaluator.relevant("c.yaml")


def test_binary_missing_and_keyword_free_contents_hold_nothing():
    evaluator = Evaluator(ScanSettings())
    assert evaluator.evaluate(None, "a.py") is None  # no blob (a deletion, or a submodule's commit id)
    assert evaluator.evaluate(b"\0# TODO in a binary file", "a.py") is None
    assert evaluator.evaluate(b"x = 1\n", "a.py") is None


def test_a_flag_keyword_without_a_match_still_tracks_the_file():
    found = Evaluator(ScanSettings()).evaluate(b"parser.add_argument(\n", "train.py")
    assert found == FileFindings(frozenset(), Counter(), tracked=True)


def test_findings_survive_their_json_cache_form():
    found = FileFindings(frozenset({("absl_bool", "x"), ("env_toggle", "USE_Y")}), Counter({"# TODO ü": 2}), True)
    assert FileFindings.from_json(found.to_json()) == found
    assert FileFindings.from_json(FileFindings().to_json()) == FileFindings()


def test_a_flag_name_that_re2_cuts_inside_a_character_is_kept_not_a_crash():
    settings = parse_settings_text(
        "[[flags]]\nid = 'byte'\nregex = 'knob(\\C)'\nsuffixes = ['.txt']\nkeywords = ['knob']\n", "f.toml"
    )
    assert settings is not None
    found = Evaluator(settings).evaluate("knobé = 1\n".encode(), "a.txt")  # \C is one byte of the two of é
    assert found is not None and found.flags == {("byte", "\ufffd")}
