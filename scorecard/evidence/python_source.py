"""What a Python file's text says about ML glue code and fixed thresholds: its framework imports
(:data:`ML_FRAMEWORKS`), and its comparisons against float literals (other than 0 and 1).

Pure: bytes in, facts out, in time linear in the text: every regex runs on RE2
(:func:`scorecard.evidence.patterns.compile_regex`). The one idea: candidates are found first (import lines
naming a framework, comparisons with a float literal), then each is checked to lie in code, outside every
string and comment, by lexing the file's strings and comments from its start, and only as far as the last
candidate: imports sit at the top of a file, and most files compare nothing with a float. An ``import torch``
in a docstring or ``x < 0.5`` in a comment counts for nothing. What counts, exactly: README, "Git evidence",
``ml_imports.files`` and ``thresholds.literals``.
"""

from __future__ import annotations

from dataclasses import dataclass

from scorecard.evidence.patterns import compile_regex

# The libraries a model's code is written against: deep-learning frameworks and their direct ecosystems,
# classic ML libraries, and the model hubs and trainers built on them. Top-level import names.
ML_FRAMEWORKS = frozenset(
    {
        "torch", "torchvision", "torchaudio", "torchtext", "pytorch_lightning", "lightning",
        "tensorflow", "tf_keras", "keras",
        "jax", "flax", "optax", "haiku",
        "sklearn", "xgboost", "lightgbm", "catboost",
        "transformers", "mxnet", "paddle", "onnx", "onnxruntime",
    }
)  # fmt: skip

_FLOAT = (
    rb"(?:\b[0-9][0-9_]*\.[0-9_]*(?:[eE][-+]?[0-9][0-9_]*)?"  # 0.5  5.  1.5e-3
    rb"|\b[0-9][0-9_]*[eE][-+]?[0-9][0-9_]*"  # 1e-3
    rb"|\.[0-9][0-9_]*(?:[eE][-+]?[0-9][0-9_]*)?)"  # .5
)
# A comparison operator, and one character after it that shows it is not the first half of << >> <= >=.
_OPERATOR_THEN = rb"(?:<=|>=|<|>)(?:[^<>=]|\z)"
_COMPARISONS = compile_regex(
    (
        rb"<<|>>|->"  # consumed first, so that their halves are no comparison
        rb"|((" + _FLOAT + rb")\s*" + _OPERATOR_THEN + rb")"  # 1: a float (2), then an operator
        rb"|((?:<=|>=|<|>)\s*([-+]?" + _FLOAT + rb")(\s*" + _OPERATOR_THEN + rb")?)"  # 3: an operator, a float (4); 5
    ).decode("ascii"),
    "python_source comparisons",
)
_FRAMEWORK = "(?:" + "|".join(sorted(ML_FRAMEWORKS, key=lambda name: (-len(name), name))) + r")\b"
_ML_IMPORTS = compile_regex(
    rf"^[ \t]*(?:from[ \t]+({_FRAMEWORK})"  # 1: the framework imported from
    rf"|import[ \t]+((?:[\w.]+(?:[ \t]+as[ \t]+\w+)?[ \t]*,[ \t]*)*{_FRAMEWORK}[\w. \t,]*))",  # 2: the modules
    "python_source imports",
    multiline=True,
)
# What is not code: strings (triple-quoted first) and comments (a block of comment lines at once).
_NOT_CODE = compile_regex(
    (
        rb'"""(?s:.*?)"""'
        rb"|'''(?s:.*?)'''"
        rb'|"(?:[^"\\\n]|\\(?s:.))*"'
        rb"|'(?:[^'\\\n]|\\(?s:.))*'"
        rb"|#[^\n]*(?:\n[ \t]*#[^\n]*)*"
    ).decode("ascii"),
    "python_source strings",
)


@dataclass(frozen=True)
class PythonFacts:
    """What one version of a Python file holds: the ML frameworks it imports (sorted), and its comparisons
    against float literals."""

    frameworks: tuple[str, ...] = ()
    thresholds: int = 0

    def to_document(self) -> list[object]:
        return [list(self.frameworks), self.thresholds]

    @classmethod
    def from_document(cls, document: list[object]) -> PythonFacts:
        frameworks, thresholds = document
        assert isinstance(frameworks, list) and isinstance(thresholds, int)
        return cls(tuple(str(name) for name in frameworks), thresholds)


NO_FACTS = PythonFacts()


def python_facts(data: bytes) -> PythonFacts:
    """The framework imports and threshold literals of a Python file's contents."""
    imports = [(match.start(), match.groups()) for match in _ML_IMPORTS.finditer(data)]
    comparisons = [(match.start(), match.groups()) for match in _COMPARISONS.finditer(data) if any(match.group(1, 3))]
    candidates = sorted(imports + comparisons)
    frameworks: set[str] = set()
    thresholds = 0
    for (_, groups), in_code in zip(candidates, _in_code(data, [at for at, _ in candidates]), strict=True):
        if not in_code:
            continue
        if len(groups) == 2:
            imported_from, imported = groups
            frameworks.update([imported_from.decode("ascii")] if imported_from else _imported_modules(imported))
        elif not _is_bound(groups[1] or groups[3]):
            thresholds += 2 if groups[4] else 1
    return PythonFacts(tuple(sorted(frameworks & ML_FRAMEWORKS)), thresholds)


def _in_code(data: bytes, positions: list[int]) -> list[bool]:
    """Whether each of ``positions`` (ascending) lies in code, outside every string and comment.

    Strings and comments are read from the start of the file, as far as the last position only: imports
    sit at the top, and most files have no comparison to check.
    """
    found = []
    not_code = _NOT_CODE.finditer(data)
    start = end = -1
    for position in positions:
        while end <= position:
            match = next(not_code, None)
            if match is None:
                start = end = len(data) + 1
                break
            start, end = match.span()
        found.append(not start <= position < end)
    return found


def _is_bound(literal: bytes) -> bool:
    """Whether a float literal is 0 or 1 (either sign): the bounds of a share or a probability."""
    return abs(float(literal.replace(b"_", b""))) in (0.0, 1.0)


def _imported_modules(names: bytes) -> list[str]:
    """The top-level modules of ``a.b as c, d`` (what follows ``import``)."""
    return [part.split()[0].split(b".")[0].decode("ascii") for part in names.split(b",") if part.split()]
