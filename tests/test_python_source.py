"""Framework imports and threshold literals in Python text: exact on hand-written cases, and on programs
Hypothesis assembles from fragments whose counts are known; linear in time whatever the bytes."""

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scorecard.evidence.python_source import ML_FRAMEWORKS, PythonFacts, python_facts

SAMPLE = b'''"""Train.

    import tensorflow        (a docstring: no import)
    if x < 0.5: ...          (no comparison either)
"""
import os, torch.nn as nn, numpy as np
from sklearn.metrics import f1_score
from . import jax
from .torch import helpers
import torch_geometric
# if y > 0.3:  a comment
if loss < 0.5 and 1e-3 >= eps:
    pass
a = b << 2; c = 1.5 << 2; d = 1.5 >> 1
def f() -> 1.0: ...
if 0.1 < p < 0.9 and x < 0.5 < y:
    pass
s = "x > 0.5" + 'y <= .5'
z = x >= -2.
w = x < 10 and n > 1_000
q = (x
     > .5)
def g():
    from jax import numpy
'''


def test_imports_and_thresholds_of_a_sample():
    facts = python_facts(SAMPLE)
    assert facts.frameworks == ("jax", "sklearn", "torch")
    # loss<0.5, 1e-3>=, 0.1<p<0.9 (2), x<0.5<y (2), x>=-2., x > .5 across a line break
    assert facts.thresholds == 8


@pytest.mark.parametrize(
    ("text", "thresholds"),
    [
        (b"if x < 0.5:", 1),
        (b"if 0.5 > x:", 1),
        (b"if x<=1e-6:", 1),
        (b"if x >= 1_000.0:", 1),
        (b"if x > 5.:", 1),
        (b"if x > 5:", 0),
        (b"if x > 0x1e5:", 0),
        (b"y = x << 1.5", 0),
        (b"y = 1.5 >> x", 0),
        (b"def f() -> 0.5: ...", 0),
        (b"if a[0].b < .25:", 1),
        (b"if v1 < 2:", 0),
        (b"x = 'a < 0.5'  # b > 0.5", 0),
        (b'x = """\n0.5 < y\n"""', 0),
        (b"x = '''\n0.5 < y\n'''", 0),
        (b'x = "\\"" < 0.5', 1),
        (b"0.1 < 0.2 < 0.3", 2),
        (b"x < 0.5 < 0.7", 2),
        # 0 and 1 bound a share or guard a division: no tuned value.
        (b"if p <= 1.0 and p > 0.0:", 0),
        (b"if x > -1.:", 0),
        (b"0.0 <= p <= 1.", 0),
        (b"if x > 1e0 or y < 0e-3:", 0),
        (b"if x < 1.5 and y > -0.5:", 2),
    ],
)
def test_what_a_threshold_literal_is(text: bytes, thresholds: int):
    assert python_facts(text).thresholds == thresholds


def test_facts_round_trip_as_documents():
    facts = PythonFacts(("jax", "torch"), 3)
    assert PythonFacts.from_document(facts.to_document()) == facts


# -- programs assembled from fragments of known counts ------------------------------------------------------

FLOATS = st.sampled_from(["0.5", ".5", "5.", "1e-3", "2.5E+2", "1_0.0", "3.14"])
BOUNDS = st.sampled_from(["0.0", "1.0", "-1.", "0.", ".0", "1e0", "0e-3", "1_0e-1"])
NAMES = st.sampled_from(["x", "loss", "self.score", "a[0]", "f(y)"])
OPERATORS = st.sampled_from(["<", "<=", ">", ">="])


@st.composite
def code_fragment(draw) -> tuple[str, int, frozenset[str]]:
    """One line of code: its text, its threshold literals and the frameworks it imports."""
    kind = draw(st.integers(0, 8))
    name, operator, number = draw(NAMES), draw(OPERATORS), draw(FLOATS)
    framework = draw(st.sampled_from(sorted(ML_FRAMEWORKS)))
    if kind == 0:
        return f"ok = {name} {operator} {number}", 1, frozenset()
    if kind == 1:
        return f"ok = {number} {operator} {name}", 1, frozenset()
    if kind == 2:
        return f"ok = {name} {operator} {draw(st.integers(0, 99))}", 0, frozenset()
    if kind == 3:
        return f"ok = {name} << {number} >> {name}", 0, frozenset()
    if kind == 4:
        return f"import os, {framework}.sub as m", 0, frozenset({framework})
    if kind == 5:
        return f"    from {framework} import thing", 0, frozenset({framework})
    if kind == 6:
        return f"ok = {number} {operator} {name} {operator} {number}", 2, frozenset()
    if kind == 7:
        return f"ok = {name} {operator} {draw(BOUNDS)} or {draw(BOUNDS)} {operator} {name}", 0, frozenset()
    return f"ok = 1  # {name} {operator} {number}", 0, frozenset()


@st.composite
def hidden_fragment(draw) -> str:
    """Text that holds imports and comparisons only inside strings and comments."""
    inner = f"{draw(NAMES)} {draw(OPERATORS)} {draw(FLOATS)}"
    framework = draw(st.sampled_from(sorted(ML_FRAMEWORKS)))
    return draw(
        st.sampled_from(
            [
                f'doc = """\nimport {framework}\n{inner}\n"""',
                f"doc = '''\n  from {framework} import x\n{inner}'''",
                f"note = '{inner}'",
                f'note = "{inner} \\" {inner}"',
                f"# import {framework}; {inner}",
                f"    # {inner}",
            ]
        )
    )


@given(st.lists(st.one_of(code_fragment(), hidden_fragment()), max_size=30))
@settings(max_examples=300, deadline=None)
def test_counts_equal_those_of_the_fragments(fragments):
    text = "\n".join(part if isinstance(part, str) else part[0] for part in fragments) + "\n"
    known = [part for part in fragments if not isinstance(part, str)]
    facts = python_facts(text.encode())
    assert facts.thresholds == sum(count for _, count, _ in known)
    assert set(facts.frameworks) == set().union(*(names for _, _, names in known))


@given(st.binary(max_size=2_000))
@settings(max_examples=300, deadline=None)
def test_any_bytes_are_read_without_error(data: bytes):
    facts = python_facts(data)
    assert facts.thresholds >= 0 and set(facts.frameworks) <= ML_FRAMEWORKS


@pytest.mark.parametrize(
    "unit",
    [
        b'"\\"< 1.5',
        b"'''x < 1.5",
        b'"""< 1.5',
        b"#1.5<",
        b"1.5<",
        b"< 1.5 ",
        b"import torch,",
        b"\nfrom torch",
        b"0" * 50 + b".",
        b"\n'\\'1.5 < x",
    ],
    ids=repr,
)
def test_time_is_linear_in_the_text(unit: bytes):
    def seconds(repeats: int) -> float:
        text = unit * repeats
        started = time.perf_counter()
        python_facts(text)
        return time.perf_counter() - started

    small, large = seconds(3_000), seconds(30_000)
    assert large < 30 * max(small, 0.005)  # 10 times the text: far from 100 times the time
