"""The HTML trend report: read the store, compute trends (pandas), draw charts (SVG), render one file.

The public face of the package; the parts are :mod:`.trends` (tidy frames, pure), :mod:`.charts`, and the
modules that collect, build and render a report.
"""

from scorecard.report.build import (
    DEFAULT_QUARTERS,
    EvidenceInput,
    ReportError,
    ReportInput,
    build_report,
    check_writable,
    collect_evidence,
    collect_report,
    make_environment,
    render_report,
    write_report,
)
from scorecard.report.demo import demo_report

__all__ = [
    "DEFAULT_QUARTERS",
    "EvidenceInput",
    "ReportError",
    "ReportInput",
    "build_report",
    "check_writable",
    "collect_evidence",
    "collect_report",
    "demo_report",
    "make_environment",
    "render_report",
    "write_report",
]
