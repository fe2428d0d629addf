"""What a report reads from the store: the survey answers of a window of quarters, and each team's git frames."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pandas as pd

from scorecard.errors import ScorecardError, one_line
from scorecard.quarters import quarter_of, quarter_window
from scorecard.report import respondents, systems, trends
from scorecard.report.actions import ACTION_COLUMNS, collect_actions
from scorecard.services.team_metrics import team_metrics
from scorecard.store import Store
from scorecard.survey.contradictions import Evidence
from scorecard.survey.dismissals import Dismissal

DEFAULT_QUARTERS = 8


class ReportError(ScorecardError):
    """A report that cannot be made: an unknown team, nothing to report, an output that cannot be written."""


@dataclass
class GitFrames:
    """What the teams' git scans measured, as tidy frames (empty frames when no team has been scanned)."""

    metrics: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=trends.METRIC_COLUMNS))
    """Per-quarter snapshots: team, quarter, metric, value."""
    latest: dict[str, dict[str, float]] = field(default_factory=dict)
    """team -> metric -> value of its latest scans."""
    evidence: dict[str, Evidence] = field(default_factory=dict)
    """team -> its evidence as rules read it (latest, per quarter, examples): what contradictions are checked
    against (a team missing here is checked against its ``latest`` alone)."""
    dismissals: dict[str, list[Dismissal]] = field(default_factory=dict)
    """team -> the contradictions it dismissed, oldest first."""
    scanned_at: dict[str, str] = field(default_factory=dict)
    flags: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(
            columns=["team", "kind", "name", "path", "age_days", "stale", "days_since_change"]
        )
    )
    """Flags alive at each team's latest scans, one row per flag however many files hold it."""
    churn: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=["team", "quarter", "path", "churn"]))
    pairs: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=["team", "file_a", "file_b", "degree"]))
    """Coupled file pairs of each team's latest scans."""


@dataclass(frozen=True)
class LeftOutSurvey:
    """A survey left out of a report because its bank could not be loaded."""

    team: str
    quarter: str
    bank_id: str
    system: str = ""

    def sentence(self) -> str:
        """``team X 2026Q4 uses bank 'mybank'`` (``team X system Y ...`` for a system's survey), one line."""
        of_system = f" system {one_line(self.system, 80)}" if self.system else ""
        return f"team {one_line(self.team, 80)}{of_system} {self.quarter} uses bank {one_line(repr(self.bank_id), 80)}"


@dataclass
class ReportInput:
    """Everything a report shows, read from the store (or made by hand in tests and benchmarks)."""

    teams: list[str]
    answers: pd.DataFrame
    """Every team answer of the teams' surveys in the window (columns of :data:`trends.ANSWER_COLUMNS`)."""
    quarters: list[str]
    scope: str = "org"  # "org": overview and a page per team; "team": one team's page
    git: GitFrames = field(default_factory=GitFrames)
    generated_at: str = ""
    title: str = "Technical debt review"
    unsurveyed: tuple[str, ...] = ()
    """The teams with no survey at all (not only none in the window): their page says how to take one."""
    respondent_answers: pd.DataFrame = field(default_factory=lambda: trends.empty_frame(respondents.RESPONDENT_COLUMNS))
    """Every respondent's answer to those surveys (columns of :data:`respondents.RESPONDENT_COLUMNS`): the report
    counts the combined answers (:func:`respondents.combine_frames`) and shows the disputes."""
    actions: pd.DataFrame = field(default_factory=lambda: trends.empty_frame(ACTION_COLUMNS))
    """Every action of the teams, with its status now (columns of :data:`ACTION_COLUMNS`)."""
    system_answers: pd.DataFrame = field(default_factory=lambda: systems.system_answers_frame([]))
    """Every team answer of the surveys of the teams' systems in the window (:data:`systems.SYSTEM_ANSWER_COLUMNS`)."""
    left_out: tuple[LeftOutSurvey, ...] = ()
    """Surveys left out because their bank could not be loaded (:mod:`.left_out`): the page names them."""


