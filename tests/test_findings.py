"""Findings in one file's contents: flags the default patterns match, debt-comment lines, tracking, caching."""

from __future__ import annotations

from collections import Counter

import pytest

from scorecard.evidence.findings import DEBT_COMMENT, Evaluator, FileFindings
from scorecard.evidence.patterns import ScanSettings


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
    assert (DEBT_COMMENT.search(line) is not None) is is_debt


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
