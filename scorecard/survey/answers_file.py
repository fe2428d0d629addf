"""Answers files: the YAML a team scripts a survey with, and the same format ``answers export`` writes
(README, "The answers file"). Pure apart from reading the file.

Reading checks the whole file against its bank and reports every unknown question and option at once, so a
user fixes the file in one pass. Hostile input is refused in one line: YAML's own types are never turned
into text (``team: no`` is a boolean), a key given twice, aliases (a 414-byte alias bomb is 400 MB once
walked; see :mod:`.yaml_file`), a file over 1 MB, a note over 2,000 characters, a link over 500 or on more
than one line; messages quote at most :data:`SHOWN` characters. An action's ``created`` quarter defaults to
the file's, so importing a file again adds no action twice.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from scorecard.errors import ScorecardError, describe, one_line
from scorecard.quarters import QuarterError, normalize_quarter
from scorecard.survey.actions import Action, ActionError, check_note, check_owner, check_quarter, new_action
from scorecard.survey.bank import Bank
from scorecard.survey.records import AnswerInput, StoredAnswer
from scorecard.survey.respondents import RespondentError, normalize_respondent
from scorecard.survey.systems import SystemNameError, normalize_system_name
from scorecard.survey.yaml_file import LineDict, YamlFileError, parse_yaml, read_text

MAX_ANSWERS_FILE_BYTES = 1_000_000
MAX_NOTE = 2_000
MAX_LINK = 500
SHOWN = 60
"""Characters of a value quoted in a message."""
LISTED = 5
"""Problems, or unknown ids, listed in one message (each cut to 150 characters); the rest are counted."""
MAX_MESSAGE = 1_000
FIELDS = ("team", "quarter", "bank", "respondent", "system", "answers", "actions")
ANSWER_KEYS = ("option", "note", "link")
ACTION_KEYS = ("question", "target", "due", "owner", "note", "created", "dropped")


class AnswersError(ScorecardError):
    """An answers file that cannot be read or does not fit its bank."""


@dataclass(frozen=True)
class FileAnswer:
    question_id: str
    option_id: str
    note: str | None = None
    link: str | None = None


@dataclass(frozen=True)
class FileAction:
    """One entry of ``actions:``, its quarters and names normalised; checked against a bank by
    :func:`resolve_actions`."""

    line: int
    question_id: str
    target: str
    due: str
    owner: str | None = None
    note: str | None = None
    created: str | None = None
    dropped: str | None = None
    """The reason the action was dropped; None: not dropped."""


@dataclass(frozen=True)
class AnswersFile:
    path: str
    team: str | None
    quarter: str | None
    bank: str | None
    answers: tuple[FileAnswer, ...]
    respondent: str | None = None
    """Whose answers the file holds (normalised); None: the team answers."""
    actions: tuple[FileAction, ...] = ()
    system: str | None = None
    """The team's system the answers are for (normalised); None: the team-level survey."""


def file_label(path: Path | str) -> str:
    """How messages name an answers file: its path on one line, cut if very long."""
    return f"answers file {one_line(str(path), 200)}"


def _listed(items: list[str], separator: str = "; ") -> str:
    more = len(items) - LISTED
    shown = separator.join(one_line(item, 150) for item in items[:LISTED])
    return shown + (f"{separator}and {more} more" if more > 0 else "")


def _key(key: Any) -> str:
    """A mapping key for a message: text as it is (escaped, cut), anything else quoted like a value."""
    return one_line(key, SHOWN) if isinstance(key, str) else describe(key, SHOWN)


def _kind(value: Any) -> str:
    """What a value that should have been text is, for a message."""
    if isinstance(value, bool):
        return f"a yes/no value ({value})"
    if isinstance(value, int | float):
        return f"a number ({describe(value, 30)})"
    if isinstance(value, date):
        return f"a date ({value.isoformat()})"
    if isinstance(value, list | dict):
        return "a list" if isinstance(value, list) else "a mapping"
    return f"{type(value).__name__} {describe(value, 30)}"


