"""Bank files: YAML read with line numbers, validated with errors a person can act on, loaded as a Bank.

The format is documented in ``docs/bank-format.md``. :func:`lint_bank_file` lists every problem of a file (with
the file, line and question id); :func:`load_bank` returns a :class:`Bank` or raises :class:`BankError` listing
all of them. Nothing here scores or stores anything.
"""

from __future__ import annotations

import math
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path
from typing import Any

from scorecard.errors import ScorecardError, describe, one_line
from scorecard.paths import banks_dir
from scorecard.survey.bank import (
    AGGREGATIONS,
    DEFAULT_BANK,
    UNIVERSAL_IDS,
    Area,
    Bank,
    EvidenceRule,
    Level,
    Option,
    Question,
    QuestionHelp,
    Topic,
)
from scorecard.survey.bank_paths import archive_files, bank_versions, misnamed, version_path
from scorecard.survey.bank_versions import parse_previous, previous_problems
from scorecard.survey.rule_file import parse_rules
from scorecard.survey.systems import ROLLUPS
from scorecard.survey.yaml_file import LineDict, YamlFileError, parse_yaml, read_text

TOPICS_FILE = "topics.yaml"
# Ids are quoted in every message about them: at most 64 characters keeps those messages short.
ID_PATTERN = re.compile(r"[a-z0-9][a-z0-9-]{0,63}")
TOPIC_PATTERN = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")
MAX_BANK_FILE_BYTES = 2_000_000
MAX_VERSION = 1_000_000

# ---------------------------------------------------------------------------------------------------------
# Problems and errors


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a bank file: where (file, line, question) and what."""

    file: str
    message: str
    line: int | None = None
    question: str | None = None

    def __str__(self) -> str:
        place = one_line(self.file, 1000) + (f":{self.line}" if self.line else "")
        subject = f" question {self.question}:" if self.question else ""
        return f"{place}:{subject} {self.message}"


class BankError(ScorecardError):
    """A bank that cannot be found or loaded; ``problems`` lists everything wrong with it."""

    def __init__(self, message: str, problems: list[Problem] | None = None):
        super().__init__(message)
        self.problems = problems or []


def _read_yaml(path: Path) -> tuple[Any, list[Problem]]:
    try:
        text = read_text(path, MAX_BANK_FILE_BYTES)
    except YamlFileError as error:
        return None, [Problem(str(path), f"the file {error.detail}", error.line)]
    try:
        return parse_yaml(text), []
    except YamlFileError as error:
        return None, [Problem(str(path), f"YAML syntax error: {error.detail}", error.line)]


# ---------------------------------------------------------------------------------------------------------
# Validation and construction


def _line(node: Any) -> int | None:
    return node.line if isinstance(node, LineDict) else None


def _is_number(value: Any) -> bool:
    """A finite int or float (not a bool); an int too large for a float is not a number here."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    return abs(value) <= sys.float_info.max if isinstance(value, int) else math.isfinite(value)


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


