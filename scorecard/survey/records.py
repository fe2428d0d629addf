"""What a survey is made of, as the rest of the program sees it: teams, surveys and their answers.

Plain frozen dataclasses: the store returns them and takes them, so no caller ever sees a row or SQL.
"""

from __future__ import annotations

from dataclasses import dataclass

SURVEY_ANSWER_COLUMNS = (
    "team",
    "quarter",
    "bank_id",
    "bank_version",
    "status",
    "survey_id",
    "question_id",
    "option_id",
    "points",
    "note",
    "answered_at",
    "carried_over",
    "link",
)
"""The columns of the store's bulk read of answers (one row per answer with its survey), as the report reads it."""

RESPONDENT_ANSWER_COLUMNS = (
    "team",
    "quarter",
    "bank_id",
    "bank_version",
    "status",
    "survey_id",
    "respondent",
    "question_id",
    "option_id",
    "points",
    "note",
    "answered_at",
    "link",
)
"""The columns of the store's bulk read of respondents' answers (one row per respondent's answer with its survey)."""


@dataclass(frozen=True)
class Team:
    id: int
    name: str


@dataclass(frozen=True)
class Survey:
    """One team's survey (of the team, or of one of its systems) of one quarter under one bank."""

    id: int
    team: str
    quarter: str
    bank_id: str
    bank_version: int
    status: str
    """``draft`` or ``complete``."""
    started_at: str
    updated_at: str
    completed_at: str | None
    system: str = ""
    """The team's system the survey is for (a model, a pipeline, a service); '' for the team-level survey."""


@dataclass(frozen=True)
class StoredAnswer:
    """An answer as stored, with the time it was given."""

    question_id: str
    option_id: str
    points: float | None
    """None for ``na``."""
    note: str | None
    answered_at: str
    carried_over: bool = False
    """Last quarter's answer, not yet confirmed: it does not count until it is."""
    link: str | None = None
    """Where the answer can be checked: a ticket, a CI job, a dashboard, a path."""


@dataclass(frozen=True)
class AnswerInput:
    """One answer to write: what a person chose, before it gets a timestamp."""

    question_id: str
    option_id: str
    points: float | None
    note: str | None = None
    carried_over: bool = False
    link: str | None = None
