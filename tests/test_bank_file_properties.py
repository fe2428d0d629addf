"""Bank files by property (scorecard/survey/bank_file.py): any file gives a Bank or a list of problems, each one
line, and loading it gives a Bank or one short BankError; never another exception."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from scorecard.survey.bank import Bank
from scorecard.survey.bank_file import BankError, lint_bank_file, load_bank_file
from tests.banks import MEAN_BANK

TEXT = st.text(st.characters(exclude_categories=()), max_size=30)
YAML_ISH = st.text(st.sampled_from(list("abq-1.0e+9:_ \n\t[]{}&*!|>'\"#,?%@`~\\")) | st.characters(), max_size=300)
VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | TEXT | st.integers(0, 1300).map(lambda n: 10**n),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT | st.integers(), inner, max_size=4),
    max_leaves=12,
)


def places(node: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every key path into the parsed tiny bank, the root's fields and every nested one."""
    found = [path] if path else []
    children = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else []
    for key, child in children:
        found.extend(places(child, (*path, key)))
    return found


TINY = yaml.safe_load(MEAN_BANK)
PLACES = places(TINY)


def with_value(path: tuple[Any, ...], value: Any) -> dict[str, Any]:
    bank = yaml.safe_load(MEAN_BANK)  # a fresh copy to change
    node = bank
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return bank


def check(text: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bank.yaml"
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        try:
            bank = load_bank_file(path)  # lint_bank_file's checks, then the Bank or one BankError
        except BankError as error:
            assert error.problems and "\n" not in str(error) and len(str(error)) <= 1000
            assert all("\n" not in str(p) and len(p.message) <= 700 for p in error.problems)
        else:
            assert isinstance(bank, Bank) and lint_bank_file(path) == []


@settings(max_examples=200, deadline=None)
@given(YAML_ISH)
def test_any_yaml_ish_text_gives_a_bank_or_problems(text):
    """200 examples: YAML punctuation, anchors, aliases, tags, numbers and any character."""
    check(text)


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(PLACES), VALUES)
def test_any_value_anywhere_in_a_valid_bank_gives_a_bank_or_problems(path, value):
    """60 examples: one field of the tiny bank (any depth) replaced by nested lists, mappings, huge or
    non-finite numbers, booleans, nulls or any text, dumped as YAML."""
    check(yaml.safe_dump(with_value(path, value), allow_unicode=True))
