"""Survey use cases shared by the command line and the TUI: import an answers file, score a stored survey.

Both shells call these functions; neither talks to the store and the scorer on its own.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from scorecard.errors import ScorecardError, describe
from scorecard.quarters import current_quarter, normalize_quarter
from scorecard.services.team_metrics import team_evidence
from scorecard.store import Store
from scorecard.survey.actions import Action
from scorecard.survey.answers_file import (
    AnswersError,
    file_label,
    read_answers_file,
    resolve_actions,
    resolve_answers,
)
from scorecard.survey.bank import DEFAULT_BANK, Bank
from scorecard.survey.bank_file import load_bank
from scorecard.survey.contradictions import Contradiction, Evidence, as_evidence, find_contradictions
from scorecard.survey.records import AnswerInput, StoredAnswer, Survey
from scorecard.survey.respondents import (
    CombinedAnswer,
    Disagreement,
    chosen_options,
    combine_answers,
    disagreement,
    normalize_respondent,
    respondent_key,
    respondent_names,
)
from scorecard.survey.scoring import ScoreCard, score_answers, survey_is_complete
from scorecard.survey.survey_banks import bank_of
from scorecard.survey.systems import normalize_system_name, system_key
from scorecard.team_names import TeamNameError, normalize_team_name, team_key


class SurveyNotFound(ScorecardError):
    """No survey matches what the user asked for."""


@dataclass(frozen=True)
class PreparedImport:
    """An answers file read and checked against its bank, ready to store: nothing touched the database yet."""

    team: str
    quarter: str
    bank: Bank
    answers: tuple[AnswerInput, ...]
    respondent: str | None = None
    """Whose answers these are; None: the team answers."""
    actions: tuple[Action, ...] = ()
    """The file's ``actions:``, checked against the bank (stored unless the team has them already)."""
    system: str = ""
    """The team's system the answers are for; '' the team-level survey."""


@dataclass(frozen=True)
class ImportResult:
    survey: Survey
    changed: int
    """Answers written or changed by this import (0 when the same file is imported again)."""
    card: ScoreCard
    actions_added: int = 0
    """Actions of the file the team did not have yet (0 when the same file is imported again)."""


def prepare_import(
    path: Path | str,
    team: str | None = None,
    quarter: str | None = None,
    bank_name: str | None = None,
    now: datetime | None = None,
    respondent: str | None = None,
    system: str | None = None,
) -> PreparedImport:
    """Read and validate an answers file without opening any database.

    ``team`` (and ``respondent``) must agree with the file's ``team:`` (and ``respondent:``) when both are given;
    ``quarter`` and ``bank_name`` from the command line override the file's (so last quarter's file can seed a
    new quarter); the defaults are the current quarter and the ``sculley2015`` bank.
    """
    parsed = read_answers_file(path)
    team_name = _import_team(path, parsed.team, team)
    who = _import_respondent(path, parsed.respondent, respondent)
    system_name = import_system(path, parsed.system, system)
    quarter_name = normalize_quarter(quarter) if quarter else parsed.quarter or current_quarter(now)
    bank = load_bank(bank_name or parsed.bank or DEFAULT_BANK)
    resolved = resolve_answers(bank, parsed.answers, source=file_label(path))
    actions = resolve_actions(
        bank, team_name, quarter_name, parsed.actions, source=file_label(path), system=system_name
    )
    return PreparedImport(team_name, quarter_name, bank, tuple(resolved), who, tuple(actions), system_name)


def _import_respondent(path: Path | str, in_file: str | None, option: str | None) -> str | None:
    """Whose answers an import holds: ``--respondent`` and the file's ``respondent:``, one person when both are
    given; None (the team answers) when neither is."""
    return _agreeing(
        path,
        in_file,
        option,
        (normalize_respondent, respondent_key),
        ("--respondent", "holds the answers of {}, not of {}"),
    )


def import_system(path: Path | str, in_file: str | None, option: str | None) -> str:
    """The system of an import: ``--system`` and the file's ``system:``, one system when both are given (matched
    by key); '' (the team-level survey) when neither is."""
    return (
        _agreeing(path, in_file, option, (normalize_system_name, system_key), ("--system", "is for system {}, not {}"))
        or ""
    )


