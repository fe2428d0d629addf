"""Trends over quarters, pure (frames in, frames out): scores with deltas, headlines, git metrics, contradictions.

Every survey is scored with the version of its bank it was taken under, as ``scorecard show --quarter Q``
scores it (the archive keeps older versions; a version with no file left is scored with the bank as it is, its
unknown answers left out), so a new bank version never changes an old quarter's numbers nor breaks a trend.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from scorecard.evidence.filekinds import kind_of
from scorecard.survey.bank import Bank
from scorecard.survey.bank_file import load_bank
from scorecard.survey.contradictions import Evidence, find_contradictions
from scorecard.survey.dismissals import Dismissal
from scorecard.survey.records import SURVEY_ANSWER_COLUMNS
from scorecard.survey.scoring import Improvement, area_scores, overall_score, score_answers
from scorecard.survey.survey_banks import bank_of

BankResolver = Callable[[str], Bank]

ANSWER_COLUMNS = SURVEY_ANSWER_COLUMNS
SURVEY_COLUMNS = ["team", "quarter", "bank_id", "bank_version", "status", "survey_id"]
AREA_SCORE_COLUMNS = [*SURVEY_COLUMNS, "area", "area_title", "score", "scale_max"]
OVERALL_COLUMNS = [*SURVEY_COLUMNS, "overall", "level", "level_label", "scale_max"]
METRIC_COLUMNS = ["team", "quarter", "metric", "value"]
CONTRADICTION_COLUMNS = [
    "team",
    "bank_id",
    "quarter",
    "question_id",
    "area",
    "question_text",
    "option_id",
    "option_label",
    "metric",
    "value",
    "rule",
    "message",
    "claim",
    "conditions",
    "examples",
    "dismissed",
    "reason",
    "lapsed_reason",
]
"""``conditions``: what each condition measured, in words; ``examples``: the files or flags behind it (tuples)."""
HOTSPOT_COLUMNS = ["team", "path", "churn", "coupling", "partner", "hotspot"]


def empty_frame(columns: Sequence[str]) -> pd.DataFrame:
    """A frame with ``columns`` and no rows."""
    return pd.DataFrame({column: pd.Series(dtype=object) for column in columns})


# ---------------------------------------------------------------------------------------------------------
# Answers and surveys


def answers_frame(rows: Iterable[Sequence[object]]) -> pd.DataFrame:
    """The store's trend rows as a frame (one row per answer; a survey without answers has one empty row)."""
    frame = pd.DataFrame.from_records(list(rows), columns=list(ANSWER_COLUMNS))
    frame["bank_version"] = frame["bank_version"].astype("int64")
    frame["survey_id"] = frame["survey_id"].astype("int64")
    frame["points"] = pd.to_numeric(frame["points"], errors="coerce").astype("float64")
    frame["carried_over"] = frame["carried_over"].fillna(0).astype(bool)
    return frame


def surveys_frame(answers: pd.DataFrame) -> pd.DataFrame:
    """One row per survey, in team, bank and quarter order."""
    surveys = answers[SURVEY_COLUMNS].drop_duplicates("survey_id")
    return surveys.sort_values(["team", "bank_id", "quarter"]).reset_index(drop=True)


def counted(answers: pd.DataFrame) -> pd.DataFrame:
    """The answers that count: given (not an empty survey's placeholder) and not carried over unconfirmed."""
    return answers[answers["question_id"].notna() & ~answers["carried_over"]]


def _valid_in_bank(answers: pd.DataFrame, bank: Bank) -> pd.DataFrame:
    """Answers to questions and options the bank has now (older versions may have had others)."""
    valid = {(q.id, o.id) for q in bank.questions for o in q.all_options}
    keys = pd.Series(list(zip(answers["question_id"], answers["option_id"], strict=True)), index=answers.index)
    return answers[keys.isin(valid)] if len(answers) else answers