class _Checker:
    """Walks a parsed bank, collecting every problem and building the typed objects along the way."""

    def __init__(self, file: str, catalogue: dict[str, Topic]):
        self.file = file
        self.catalogue = catalogue
        self.problems: list[Problem] = []

    def problem(self, message: str, node: Any = None, question: str | None = None) -> None:
        self.problems.append(Problem(self.file, message, _line(node), question))

    def duplicates(self, node: Any, question: str | None = None) -> None:
        for key, line in getattr(node, "duplicates", ()):
            self.problems.append(Problem(self.file, f"key {describe(key)} given twice", line, question))

    def bank(self, data: Any) -> Bank | None:
        if not isinstance(data, dict):
            self.problem("a bank file must be a YAML mapping with id, version, areas and questions")
            return None
        self.duplicates(data)
        bank_id = _text(data.get("id"))
        if not bank_id:
            self.problem("missing bank id", data)
        elif not ID_PATTERN.fullmatch(bank_id):
            self.problem(
                f"bank id {describe(bank_id)} must be lower-case letters, digits and dashes (at most 64)", data
            )
        version = data.get("version")
        if not isinstance(version, int) or isinstance(version, bool) or not 1 <= version <= MAX_VERSION:
            self.problem(f"version must be a whole number from 1 to {MAX_VERSION:,}", data)
            version = 0
        title = _text(data.get("title"))
        if not title:
            self.problem("missing title", data)
        aggregation = data.get("aggregation")
        if aggregation not in AGGREGATIONS:
            self.problem(f"aggregation must be one of {', '.join(AGGREGATIONS)}, not {describe(aggregation)}", data)
        offers_na = data.get("offers_na", True)  # false: na is not offered (a rubric with no N/A)
        if not isinstance(offers_na, bool):
            self.problem(f"offers_na must be true or false, not {describe(offers_na)}", data)
        rollup = self.rollup(data, aggregation)
        topics = self.topics(data.get("topics", []))
        known_topics = {**self.catalogue, **{t.id: t for t in topics}}
        levels = self.levels(data.get("levels"))
        areas = self.areas(data.get("areas"))
        questions = self.questions(data.get("questions"), {a.id for a in areas}, known_topics)
        raw_questions = data.get("questions")
        if not isinstance(raw_questions, list):
            raw_questions = []
        declared = {_text(q.get("area")) for q in raw_questions if isinstance(q, dict)}
        for area in areas:
            if area.id not in declared:
                self.problem(f"area {describe(area.id)} has no questions", data)
        previous = parse_previous(data.get("previous"), version, lambda message, at: self.problem(message, at or data))
        if self.problems:
            return None
        return Bank(
            id=bank_id,
            version=version,
            title=title,
            source=_text(data.get("source")),
            description=_text(data.get("description")),
            aggregation=str(aggregation),
            levels=tuple(levels),
            areas=tuple(areas),
            questions=tuple(questions),
            topics=tuple(topics),
            offers_na=offers_na,
            previous=previous,
            rollup=rollup,
        )

    def rollup(self, data: dict[str, Any], aggregation: Any) -> str:
        """``rollup`` (how a team's systems roll up to the team): ``mean`` or ``min``; by default ``min`` for a bank
        whose own score is a minimum (``min_section_sum``), ``mean`` for any other."""
        how = data.get("rollup", "min" if aggregation == "min_section_sum" else "mean")
        if how not in ROLLUPS:
            self.problem(f"rollup must be one of {', '.join(ROLLUPS)}, not {describe(how)}", data)
            return ROLLUPS[0]
        return str(how)

    def topics(self, raw: Any) -> list[Topic]:
        if not isinstance(raw, list):
            self.problem("topics must be a list of {id, title}")
            return []
        topics = []
        for item in raw:
            if not isinstance(item, dict) or not TOPIC_PATTERN.fullmatch(_text(item.get("id"))):
                self.problem("each topic needs an id of lower-case letters, digits, _ and - (at most 64)", item)
                continue
            topics.append(Topic(_text(item["id"]), _text(item.get("title")), _text(item.get("section"))))
        return topics

    def levels(self, raw: Any) -> list[Level]:
        if not isinstance(raw, list) or not raw:
            self.problem("levels must be a non-empty list of bands {id, label, max}")
            return []
        levels: list[Level] = []
        previous: float | None = None
        for index, item in enumerate(raw):
            if not isinstance(item, dict) or not _text(item.get("id")):
                self.problem(f"level {index + 1} needs an id", item)
                continue
            level_max = item.get("max")
            last = index == len(raw) - 1
            if level_max is None and not last:
                self.problem(f"level {describe(item['id'])}: only the last level may omit max", item)
            elif level_max is not None and not _is_number(level_max):
                self.problem(f"level {describe(item['id'])}: max must be a number", item)
                level_max = None
            elif level_max is not None and previous is not None and level_max <= previous:
                self.problem(f"level {describe(item['id'])}: max must increase from one level to the next", item)
            if level_max is not None:
                previous = float(level_max)
            label = _text(item.get("label")) or _text(item["id"])
            levels.append(Level(_text(item["id"]), label, _text(item.get("description")), _float_or_none(level_max)))
        if len({level.id for level in levels}) != len(levels):
            self.problem("level ids must be unique")
        return levels

    def areas(self, raw: Any) -> list[Area]:
        if not isinstance(raw, list) or not raw:
            self.problem("areas must be a non-empty list of {id, title, description}")
            return []
        areas: list[Area] = []
        seen: set[str] = set()
        for item in raw:
            area_id = _text(item.get("id")) if isinstance(item, dict) else ""
            if not ID_PATTERN.fullmatch(area_id):
                self.problem("each area needs an id of lower-case letters, digits and dashes (at most 64)", item)
                continue
            if area_id in seen:
                self.problem(f"duplicate area id {describe(area_id)}", item)
                continue
            seen.add(area_id)
            if not _text(item.get("title")):
                self.problem(f"area {describe(area_id)} has no title", item)
            areas.append(Area(area_id, _text(item.get("title")), _text(item.get("description"))))
        return areas

    def questions(self, raw: Any, area_ids: set[str], topics: dict[str, Topic]) -> list[Question]:
        if not isinstance(raw, list) or not raw:
            self.problem("questions must be a non-empty list")
            return []
        questions: list[Question] = []
        seen: set[str] = set()
        for index, item in enumerate(raw):
            if not isinstance(item, dict):
                self.problem(f"question {index + 1} must be a mapping", item)
                continue
            qid = _text(item.get("id"))
            if not ID_PATTERN.fullmatch(qid):
                self.problem(
                    f"question {index + 1} needs an id of lower-case letters, digits and dashes (at most 64)", item
                )
                continue
            if qid in seen:
                self.problem("duplicate question id", item, qid)
                continue
            seen.add(qid)
            question = self.question(item, qid, area_ids, topics)
            if question is not None:
                questions.append(question)
        return questions

    def question(self, item: dict[str, Any], qid: str, area_ids: set[str], topics: dict[str, Topic]) -> Question | None:
        before = len(self.problems)
        self.duplicates(item, qid)
        area = _text(item.get("area"))
        if area not in area_ids:
            self.problem(f"unknown area {describe(item.get('area'))}", item, qid)
        raw_topics = item.get("topics")
        if not isinstance(raw_topics, list) or not raw_topics:
            self.problem("needs one or more topics", item, qid)
            raw_topics = []
        for topic in raw_topics:
            if not isinstance(topic, str) or topic not in topics:
                self.problem(f"unknown topic {describe(topic)}", item, qid)
        if not _text(item.get("text")):
            self.problem("missing text", item, qid)
        help_raw = item.get("help")
        if not isinstance(help_raw, dict) or not all(_text(help_raw.get(k)) for k in ("why", "source", "good")):
            self.problem("help needs why, source and good", item, qid)
            help_raw = help_raw if isinstance(help_raw, dict) else {}
        options = self.options(item, qid)
        evidence = self.evidence(item, qid, {o.id for o in options})
        if len(self.problems) > before:
            return None
        return Question(
            id=qid,
            area=area,
            topics=tuple(str(t) for t in raw_topics),
            text=_text(item.get("text")),
            help=QuestionHelp(_text(help_raw.get("why")), _text(help_raw.get("source")), _text(help_raw.get("good"))),
            options=tuple(options),
            evidence=tuple(evidence),
        )

    def options(self, item: dict[str, Any], qid: str) -> list[Option]:
        raw = item.get("options")
        if not isinstance(raw, list) or not raw:
            self.problem("needs a list of options", item, qid)
            return []
        options: list[Option] = []
        seen: set[str] = set()
        for option in raw:
            oid = _text(option.get("id")) if isinstance(option, dict) else ""
            if not ID_PATTERN.fullmatch(oid):
                self.problem("an option needs an id of lower-case letters, digits and dashes (at most 64)", option, qid)
                continue
            if oid in UNIVERSAL_IDS:
                self.problem(
                    f"option id {describe(oid)} is reserved: every question already offers na and unknown", option, qid
                )
                continue
            if oid in seen:
                self.problem(f"duplicate option id {describe(oid)}", option, qid)
                continue
            seen.add(oid)
            if not _text(option.get("label")):
                self.problem(f"option {describe(oid)} has no label", option, qid)
            points = option.get("points")
            if points is None:
                self.problem(f"option {describe(oid)} has no points", option, qid)
                continue
            if not _is_number(points) or not 0 <= points <= 1:
                self.problem(f"option {describe(oid)} has points {describe(points)}, outside [0, 1]", option, qid)
                continue
            options.append(Option(oid, _text(option.get("label")), float(points)))
        return options

    def evidence(self, item: dict[str, Any], qid: str, option_ids: set[str]) -> list[EvidenceRule]:
        """The question's evidence rules (:mod:`scorecard.survey.rule_file` checks them)."""
        node = item.get("evidence", [])
        return parse_rules(node, option_ids, lambda message, at: self.problem(message, at or item, qid))


