"""What the command line prints for people: rich tables, bars and progress, never a hand-drawn one.

rich (installed with Textual) measures the terminal, honours ``NO_COLOR`` and draws nothing fancy when the
output is not a terminal. User text (team names, notes, file names) is always passed as :class:`~rich.text.Text`,
never parsed as markup. ``--json`` output does not come through here.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TaskProgressColumn, TextColumn
from rich.progress_bar import ProgressBar
from rich.table import Table
from rich.text import Text

from scorecard.errors import one_line
from scorecard.metric_contract import LATEST_METRICS, QUARTER_METRICS, Metric
from scorecard.report.formatting import gain_text
from scorecard.survey.bank import DEFAULT_BANK, Bank

BAR_WIDTH = 20


def stdout() -> Console:
    # Made per call: click's test runner swaps sys.stdout, and a console must write to the current one.
    return Console(file=sys.stdout, highlight=False, soft_wrap=True)


def stderr() -> Console:
    return Console(file=sys.stderr, highlight=False, soft_wrap=True)


def print_json(document: Any) -> None:
    sys.stdout.write(json.dumps(document, indent=2, ensure_ascii=False) + "\n")


def score_bar(value: float | None, full: float, width: int = BAR_WIDTH) -> ProgressBar | Text:
    """rich's bar of ``value`` out of ``full``; blank when there is no score yet.

    Without colour (``NO_COLOR``, a pipe) rich draws the filled part only, so the length still reads.
    """
    if value is None:
        return Text(" " * width)
    shown = max(0.0, min(value, full))
    return ProgressBar(total=full, completed=shown, width=width, complete_style="green", finished_style="green")


def print_score(scored: Any) -> None:
    """A stored survey's score card (``scored``: a :class:`scorecard.services.surveys.SurveyScore`)."""
    card, bank, survey = scored.card, scored.bank, scored.survey
    out = stdout()
    level = card.level.label if card.level else "-"
    out.print(Text(f"{survey.team} · {survey.quarter} · {bank.id} v{survey.bank_version} · {survey.status}"))
    out.print(Text(f"Overall {bank.format_score(card.overall)} of {bank.scale_max():g} ({level})"))
    out.print(Text(f"Answered {card.answered}/{card.questions}, completeness {card.completeness:.0%}"))
    if survey.system:
        out.print(Text(_system_evidence_line(survey.team, survey.system, bool(scored.metrics))))
    table = Table(box=None, show_header=False, pad_edge=False, padding=(0, 1))
    for area in card.areas:
        weakest = "← weakest" if area.area == card.weakest_area else ""
        table.add_row(
            Text(area.title),
            score_bar(area.score, bank.scale_max(area.area)),
            Text(bank.format_score(area.score), justify="right"),
            Text(f"({area.answered}/{area.questions})"),
            Text(weakest),
        )
    out.print(table)
    _print_respondents(out, scored)
    _print_improvements(out, bank, card.improvements)
    print_contradictions(out, scored.contradictions)


def _system_evidence_line(team: str, system: str, has_evidence: bool) -> str:
    """Whose git evidence a system's survey is checked against: its own repositories', or none."""
    if has_evidence:
        return f"Evidence: the repositories tied to system {system}"
    return (
        f"No git evidence for system {system}: no repository is tied to it "
        f"(scorecard scan PATH --team {team!r} --system {system!r})"
    )


DISPUTES_SHOWN = 5


def _print_respondents(out: Console, scored: Any) -> None:
    """Who answered, how far apart they are, and the questions they dispute (most spread first)."""
    if not scored.respondents:
        return
    from_respondents = sum(1 for answer in scored.combined.values() if answer.source == "respondents")
    out.print(
        Text(
            f"\nRespondents: {', '.join(scored.respondents)} · {from_respondents} answer(s) combined from theirs "
            "(the lower median), the rest the team's"
        )
    )
    disputed = sorted(
        (answer for answer in scored.combined.values() if answer.disputed), key=lambda a: -(a.spread or 0.0)
    )
    for answer in disputed[:DISPUTES_SHOWN]:
        views = ", ".join(f"{name}: {given.option_id}" for name, given in answer.by_respondent.items())
        spread = f"spread {answer.spread:g}" if answer.spread is not None else "na vs answered"
        settled = " · team answer " + answer.option_id if answer.source == "team" else ""
        out.print(Text(f"  disputed {answer.question_id} ({spread}): {views}{settled}"))
    if len(disputed) > DISPUTES_SHOWN:
        out.print(Text(f"  and {len(disputed) - DISPUTES_SHOWN} more disputed: settle them in the review meeting (m)"))


