"""The HTML trend report: one self-contained file for a quarterly review (``scorecard report``).

:func:`collect_report` reads what a report needs from the store; :func:`build_report` turns it into what the
templates show (with :mod:`scorecard.report.trends` for the numbers and :mod:`scorecard.report.charts` for the SVG);
:func:`render_report` renders ``templates/report.html`` with one autoescaping Jinja2 environment.

The page fetches nothing: styles are inline, charts are inline SVG, there is no script. Every user string
(team names, notes, file paths, flag names) reaches the page through Jinja's autoescape.
"""

from __future__ import annotations

import math
import os
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import pandas as pd
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from matplotlib import colormaps

from scorecard.errors import ScorecardError
from scorecard.metric_contract import describe_metric
from scorecard.paths import templates_dir
from scorecard.quarters import quarter_window
from scorecard.report import trends
from scorecard.report.charts import SERIES_COLOURS, Chart, ChartMaker
from scorecard.services.team_metrics import team_metrics
from scorecard.store import Store
from scorecard.survey.bank import DEFAULT_BANK, Bank
from scorecard.survey.bank_file import load_bank

DEFAULT_QUARTERS = 8
MINUS = "\N{MINUS SIGN}"  # a real minus: as wide as the plus, and not a hyphen to a screen reader
NO_VALUE = "\N{EN DASH}"
FLAG_AGE_BINS = ((0, 90, "<90d"), (90, 180, "90-180d"), (180, 365, "½-1y"), (365, 730, "1-2y"), (730, math.inf, ">2y"))
STALE_BIN = 2  # bins from this one on are older than the 180 days that make a flag stale
HOTSPOTS_SHOWN = 6
EVIDENCE_SERIES = {
    # chart id -> (title, [(metric, legend)], percent axis)
    "ratios": (
        "Config and tests per line of code",
        [("config_to_code_ratio", "config"), ("test_to_code_ratio", "tests")],
    ),
    "flags": ("Flags alive, and stale (> 180 days)", [("flags.alive", "alive"), ("flags.stale", "stale")]),
    "debt": (
        "Debt comments (TODO, FIXME, HACK, XXX)",
        [("debt_comments.alive", "alive"), ("debt_comments.added", "added")],
    ),
}
CHURN_KINDS = ("code", "config", "test", "notebook", "ci", "docs", "data", "other")


class ReportError(ScorecardError):
    """A report that cannot be made: an unknown team, no surveys, an output that cannot be written."""


# ---------------------------------------------------------------------------------------------------------
# What a report reads


@dataclass
class EvidenceInput:
    """A report's git evidence, as tidy frames (empty frames when no team has been scanned)."""

    metrics: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=trends.METRIC_COLUMNS))
    """Per-quarter snapshots: team, quarter, metric, value."""
    latest: dict[str, dict[str, float]] = field(default_factory=dict)
    """team -> metric -> value of its latest scans (what contradictions are checked against)."""
    scanned_at: dict[str, str] = field(default_factory=dict)
    flags: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=["team", "pattern", "name", "path", "age_days", "stale"])
    )
    """Flags alive at each team's latest scans."""
    churn: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=["team", "quarter", "path", "churn"]))
    pairs: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=["team", "file_a", "file_b", "degree"]))
    """Coupled file pairs of each team's latest scans."""


@dataclass
class ReportInput:
    """Everything a report shows, read from the store (or made by hand in tests and benchmarks)."""

    teams: list[str]
    answers: pd.DataFrame
    """Every answer of the teams' surveys in the window (columns of :data:`trends.ANSWER_COLUMNS`)."""
    quarters: list[str]
    scope: str = "org"  # "org": overview and a page per team; "team": one team's page
    evidence: EvidenceInput = field(default_factory=EvidenceInput)
    generated_at: str = ""
    title: str = "Technical debt review"


