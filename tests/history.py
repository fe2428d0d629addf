"""The hand-worked history the trend and report tests share: two teams, three quarters, a bank that changed version.

The bank on disk is ``tiny`` v2 (areas alpha: a-1, a-2; beta: b-1, b-2). Version 1 had ``b-old`` instead of
``b-2``. Scores under ``mean``: an area is 100 x the mean points of its answers, ``na`` left out, ``unknown`` 0.

| team    | quarter | v | a-1       | a-2       | b-1           | b-2      | b-old | alpha | beta | overall |
| ranking | 2026Q1  | 1 | some .5   | none 0    | half .5       |          | x .5  | 25    | 50   | 37.5    |
| ranking | 2026Q2  | 1 | all 1     | none 0    | unknown 0     |          | x .5  | 50    | 0    | 25      |
| ranking | 2026Q3  | 2 | some .5   | all 1 (*) | unknown 0     | na       |       | 75    | 0    | 37.5    |
| search  | 2026Q1  | 1 | none 0    | all 1     | all 1         |          |       | 50    | 100  | 75      |
| search  | 2026Q3  | 2 | all 1     | all 1     | na            | all 1    |       | 100   | 100  | 100     |

(*) with a note (so is search's unchanged a-2 of 2026Q3). ``b-old`` is gone from the bank, so it counts in no
quarter.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

import pandas as pd

from scorecard.report import trends
from scorecard.store import Store
from scorecard.survey.bank import Bank
from scorecard.survey.bank_file import load_bank_file
from scorecard.survey.records import AnswerInput
from tests.banks import MEAN_BANK, write_bank

BANK_V2 = (
    MEAN_BANK.replace("version: 1", "version: 2")
    + """\
  - id: b-2
    area: beta
    topics: [reproducibility]
    text: Fourth question?
    help: {why: Because., source: Paper 4., good: Good.}
    options:
      - {id: none, label: Nothing., points: 0}
      - {id: all, label: All., points: 1}
"""
)

POINTS = {"none": 0.0, "some": 0.5, "half": 0.5, "all": 1.0, "unknown": 0.0, "na": None, "x": 0.5}

SURVEYS = [
    ("ranking", "2026Q1", 1, {"a-1": "some", "a-2": "none", "b-1": "half", "b-old": "x"}),
    ("ranking", "2026Q2", 1, {"a-1": "all", "a-2": "none", "b-1": "unknown", "b-old": "x"}),
    ("ranking", "2026Q3", 2, {"a-1": "some", "a-2": "all", "b-1": "unknown", "b-2": "na"}),
    ("search", "2026Q1", 1, {"a-1": "none", "a-2": "all", "b-1": "all"}),
    ("search", "2026Q3", 2, {"a-1": "all", "a-2": "all", "b-1": "na", "b-2": "all"}),
]
NOTE = "wired the check into CI"


def history_bank(folder: Path) -> Bank:
    """``tiny`` v2, written to ``folder`` and read back."""
    return load_bank_file(write_bank(folder, BANK_V2))


def resolver(bank: Bank) -> Callable[[str], Bank]:
    """A bank resolver that knows one bank."""
    return lambda bank_id: bank


def answers_of(
    surveys: Sequence[tuple[str, str, int, dict[str, str]]] = SURVEYS,
    note: str = NOTE,
    extra_teams: Iterable[tuple[str, str]] = (),
) -> pd.DataFrame:
    """The answers frame of ``surveys`` (a note on a-2 of 2026Q3), plus an incomplete one-answer survey for each
    ``(team, quarter)`` of ``extra_teams``."""
    with Store.memory() as store:
        for team, quarter, version, chosen in surveys:
            inputs = [
                AnswerInput(qid, oid, POINTS[oid], note if (quarter, qid) == ("2026Q3", "a-2") else None)
                for qid, oid in chosen.items()
            ]
            store.import_answers(team, quarter, "tiny", version, inputs, complete=True)
        for team, quarter in extra_teams:
            store.import_answers(team, quarter, "tiny", 2, [AnswerInput("a-1", "all", 1.0)], complete=False)
        return trends.answers_frame(store.survey_answer_rows())
