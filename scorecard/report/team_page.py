"""A team's page: per bank its headline, area charts, answers that changed, unknowns and contradictions; then git."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from scorecard.metric_contract import describe_metric
from scorecard.report import trends
from scorecard.report.actions import TeamActions, team_actions_section
from scorecard.report.charts import ChartMaker
from scorecard.report.figure import Figure
from scorecard.report.formatting import format_delta, gain_text, level_colours, points_to_go, score_text
from scorecard.report.git_section import GitSection, git_section
from scorecard.report.prepared import PreparedFrames, TeamSurveyFrames, none_if_nan
from scorecard.report.review import ReviewSection, review_section
from scorecard.report.system_table import SystemsTable, systems_tables
from scorecard.survey.bank import Bank


@dataclass(frozen=True)
class BankSection:
    """One bank's part of a team page."""

    bank: Bank
    headline: trends.Headline
    overall_text: str
    overall_delta: str
    overall_delta_class: str
    level_colours: tuple[str, str]
    next_level_above: str
    points_to_next: str
    figures: list[Figure]
    improvements: list[dict[str, Any]]
    changes: list[dict[str, Any]]
    changes_since: str | None
    """The quarter answers are compared with (None for a team's first survey)."""
    unknowns: list[dict[str, Any]]
    bank_changes: list[dict[str, Any]]
    contradictions: list[dict[str, Any]]
    review: ReviewSection
    """The respondents' disputes and disagreement, and the top answers claimed or linked."""


@dataclass(frozen=True)
class TeamPage:
    team: str
    anchor: str
    latest_quarter: str | None
    banks: list[BankSection]
    git: GitSection
    never_surveyed: bool = False
    """No survey at all (not only none in the report's quarters): the page says how to take one."""
    actions: TeamActions | None = None
    """What the team committed to fix, and the share of due actions kept (None: no action yet)."""
    systems: list[SystemsTable] | None = None
    """Per bank its systems were surveyed in: the roll-up row and a row per system (None or empty: none)."""


def team_page(frames: PreparedFrames, team: str, charts: ChartMaker) -> TeamPage:
    """A team's page; its charts are drawn in page order (bank by bank, then git)."""
    sections = [bank_section(survey, frames, charts) for survey in frames.surveys_of(team)]
    systems = systems_tables(frames, team)
    quarters = [section.headline.quarter for section in sections] + [table.quarter for table in systems]
    return TeamPage(
        team=team,
        anchor=frames.anchors[team],
        latest_quarter=max(quarters, default=None),
        banks=sections,
        git=git_section(frames.git_frames[team], frames.quarters, charts),
        never_surveyed=team in frames.unsurveyed,
        actions=team_actions_section(frames.actions_of(team), frames.banks, frames.anchors),
        systems=systems,
    )


def bank_section(survey: TeamSurveyFrames, frames: PreparedFrames, charts: ChartMaker) -> BankSection:
    """The team's part of one bank, as of its latest survey of the bank."""
    bank, headline = survey.bank, survey.headline
    latest = survey.overall[survey.overall["quarter"] == headline.quarter].iloc[0]
    delta_text, delta_class = format_delta(none_if_nan(latest["delta"]), bank.score_decimals)
    changes = survey.changes[survey.changes["quarter"] == headline.quarter]
    titles = {area.id: area.title for area in bank.areas}
    return BankSection(
        bank=bank,
        headline=headline,
        overall_text=score_text(headline.overall, bank),
        overall_delta=delta_text,
        overall_delta_class=delta_class,
        level_colours=level_colours(bank, bank.level_for(headline.overall)),
        next_level_above=score_text(headline.next_level_above, bank),
        points_to_next=points_to_go(headline.points_to_next),
        figures=area_figures(survey, frames, charts),
        improvements=improvement_rows(bank, headline),
        changes=[
            {
                **row,
                "area_title": titles.get(row["area"], row["area"]),
                "from_label": none_if_nan(row["from_label"]),
                "note": none_if_nan(row["note"]),
                "change": format_delta(none_if_nan(row["points_change"]), 1),  # one answer's points, 0 to 1: +0.3
            }
            for row in changes.to_dict("records")
        ],
        changes_since=str(changes["previous_quarter"].iloc[0])
        if len(changes)
        else none_if_nan(latest["previous_quarter"]),
        unknowns=[
            {**row, "area_title": titles.get(row["area"], row["area"])} for row in survey.unknowns.to_dict("records")
        ],
        bank_changes=survey.bank_changes.to_dict("records"),
        contradictions=[contradiction_row(row, titles) for row in survey.contradictions.to_dict("records")],
        review=review_section(survey, frames.quarters),
    )


