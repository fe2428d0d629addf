"""A team page's review parts, per bank: the disputed questions of the latest survey with each respondent's answer,
the disagreement per area across quarters, and the answers at a question's top option, "claimed" or "linked".

**Claimed or linked**: an answer at its question's top option (the most points the question gives) is *linked*
when it carries a link (where it can be checked: a ticket, a CI job, a dashboard, a path) and *claimed* when it
does not. A link is shown as a link only when it is an ``http(s)`` address (:func:`formatting.web_link`); a
path or anything else is shown as text.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from scorecard.report.formatting import spread_colours, spread_text, web_link
from scorecard.report.prepared import TeamSurveyFrames, none_if_nan
from scorecard.report.respondents import OVERALL
from scorecard.survey.bank import Bank, Question

CLAIMED, LINKED = "claimed", "linked"


@dataclass(frozen=True)
class RespondentAnswer:
    """One respondent's answer to a disputed question."""

    name: str
    option_label: str
    note: str | None
    link: str | None
    href: str | None
    """``link`` when it may be followed (http or https), else None."""


@dataclass(frozen=True)
class DisputedQuestion:
    question_id: str
    question_text: str
    area_title: str
    counted_label: str
    """The option the survey counts."""
    source: str
    """``team`` (the team settled it) or ``respondents`` (their lower median counts)."""
    spread_text: str
    answers: list[RespondentAnswer]


@dataclass(frozen=True)
class SpreadCell:
    text: str
    background: str
    foreground: str
    title: str


@dataclass(frozen=True)
class DisagreementTable:
    """Mean spread per area (rows, then the overall) and quarter (columns)."""

    quarters: list[str]
    respondents: list[str]
    """Per quarter: how many people answered as respondents ("" where nobody did)."""
    rows: list[tuple[str, list[SpreadCell]]]
    """(area title or "Overall", a cell per quarter)."""


@dataclass(frozen=True)
class TopAnswer:
    """An answer at its question's top option, and whether anything backs it."""

    question_id: str
    question_text: str
    area_title: str
    option_label: str
    status: str
    """``claimed`` or ``linked``."""
    link: str | None
    href: str | None


@dataclass(frozen=True)
class ReviewSection:
    """What the team's respondents said, and how much of the best answers can be checked."""

    respondents: list[str]
    """Who answered the latest survey as a respondent, in name order."""
    disputed: list[DisputedQuestion]
    disagreement: DisagreementTable | None
    """None when nobody answered as a respondent in the report's quarters."""
    top_answers: list[TopAnswer]
    linked: int
    claimed: int


def review_section(survey: TeamSurveyFrames, quarters: Sequence[str]) -> ReviewSection:
    """The review parts of one team's bank, as of its latest survey of the bank."""
    bank, latest = survey.bank, survey.headline.quarter
    now = survey.answers[(survey.answers["quarter"] == latest) & survey.answers["question_id"].notna()]
    theirs = survey.respondents[survey.respondents["quarter"] == latest]
    tops = top_answers(bank, now)
    return ReviewSection(
        respondents=sorted(set(theirs["respondent"]), key=str.casefold),
        disputed=disputed_questions(bank, now, theirs),
        disagreement=disagreement_table(bank, survey.disagreement, quarters),
        top_answers=tops,
        linked=sum(1 for top in tops if top.status == LINKED),
        claimed=sum(1 for top in tops if top.status == CLAIMED),
    )


def _label(question: Question, option_id: Any) -> str:
    option = question.option(str(option_id))
    return option.label if option is not None else str(option_id)


def _text(value: Any) -> str | None:
    value = none_if_nan(value)
    return value if isinstance(value, str) and value else None


def disputed_questions(bank: Bank, answers: pd.DataFrame, respondents: pd.DataFrame) -> list[DisputedQuestion]:
    """The questions ``answers`` (one survey's combined answers) marks disputed, widest spread first, then in
    bank order, each with every respondent's answer (``respondents``: the survey's respondent rows)."""
    titles = {area.id: area.title for area in bank.areas}
    order = {question.id: index for index, question in enumerate(bank.questions)}
    disputed = answers[answers["disputed"].astype(bool)]
    by_question = {qid: rows for qid, rows in respondents.groupby("question_id", sort=False)}
    found = []
    for row in sorted(disputed.to_dict("records"), key=lambda r: (-(r["spread"] or 0.0), order.get(r["question_id"]))):
        question = bank.question(str(row["question_id"]))
        if question is None:
            continue
        given = by_question.get(question.id, respondents.iloc[0:0])
        found.append(
            DisputedQuestion(
                question_id=question.id,
                question_text=question.text,
                area_title=titles.get(question.area, question.area),
                counted_label=_label(question, row["option_id"]),
                source=str(row["source"]),
                spread_text=spread_text(none_if_nan(row["spread"])),
                answers=[
                    RespondentAnswer(
                        name=str(answer.respondent),
                        option_label=_label(question, answer.option_id),
                        note=_text(answer.note),
                        link=_text(answer.link),
                        href=web_link(_text(answer.link)),
                    )
                    for answer in given.itertuples(index=False)
                ],
            )
        )
    return found


def disagreement_table(bank: Bank, disagreement: pd.DataFrame, quarters: Sequence[str]) -> DisagreementTable | None:
    """The mean spread per area and quarter of the report, from the first quarter with respondents (None when no
    survey of theirs had any)."""
    if disagreement.empty:
        return None
    first = str(disagreement["quarter"].min())
    quarters = [quarter for quarter in quarters if quarter >= first]  # no empty columns before anyone answered
    spreads = disagreement.set_index(["area", "quarter"])["spread"].to_dict()
    people = disagreement.drop_duplicates("quarter").set_index("quarter")["respondents"].to_dict()
    areas = [(area.id, area.title) for area in bank.areas] + [(OVERALL, "Overall")]
    rows = []
    for area_id, title in areas:
        cells = []
        for quarter in quarters:
            spread = none_if_nan(spreads.get((area_id, quarter)))
            background, foreground = spread_colours(spread)
            cells.append(SpreadCell(spread_text(spread), background, foreground, f"{title} · {quarter}"))
        rows.append((title, cells))
    counts = [f"{int(people[q])} respondents" if q in people else "" for q in quarters]
    return DisagreementTable(list(quarters), counts, rows)


def top_answers(bank: Bank, answers: pd.DataFrame) -> list[TopAnswer]:
    """The answers (one survey's combined answers) at their question's top option, in bank order."""
    titles = {area.id: area.title for area in bank.areas}
    chosen = {str(row["question_id"]): row for row in answers.to_dict("records")}
    found = []
    for question in bank.questions:
        row = chosen.get(question.id)
        best = question.best_option
        option = question.option(str(row["option_id"])) if row is not None else None
        if row is None or option is None or option.points is None or not best.points or option.points < best.points:
            continue
        link = _text(row.get("link"))
        found.append(
            TopAnswer(
                question_id=question.id,
                question_text=question.text,
                area_title=titles.get(question.area, question.area),
                option_label=option.label,
                status=LINKED if link else CLAIMED,
                link=link,
                href=web_link(link),
            )
        )
    return found