def _agreeing(
    path: Path | str,
    in_file: str | None,
    option: str | None,
    rules: tuple[Callable[[str], str], Callable[[str], str]],
    words: tuple[str, str],
) -> str | None:
    """A name given by an option and by the file: the option normalised by ``rules``' first function (its error
    names the option), and one name when both are given (matched by the second, the key); else either.
    ``words``: the option, and how the file disagrees (``{}`` the file's name, then the option's)."""
    normalize, key = rules
    flag, disagrees = words
    if option is not None:
        try:
            option = normalize(option)
        except ScorecardError as error:
            raise type(error)(f"{flag}: {error}") from None
    if in_file is not None and option is not None and key(option) != key(in_file):
        raise AnswersError(f"{file_label(path)} {disagrees.format(describe(in_file), describe(option))} ({flag})")
    return option or in_file


def _import_team(path: Path | str, in_file: str | None, option: str | None) -> str:
    """The team of an import: ``--team`` and the file's ``team:`` normalised, and one team when both are given."""
    if option is not None:
        try:
            option = normalize_team_name(option)
        except TeamNameError as error:
            raise TeamNameError(f"--team: {error}") from None
    if in_file is not None and in_file.strip():
        try:
            in_file = normalize_team_name(in_file)
        except TeamNameError as error:
            raise AnswersError(f"{file_label(path)}: team: {error}") from None
        if option is not None and team_key(option) != team_key(in_file):
            raise AnswersError(f"{file_label(path)} is for team {describe(in_file)}, not {describe(option)}")
    team_name = option or in_file
    if not team_name or not team_name.strip():
        raise AnswersError(f"{file_label(path)} names no team: add `team:` or pass --team")
    return team_name


def apply_import(store: Store, prepared: PreparedImport) -> ImportResult:
    """Store a prepared import (its answers and the actions the team has not yet) in one transaction, all or
    nothing, and score the survey it leaves."""
    bank = prepared.bank

    def complete(survey_id: int) -> bool:
        return survey_is_complete(bank, chosen_options(stored_answers(store, bank, survey_id)))

    with store.one_transaction():
        survey, changed = store.import_answers(
            prepared.team,
            prepared.quarter,
            bank.id,
            bank.version,
            prepared.answers,
            complete=complete,
            respondent=prepared.respondent,
            system=prepared.system,
        )
        added = store.add_actions(prepared.actions, skip_existing=True)
    card = score_answers(bank, chosen_options(stored_answers(store, bank, survey.id)))
    return ImportResult(survey, changed, card, len(added))


def stored_answers(store: Store, bank: Bank, survey_id: int) -> dict[str, CombinedAnswer]:
    """The answers a stored survey counts (team answers, else its respondents' combined), in bank order."""
    return combine_answers(bank, store.answers_for(survey_id), store.respondent_answers_for(survey_id))


def import_answers_file(
    path: Path | str,
    open_store: Callable[[], Store],
    team: str | None = None,
    quarter: str | None = None,
    bank_name: str | None = None,
    respondent: str | None = None,
    system: str | None = None,
) -> tuple[ImportResult, SurveyScore]:
    """``survey --answers FILE``: check the whole file, then (only then) open the store, import and score.

    A bad file leaves no trace, not even a new empty database: ``open_store`` is called after the checks.
    """
    prepared = prepare_import(
        path, team=team, quarter=quarter, bank_name=bank_name, respondent=respondent, system=system
    )
    with open_store() as store:
        result = apply_import(store, prepared)
        return result, score_survey(
            store,
            result.survey,
            team_evidence(store, result.survey.team, result.survey.system or None),
            bank=prepared.bank,
        )