EXAMPLES_SHOWN = 3


def print_contradictions(out: Console, contradictions: Sequence[Any]) -> None:
    """Where answers and evidence disagree: each rule's claim, what it measured, a few examples, and the
    dismissed ones with their reason (``contradictions``: :class:`scorecard.survey.contradictions.Contradiction`)."""
    if not contradictions:
        return
    out.print(Text("\nWhere answers and git evidence disagree:", style="bold"))
    for c in contradictions:
        state = Text(" [dismissed]", style="dim") if c.dismissed else Text("")
        out.print(Text(f"  {c.question_id} ({c.option_id}): {c.message}") + state)
        if c.claim:
            out.print(Text(f"    claim: {c.claim}", style="dim"))
        for condition in c.conditions:
            out.print(Text(f"    - {condition.description}"))
        if c.examples:
            more = f" (+{len(c.examples) - EXAMPLES_SHOWN} more)" if len(c.examples) > EXAMPLES_SHOWN else ""
            out.print(Text(f"    e.g. {', '.join(c.examples[:EXAMPLES_SHOWN])}{more}"))
        if c.dismissed:
            out.print(Text(f"    dismissed: {c.reason}"))
        elif c.lapsed_reason:
            out.print(Text(f"    dismissed before ({c.lapsed_reason}), but the evidence has moved past its margin"))


def print_dismissed(dismissed: Sequence[Any]) -> None:
    """The dismissals just made (:class:`scorecard.survey.dismissals.Dismissal`)."""
    out = stdout()
    for d in dismissed:
        values = ", ".join(f"{v.subject} = {v.value:g}" for v in d.values)
        out.print(Text(f"Dismissed {d.question_id} for {d.team} ({d.bank_id}): {d.claim}"))
        out.print(Text(f"  while within {d.margin:.0%} of {values}. Reason: {d.reason}"))


def print_dismissal_states(states: Sequence[Any]) -> None:
    """Every dismissal with its state (:class:`scorecard.services.dismissals.DismissalState`)."""
    out = stdout()
    if not states:
        out.print("No dismissals yet: `scorecard evidence dismiss --team T --question ID --reason TEXT` makes one.")
        return
    table = Table(box=None, pad_edge=False)
    for column in ("question", "state", "dismissed", "values then", "now", "reason"):
        table.add_column(column)
    for found in states:
        d = found.dismissal
        then = ", ".join(f"{v.value:g}" for v in d.values)
        now = ", ".join("-" if value is None else f"{value:g}" for value in found.current) or "-"
        state = found.state + (" (firing)" if found.firing else "")
        table.add_row(Text(d.question_id), state, d.created_at[:10], then, now, Text(d.reason))
    out.print(table)


def _action_line(state: Any, recorded: bool = False) -> Text:
    a = state.action
    who = f", owner {a.owner}" if a.owner else ""
    when = f", recorded {a.created}" if recorded else ""
    kept = f" in {state.kept_in}" if state.kept_in else ""
    system = f"[{a.system}] " if a.system else ""  # a system's action; the team level's says none
    return Text(f"#{a.id} {system}{a.question_id}: at least {a.target} by {a.due}{who}{when} ({state.status}{kept})")


def print_action_added(state: Any) -> None:
    """An action just recorded (:class:`scorecard.survey.actions.ActionState`)."""
    a = state.action
    out = stdout()
    out.print(Text(f"Recorded action {a.id} for {a.team} ({a.bank_id}, {a.created}):"))
    out.print(Text("  ").append(_action_line(state)))
    if a.note:
        out.print(Text(f"  note: {a.note}"))