def _float_or_none(value: Any) -> float | None:
    return float(value) if _is_number(value) else None


# ---------------------------------------------------------------------------------------------------------
# Public API


@cache
def topic_catalogue() -> dict[str, Topic]:
    """The debt topics banks tag questions with (``questions/topics.yaml``)."""
    data, problems = _read_yaml(banks_dir() / TOPICS_FILE)
    if problems or not isinstance(data, dict):
        raise BankError(f"cannot read the topic catalogue {banks_dir() / TOPICS_FILE}", problems)
    return {
        str(t["id"]): Topic(str(t["id"]), str(t.get("title", "")), str(t.get("section", "")))
        for t in data.get("topics", [])
    }


def _same_file(path: Path, shipped: Path) -> bool:
    try:
        return path.resolve() == shipped.resolve() or path.read_bytes() == shipped.read_bytes()
    except (OSError, ValueError, RuntimeError):
        return False


def _shipped_id_problem(path: Path, data: Any) -> Problem | None:
    """A custom file may not take a shipped bank's id: surveys keep only the id, and are scored with the
    shipped bank of that id. The shipped file itself (or a byte-for-byte copy of it) is that bank."""
    bank_id = _text(data.get("id")) if isinstance(data, LineDict) else ""
    shipped = [p for p in bank_files() if p.stem == bank_id]
    versions = [p for p in archive_files() if p.name.startswith(f"{bank_id}.v")]
    if not shipped or any(_same_file(path, p) for p in [*shipped, *versions]):
        return None
    message = f"bank id {bank_id} belongs to a shipped bank: give your bank its own id"
    return Problem(str(path), message, data.line_of("id"))