def _duplicates(node: LineDict, what: str = "") -> list[str]:
    return [f"line {line}: {what}{_key(key)} given twice" for key, line in node.duplicates]


def _text_problem(shown: str, key: str, value: Any, limit: int) -> str | None:
    """What is wrong with a note or link (None when it is fine or absent)."""
    if value is None:
        return None
    if not isinstance(value, str):
        return f"{shown}: {key} must be text, not {_kind(value)}"
    if len(value) > limit:
        return f"{shown}: {key} has {len(value):,} characters, at most {limit:,}"
    if key == "link" and value.strip() != one_line(value.strip(), limit):
        return f"{shown}: a link is one line of plain text (no line breaks or control characters)"
    return None


def _answer(question_id: str, value: Any) -> FileAnswer | list[str]:
    """One entry of ``answers:``; the problems when it is malformed."""
    shown = one_line(question_id, SHOWN)
    note = link = None
    if isinstance(value, LineDict):
        problems = _duplicates(value, f"{shown}: ")
        unknown_keys = [_key(key) for key in value if key not in ANSWER_KEYS]
        if unknown_keys:
            problems.append(f"{shown}: unknown keys {_listed(unknown_keys, ', ')} (use {', '.join(ANSWER_KEYS)})")
        note, link = value.get("note"), value.get("link")
        for key, given, limit in (("note", note, MAX_NOTE), ("link", link, MAX_LINK)):
            problem = _text_problem(shown, key, given, limit)
            if problem:
                problems.append(problem)
        if problems:
            return problems
        value = value.get("option")
    if not isinstance(value, str) or not value.strip():
        return [f"{shown}: give an option id (text), not {describe(value, SHOWN)}"]
    return FileAnswer(
        question_id, value.strip(), note if note else None, link.strip() if link and link.strip() else None
    )


def _answers(raw: Any) -> tuple[list[FileAnswer], list[str]]:
    if not isinstance(raw, LineDict):
        return [], ["needs an `answers:` mapping of question id to option id"]
    answers: list[FileAnswer] = []
    problems = _duplicates(raw, "question ")
    for question_id, value in raw.items():
        if not isinstance(question_id, str):
            problems.append(
                f"line {raw.line_of(question_id)}: question id {describe(question_id, SHOWN)} must be text: quote it"
            )
            continue
        parsed = _answer(question_id, value)
        if isinstance(parsed, list):
            problems.extend(parsed)
        else:
            answers.append(parsed)
    return answers, problems


def _checked(check: Any, value: str | None, where: str, problems: list[str]) -> Any:
    """``check(value)`` (a :mod:`.actions` helper), its error added to ``problems`` with ``where``; None then."""
    if value is None:
        return None
    try:
        return check(value)
    except ActionError as error:
        problems.append(f"{where}: {error}")
        return None


def _action(entry: Any, line: int) -> FileAction | list[str]:
    """One entry of ``actions:``; the problems when it is malformed (its bank is checked later)."""
    where = f"line {line}: action"
    if not isinstance(entry, LineDict):
        return [f"{where}: give a mapping with {', '.join(ACTION_KEYS[:3])} (and {', '.join(ACTION_KEYS[3:])})"]
    problems = _duplicates(entry, "action: ")
    unknown_keys = [_key(key) for key in entry if key not in ACTION_KEYS]
    if unknown_keys:
        problems.append(f"{where}: unknown keys {_listed(unknown_keys, ', ')} (use {', '.join(ACTION_KEYS)})")
    text = {key: _text_field(entry, key, "text", problems, where) for key in ACTION_KEYS}
    for key in ("question", "target", "due"):
        if entry.get(key) is None or (text[key] is not None and not str(text[key]).strip()):
            problems.append(f"{where}: {key} is missing")
    due = _checked(lambda q: check_quarter(q, "due"), text["due"], where, problems)
    created = _checked(lambda q: check_quarter(q, "created"), text["created"], where, problems)
    owner = _checked(check_owner, text["owner"], where, problems)
    note = _checked(check_note, text["note"], where, problems)
    dropped = text["dropped"]
    if dropped is not None and not dropped.strip():
        problems.append(f"{where}: dropped must give the reason the action was dropped")
    if problems:
        return problems
    question, target = str(text["question"]).strip(), str(text["target"]).strip()
    return FileAction(line, question, target, due, owner, note, created, dropped.strip() if dropped else None)


