"""What changed between a team's surveys: answers that changed, questions still "don't know", new bank versions.

Pure, like :mod:`.trends`: the answers frame in, tidy frames out.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from scorecard.report.trends import BankResolver, banks_of, counted, empty_frame, latest_per_team, surveys_frame
from scorecard.survey.bank import NA, UNKNOWN, Bank
from scorecard.survey.bank_file import load_bank
from scorecard.survey.bank_versions import wording_changes
from scorecard.survey.survey_banks import bank_of

CHANGE_COLUMNS = [
    "team",
    "bank_id",
    "quarter",
    "previous_quarter",
    "question_id",
    "area",
    "question_text",
    "from_option",
    "to_option",
    "from_label",
    "to_label",
    "from_points",
    "to_points",
    "points_change",
    "note",
]
UNKNOWN_COLUMNS = ["team", "bank_id", "quarter", "question_id", "area", "question_text", "quarters_unknown", "since"]
BANK_CHANGE_COLUMNS = [
    "team",
    "bank_id",
    "quarter",
    "previous_quarter",
    "from_version",
    "to_version",
    "added",
    "removed",
    "reworded",
]


def _previous_survey_ids(answers: pd.DataFrame) -> pd.DataFrame:
    """survey_id -> previous_survey_id (same team and bank, the quarter before in the team's history)."""
    surveys = surveys_frame(answers)
    surveys["previous_survey_id"] = surveys.groupby(["team", "bank_id"])["survey_id"].shift(1)
    surveys["previous_quarter"] = surveys.groupby(["team", "bank_id"])["quarter"].shift(1)
    return surveys.dropna(subset=["previous_survey_id"]).astype({"previous_survey_id": "int64"})


def _question_lookup(banks: Mapping[str, Bank]) -> pd.DataFrame:
    return pd.DataFrame(
        [(bank_id, q.id, q.area, q.text) for bank_id, bank in banks.items() for q in bank.questions],
        columns=["bank_id", "question_id", "area", "question_text"],
    )


def _option_lookup(banks: Mapping[str, Bank]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            (bank_id, q.id, o.id, o.label)
            for bank_id, bank in banks.items()
            for q in bank.questions
            for o in q.all_options
        ],
        columns=["bank_id", "question_id", "option_id", "label"],
    )


def answer_changes(answers: pd.DataFrame, bank_for: BankResolver = load_bank) -> pd.DataFrame:
    """Answers that differ from the same team's previous survey of the bank, with the current note.

    One row per changed question (a question answered for the first time counts, with ``from_option`` NaN).
    ``points_change`` is NaN when either side is ``na``. Only questions the bank still has are compared.
    """
    pairs = _previous_survey_ids(answers)
    if pairs.empty:
        return empty_frame(CHANGE_COLUMNS)
    banks = banks_of(answers, bank_for)
    given = counted(answers)[["survey_id", "question_id", "option_id", "points", "note"]]
    now = pairs[["team", "bank_id", "quarter", "previous_quarter", "survey_id", "previous_survey_id"]].merge(
        given, on="survey_id"
    )
    before = given.rename(
        columns={"survey_id": "previous_survey_id", "option_id": "from_option", "points": "from_points"}
    ).drop(columns="note")
    merged = now.merge(before, on=["previous_survey_id", "question_id"], how="left")
    merged = merged.rename(columns={"option_id": "to_option", "points": "to_points"})
    merged = merged[merged["to_option"] != merged["from_option"]]
    merged = merged.merge(_question_lookup(banks), on=["bank_id", "question_id"])  # drops removed questions
    options = _option_lookup(banks)
    for side in ("from", "to"):
        merged = merged.merge(
            options.rename(columns={"option_id": f"{side}_option", "label": f"{side}_label"}),
            on=["bank_id", "question_id", f"{side}_option"],
            how="left",
        )
    na_involved = (merged["from_option"] == NA) | (merged["to_option"] == NA) | merged["from_option"].isna()
    merged["points_change"] = (merged["to_points"] - merged["from_points"]).where(~na_involved).round(4)
    ordered = merged.sort_values(["team", "bank_id", "quarter", "points_change", "question_id"], na_position="last")
    return ordered[CHANGE_COLUMNS].reset_index(drop=True)


