"""yaml_file.py: one way to read the YAML people edit: libyaml's speed with PyYAML's refusals, lines kept."""

from __future__ import annotations

import pytest

from scorecard.survey.yaml_file import MAX_DEPTH, LineDict, YamlFileError, parse_yaml


def block_nesting(levels: int) -> str:
    return "".join(f"{'  ' * level}k{level}:\n" for level in range(levels - 1)) + "  " * (levels - 1) + "k: v\n"


def test_mappings_keep_their_lines_and_the_keys_given_twice() -> None:
    tree = parse_yaml("team: a\nanswers:\n  q-1: x\n  q-1: y\n")
    assert isinstance(tree, LineDict) and tree.line_of("answers") == 2
    assert tree["answers"] == {"q-1": "y"} and tree["answers"].duplicates == [("q-1", 4)]


def test_block_nesting_at_the_limit_is_read_and_one_deeper_is_refused_at_its_line() -> None:
    assert parse_yaml(block_nesting(MAX_DEPTH - 1))
    with pytest.raises(YamlFileError, match=f"nested deeper than {MAX_DEPTH} levels") as refused:
        parse_yaml(block_nesting(MAX_DEPTH + 5))
    assert refused.value.line == MAX_DEPTH


@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 5_000, 200_000])
def test_flow_nesting_of_any_depth_is_the_same_one_line_refusal(depth: int) -> None:
    with pytest.raises(YamlFileError, match=f"^line 1: nested deeper than {MAX_DEPTH} levels$"):
        parse_yaml("a: " + "[" * depth)


def test_an_alias_is_refused_where_it_is_used() -> None:
    with pytest.raises(YamlFileError, match=r"^line 3: aliases \(\*name\) are not allowed"):
        parse_yaml("a: &x [1, 2]\nb: 2\nc: *x\n")


def test_a_control_character_is_named_with_its_line() -> None:
    with pytest.raises(YamlFileError, match=r"^line 2: character U\+0007 is not allowed in YAML$"):
        parse_yaml("a: 1\nb: \x07\n")