def banks_of(answers: pd.DataFrame, bank_for: BankResolver) -> dict[str, Bank]:
    return {bank_id: bank_for(bank_id) for bank_id in answers["bank_id"].unique()}


def version_banks(answers: pd.DataFrame, bank_for: BankResolver) -> dict[tuple[str, int], Bank]:
    """Each ``(bank id, version)`` of ``answers`` with its bank: ``bank_for``'s, at that version."""
    pairs = answers[["bank_id", "bank_version"]].drop_duplicates().itertuples(index=False)
    return {(bank_id, int(version)): bank_of(bank_id, int(version), bank_for(bank_id)) for bank_id, version in pairs}


# ---------------------------------------------------------------------------------------------------------
# Scores


@dataclass(frozen=True)
class ScoreFrames:
    """Scores of every survey: one row per survey and area, and one per survey overall."""

    areas: pd.DataFrame
    """Columns :data:`AREA_SCORE_COLUMNS`; ``score`` is NaN for an area with no scoring answer."""
    overall: pd.DataFrame
    """Columns :data:`OVERALL_COLUMNS`."""


def score_frames(answers: pd.DataFrame, bank_for: BankResolver = load_bank) -> ScoreFrames:
    """Area and overall scores of every survey in ``answers``, by the rules of :mod:`scorecard.survey.scoring`.

    The rules live in one place: each survey's answers go through :func:`scoring.area_scores` and
    :func:`scoring.overall_score` (a loop over surveys, not over answers: 160 surveys score in milliseconds).
    """
    banks = version_banks(answers, bank_for)
    given = counted(answers)
    chosen_by_survey: dict[int, dict[str, str]] = {}
    for (bank_id, version), bank in banks.items():
        valid = _valid_in_bank(given[(given["bank_id"] == bank_id) & (given["bank_version"] == version)], bank)
        for survey_id, group in valid.groupby("survey_id", sort=False):
            chosen_by_survey[int(survey_id)] = dict(zip(group["question_id"], group["option_id"], strict=True))
    area_rows: list[tuple[object, ...]] = []
    overall_rows: list[tuple[object, ...]] = []
    for survey in surveys_frame(answers).itertuples(index=False):
        bank = banks[(survey.bank_id, int(survey.bank_version))]
        chosen = chosen_by_survey.get(int(survey.survey_id), {})
        scores = area_scores(bank, chosen)
        overall = overall_score(bank, scores, any_answer=bool(chosen))
        level = bank.level_for(overall)
        head = tuple(getattr(survey, column) for column in SURVEY_COLUMNS)
        for area in bank.areas:
            area_rows.append((*head, area.id, area.title, scores[area.id], bank.scale_max(area.id)))
        overall_rows.append(
            (*head, overall, level.id if level else None, level.label if level else None, bank.scale_max())
        )
    areas = pd.DataFrame(area_rows, columns=AREA_SCORE_COLUMNS)
    overall = pd.DataFrame(overall_rows, columns=OVERALL_COLUMNS)
    for frame, column in ((areas, "score"), (overall, "overall")):
        frame[column] = pd.to_numeric(frame[column], errors="coerce").astype("float64").round(4)
    return ScoreFrames(areas=areas, overall=overall)


def with_deltas(frame: pd.DataFrame, keys: Sequence[str], value: str) -> pd.DataFrame:
    """``frame`` plus ``previous_quarter``, ``previous`` and ``delta``: the change of ``value`` since the same
    ``keys``' previous row in quarter order (normally last quarter; an older one if a quarter was skipped)."""
    ordered = frame.sort_values([*keys, "quarter"]).copy()
    grouped = ordered.groupby(list(keys), sort=False, dropna=False)
    ordered["previous_quarter"] = grouped["quarter"].shift(1)
    ordered["previous"] = grouped[value].shift(1)
    ordered["delta"] = (ordered[value] - ordered["previous"]).round(4)
    return ordered.reset_index(drop=True)


