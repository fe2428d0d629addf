"""Words a respondent reads in a question bank: every question's text plus every option label.

The measure behind the 2,300-word target of issue 12 (questions/CHANGELOG.md). Help text is not counted: it is
read on demand. Words are whitespace-separated tokens of the YAML strings as loaded.

    .venv/bin/python bench/bank_words.py questions/sculley2015.yaml [questions/archive/sculley2015.v1.yaml ...]
"""

from __future__ import annotations

import sys
from pathlib import Path

import yaml


def bank_words(path: Path) -> tuple[int, int]:
    """(words, questions) of the bank file at ``path``."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    questions = data["questions"]
    words = sum(
        len(str(q["text"]).split()) + sum(len(str(o["label"]).split()) for o in q["options"]) for q in questions
    )
    return words, len(questions)


def main(paths: list[str]) -> None:
    for path in paths:
        words, count = bank_words(Path(path))
        print(f"{path}: {words:,} words over {count} questions")


if __name__ == "__main__":
    main(sys.argv[1:])
