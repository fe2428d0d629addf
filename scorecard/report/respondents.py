"""The answers a report counts when several people answered a survey, as frames. Pure (frames in, frames out).

The store gives the report two bulk reads: the team answers (:data:`trends.ANSWER_COLUMNS`) and the respondents'
answers (:data:`RESPONDENT_COLUMNS`). :func:`combine_frames` turns them into the **combined** answers frame that
every score, change and contradiction of the report reads, by the one rule of
:func:`scorecard.survey.respondents.combine_answers` (called once per survey that has respondents, as
``scorecard show`` calls it), so a report scores a survey exactly as ``show --json`` does. A survey nobody
answered as a respondent keeps its rows as they are (its team answers are what ``combine_answers`` would count).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from scorecard.report.trends import ANSWER_COLUMNS, SURVEY_COLUMNS, BankResolver, empty_frame, version_banks
from scorecard.survey.bank import Bank
from scorecard.survey.records import RESPONDENT_ANSWER_COLUMNS, StoredAnswer
from scorecard.survey.respondents import CombinedAnswer, combine_answers, disagreement, respondent_names

RESPONDENT_COLUMNS = RESPONDENT_ANSWER_COLUMNS
COMBINED_COLUMNS = [*ANSWER_COLUMNS, "source", "spread", "disputed"]
"""The combined answers: ``source`` is ``team`` or ``respondents``; ``spread`` (NaN with fewer than two
respondents) and ``disputed`` as :class:`scorecard.survey.respondents.CombinedAnswer` has them."""
OVERALL = "overall"
DISAGREEMENT_COLUMNS = [*SURVEY_COLUMNS, "area", "spread", "respondents"]
"""One row per survey with respondents and area of its bank, and one whose ``area`` is :data:`OVERALL`: the mean
spread (NaN where no question has two scoring respondents) and how many people answered as respondents."""


@dataclass(frozen=True)
class CombinedFrames:
    answers: pd.DataFrame
    """Columns :data:`COMBINED_COLUMNS`: what each survey counts, one row per answer (a survey without any has one
    empty row, as in the team answers frame)."""
    disagreement: pd.DataFrame
    """Columns :data:`DISAGREEMENT_COLUMNS`."""


def respondents_frame(rows: Any) -> pd.DataFrame:
    """The store's respondent rows as a frame (an empty frame with the columns when there are none)."""
    frame = pd.DataFrame.from_records(list(rows), columns=list(RESPONDENT_COLUMNS))
    if frame.empty:
        return empty_frame(RESPONDENT_COLUMNS)
    frame["survey_id"] = frame["survey_id"].astype("int64")
    frame["bank_version"] = frame["bank_version"].astype("int64")
    frame["points"] = pd.to_numeric(frame["points"], errors="coerce").astype("float64")
    return frame


def combine_frames(answers: pd.DataFrame, respondents: pd.DataFrame, bank_for: BankResolver) -> CombinedFrames:
    """The answers each survey counts (the team answer, else its respondents' lower median), and its
    disagreement per area. ``respondents`` may hold surveys ``answers`` lacks: they are left out."""
    marked = answers.assign(
        source=answers["question_id"].notna().map({True: "team", False: None}),
        spread=math.nan,
        disputed=False,
    )
    if respondents.empty or answers.empty:
        return CombinedFrames(marked[COMBINED_COLUMNS], empty_frame(DISAGREEMENT_COLUMNS))
    banks = version_banks(answers, bank_for)
    theirs = {int(survey_id): group for survey_id, group in respondents.groupby("survey_id", sort=False)}
    parts: list[pd.DataFrame] = []
    disagreement_rows: list[tuple[Any, ...]] = []
    for survey_id, team_rows in marked.groupby("survey_id", sort=False):
        given = theirs.get(int(survey_id))
        if given is None:
            parts.append(team_rows)
            continue
        bank = banks[(str(team_rows["bank_id"].iloc[0]), int(team_rows["bank_version"].iloc[0]))]
        by_respondent = _respondent_answers(given)
        combined = combine_answers(bank, _team_answers(team_rows), by_respondent)
        parts.append(_combined_rows(team_rows, combined))
        head = tuple(team_rows[SURVEY_COLUMNS].iloc[0])
        disagreement_rows.extend(_disagreement_rows(head, bank, combined, len(respondent_names(by_respondent))))
    frame = pd.concat(parts, ignore_index=True)
    frame["spread"] = frame["spread"].astype("float64")
    frame["disputed"] = frame["disputed"].astype(bool)
    found = pd.DataFrame(disagreement_rows, columns=DISAGREEMENT_COLUMNS) if disagreement_rows else None
    if found is not None:
        found["spread"] = pd.to_numeric(found["spread"], errors="coerce").astype("float64")
    return CombinedFrames(frame[COMBINED_COLUMNS], found if found is not None else empty_frame(DISAGREEMENT_COLUMNS))