def latest_per_team(frame: pd.DataFrame, keys: Sequence[str] = ("team", "bank_id")) -> pd.DataFrame:
    """Each ``keys`` group's rows of its newest quarter."""
    newest = frame.groupby(list(keys))["quarter"].transform("max")
    return frame[frame["quarter"] == newest].reset_index(drop=True)


# ---------------------------------------------------------------------------------------------------------
# Headlines


@dataclass(frozen=True)
class Headline:
    """Where a team stands on its latest survey of a bank, and the way to the next level."""

    team: str
    bank_id: str
    quarter: str
    overall: float | None
    level: str | None
    level_label: str | None
    next_level_label: str | None
    next_level_above: float | None
    """The next level starts above this score (the current level's ``max``)."""
    points_to_next: float | None
    weakest_area: str | None
    weakest_title: str | None
    improvements: tuple[Improvement, ...]
    completeness: float
    status: str


def headlines(answers: pd.DataFrame, bank_for: BankResolver = load_bank) -> list[Headline]:
    """One :class:`Headline` per team and bank, from the latest survey (scored by :func:`score_answers`)."""
    banks = version_banks(answers, bank_for)
    latest = latest_per_team(surveys_frame(answers))
    given = counted(answers)
    found: list[Headline] = []
    for survey in latest.itertuples(index=False):
        bank = banks[(survey.bank_id, int(survey.bank_version))]
        rows = _valid_in_bank(given[given["survey_id"] == survey.survey_id], bank)
        card = score_answers(bank, dict(zip(rows["question_id"], rows["option_id"], strict=True)))
        following = bank.next_level(card.level)
        above = card.level.max if following is not None and card.level is not None else None
        to_next = None
        if above is not None and card.overall is not None:
            to_next = round(max(above - card.overall, 0.0), 4)
        weakest = bank.area(card.weakest_area) if card.weakest_area else None
        found.append(
            Headline(
                team=survey.team,
                bank_id=survey.bank_id,
                quarter=survey.quarter,
                overall=card.overall,
                level=card.level.id if card.level else None,
                level_label=card.level.label if card.level else None,
                next_level_label=following.label if following else None,
                next_level_above=above,
                points_to_next=to_next,
                weakest_area=card.weakest_area,
                weakest_title=weakest.title if weakest else None,
                improvements=card.improvements,
                completeness=card.completeness,
                status=survey.status,
            )
        )
    return found


# ---------------------------------------------------------------------------------------------------------
# Git evidence


def metrics_frame(by_team: Mapping[str, Mapping[str, Mapping[str, float | None]]]) -> pd.DataFrame:
    """team -> quarter -> metric -> value (the store's per-quarter snapshots) as a tidy frame."""
    rows = [
        (team, quarter, metric, value)
        for team, quarters in by_team.items()
        for quarter, values in quarters.items()
        for metric, value in values.items()
        if value is not None
    ]
    frame = pd.DataFrame(rows, columns=METRIC_COLUMNS)
    frame["value"] = frame["value"].astype("float64")
    return frame


def metric_trends(metrics: pd.DataFrame, quarters: Sequence[str]) -> pd.DataFrame:
    """The snapshots of ``quarters`` only, with each metric's change since the previous quarter."""
    window = metrics[metrics["quarter"].isin(list(quarters))]
    return with_deltas(window, ["team", "metric"], "value")


def churn_by_kind(rows: pd.DataFrame) -> pd.DataFrame:
    """``team, quarter, path, churn`` rows -> churn per team, quarter and file kind (code, config, test ...).

    Kinds follow the default rules of :mod:`scorecard.evidence.filekinds`; each distinct path is classified once.
    """
    if rows.empty:
        return empty_frame(["team", "quarter", "kind", "churn"])
    paths = rows["path"].drop_duplicates()
    kinds = pd.Series([kind_of(path) for path in paths], index=paths.to_numpy())
    with_kind = rows.assign(kind=rows["path"].map(kinds))
    totals = with_kind.groupby(["team", "quarter", "kind"], as_index=False)["churn"].sum()
    return totals.sort_values(["team", "quarter", "kind"]).reset_index(drop=True)