@dataclass(frozen=True)
class SurveyScore:
    """A stored survey scored with its bank, and (once scans exist) the evidence beside it."""

    survey: Survey
    bank: Bank
    card: ScoreCard
    answers: dict[str, StoredAnswer]
    """The team answers as stored (carried-over ones included)."""
    metrics: dict[str, float] = field(default_factory=dict)
    metrics_by_quarter: dict[str, dict[str, float]] = field(default_factory=dict)
    """Quarter -> quarter metric -> value, over the team's repositories (``show`` fills it)."""
    contradictions: tuple[Contradiction, ...] = ()
    combined: dict[str, CombinedAnswer] = field(default_factory=dict)
    """The answers the score counts, in bank order: the team's, else the respondents' combined."""
    respondents: tuple[str, ...] = ()
    """Everyone who answered as a respondent, in name order."""

    @property
    def chosen(self) -> dict[str, str]:
        """Question id -> the option id the score counts."""
        return chosen_options(self.combined)


def find_team_survey(
    store: Store, team: str, quarter: str | None = None, bank_id: str | None = None, system: str = ""
) -> Survey:
    """The survey of ``quarter`` (default: the team's latest) for ``team``'s ``system`` (default: the team-level
    survey), of one bank if ``bank_id`` is given; :class:`SurveyNotFound` if there is none."""
    if store.get_team(team) is None:
        known = ", ".join(t.name for t in store.list_teams()) or "none yet"
        raise SurveyNotFound(f"unknown team {team!r} (teams: {known})")
    quarter = normalize_quarter(quarter) if quarter else None
    survey = store.latest_survey(team, bank_id=bank_id, quarter=quarter, system=system)
    if survey is None:
        what = " ".join(x for x in (quarter, bank_id) if x)
        of_system = f" for system {system!r}" if system else ""
        raise SurveyNotFound(f"team {team!r} has no {what + ' ' if what else ''}survey{of_system} yet")
    return survey


def score_survey(
    store: Store,
    survey: Survey,
    metrics: Evidence | Mapping[str, float] | None = None,
    bank: Bank | None = None,
) -> SurveyScore:
    """Score a stored survey with its bank; contradictions are checked when ``metrics`` (the team's evidence,
    or its latest metrics alone) are given, and marked dismissed where the team's dismissal of them holds.

    ``bank`` is the survey's bank when the caller already has it (a custom bank file is known by path, not
    by id); otherwise the shipped bank with the survey's id is loaded. Either way the survey is scored with the
    version it was taken under (:func:`scorecard.survey.bank_file.bank_of`): a v1 survey scores as it did.
    """
    bank = bank_of(survey.bank_id, survey.bank_version, bank)
    answers = store.answers_for(survey.id)
    by_respondent = store.respondent_answers_for(survey.id)
    combined = combine_answers(bank, answers, by_respondent)
    chosen = chosen_options(combined)
    evidence = as_evidence(metrics)
    dismissals = store.dismissals_for(survey.team, bank.id, survey.system) if evidence.latest else []
    return SurveyScore(
        survey=survey,
        bank=bank,
        card=score_answers(bank, chosen),
        answers=answers,
        metrics={name: float(value) for name, value in evidence.latest.items() if value is not None},
        contradictions=tuple(find_contradictions(bank, chosen, evidence, dismissals)),
        combined=combined,
        respondents=tuple(respondent_names(by_respondent)),
    )


def score_json(result: SurveyScore) -> dict[str, Any]:
    """The ``show --json`` document (its keys are a contract for scripts: add, never rename)."""
    card = result.card
    return {
        "team": result.survey.team,
        "quarter": result.survey.quarter,
        "bank": card.bank_id,
        "bank_version": result.survey.bank_version,
        "status": result.survey.status,
        "overall": card.overall,
        "level": card.level.id if card.level else None,
        "level_label": card.level.label if card.level else None,
        "areas": card.area_scores(),
        "area_details": [
            {"id": a.area, "title": a.title, "score": a.score, "answered": a.answered, "questions": a.questions}
            for a in card.areas
        ],
        "completeness": card.completeness,
        "answered": card.answered,
        "questions": card.questions,
        "weakest_area": card.weakest_area,
        "improvements": [
            {
                "question": imp.question_id,
                "area": imp.area,
                "from": imp.from_option,
                "to": imp.to_option,
                "gain": imp.gain,
                "together": list(imp.together),
            }
            for imp in card.improvements
        ],
        "metrics": result.metrics,
        "metrics_by_quarter": result.metrics_by_quarter,
        "contradictions": [contradiction_json(c) for c in result.contradictions],
        "updated_at": result.survey.updated_at,
        "respondents": list(result.respondents),
        "answers": [answer_json(answer) for answer in result.combined.values()],
        "disagreement": disagreement_json(disagreement(result.bank, result.combined)),
        **({"system": result.survey.system} if result.survey.system else {}),
    }