def contradiction_row(row: dict[str, Any], titles: dict[str, str]) -> dict[str, Any]:
    """A contradiction as its table row shows it: what was measured (each condition in words), the claim, the
    examples, and whether (and why) the team dismissed it."""
    conditions = list(row.get("conditions") or ())
    measured = conditions or [describe_metric(str(row["metric"]), float(row["value"]))]
    return {
        **row,
        "area_title": titles.get(row["area"], row["area"]),
        "value_text": "; ".join(measured),
        "measured": measured,
        "examples": list(row.get("examples") or ()),
        "claim": none_if_nan(row.get("claim")) or "",
        "dismissed": bool(row.get("dismissed")),
        "reason": none_if_nan(row.get("reason")),
        "lapsed_reason": none_if_nan(row.get("lapsed_reason")),
    }


def area_figures(survey: TeamSurveyFrames, frames: PreparedFrames, charts: ChartMaker) -> list[Figure]:
    """A chart per area of the bank: the team's score by quarter over the org median (org reports only), with a
    mark where the team's bank version changed; the latest score and its change in the caption."""
    bank, bank_id, latest = survey.bank, survey.headline.bank_id, survey.headline.quarter
    by_area_and_quarter = survey.areas.set_index(["area", "quarter"])
    scores_at = by_area_and_quarter["score"].to_dict()
    deltas_at = by_area_and_quarter["delta"].to_dict()
    marks = {row.quarter: f"v{row.to_version}" for row in survey.bank_changes.itertuples(index=False)}
    figures = []
    for area in bank.areas:
        scores = [none_if_nan(scores_at.get((area.id, q))) for q in frames.quarters]
        medians = [none_if_nan(frames.area_medians.get((bank_id, area.id, q))) for q in frames.quarters]
        delta_text, delta_class = format_delta(none_if_nan(deltas_at.get((area.id, latest))), bank.score_decimals)
        chart = charts.area_trend(
            frames.quarters,
            scores,
            medians if frames.scope == "org" else None,
            bank.scale_max(area.id),
            marks,
            label=f"{area.title}: score by quarter",
        )
        figures.append(
            Figure(
                chart=chart,
                title=area.title,
                kind="area-trend",
                reading=score_text(none_if_nan(scores_at.get((area.id, latest))), bank),
                key=area.id,
                delta_text=delta_text,
                delta_class=delta_class,
            )
        )
    return figures


def improvement_rows(bank: Bank, headline: trends.Headline) -> list[dict[str, Any]]:
    """The answers that would raise the score most, in words."""
    titles = {area.id: area.title for area in bank.areas}
    rows = []
    for lift in headline.improvements:
        question = bank.question(lift.question_id)
        options = {option.id: option.label for option in question.all_options} if question else {}
        rows.append(
            {
                "question_id": lift.question_id,
                "text": question.text if question else lift.question_id,
                "area": titles.get(lift.area, lift.area),
                "from": options.get(lift.from_option, lift.from_option),
                "to": options.get(lift.to_option, lift.to_option),
                "gain": gain_text(lift.gain, bank),
            }
        )
    return rows