def unknown_answers(answers: pd.DataFrame, bank_for: BankResolver = load_bank) -> pd.DataFrame:
    """Questions each team's latest survey (per bank) still answers ``unknown``, with how many of the team's
    surveys in a row (back from the latest, among those that answered the question) said so, and since when."""
    given = counted(answers)
    if given.empty:
        return empty_frame(UNKNOWN_COLUMNS)
    banks = banks_of(answers, bank_for)
    keys = ["team", "bank_id", "question_id"]
    ordered = given.sort_values([*keys, "quarter"]).copy()
    ordered["is_unknown"] = ordered["option_id"] == UNKNOWN
    question = ordered.groupby(keys, sort=False).ngroup()  # integer codes: grouping on them is fast
    # A run of unknowns restarts after every other answer: number the runs, then count within each one.
    run = (~ordered["is_unknown"]).astype("int64").groupby(question).cumsum()
    ordered["quarters_unknown"] = ordered["is_unknown"].astype("int64").groupby([question, run]).cumsum()
    # The run's first quarter, carried down the run (a run's rows are consecutive: the frame is sorted).
    starts = ordered["quarter"].where(ordered["quarters_unknown"] == 1)
    ordered["since"] = starts.groupby(question).ffill().where(ordered["is_unknown"])
    latest = latest_per_team(surveys_frame(answers))[["survey_id"]]
    current = ordered.merge(latest, on="survey_id")
    current = current[current["is_unknown"]].merge(_question_lookup(banks), on=["bank_id", "question_id"])
    current = current.sort_values(["team", "bank_id", "quarters_unknown", "question_id"], ascending=[1, 1, 0, 1])
    return current[UNKNOWN_COLUMNS].reset_index(drop=True)


def bank_changes(answers: pd.DataFrame, bank_for: BankResolver = load_bank) -> pd.DataFrame:
    """Where a team's survey uses another version of its bank than the team's previous survey did.

    ``added``, ``removed`` and ``reworded`` (sorted tuples of question ids) compare the two versions' files
    (:func:`scorecard.survey.bank_versions.wording_changes`). A version whose file is not kept (a custom bank
    never archived) is known only from the answers stored under it (by any team): a question nobody answered
    then is not seen, and no rewording can be told.
    """
    surveys = surveys_frame(answers)
    surveys["previous_version"] = surveys.groupby(["team", "bank_id"])["bank_version"].shift(1)
    surveys["previous_quarter"] = surveys.groupby(["team", "bank_id"])["quarter"].shift(1)
    changed = surveys[surveys["previous_version"].notna() & (surveys["previous_version"] != surveys["bank_version"])]
    if changed.empty:
        return empty_frame(BANK_CHANGE_COLUMNS)
    banks = banks_of(answers, bank_for)
    seen = counted(answers).groupby(["bank_id", "bank_version"])["question_id"].agg(frozenset).to_dict()

    def compared(bank_id: str, old: int, new: int) -> tuple[tuple[str, ...], ...]:
        versions = [bank_of(bank_id, version, banks[bank_id]) for version in (old, new)]
        if all(bank.version == version for bank, version in zip(versions, (old, new), strict=True)):
            return wording_changes(*versions)
        ids = [
            frozenset(q.id for q in bank.questions)
            if bank.version == version
            else seen.get((bank_id, version), frozenset())
            for bank, version in zip(versions, (old, new), strict=True)
        ]
        return tuple(sorted(ids[1] - ids[0])), tuple(sorted(ids[0] - ids[1])), ()

    rows = [
        (
            change.team,
            change.bank_id,
            change.quarter,
            change.previous_quarter,
            int(change.previous_version),
            int(change.bank_version),
            *compared(change.bank_id, int(change.previous_version), int(change.bank_version)),
        )
        for change in changed.itertuples(index=False)
    ]
    return pd.DataFrame(rows, columns=BANK_CHANGE_COLUMNS)