def _actions(raw: Any, line: int) -> tuple[list[FileAction], list[str]]:
    if raw is None:
        return [], []
    if not isinstance(raw, list):
        return [], [f"line {line}: actions must be a list of mappings (- {{question: ..., target: ..., due: ...}})"]
    actions: list[FileAction] = []
    problems: list[str] = []
    for entry in raw:
        parsed = _action(entry, entry.line if isinstance(entry, LineDict) else line)
        if isinstance(parsed, list):
            problems.extend(parsed)
        else:
            actions.append(parsed)
    return actions, problems


def _text_field(data: LineDict, key: str, what: str, problems: list[str], where: str | None = None) -> str | None:
    """``data[key]`` when it is text or absent; else a problem said at ``where`` (default: the key's line)."""
    value = data.get(key)
    if value is None or isinstance(value, str):
        return value
    problems.append(f"{where or f'line {data.line_of(key)}'}: {key} must be {what}, not {_kind(value)}")
    return None


def _name_field(
    data: LineDict, key: str, what: str, normalize: Callable[[str], str], problems: list[str]
) -> str | None:
    """A top-level name (``respondent:``, ``system:``) normalised by the rules of names; None and a problem when
    it is not text or not a usable name."""
    value = _text_field(data, key, what, problems)
    if value is None:
        return None
    try:
        return normalize(value)
    except (RespondentError, SystemNameError) as error:
        problems.append(f"line {data.line_of(key)}: {error}")
        return None


def _load(path: Path) -> LineDict:
    try:
        text = read_text(path, MAX_ANSWERS_FILE_BYTES)
    except YamlFileError as error:
        where = f" (line {error.line})" if error.line else ""
        raise AnswersError(f"{file_label(path)} {error.detail}{where}") from None
    try:
        data = parse_yaml(text)
    except YamlFileError as error:
        raise AnswersError(f"{file_label(path)} is not valid YAML ({error})") from None
    if not isinstance(data, LineDict):
        raise AnswersError(f"{file_label(path)} must be a YAML mapping with an `answers:` mapping inside")
    return data


def read_answers_file(path: Path | str) -> AnswersFile:
    """Parse an answers file; :class:`AnswersError` for a file that is missing, not YAML or not the format."""
    path = Path(path)
    data = _load(path)
    problems = _duplicates(data)
    unknown_keys = [describe(key, SHOWN) for key in data if key not in FIELDS]
    if unknown_keys:
        problems.append(f"unknown keys {_listed(unknown_keys, ', ')} (use {', '.join(FIELDS)})")
    team = _text_field(data, "team", "text", problems)
    quarter = _text_field(data, "quarter", "text like 2026Q4", problems)
    bank = _text_field(data, "bank", "text (a bank id or file)", problems)
    respondent = _name_field(data, "respondent", "text (a person's name)", normalize_respondent, problems)
    system = _name_field(data, "system", "text (a system's name)", normalize_system_name, problems)
    answers, answer_problems = _answers(data.get("answers"))
    problems.extend(answer_problems)
    actions, action_problems = _actions(data.get("actions"), data.line_of("actions"))
    problems.extend(action_problems)
    if quarter is not None:
        try:
            quarter = normalize_quarter(quarter)
        except QuarterError as error:
            problems.append(f"line {data.line_of('quarter')}: {error}")
    if problems:
        raise AnswersError(one_line(f"{file_label(path)}: {_listed(problems)}", MAX_MESSAGE))
    return AnswersFile(
        path=str(path),
        team=team,
        quarter=quarter,
        bank=bank,
        answers=tuple(answers),
        respondent=respondent,
        actions=tuple(actions),
        system=system,
    )