def print_action_dropped(state: Any) -> None:
    a = state.action
    out = stdout()
    out.print(Text(f"Dropped action {a.id} of {a.team}: ").append(_action_line(state)))
    out.print(Text(f"  reason: {a.drop_reason}"))


def print_actions(states: Sequence[Any]) -> None:
    """Every action of a team with its status (:class:`scorecard.survey.actions.ActionState`)."""
    out = stdout()
    if not states:
        out.print(
            "No actions yet: `scorecard actions add --team T --question ID --target OPTION --due QUARTER` records one."
        )
        return
    # Lines, not a table: question and option ids are long, and a table of eight columns cuts them at 80.
    for state in states:
        a = state.action
        out.print(_action_line(state, recorded=True))
        if a.note:
            out.print(Text(f"    note: {a.note}"))
        if a.drop_reason:
            out.print(Text(f"    dropped: {a.drop_reason}"))


def print_evidence_only(shown: Any) -> None:
    """A team scanned but not surveyed yet (``shown``: a :class:`scorecard.services.show.EvidenceOnly`)."""
    from scorecard.metric_contract import describe_metric

    out = stdout()
    of_system, system_option = (
        (f" · system {shown.system}", f" --system {shown.system!r}") if shown.system else ("", "")
    )
    out.print(Text(f"{shown.team}{of_system} · no survey yet · scanned {shown.scanned_at} ({', '.join(shown.repos)})"))
    out.print(Text(f"Take one with `scorecard survey --team {shown.team}{system_option}` (or --answers FILE)."))
    for name, value in shown.metrics.items():
        out.print(Text(f"  {describe_metric(name, value)}"))


def _print_improvements(out: Console, bank: Bank, improvements: Sequence[Any]) -> None:
    if not improvements:
        return
    out.print(Text("\nWhat would raise the score most:", style="bold"))
    if improvements[0].together:
        out.print(Text(f"  Sections tie at the minimum: raise these together, +{improvements[0].gain:g}"))
    for imp in improvements:
        question = bank.question(imp.question_id)
        text = question.text if question else imp.question_id
        gain = "  " if imp.together else gain_text(imp.gain, bank)
        out.print(Text(f"  {gain}  {imp.question_id}: {imp.from_option} -> {imp.to_option}  {text}"))


def print_banks(banks: Sequence[Bank]) -> None:
    table = Table(box=None, pad_edge=False)
    for column in ("bank", "version", "areas", "questions", "title"):
        table.add_column(column, justify="right" if column in ("areas", "questions") else "left")
    for bank in banks:
        default = " (default)" if bank.id == DEFAULT_BANK else ""
        table.add_row(bank.id, f"v{bank.version}", str(len(bank.areas)), str(len(bank.questions)), bank.title + default)
    stdout().print(table)


def print_bank(bank: Bank) -> None:
    out = stdout()
    out.print(Text(f"{bank.title} ({bank.id} v{bank.version}, aggregation {bank.aggregation})"))
    for area in bank.areas:
        out.print(Text(f"\n== {area.title} [{area.id}]", style="bold"))
        for question in bank.questions_in(area.id):
            out.print(Text(f"\n{question.id}: {question.text}"))
            for option in bank.offered_options(question):
                points = "--" if option.points is None else f"{option.points:g}"
                out.print(Text(f"   {option.id:<18} {points:>4}  {option.label}"))


def print_metric_contract() -> None:
    out = stdout()
    for title, metrics in (
        ("Latest metrics (what evidence rules cite)", LATEST_METRICS),
        ("Per quarter", QUARTER_METRICS),
    ):
        table = Table(title=title, title_justify="left", box=None, pad_edge=False)
        for column in ("metric", "unit", "team roll-up", "definition"):
            table.add_column(column)
        for metric in metrics:
            table.add_row(metric.name, metric.unit, rollup_text(metric), metric.definition)
        out.print(table)
        out.print()


def rollup_text(metric: Metric) -> str:
    """How a team's value is made, in words (``component`` for parts that are summed, not cited)."""
    rollup = metric.rollup
    text = f"{rollup.numerator} / {rollup.denominator}" if rollup.kind == "ratio" else rollup.kind
    return f"{text} (component)" if metric.component else text