def collect_report(
    store: Store, team: str | None = None, quarters: int = DEFAULT_QUARTERS, title: str | None = None
) -> ReportInput:
    """Read one team's history (``team``) or every team's, over the last ``quarters`` quarters that have a
    survey, or, where no team in the report has one, that have git evidence. Raises :class:`ReportError` for an
    unknown team, or when there is neither a survey nor a scan to report."""
    known = [t.name for t in store.list_teams()]
    if team is not None and team not in known:
        raise ReportError(f"unknown team {team!r} (teams: {', '.join(known) or 'none yet'})")
    teams = [team] if team is not None else known
    answers = trends.answers_frame(store.survey_answer_rows(teams))
    system_answers = systems.system_answers_frame(store.system_answer_rows(teams))
    unsurveyed = tuple(sorted(set(teams) - set(answers["team"]) - set(system_answers["team"])))
    given = trends.empty_frame(respondents.RESPONDENT_COLUMNS)
    surveyed_quarters = pd.concat([answers["quarter"], system_answers["quarter"]])
    if surveyed_quarters.empty:
        git = collect_git_frames(store, teams, None)
        window = _evidence_window(git, quarters, team)
        git.churn = git.churn[git.churn["quarter"] >= window[0]].reset_index(drop=True)
    else:
        window = quarter_window(str(surveyed_quarters.max()), quarters)
        answers = answers[answers["quarter"] >= window[0]].reset_index(drop=True)
        system_answers = system_answers[system_answers["quarter"] >= window[0]].reset_index(drop=True)
        # A window that starts before the first survey would open every chart on empty quarters.
        first = pd.concat([answers["quarter"], system_answers["quarter"]]).min()
        window = [quarter for quarter in window if quarter >= first]
        git = collect_git_frames(store, teams, window[0])
        given = respondents.respondents_frame(store.respondent_answer_rows(teams, window[0]))
    return ReportInput(
        teams=teams,
        answers=answers,
        quarters=window,
        scope="team" if team is not None else "org",
        git=git,
        generated_at=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        title=title or (f"Technical debt: {team}" if team is not None else "Technical debt review"),
        unsurveyed=unsurveyed,
        respondent_answers=given,
        actions=collect_actions(store, teams, git.evidence),
        system_answers=system_answers,
    )


def _evidence_window(git: GitFrames, quarters: int, team: str | None) -> list[str]:
    """The last ``quarters`` quarters up to the latest with git evidence, from the first with any; raises
    :class:`ReportError` when nothing was scanned."""
    if not git.scanned_at:
        if team is not None:
            raise ReportError(f"team {team!r} has no survey yet: import one with `scorecard survey --answers FILE`")
        raise ReportError(
            "nothing to report yet: no survey and no scan (import a survey with `scorecard survey --answers FILE`, "
            "or scan a team's repository with `scorecard scan PATH --team T`)"
        )
    found = set(git.metrics["quarter"]) | set(git.churn["quarter"])
    found = found or {quarter_of(datetime.fromisoformat(moment)) for moment in git.scanned_at.values()}
    window = quarter_window(max(found), quarters)
    return [quarter for quarter in window if quarter >= min(found)]


def collect_git_frames(store: Store, teams: Sequence[str], first_quarter: str | None) -> GitFrames:
    """The git frames of ``teams`` from the store's scan tables (nothing for teams never scanned); churn from
    ``first_quarter`` on (None: all of it)."""
    snapshots: dict[str, dict[str, dict[str, float]]] = {}
    flags: list[tuple[Any, ...]] = []
    churn: list[tuple[Any, ...]] = []
    pairs: list[tuple[Any, ...]] = []
    found = GitFrames()
    for team in teams:
        measured = team_metrics(store, team, per_quarter=True)
        if measured is None:
            continue
        found.latest[team] = measured.latest
        found.evidence[team] = measured.evidence()
        found.scanned_at[team] = measured.scanned_at
        snapshots[team] = measured.by_quarter
        flags.extend((team, *row) for row in store.alive_flags(team))
        churn.extend((team, *row) for row in store.churn_by_quarter_and_path(team, first_quarter))
        for summary in store.latest_scan_summary(team):
            for pair in summary.get("coupling", {}).get("top_pairs", []):
                pairs.append((team, pair["files"][0], pair["files"][1], float(pair["degree"])))
    for dismissal in store.all_dismissals(teams):
        found.dismissals.setdefault(dismissal.team, []).append(dismissal)
    if snapshots:
        found.metrics = trends.metrics_frame(snapshots)
    if flags:
        found.flags = pd.DataFrame(flags, columns=found.flags.columns)
    if churn:
        found.churn = pd.DataFrame(churn, columns=found.churn.columns)
    if pairs:
        found.pairs = pd.DataFrame(pairs, columns=found.pairs.columns)
    return found