def collect_report(
    store: Store, team: str | None = None, quarters: int = DEFAULT_QUARTERS, title: str | None = None
) -> ReportInput:
    """Read one team's history (``team``) or every team's, over the last ``quarters`` quarters that have a
    survey. Raises :class:`ReportError` for an unknown team or when there is no survey at all."""
    known = [t.name for t in store.list_teams()]
    if team is not None and team not in known:
        raise ReportError(f"unknown team {team!r} (teams: {', '.join(known) or 'none yet'})")
    teams = [team] if team is not None else known
    answers = trends.answers_frame(store.survey_answer_rows(teams))
    if answers.empty:
        if team is not None:
            raise ReportError(f"team {team!r} has no survey yet: import one with `scorecard survey --answers FILE`")
        raise ReportError("no surveys yet: import one with `scorecard survey --answers FILE`")
    window = quarter_window(str(answers["quarter"].max()), quarters)
    answers = answers[answers["quarter"] >= window[0]].reset_index(drop=True)
    # A window that starts before the first survey would open every chart on empty quarters.
    window = [quarter for quarter in window if quarter >= answers["quarter"].min()]
    return ReportInput(
        teams=teams,
        answers=answers,
        quarters=window,
        scope="team" if team is not None else "org",
        evidence=collect_evidence(store, teams, window[0]),
        generated_at=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        title=title or (f"Technical debt: {team}" if team is not None else "Technical debt review"),
    )


def collect_evidence(store: Store, teams: Sequence[str], first_quarter: str) -> EvidenceInput:
    """The git evidence of ``teams`` from the store's git-evidence tables (nothing for teams never scanned)."""
    snapshots: dict[str, dict[str, dict[str, float]]] = {}
    flags: list[tuple[Any, ...]] = []
    churn: list[tuple[Any, ...]] = []
    pairs: list[tuple[Any, ...]] = []
    found = EvidenceInput()
    for team in teams:
        latest = team_metrics(store, team, per_quarter=True)
        if latest is None:
            continue
        found.latest[team] = latest.latest
        found.scanned_at[team] = latest.scanned_at
        snapshots[team] = latest.by_quarter
        flags.extend((team, *row) for row in store.alive_flags(team))
        churn.extend((team, *row) for row in store.churn_by_quarter_and_path(team, first_quarter))
        for summary in store.latest_scan_summary(team):
            for pair in summary.get("coupling", {}).get("top_pairs", []):
                pairs.append((team, pair["files"][0], pair["files"][1], float(pair["degree"])))
    if snapshots:
        found.metrics = trends.metrics_frame(snapshots)
    if flags:
        found.flags = pd.DataFrame(flags, columns=found.flags.columns)
    if churn:
        found.churn = pd.DataFrame(churn, columns=found.churn.columns)
    if pairs:
        found.pairs = pd.DataFrame(pairs, columns=found.pairs.columns)
    return found


# ---------------------------------------------------------------------------------------------------------
# What the templates show


@dataclass(frozen=True)
class Figure:
    """A chart with its caption, an optional one-line reading of it, and an HTML legend."""

    chart: Chart
    title: str
    kind: str
    reading: str = ""
    legend: tuple[tuple[str, str], ...] = ()
    """(colour, label) pairs."""
    key: str = ""
    """What the chart is of, for a reader of the HTML (an area id)."""
    delta_text: str = ""
    delta_class: str = "none"


@dataclass(frozen=True)
class HeatCell:
    area: str
    score: float | None
    text: str
    delta_text: str
    delta_class: str
    background: str
    foreground: str
    title: str


@dataclass(frozen=True)
class HeatRow:
    team: str
    anchor: str
    overall: HeatCell
    level: str
    level_colours: tuple[str, str]
    cells: tuple[HeatCell, ...]


@dataclass
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
    unknowns: list[dict[str, Any]]
    bank_changes: list[dict[str, Any]]
    contradictions: list[dict[str, Any]]


@dataclass
class TeamPage:
    team: str
    anchor: str
    latest_quarter: str | None
    banks: list[BankSection]
    evidence: list[Figure]
    scanned_at: str | None
    evidence_facts: list[str]
    hotspots: list[dict[str, Any]]
    stale_flags: list[dict[str, Any]]
    stale_flag_count: int


