"""Answers files: the YAML a team scripts a survey with, and the same format ``answers export`` writes.

```yaml
team: ranking
quarter: 2026Q4        # optional, default: the current quarter
bank: sculley2015      # optional, default: sculley2015
answers:
  entanglement-1: automated-checks          # an option id
  glue-code-2: {option: manual, note: "wrapped in our own predictor API"}
  feedback-1: na
```
Reading checks the whole file against its bank and reports every unknown question and option at once, so a
user fixes the file in one pass. Pure apart from reading the file.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from scorecard.errors import ScorecardError
from scorecard.quarters import normalize_quarter
from scorecard.survey.bank import Bank
from scorecard.survey.records import AnswerInput, StoredAnswer


class AnswersError(ScorecardError):
    """An answers file that cannot be read or does not fit its bank."""


@dataclass(frozen=True)
class FileAnswer:
    question_id: str
    option_id: str
    note: str | None = None


@dataclass(frozen=True)
class AnswersFile:
    path: str
    team: str | None
    quarter: str | None
    bank: str | None
    answers: tuple[FileAnswer, ...]


def _answer(path: str, question_id: str, value: Any) -> FileAnswer | str:
    """One entry of ``answers:``; a string describing the problem when it is malformed."""
    note = None
    if isinstance(value, dict):
        unknown_keys = sorted(set(value) - {"option", "note"})
        if unknown_keys:
            return f"{question_id}: unknown keys {', '.join(map(str, unknown_keys))} (use option and note)"
        note = value.get("note")
        if note is not None and not isinstance(note, str):
            return f"{question_id}: note must be text"
        value = value.get("option")
    if not isinstance(value, str) or not value.strip():
        return f"{question_id}: give an option id (text), not {value!r}"
    return FileAnswer(question_id, value.strip(), note if note else None)


def read_answers_file(path: Path | str) -> AnswersFile:
    """Parse an answers file; :class:`AnswersError` for a file that is missing, not YAML or not the format."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise AnswersError(f"answers file {path} not found") from None
    except (OSError, UnicodeDecodeError) as error:
        raise AnswersError(f"cannot read answers file {path}: {error}") from None
    try:
        data = yaml.safe_load(text)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark
        where = f" line {mark.line + 1}" if mark else ""
        raise AnswersError(f"answers file {path} is not valid YAML ({where.strip()}: {error.problem})") from None
    except yaml.YAMLError as error:
        raise AnswersError(f"answers file {path} is not valid YAML: {error}") from None
    if not isinstance(data, dict):
        raise AnswersError(f"answers file {path} must be a YAML mapping with an `answers:` mapping inside")
    unknown_keys = sorted(set(map(str, data)) - {"team", "quarter", "bank", "answers"})
    if unknown_keys:
        raise AnswersError(
            f"answers file {path} has unknown keys {', '.join(unknown_keys)} (use team, quarter, bank, answers)"
        )
    raw_answers = data.get("answers")
    if not isinstance(raw_answers, dict):
        raise AnswersError(f"answers file {path} needs an `answers:` mapping of question id to option id")
    answers: list[FileAnswer] = []
    problems: list[str] = []
    for question_id, value in raw_answers.items():
        parsed = _answer(str(path), str(question_id), value)
        if isinstance(parsed, str):
            problems.append(parsed)
        else:
            answers.append(parsed)
    if problems:
        raise AnswersError(f"answers file {path}: {'; '.join(problems)}")
    quarter = data.get("quarter")
    return AnswersFile(
        path=str(path),
        team=None if data.get("team") is None else str(data["team"]),
        quarter=None if quarter is None else normalize_quarter(str(quarter)),
        bank=None if data.get("bank") is None else str(data["bank"]),
        answers=tuple(answers),
    )


def resolve_answers(bank: Bank, answers: Iterable[FileAnswer], source: str = "answers") -> list[AnswerInput]:
    """Turn file answers into store inputs with their points; every unknown id is reported at once."""
    unknown_questions: list[str] = []
    unknown_options: list[str] = []
    resolved: list[AnswerInput] = []
    for answer in answers:
        question = bank.question(answer.question_id)
        if question is None:
            unknown_questions.append(answer.question_id)
            continue
        option = question.option(answer.option_id)
        if option is None:
            choices = "|".join(o.id for o in question.all_options)
            unknown_options.append(f"{answer.question_id}: {answer.option_id} (choose {choices})")
            continue
        resolved.append(AnswerInput(question.id, option.id, option.points, answer.note))
    problems = []
    if unknown_questions:
        problems.append(f"unknown question ids for bank {bank.id}: {', '.join(unknown_questions)}")
    if unknown_options:
        problems.append(f"unknown option ids: {'; '.join(unknown_options)}")
    if problems:
        raise AnswersError(f"{source}: {'; '.join(problems)}")
    return resolved


def answers_yaml(team: str, quarter: str, bank: Bank, answers: dict[str, StoredAnswer]) -> str:
    """The answers file for a survey, questions in bank order; reading it back gives the same answers.

    Carried-over answers that were never confirmed are left out: they do not count, so they are not exported.
    """
    entries: dict[str, Any] = {}
    order = [q.id for q in bank.questions] + sorted(set(answers) - {q.id for q in bank.questions})
    for question_id in order:
        answer = answers.get(question_id)
        if answer is None or answer.carried_over:
            continue
        if answer.note:
            entries[question_id] = {"option": answer.option_id, "note": answer.note}
        else:
            entries[question_id] = answer.option_id
    document = {"team": team, "quarter": quarter, "bank": bank.id, "answers": entries}
    return yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=1000, default_flow_style=None)