def print_teams(rows: Sequence[dict[str, Any]]) -> None:
    if not rows:
        stdout().print("No teams yet: import a survey with `scorecard survey --team T --answers FILE`.")
        return
    table = Table(box=None, pad_edge=False)
    for column in ("team", "quarter", "bank", "status"):
        table.add_column(column)
    for row in rows:
        table.add_row(Text(row["team"]), row["quarter"] or "-", row["bank"] or "-", row["status"] or "none")
    stdout().print(table)


def print_scan_summaries(summaries: Sequence[dict[str, Any]]) -> None:
    out = stdout()
    for s in summaries:
        m = s["metrics"]
        ratio = "-" if s["config_to_code_ratio"] is None else f"{s['config_to_code_ratio']:.2f}"
        # The repository's name is its folder's: untrusted text, escaped so it cannot retitle the terminal.
        out.print(
            Text(f"{one_line(s['repo'], 100)} @ {s['head'][:12]} ({s['scan']['mode']} scan, {s['elapsed_s']:.1f}s)")
        )
        out.print(
            Text(
                f"  {s['commits']} commits, churn +{s['churn']['added']} -{s['churn']['deleted']}, "
                f"{int(m['lines.code'])} code / {int(m['lines.config'])} config / {int(m['lines.test'])} test lines "
                f"(config:code {ratio})"
            )
        )
        kinds = s["flags"].get("by_kind", {})
        by_kind = ", ".join(f"{count} {plural(kind.replace('_', ' '))}" for kind, count in kinds.items() if count)
        out.print(
            Text(
                f"  {s['flags']['alive']} flags alive{f' ({by_kind})' if by_kind else ''}, "
                f"{s['flags']['stale']} untouched {s['flags']['stale_days']}+ days; "
                f"{s['debt_comments']['alive']} debt comments, {s['coupling']['strong_pairs']} strongly coupled "
                f"pairs, bus factor {s['ownership']['bus_factor']}"
            )
        )
        out.print(Text(f"  {ml_line(m)}"))


def plural(noun: str) -> str:
    """English plural of a flag kind's last word: "feature switch" -> "feature switches"."""
    return noun + ("es" if noun.endswith(("ch", "sh", "s", "x")) else "s")


def ml_line(metrics: dict[str, Any]) -> str:
    """The ML-aware metrics of one scan, in one line."""
    share = metrics.get("ml_imports.share")
    imports = f"{int(metrics.get('ml_imports.files') or 0)} code files import an ML framework" + (
        f" ({share:.0%})" if share is not None else ""
    )
    return (
        f"{imports}, {int(metrics.get('thresholds.literals') or 0)} float thresholds, "
        f"{int(metrics.get('notebooks.count') or 0)} notebooks, {int(metrics.get('artifacts.committed') or 0)} "
        f"committed models/data files, {int(metrics.get('lockfiles.count') or 0)} lock files, "
        f"{int(metrics.get('ci.lines') or 0)} lines of CI"
    )


class ScanProgress:
    """A progress bar per repository on stderr, and the scan's phase messages above the bars."""

    def __init__(self, console: Console) -> None:
        self.progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(bar_width=30),
            TaskProgressColumn(),
            MofNCompleteColumn(),
            TextColumn("commits"),
            console=console,
            transient=False,
        )
        self.tasks: dict[str, TaskID] = {}

    def advance(self, path: str, read: int, total: int) -> None:
        task = self.tasks.get(path)
        if task is None:
            task = self.tasks[path] = self.progress.add_task(Path(path).name, total=max(total, read, 1))
        self.progress.update(task, completed=read, total=max(total, read, 1))

    def message(self, text: str) -> None:
        self.progress.console.print(Text(text))


@contextmanager
def scan_progress(enabled: bool) -> Iterator[ScanProgress | None]:
    """A :class:`ScanProgress` on a terminal's stderr (None otherwise: a pipe or ``--json`` gets no bars)."""
    console = stderr()
    if not enabled or not console.is_terminal:
        yield None
        return
    bars = ScanProgress(console)
    with bars.progress:
        yield bars