@dataclass
class Overview:
    bank: Bank
    quarter: str
    areas: list[tuple[str, str]]
    rows: list[HeatRow]
    missing: list[tuple[str, str, str | None]]
    """(team, anchor, last quarter surveyed or None)."""
    trend: Figure | None
    median_text: str
    median_delta: str
    median_delta_class: str
    surveyed: int
    contradictions: int
    unknowns: int
    scale: list[tuple[str, str, str]]
    """The heat map's key: (background, text colour, label) from worst to best."""
    risers: list[dict[str, str]]
    fallers: list[dict[str, str]]
    """The biggest changes of an area score since the previous survey, up and down."""


def _fmt(value: float | None, bank: Bank) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return NO_VALUE
    return _rounded(value, _digits(bank))


def _rounded(value: float, digits: int) -> str:
    """``value`` with ``digits`` decimals, halves rounded up as people expect (37.5 -> 38, not 38 or 37 by
    binary luck or banker's rounding)."""
    return str(Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP))


def _digits(bank: Bank) -> int:
    """Decimals a score of ``bank`` is shown with: sums of points (0-7) need one, percentages none."""
    return 1 if bank.aggregation == "min_section_sum" else 0


def _delta(value: float | None, digits: int) -> tuple[str, str]:
    """Text and CSS class of a change: "▲ +5", "▼ \N{MINUS SIGN}3", "= 0" ("" with nothing to compare)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "", "none"
    number = _rounded(abs(value), digits)
    if Decimal(number) == 0:
        return "= 0", "flat"
    return (f"▲ +{number}", "up") if value > 0 else (f"▼ {MINUS}{number}", "down")


_HEAT = colormaps["RdYlBu"]


def _heat_colours(score: float | None, scale: float) -> tuple[str, str]:
    """Background and text colours of a heat map cell: red (debt) to blue (healthy), text that stays legible."""
    if score is None or math.isnan(score):
        return "#f1f2f4", "#6b717b"
    red, green, blue, _alpha = _HEAT(0.08 + 0.84 * max(0.0, min(score / scale, 1.0)))
    luminance = 0.2126 * red + 0.7152 * green + 0.0722 * blue
    background = f"#{round(red * 255):02x}{round(green * 255):02x}{round(blue * 255):02x}"
    return background, "#ffffff" if luminance < 0.45 else "#1d2026"


def _level_colours(bank: Bank, level: Any) -> tuple[str, str]:
    """A level's chip colours: the heat map's colour at the level's place among the bank's levels."""
    if level is None:
        return _heat_colours(None, 1.0)
    return _heat_colours(bank.levels.index(level) / max(len(bank.levels) - 1, 1), 1.0)


def _none_if_nan(value: Any) -> Any:
    return None if isinstance(value, float) and math.isnan(value) else value


def _split_by(frame: pd.DataFrame, keys: list[str]) -> dict[tuple[Any, ...], pd.DataFrame]:
    """``frame``'s rows grouped by ``keys`` (tuple keys, even for one column)."""
    if frame.empty:
        return {}
    return {key if isinstance(key, tuple) else (key,): part for key, part in frame.groupby(keys, sort=False)}


def _part(parts: Mapping[tuple[Any, ...], pd.DataFrame], key: tuple[Any, ...], like: Any) -> Any:
    """One group of :func:`_split_by`, or ``like`` emptied (None stays None) when the group has no rows."""
    found = parts.get(key)
    if found is not None:
        return found
    return like.iloc[0:0] if isinstance(like, pd.DataFrame) else like


def _cell(area: str, score: float | None, delta: float | None, scale: float, bank: Bank, title: str) -> HeatCell:
    delta_text, delta_class = _delta(delta, _digits(bank))
    background, foreground = _heat_colours(score, scale)
    return HeatCell(area, score, _fmt(score, bank), delta_text, delta_class, background, foreground, title)