def _check_file(path: Path) -> tuple[Bank | None, list[Problem]]:
    data, problems = _read_yaml(path)
    if problems:
        return None, problems
    checker = _Checker(str(path), topic_catalogue())
    bank = checker.bank(data)
    clash = _shipped_id_problem(path, data)
    if clash is not None:
        return None, [*checker.problems, clash]
    if bank is not None:
        bank = replace(bank, path=path)
        if problems := _version_problems(bank):
            return None, problems
    return bank, checker.problems


def _version_problems(bank: Bank) -> list[Problem]:
    """An archive file holds the version its name says; ``previous:`` names an archived older version."""
    if misnamed(bank):
        return [Problem(str(bank.path), "an archive file must hold the bank and version its name says")]
    if bank.previous is None:
        return []
    try:
        old = load_bank_file(version_path(bank, bank.previous.version))
    except BankError as error:
        return [Problem(str(bank.path), f"previous version {bank.previous.version}: {error}")]
    return [Problem(str(bank.path), message, None, question) for question, message in previous_problems(bank, old)]


def lint_bank_file(path: Path | str) -> list[Problem]:
    """Every problem in one bank file (an empty list when it is valid)."""
    return _check_file(Path(path))[1]


def load_bank_file(path: Path | str) -> Bank:
    """Load and validate one bank file; :class:`BankError` names the first problem and lists every one."""
    bank, problems = _check_file(Path(path))
    if bank is None:
        count = len(problems)
        first = one_line(str(problems[0]) if problems else str(path), 300)
        lint = f"run `scorecard questions lint {one_line(str(path), 200)}`"
        more = f" (and {count - 1} more problems: {lint})" if count > 1 else ""
        raise BankError(f"invalid question bank {first}{more}", problems)
    return bank