def _value(value: Any) -> Any:
    """A frame's missing value (NaN, None) as None."""
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else value


def _team_answers(rows: pd.DataFrame) -> dict[str, StoredAnswer]:
    given = rows[rows["question_id"].notna()]
    return {
        str(row.question_id): StoredAnswer(
            str(row.question_id),
            str(row.option_id),
            _value(row.points),
            _value(row.note),
            str(row.answered_at),
            bool(row.carried_over),
            _value(row.link),
        )
        for row in given.itertuples(index=False)
    }


def _respondent_answers(rows: pd.DataFrame) -> dict[str, dict[str, StoredAnswer]]:
    found: dict[str, dict[str, StoredAnswer]] = {}
    for row in rows.itertuples(index=False):
        found.setdefault(str(row.respondent), {})[str(row.question_id)] = StoredAnswer(
            str(row.question_id),
            str(row.option_id),
            _value(row.points),
            _value(row.note),
            str(row.answered_at),
            False,
            _value(row.link),
        )
    return found


def _answered_at(answer: CombinedAnswer, team: Mapping[str, StoredAnswer]) -> str:
    """When the counted answer was given: the team answer's time, else the respondent's whose answer counts."""
    if answer.source == "team":
        return team[answer.question_id].answered_at
    return next(a.answered_at for a in answer.by_respondent.values() if a.option_id == answer.option_id)


def _combined_rows(team_rows: pd.DataFrame, combined: Mapping[str, CombinedAnswer]) -> pd.DataFrame:
    """A survey's rows with its combined answers in place of the team's: team answers the combination does not
    count (to questions the bank no longer has, or unconfirmed carry-overs) stay, as the team frame has them."""
    head = list(team_rows[SURVEY_COLUMNS].iloc[0])
    team = _team_answers(team_rows)
    kept = team_rows[team_rows["question_id"].notna() & ~team_rows["question_id"].isin(list(combined))]
    rows = [
        (
            *head,
            answer.question_id,
            answer.option_id,
            math.nan if answer.points is None else answer.points,
            answer.note,
            _answered_at(answer, team),
            False,
            answer.link,
            answer.source,
            math.nan if answer.spread is None else answer.spread,
            answer.disputed,
        )
        for answer in combined.values()
    ]
    if not rows and kept.empty:  # nothing counts yet: the survey still shows, as an empty row
        rows = [(*head, None, None, math.nan, None, None, False, None, None, math.nan, False)]
    new = pd.DataFrame(rows, columns=COMBINED_COLUMNS)
    return pd.concat([kept, new], ignore_index=True) if len(kept) else new


def _disagreement_rows(
    head: tuple[Any, ...], bank: Bank, combined: Mapping[str, CombinedAnswer], respondents: int
) -> list[tuple[Any, ...]]:
    found = disagreement(bank, combined)
    rows = [(*head, area, spread, respondents) for area, spread in found.by_area.items()]
    return [*rows, (*head, OVERALL, found.overall, respondents)]