def resolve_answers(bank: Bank, answers: Iterable[FileAnswer], source: str = "answers") -> list[AnswerInput]:
    """Turn file answers into store inputs with their points; every unknown id is reported at once (the first
    few of each kind by name, the rest counted)."""
    unknown_questions: list[str] = []
    unknown_options: list[str] = []
    refused: list[str] = []
    resolved: list[AnswerInput] = []
    for answer in answers:
        question = bank.question(answer.question_id)
        if question is None:
            unknown_questions.append(one_line(answer.question_id, SHOWN))
            continue
        option = question.option(answer.option_id)
        if option is not None and not bank.offers(option.id):
            refused.append(one_line(question.id, SHOWN))
            continue
        if option is None:
            choices = one_line("|".join(o.id for o in bank.offered_options(question)), 120)
            unknown_options.append(f"{question.id}: {one_line(answer.option_id, SHOWN)} (choose {choices})")
            continue
        resolved.append(AnswerInput(question.id, option.id, option.points, answer.note, link=answer.link))
    problems = []
    if unknown_questions:
        problems.append(f"unknown question ids for bank {bank.id}: {_listed(unknown_questions, ', ')}")
    if unknown_options:
        problems.append(f"unknown option ids: {_listed(unknown_options)}")
    if refused:
        problems.append(
            f"bank {bank.id} v{bank.version} does not offer na (its rubric has no N/A: na would score 0);"
            f" answer unknown or the option that fits: {_listed(refused, ', ')}"
        )
    if problems:
        raise AnswersError(one_line(f"{source}: {'; '.join(problems)}", MAX_MESSAGE))
    return resolved


def resolve_actions(
    bank: Bank, team: str, quarter: str, actions: Iterable[FileAction], source: str = "answers", system: str = ""
) -> list[Action]:
    """The file's actions checked against ``bank`` (question, target, due not before created), as records to
    store (``created`` defaults to ``quarter``; ``system``: the file's, '' the team level); every problem is
    reported at once, with its line."""
    resolved: list[Action] = []
    problems: list[str] = []
    for entry in actions:
        try:
            created = entry.created or quarter
            action = new_action(
                bank, team, entry.question_id, entry.target, entry.due, created, entry.owner, entry.note, system
            )
        except ActionError as error:
            problems.append(f"line {entry.line}: action: {error}")
            continue
        resolved.append(replace(action, drop_reason=entry.dropped) if entry.dropped else action)
    if problems:
        raise AnswersError(one_line(f"{source}: {_listed(problems)}", MAX_MESSAGE))
    return resolved


def _action_entry(action: Action) -> dict[str, Any]:
    entry: dict[str, Any] = {"question": action.question_id, "target": action.target, "due": action.due}
    entry.update({key: value for key, value in (("owner", action.owner), ("note", action.note)) if value})
    entry["created"] = action.created
    if action.drop_reason is not None:
        entry["dropped"] = action.drop_reason
    return entry


def answers_yaml(
    team: str,
    quarter: str,
    bank: Bank,
    answers: dict[str, StoredAnswer],
    respondent: str | None = None,
    actions: Sequence[Action] | None = None,
    system: str = "",
) -> str:
    """The answers file for a survey's team answers (or ``respondent``'s), questions in bank order, with
    ``actions`` (the team's, as stored) when given; reading it back gives the same answers and actions.

    Carried-over answers that were never confirmed are left out: they do not count, so they are not exported.
    """
    entries: dict[str, Any] = {}
    order = [q.id for q in bank.questions] + sorted(set(answers) - {q.id for q in bank.questions})
    for question_id in order:
        answer = answers.get(question_id)
        if answer is None or answer.carried_over:
            continue
        extra = {key: value for key, value in (("note", answer.note), ("link", answer.link)) if value}
        entries[question_id] = {"option": answer.option_id, **extra} if extra else answer.option_id
    document: dict[str, Any] = {"team": team, "quarter": quarter, "bank": bank.id}
    if respondent is not None:
        document["respondent"] = respondent
    if system:
        document["system"] = system
    document["answers"] = entries
    if actions:
        document["actions"] = [_action_entry(action) for action in actions]
    return yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=1000, default_flow_style=None)