def hotspots(file_churn: pd.DataFrame, pairs: pd.DataFrame, limit: int = 10) -> pd.DataFrame:
    """Files that both change a lot and drag others along: churn x their strongest coupling degree.

    ``file_churn``: team, path, churn. ``pairs``: team, file_a, file_b, degree (coupled pairs). The most
    coupled partner is named. At most ``limit`` files per team, hottest first.
    """
    if file_churn.empty or pairs.empty:
        return empty_frame(HOTSPOT_COLUMNS)
    both = pd.concat(
        [
            pairs.rename(columns={"file_a": "path", "file_b": "partner"}),
            pairs.rename(columns={"file_b": "path", "file_a": "partner"}),
        ]
    )
    strongest = both.sort_values("degree", ascending=False).drop_duplicates(["team", "path"])
    merged = file_churn.merge(strongest[["team", "path", "partner", "degree"]], on=["team", "path"])
    merged = merged.rename(columns={"degree": "coupling"})
    merged["hotspot"] = merged["churn"] * merged["coupling"]
    merged = merged.sort_values(["team", "hotspot", "path"], ascending=[True, False, True])
    return merged.groupby("team").head(limit)[HOTSPOT_COLUMNS].reset_index(drop=True)


def contradictions(
    answers: pd.DataFrame,
    evidence: Mapping[str, Evidence | Mapping[str, float]],
    bank_for: BankResolver = load_bank,
    dismissals: Mapping[str, Sequence[Dismissal]] | None = None,
) -> pd.DataFrame:
    """Where each team's latest survey (per bank) and its latest git evidence disagree (as ``scorecard show``).

    ``evidence``: team -> its evidence (or its latest metrics alone); ``dismissals``: team -> its dismissals,
    which mark a contradiction ``dismissed`` (with the reason) while they hold."""
    banks = banks_of(answers, bank_for)
    given = counted(answers)
    rows: list[tuple[object, ...]] = []
    for survey in latest_per_team(surveys_frame(answers)).itertuples(index=False):
        seen = evidence.get(survey.team)
        if not seen or (isinstance(seen, Evidence) and not seen.latest):
            continue
        bank = banks[survey.bank_id]
        chosen_rows = _valid_in_bank(given[given["survey_id"] == survey.survey_id], bank)
        chosen = dict(zip(chosen_rows["question_id"], chosen_rows["option_id"], strict=True))
        set_aside = (dismissals or {}).get(survey.team, ())
        for found in find_contradictions(bank, chosen, seen, set_aside):
            question = bank.question(found.question_id)
            option = question.option(found.option_id) if question else None
            rows.append(
                (
                    survey.team,
                    survey.bank_id,
                    survey.quarter,
                    found.question_id,
                    found.area,
                    question.text if question else found.question_id,
                    found.option_id,
                    option.label if option else found.option_id,
                    found.metric,
                    found.value,
                    found.rule or f"{found.metric} {found.op} {found.threshold:g}",
                    found.message,
                    found.claim,
                    tuple(condition.reading for condition in found.conditions),
                    found.examples,
                    found.dismissed,
                    found.reason,
                    found.lapsed_reason,
                )
            )
    return pd.DataFrame(rows, columns=CONTRADICTION_COLUMNS) if rows else empty_frame(CONTRADICTION_COLUMNS)


# ---------------------------------------------------------------------------------------------------------
# Quarters


def teams_without_survey(teams: Iterable[str], surveys: pd.DataFrame, quarter: str) -> list[tuple[str, str | None]]:
    """``(team, its latest surveyed quarter or None)`` for each team with no survey in ``quarter``."""
    latest = surveys.groupby("team")["quarter"].max().to_dict() if len(surveys) else {}
    return [(team, latest.get(team)) for team in sorted(teams) if latest.get(team) != quarter]