def answer_json(answer: CombinedAnswer) -> dict[str, Any]:
    """One item of ``show --json``'s ``answers`` (a contract: add keys, never rename)."""
    return {
        "question": answer.question_id,
        "option": answer.option_id,
        "points": answer.points,
        "note": answer.note,
        "link": answer.link,
        "source": answer.source,
        "by_respondent": {name: given.option_id for name, given in answer.by_respondent.items()},
        "spread": answer.spread,
        "disputed": answer.disputed,
    }


def disagreement_json(found: Disagreement) -> dict[str, Any]:
    return {"overall": found.overall, "by_area": found.by_area}


def contradiction_json(found: Contradiction) -> dict[str, Any]:
    """One item of ``show --json``'s ``contradictions`` (a contract: add keys, never rename)."""
    return {
        "question": found.question_id,
        "option": found.option_id,
        "metric": found.metric,
        "value": found.value,
        "rule": found.rule or f"{found.metric} {found.op} {found.threshold:g}",
        "message": found.message,
        "claim": found.claim,
        "conditions": [
            {
                "metric": c.metric,
                "value": c.value,
                "op": c.op,
                "threshold": c.threshold,
                "description": c.description,
            }
            for c in found.conditions
        ],
        "examples": list(found.examples),
        "dismissed": found.dismissed,
        "reason": found.reason,
        "lapsed_reason": found.lapsed_reason,
    }


def previous_survey(store: Store, survey: Survey) -> Survey | None:
    """The same team's most recent earlier survey of the same bank and system (last quarter's, or older if one was
    missed)."""
    earlier = store.surveys_for_team(survey.team, survey.bank_id, survey.system)
    return next((s for s in earlier if s.quarter < survey.quarter), None)


def area_deltas(current: ScoreCard, previous: ScoreCard | None) -> dict[str, float | None]:
    """Area id -> change of score since the previous survey (None where either side has no score)."""
    before = previous.area_scores() if previous else {}
    deltas: dict[str, float | None] = {}
    for area, score in current.area_scores().items():
        old = before.get(area)
        deltas[area] = None if score is None or old is None else round(score - old, 4)
    return deltas


@dataclass(frozen=True)
class TeamOverview:
    """One line of the home screen: a team and where its latest survey stands."""

    team: str
    quarter: str | None
    bank: str | None
    overall: float | None
    level: str | None
    status: str
    """"none", "draft 40%", "complete", or "draft" alone when the survey's bank cannot be loaded to score it."""
    score_text: str = "-"
    """``overall`` as people read it, on the scale of the survey's bank (``-`` for none yet)."""


def team_overviews(store: Store, bank: Bank | None = None) -> list[TeamOverview]:
    """Every team with its latest survey's score and status, by team name (``bank``: a custom bank in use).

    A survey of another custom bank (a file known by its path, not by the id the survey stores) cannot be
    scored here: its row has the status and no score, and the other teams are listed as usual.
    """
    rows = []
    for team in store.list_teams():
        survey = store.latest_survey(team.name)
        if survey is None:
            rows.append(TeamOverview(team.name, None, None, None, None, "none"))
            continue
        try:
            survey_bank = bank_of(survey.bank_id, survey.bank_version, bank)
        except ScorecardError:  # no shipped bank has this id
            status = "complete" if survey.status == "complete" else "draft"
            rows.append(TeamOverview(team.name, survey.quarter, survey.bank_id, None, None, status))
            continue
        scored = score_survey(store, survey, bank=survey_bank)
        card = scored.card
        answered = len(scored.combined)
        status = "complete" if survey.status == "complete" else f"draft {answered / max(card.questions, 1):.0%}"
        rows.append(
            TeamOverview(
                team.name,
                survey.quarter,
                survey.bank_id,
                card.overall,
                card.level.label if card.level else None,
                status,
                scored.bank.format_score(card.overall),
            )
        )
    return rows