def bank_files(folder: Path | None = None) -> list[Path]:
    """The bank files shipped in ``questions/`` (every YAML file but the topic catalogue), sorted."""
    folder = folder or banks_dir()
    return sorted(p for p in folder.glob("*.y*ml") if p.name != TOPICS_FILE)


def shipped_banks() -> list[Bank]:
    """Every bank shipped in ``questions/``, by file name."""
    return [load_bank(str(path)) for path in bank_files()]


def _is_dir(path: Path) -> bool:
    try:
        return path.is_dir()
    except (OSError, ValueError):  # a name no file system accepts: linting it says so
        return False


def lint_bank_paths(paths: Sequence[Path]) -> tuple[list[Path], list[Problem]]:
    """The bank files named (folders expanded; none: the shipped banks) and every problem found in them;
    :class:`BankError` for a folder with no bank file, which would otherwise pass as "ok"."""
    files: list[Path] = []
    for path in paths or [*bank_files(), *archive_files()]:
        found = bank_files(path) if _is_dir(path) else [path]
        if not found:
            raise BankError(f"no bank files in {one_line(str(path), 200)}")
        files.extend(found)
    return files, [problem for path in files for problem in lint_bank_file(path)]


@cache
def _load_cached(path: str, mtime: float) -> Bank:
    return load_bank_file(path)


def _file_key(path: Path) -> tuple[str, float] | None:
    """The resolved path and modification time of a file (the cache key), None when there is no such file."""
    try:
        return (str(path.resolve()), path.stat().st_mtime) if path.is_file() else None
    except (OSError, ValueError, RuntimeError):  # too long for the file system, a NUL, a symlink loop
        return None


def load_bank(name_or_path: str = DEFAULT_BANK, version: int | None = None) -> Bank:
    """A shipped bank by id (``sculley2015``) or any bank file by path, at ``version`` (default: the current
    file's; an older one from the archive beside it, :class:`BankError` when there is none)."""
    bank = _load_current(name_or_path)
    if version is None or version == bank.version:
        return bank
    found = _file_key(version_path(bank, version))
    if found is None:
        known = ", ".join(str(v) for v in bank_versions(bank))
        raise BankError(f"{bank.id} has no version {version} (versions: {known})")
    return _load_cached(*found)


def _load_current(name_or_path: str) -> Bank:
    candidate = Path(name_or_path)
    found = _file_key(candidate)
    if found is not None or candidate.suffix in (".yaml", ".yml") or _is_dir(candidate):
        if found is None:
            raise BankError(f"no question bank file at {one_line(str(candidate), 200)}")
        return _load_cached(*found)
    for path in bank_files():
        shipped = _file_key(path)
        if path.stem == name_or_path and shipped is not None:
            bank = _load_cached(*shipped)
            if bank.id != name_or_path:
                raise BankError(f"bank file {path} declares id {describe(bank.id)}, not {describe(name_or_path)}")
            return bank
    known = ", ".join(p.stem for p in bank_files()) or "none"
    raise BankError(f"unknown question bank {describe(name_or_path)} (known banks: {known})")