class _Builder:
    """Turns a :class:`ReportInput` into the template context; one per report (it owns the chart figures)."""

    def __init__(self, data: ReportInput, bank_for: Callable[[str], Bank]):
        self.data = data
        self.bank_for = bank_for
        self.charts = ChartMaker()
        self.quarters = data.quarters
        answers = data.answers
        self.banks = {bank_id: bank_for(bank_id) for bank_id in answers["bank_id"].unique()}
        self.bank_order = sorted(self.banks, key=lambda b: (b != DEFAULT_BANK, b))
        scores = trends.score_frames(answers, bank_for)
        self.areas = trends.with_deltas(scores.areas, ["team", "bank_id", "area"], "score")
        self.overall = trends.with_deltas(scores.overall, ["team", "bank_id"], "overall")
        self.surveys = trends.surveys_frame(answers)
        self.headlines = {(h.team, h.bank_id): h for h in trends.headlines(answers, bank_for)}
        self.changes = trends.answer_changes(answers, bank_for)
        self.unknowns = trends.unknown_answers(answers, bank_for)
        self.bank_changes = trends.bank_changes(answers, bank_for)
        self.contradictions = trends.contradictions(answers, data.evidence.latest, bank_for)
        self.anchors = {team: f"team-{index}" for index, team in enumerate(data.teams, start=1)}
        # The org median of each area per quarter: the reference line behind every team's area chart.
        self.area_medians = self.areas.groupby(["bank_id", "area", "quarter"])["score"].median().to_dict()
        # Every frame split by team once (not filtered again for every team page: 20 teams, 8 areas).
        by_team_bank = ["team", "bank_id"]
        self.areas_by = _split_by(self.areas, by_team_bank)
        self.overall_by = _split_by(self.overall, by_team_bank)
        self.changes_by = _split_by(self.changes, by_team_bank)
        self.unknowns_by = _split_by(self.unknowns, by_team_bank)
        self.bank_changes_by = _split_by(self.bank_changes, by_team_bank)
        self.contradictions_by = _split_by(self.contradictions, by_team_bank)
        evidence = data.evidence
        self.metrics_by = _split_by(evidence.metrics[evidence.metrics["quarter"].isin(self.quarters)], ["team"])
        self.churn_by = _split_by(trends.churn_by_kind(evidence.churn), ["team"])
        self.flags_by = _split_by(evidence.flags, ["team"])
        file_churn = evidence.churn.groupby(["team", "path"], as_index=False)["churn"].sum()
        self.hotspots_by = _split_by(trends.hotspots(file_churn, evidence.pairs, HOTSPOTS_SHOWN), ["team"])

    # -- overview -----------------------------------------------------------------------------------------

    def overview(self, bank_id: str) -> Overview:
        bank = self.banks[bank_id]
        quarter = self.quarters[-1]
        overall = self.overall[self.overall["bank_id"] == bank_id]
        areas = self.areas[self.areas["bank_id"] == bank_id]
        now = overall[overall["quarter"] == quarter]
        area_now = areas[areas["quarter"] == quarter]
        rows = []
        by_team_area = {(r.team, r.area): r for r in area_now.itertuples(index=False)}
        for line in now.itertuples(index=False):
            cells = tuple(
                _cell(
                    area.id,
                    _none_if_nan(by_team_area[(line.team, area.id)].score),
                    _none_if_nan(by_team_area[(line.team, area.id)].delta),
                    trends.scale_max(bank, area.id),
                    bank,
                    f"{line.team} · {area.title}",
                )
                for area in bank.areas
            )
            level = bank.level_for(_none_if_nan(line.overall))
            rows.append(
                HeatRow(
                    team=line.team,
                    anchor=self.anchors[line.team],
                    overall=_cell(
                        "overall",
                        _none_if_nan(line.overall),
                        _none_if_nan(line.delta),
                        trends.scale_max(bank),
                        bank,
                        f"{line.team} · overall",
                    ),
                    level=level.label if level else NO_VALUE,
                    level_colours=_level_colours(bank, level),
                    cells=cells,
                )
            )

        def weakest(row: HeatRow) -> tuple[float, str]:
            scored = [c.score / trends.scale_max(bank, c.area) for c in row.cells if c.score is not None]
            return (min(scored) if scored else math.inf, row.team)

        rows.sort(key=weakest)
        risers, fallers = self.movers(bank, area_now)
        surveyed = set(now["team"])
        latest_any = self.surveys[self.surveys["bank_id"] == bank_id].groupby("team")["quarter"].max().to_dict()
        missing = [(team, self.anchors[team], latest_any.get(team)) for team in self.data.teams if team not in surveyed]
        per_quarter = overall.groupby("quarter")["overall"]
        median = per_quarter.median()
        trend = None
        if len(median.dropna()):
            trend = Figure(
                chart=self.charts.band_trend(
                    self.quarters,
                    [_none_if_nan(median.get(q)) for q in self.quarters],
                    [_none_if_nan(per_quarter.min().get(q)) for q in self.quarters],
                    [_none_if_nan(per_quarter.max().get(q)) for q in self.quarters],
                    trends.scale_max(bank),
                    label=f"Overall {bank.title} score of the org by quarter: median and range of teams",
                ),
                title="Overall score across the org",
                kind="org-trend",
                legend=((SERIES_COLOURS[0], "median team"), ("#56B4E966", "lowest to highest team")),
            )
        median_now = _none_if_nan(median.get(quarter))
        earlier = [q for q in self.quarters[:-1] if not math.isnan(median.get(q, math.nan))]
        median_before = _none_if_nan(median.get(earlier[-1])) if earlier else None
        change = None if median_now is None or median_before is None else median_now - median_before
        delta_text, delta_class = _delta(change, _digits(bank))
        contradiction_count = int((self.contradictions["bank_id"] == bank_id).sum())
        unknown_count = int((self.unknowns["bank_id"] == bank_id).sum())
        return Overview(
            bank=bank,
            quarter=quarter,
            areas=[(a.id, a.title) for a in bank.areas],
            rows=rows,
            missing=missing,
            trend=trend,
            median_text=_fmt(median_now, bank),
            median_delta=delta_text,
            median_delta_class=delta_class,
            surveyed=len(surveyed),
            contradictions=contradiction_count,
            unknowns=unknown_count,
            risers=risers,
            fallers=fallers,
            scale=[
                (
                    *_heat_colours(fraction * trends.scale_max(bank), trends.scale_max(bank)),
                    _fmt(fraction * trends.scale_max(bank), bank),
                )
                for fraction in (0.0, 0.25, 0.5, 0.75, 1.0)
            ],
        )

    def movers(self, bank: Bank, area_now: pd.DataFrame, shown: int = 5) -> tuple[list[dict[str, str]], ...]:
        """The areas whose score moved most since the team's previous survey: (risers, fallers)."""
        moved = area_now[area_now["delta"].abs() >= 0.5].sort_values(["delta", "team"], ascending=[False, True])
        titles = {a.id: a.title for a in bank.areas}

        def describe(frame: pd.DataFrame) -> list[dict[str, str]]:
            return [
                {
                    "team": row.team,
                    "anchor": self.anchors[row.team],
                    "area": titles.get(row.area, row.area),
                    "score": _fmt(row.score, bank),
                    "delta": _delta(row.delta, _digits(bank))[0],
                    "class": _delta(row.delta, _digits(bank))[1],
                }
                for row in frame.itertuples(index=False)
            ]

        return describe(moved[moved["delta"] > 0].head(shown)), describe(
            moved[moved["delta"] < 0].iloc[::-1].head(shown)
        )

    # -- team pages ---------------------------------------------------------------------------------------

    def team_page(self, team: str) -> TeamPage:
        sections = [
            self.bank_section(team, bank_id) for bank_id in self.bank_order if (team, bank_id) in self.headlines
        ]
        latest = max((s.headline.quarter for s in sections), default=None)
        evidence, facts, hotspot_rows = self.evidence_figures(team)
        flags = _part(self.flags_by, (team,), self.data.evidence.flags)
        team_flags = flags[flags["stale"].astype(bool)]
        return TeamPage(
            team=team,
            anchor=self.anchors[team],
            latest_quarter=latest,
            banks=sections,
            evidence=evidence,
            scanned_at=_when(self.data.evidence.scanned_at.get(team)),
            evidence_facts=facts,
            hotspots=hotspot_rows,
            stale_flags=team_flags.head(10).to_dict("records"),
            stale_flag_count=len(team_flags),
        )

    def bank_section(self, team: str, bank_id: str) -> BankSection:
        bank = self.banks[bank_id]
        headline = self.headlines[(team, bank_id)]
        mine = _part(self.areas_by, (team, bank_id), self.areas)
        overall = _part(self.overall_by, (team, bank_id), self.overall)
        scores_at = mine.set_index(["area", "quarter"])["score"].to_dict()
        deltas_at = mine.set_index(["area", "quarter"])["delta"].to_dict()
        latest_overall = overall[overall["quarter"] == headline.quarter].iloc[0]
        delta_text, delta_class = _delta(_none_if_nan(latest_overall["delta"]), _digits(bank))
        version_changes = _part(self.bank_changes_by, (team, bank_id), self.bank_changes)
        marks = {row.quarter: f"v{row.to_version}" for row in version_changes.itertuples(index=False)}
        figures = []
        for area in bank.areas:
            scores = [_none_if_nan(scores_at.get((area.id, q))) for q in self.quarters]
            reference = [_none_if_nan(self.area_medians.get((bank_id, area.id, q))) for q in self.quarters]
            score = _none_if_nan(scores_at.get((area.id, headline.quarter)))
            change = _none_if_nan(deltas_at.get((area.id, headline.quarter)))
            text, css = _delta(change, _digits(bank))
            figures.append(
                Figure(
                    chart=self.charts.area_trend(
                        self.quarters,
                        scores,
                        reference if self.data.scope == "org" else None,
                        trends.scale_max(bank, area.id),
                        marks,
                        label=f"{area.title}: score by quarter",
                    ),
                    title=area.title,
                    kind="area-trend",
                    reading=_fmt(score, bank),
                    key=area.id,
                    delta_text=text,
                    delta_class=css,
                )
            )
        changes = _part(self.changes_by, (team, bank_id), self.changes)
        changes = changes[changes["quarter"] == headline.quarter]
        unknowns = _part(self.unknowns_by, (team, bank_id), self.unknowns)
        contradictions = _part(self.contradictions_by, (team, bank_id), self.contradictions)
        area_titles = {a.id: a.title for a in bank.areas}
        improvements = []
        for imp in headline.improvements:
            question = bank.question(imp.question_id)
            options = {o.id: o.label for o in question.all_options} if question else {}
            improvements.append(
                {
                    "question_id": imp.question_id,
                    "text": question.text if question else imp.question_id,
                    "area": area_titles.get(imp.area, imp.area),
                    "from": options.get(imp.from_option, imp.from_option),
                    "to": options.get(imp.to_option, imp.to_option),
                    "gain": _fmt_gain(imp.gain, bank),
                }
            )
        return BankSection(
            bank=bank,
            headline=headline,
            overall_text=_fmt(headline.overall, bank),
            overall_delta=delta_text,
            overall_delta_class=delta_class,
            level_colours=_level_colours(bank, bank.level_for(headline.overall)),
            next_level_above=_fmt(headline.next_level_above, bank),
            points_to_next=_points_to_go(headline.points_to_next),
            figures=figures,
            improvements=improvements,
            changes=[
                {
                    **row,
                    "area_title": area_titles.get(row["area"], row["area"]),
                    "from_label": _none_if_nan(row["from_label"]),
                    "note": _none_if_nan(row["note"]),
                    "change": _delta(_none_if_nan(row["points_change"]), 1),  # one answer's points, 0 to 1: +0.3
                }
                for row in changes.to_dict("records")
            ],
            changes_since=str(changes["previous_quarter"].iloc[0]) if len(changes) else _previous(overall, headline),
            unknowns=[
                {**row, "area_title": area_titles.get(row["area"], row["area"])} for row in unknowns.to_dict("records")
            ],
            bank_changes=version_changes.to_dict("records"),
            contradictions=[
                {**row, "area_title": area_titles.get(row["area"], row["area"]), "value_text": _metric_value(row)}
                for row in contradictions.to_dict("records")
            ],
        )

    # -- git evidence -------------------------------------------------------------------------------------

    def evidence_figures(self, team: str) -> tuple[list[Figure], list[str], list[dict[str, Any]]]:
        evidence = self.data.evidence
        if team not in evidence.scanned_at:
            return [], [], []
        values_at = (
            _part(self.metrics_by, (team,), evidence.metrics).set_index(["metric", "quarter"])["value"].to_dict()
        )
        figures: list[Figure] = []
        for key, spec in EVIDENCE_SERIES.items():
            title, series = spec[0], spec[1]
            lines = [[_none_if_nan(values_at.get((metric, q))) for q in self.quarters] for metric, _ in series]
            if not any(v is not None for line in lines for v in line):
                continue
            figures.append(
                Figure(
                    chart=self.charts.lines(self.quarters, lines, label=f"{title}, by quarter"),
                    title=title,
                    kind=f"evidence-{key}",
                    legend=tuple(
                        (colour, legend) for colour, (_m, legend) in zip(SERIES_COLOURS, series, strict=False)
                    ),
                    reading=_last_reading(lines[0], key),
                )
            )
        churn = _part(self.churn_by, (team,), None)
        if churn is not None and len(churn):
            kinds = [k for k in CHURN_KINDS if k in set(churn["kind"])]
            churn_at = churn.set_index(["kind", "quarter"])["churn"].to_dict()
            parts = [[float(churn_at.get((kind, q), 0.0)) for q in self.quarters] for kind in kinds]
            figures.append(
                Figure(
                    chart=self.charts.stacked_bars(
                        self.quarters, parts, label="Lines changed by file kind, by quarter"
                    ),
                    title="Churn by kind (lines changed)",
                    kind="evidence-churn",
                    legend=tuple(zip(SERIES_COLOURS, kinds, strict=False)),
                )
            )
        flags = _part(self.flags_by, (team,), evidence.flags)
        if len(flags):
            ages = flags["age_days"].astype("float64")
            counts = [int(((ages >= low) & (ages < high)).sum()) for low, high, _ in FLAG_AGE_BINS]
            figures.append(
                Figure(
                    chart=self.charts.histogram(
                        [label for _, _, label in FLAG_AGE_BINS], counts, STALE_BIN, label="Alive flags by age"
                    ),
                    title="Age of the flags alive now",
                    kind="evidence-flag-ages",
                    legend=((SERIES_COLOURS[0], "fresh"), ("#D55E00", "stale")),
                    reading=f"{len(flags)} alive",
                )
            )
        spots = _part(self.hotspots_by, (team,), None)
        hotspot_rows = []
        if spots is None:
            spots = pd.DataFrame(columns=trends.HOTSPOT_COLUMNS)
        if len(spots):
            figures.append(
                Figure(
                    chart=self.charts.scatter(
                        spots["churn"].astype(float).tolist(),
                        spots["coupling"].astype(float).tolist(),
                        label="Coupling hotspots: churn against coupling degree",
                    ),
                    title="Coupling hotspots (churn \N{MULTIPLICATION SIGN} coupling)",
                    kind="evidence-hotspots",
                    reading=f"{len(spots)} files",
                )
            )
            hotspot_rows = [{"number": i, **row} for i, row in enumerate(spots.to_dict("records"), start=1)]
        latest = evidence.latest.get(team, {})
        facts = [
            describe_metric(name, latest[name])
            for name in ("lines.code", "config_to_code_ratio", "flags.alive", "flags.stale", "debt_comments.alive")
            if name in latest
        ]
        return figures, facts, hotspot_rows


