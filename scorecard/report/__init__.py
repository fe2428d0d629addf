"""The HTML trend report: read the store, compute trends (pandas), draw charts (SVG), render one file.

The public face of the package. Inside: :mod:`.collect` reads the store; :mod:`.trends` and :mod:`.changes`
compute tidy frames (pure); :mod:`.prepared` computes them once per report; :mod:`.overview`,
:mod:`.team_page` and :mod:`.git_section` make what the templates show, with :mod:`.formatting` and
:mod:`.charts`; :mod:`.render` renders and writes; :mod:`.demo` is the sample organisation.
"""

from scorecard.report.collect import (
    DEFAULT_QUARTERS,
    GitFrames,
    ReportError,
    ReportInput,
    collect_git_frames,
    collect_report,
)
from scorecard.report.demo import demo_report
from scorecard.report.left_out import bank_resolver, left_out_warning, without_missing_banks
from scorecard.report.render import build_report, check_writable, make_environment, render_report, write_report

__all__ = [
    "DEFAULT_QUARTERS",
    "GitFrames",
    "ReportError",
    "ReportInput",
    "bank_resolver",
    "build_report",
    "check_writable",
    "collect_git_frames",
    "collect_report",
    "demo_report",
    "left_out_warning",
    "make_environment",
    "render_report",
    "without_missing_banks",
    "write_report",
]
