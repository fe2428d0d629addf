"""Answers files by property (scorecard/survey/answers_file.py, and `survey --answers` end to end): any file is
read as a valid AnswersFile or refused with one short AnswersError, and a refused import writes nothing."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import yaml
from hypothesis import event, given, settings
from hypothesis import strategies as st

from scorecard.errors import ScorecardError
from scorecard.survey.answers_file import AnswersError, AnswersFile, read_answers_file
from scorecard.survey.bank_file import load_bank
from tests.runner import run_cli

TEXT = st.text(st.characters(exclude_categories=()), max_size=30)
YAML_ISH = st.text(st.sampled_from(list("abq-1.0e+9:_ \n\t[]{}&*!|>'\"#,?%@`~\\")) | st.characters(), max_size=300)
VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | TEXT | st.dates(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT | st.integers(), inner, max_size=4),
    max_leaves=10,
)
QUESTIONS = load_bank("sculley2015").questions[:8]
OPTIONS = st.sampled_from(sorted({o.id for q in QUESTIONS for o in q.all_options}))
ENTRY = OPTIONS | VALUES | st.fixed_dictionaries({"option": OPTIONS | VALUES}, optional={"note": TEXT | VALUES})
DOCUMENT = st.fixed_dictionaries(
    {},
    optional={
        "team": st.sampled_from(["ranking", " Search  team "]) | TEXT | VALUES,
        "quarter": st.sampled_from(["2026Q4", "2026q1", "0999Q1", "9999Q4"]) | VALUES,
        "bank": st.sampled_from(["sculley2015", "ml-test-score", "nope"]) | VALUES,
        "answers": st.dictionaries(st.sampled_from([q.id for q in QUESTIONS]) | TEXT | st.integers(), ENTRY) | VALUES,
        "extra": VALUES,
    },
)
PAIRS = st.sampled_from(QUESTIONS).flatmap(lambda q: st.tuples(st.just(q.id), st.sampled_from(q.all_options)))
VALID = st.fixed_dictionaries(
    {"team": st.sampled_from(["ranking", "Search team"]), "answers": st.lists(PAIRS).map(lambda p: dict(p))},
    optional={"quarter": st.sampled_from(["2026Q4", "1970q1", "2999Q4"]), "bank": st.just("sculley2015")},
).map(lambda d: {**d, "answers": {q: o.id for q, o in d["answers"].items()}})
# A document as people break it: dumped as YAML, then maybe a line repeated (a key given twice) or YAML-ish
# text added at the end; and, among them, valid documents as they are.
FILES = st.builds(
    lambda document, repeat, tail: _broken(yaml.safe_dump(document, allow_unicode=True, sort_keys=False), repeat, tail),
    DOCUMENT,
    st.none() | st.integers(0, 40),
    st.none() | YAML_ISH,
) | VALID.map(lambda document: yaml.safe_dump(document, allow_unicode=True))
MAX_MESSAGE = 1000


def _broken(text: str, repeat: int | None, tail: str | None) -> str:
    lines = text.splitlines(keepends=True)
    if repeat is not None and lines:
        lines.insert(repeat % len(lines), lines[repeat % len(lines)])
    return "".join(lines) + (tail or "")


def assert_one_short_line(error: ScorecardError) -> None:
    message = str(error)
    assert "\n" not in message and len(message) <= MAX_MESSAGE, message


def read(text: str) -> AnswersFile | None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "answers.yaml"
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        try:
            parsed = read_answers_file(path)
        except AnswersError as error:
            assert_one_short_line(error)
            return None
    assert all(isinstance(value, str | None) for value in (parsed.team, parsed.quarter, parsed.bank))
    assert all(isinstance(a.option_id, str) and isinstance(a.note, str | None) for a in parsed.answers)
    return parsed


@settings(max_examples=200, deadline=None)
@given(YAML_ISH)
def test_any_yaml_ish_text_is_read_or_refused_in_one_line(text):
    """200 examples: YAML punctuation, anchors, aliases, tags, numbers and any character."""
    read(text)


@settings(max_examples=120, deadline=None)
@given(FILES)
def test_any_answers_shaped_document_is_read_or_refused_in_one_line(text):
    """120 examples: documents with the four fields holding any values (lists, mappings, numbers, dates,
    booleans, any text), real and unknown question and option ids, repeated lines and YAML-ish tails."""
    read(text)


@settings(max_examples=60, deadline=None)
@given(FILES)
def test_a_refused_import_writes_no_database(text):
    """60 examples of the documents above (about a third valid) through `scorecard survey --answers FILE
    --db DB` in-process: exit 0, or exit 1 with one `Error:` line and no database file."""
    with tempfile.TemporaryDirectory() as folder:
        path, db = Path(folder) / "answers.yaml", Path(folder) / "scorecard.db"
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        result = run_cli("survey", "--answers", str(path), db=db)
        event(f"exit code {result.exit_code}")
        if result.exit_code != 0:
            assert result.exit_code == 1 and not db.exists(), result.output
            [line] = result.stderr.splitlines()
            assert line.startswith("Error: ") and "internal error" not in line and len(line) <= MAX_MESSAGE + 7


def test_the_documents_include_valid_imports() -> None:
    """The strategy is not all noise: a plain document of it imports."""
    document: dict[str, Any] = {"team": "ranking", "answers": {QUESTIONS[0].id: "na"}}
    assert read(yaml.safe_dump(document)) is not None