def _points_to_go(points: float | None) -> str:
    if points is None:
        return NO_VALUE
    return "less than 0.1" if points < 0.05 else _rounded(points, 1)


def _fmt_gain(gain: float, bank: Bank) -> str:
    return f"+{gain:.2f}" if bank.aggregation == "min_section_sum" else f"+{gain:.1f}"


def _previous(overall: pd.DataFrame, headline: trends.Headline) -> str | None:
    row = overall[overall["quarter"] == headline.quarter]
    return _none_if_nan(row["previous_quarter"].iloc[0]) if len(row) else None


def _when(moment: str | None) -> str | None:
    """An ISO timestamp as a reader wants it: ``2026-09-20 10:00 UTC``."""
    if not moment:
        return None
    try:
        return datetime.fromisoformat(moment).astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
    except ValueError:
        return moment


def _metric_value(row: Mapping[str, Any]) -> str:
    return describe_metric(str(row["metric"]), float(row["value"]))


def _last_reading(values: Sequence[float | None], key: str) -> str:
    known = [v for v in values if v is not None]
    if not known:
        return ""
    return f"{known[-1]:.2f}" if key == "ratios" else f"{known[-1]:,.0f}"


# ---------------------------------------------------------------------------------------------------------
# Rendering and writing


def make_environment(extra_template_dirs: Sequence[Path] = ()) -> Environment:
    """The report's one Jinja2 environment: autoescaped, strict about undefined names; templates in
    ``extra_template_dirs`` override the shipped ones of the same name."""
    environment = Environment(
        loader=FileSystemLoader([*map(str, extra_template_dirs), str(templates_dir())]),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters["pct"] = lambda value: f"{value:.0%}"
    return environment


def build_report(data: ReportInput, bank_for: Callable[[str], Bank] = load_bank) -> dict[str, Any]:
    """The template context of a report: the overview per bank (org scope) and a page per team."""
    builder = _Builder(data, bank_for)
    with builder.charts:
        overviews = [builder.overview(bank_id) for bank_id in builder.bank_order] if data.scope == "org" else []
        pages = [builder.team_page(team) for team in data.teams]
    first = overviews[0].rows if overviews else []
    order = {row.team: index for index, row in enumerate(first)}
    pages.sort(key=lambda page: (order.get(page.team, len(order)), page.team))
    return {
        "title": data.title,
        "scope": data.scope,
        "quarters": data.quarters,
        "quarter": data.quarters[-1],
        "generated_at": data.generated_at,
        "overviews": overviews,
        "pages": pages,
        "team_count": len(data.teams),
        "any_evidence": bool(data.evidence.scanned_at),
    }


def render_report(data: ReportInput, bank_for: Callable[[str], Bank] = load_bank) -> str:
    """The whole report as one HTML document."""
    return make_environment().get_template("report.html").render(build_report(data, bank_for))


def check_writable(output: Path) -> None:
    """Fail early (before any work) when ``output`` cannot be written."""
    folder = output.parent
    if output.is_dir():
        raise ReportError(f"cannot write {output}: it is a directory")
    if not folder.is_dir():
        raise ReportError(f"cannot write {output}: folder {folder} does not exist")
    if not os.access(folder, os.W_OK | os.X_OK) or (output.exists() and not os.access(output, os.W_OK)):
        raise ReportError(f"cannot write {output}: permission denied")


def _umask() -> int:
    current = os.umask(0o022)
    os.umask(current)
    return current


def write_report(html: str, output: Path) -> None:
    """Write ``html`` to ``output`` atomically: a reader never sees half a report."""
    check_writable(output)
    temporary: Path | None = None
    try:
        with tempfile.NamedTemporaryFile(
            "w", encoding="utf-8", dir=output.parent, prefix=f".{output.name}.", suffix=".tmp", delete=False
        ) as handle:
            temporary = Path(handle.name)
            handle.write(html)
        # A temporary file is private (0600); the report gets the mode any new file would get.
        os.chmod(temporary, output.stat().st_mode & 0o777 if output.exists() else 0o666 & ~_umask())
        os.replace(temporary, output)
    except OSError as error:
        if temporary is not None:
            temporary.unlink(missing_ok=True)
        raise ReportError(f"cannot write {output}: {error.strerror or error}") from None
