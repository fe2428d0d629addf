"""A report's template context, its HTML (one autoescaped Jinja2 environment), and writing it to a file.

The page fetches nothing: styles are inline, charts are inline SVG, there is no script. Every user string (team
names, notes, file paths, flag names) reaches the page through Jinja's autoescape.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from scorecard.errors import ScorecardError
from scorecard.files import write_text_atomically
from scorecard.paths import templates_dir
from scorecard.report.charts import ChartMaker
from scorecard.report.collect import ReportError, ReportInput
from scorecard.report.left_out import without_missing_banks
from scorecard.report.overview import overview
from scorecard.report.prepared import prepare_frames
from scorecard.report.team_page import team_page
from scorecard.survey.bank import Bank
from scorecard.survey.bank_file import load_bank


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
    """The template context of a report: the overview per bank (org scope), then a page per team, weakest
    team first (in the first bank's heat map order). Surveys whose bank ``bank_for`` cannot load are left out
    and named (:mod:`.left_out`)."""
    data = without_missing_banks(data, bank_for)
    frames = prepare_frames(data, bank_for)
    with ChartMaker() as charts:  # charts are numbered as they are drawn: overviews first, then pages
        overviews = [overview(frames, bank_id, charts) for bank_id in frames.bank_order] if data.scope == "org" else []
        pages = [team_page(frames, team, charts) for team in data.teams]
    heat_map_order = {row.team: index for index, row in enumerate(overviews[0].rows if overviews else [])}
    pages.sort(key=lambda page: (heat_map_order.get(page.team, len(heat_map_order)), page.team))
    return {
        "title": data.title,
        "scope": data.scope,
        "quarters": data.quarters,
        "quarter": data.quarters[-1],
        "generated_at": data.generated_at,
        "overviews": overviews,
        "pages": pages,
        "team_count": len(data.teams),
        "any_scan": bool(data.git.scanned_at),
        "left_out": data.left_out,
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


def write_report(html: str, output: Path) -> None:
    """Write ``html`` to ``output`` atomically (a reader never sees half a report) with the writer every file
    scorecard writes for the user goes through (:func:`scorecard.files.write_text_atomically`): the same
    guarantees (the old file kept on any failure, a new file the umask's mode, the umask never touched) and the
    same sentences (a full disk says so, and that the old report is unchanged)."""
    check_writable(output)
    try:
        write_text_atomically(output, html)
    except ScorecardError as error:
        raise ReportError(str(error)) from None
