"""Debt-comment benchmark: one file that is a single 500 KB line (a minified bundle), before and after.

Run: .venv/bin/python bench/debt_comment_bench.py [--kb 500]

The line is built like a minified JavaScript bundle: URLs (``http://`` holds a ``//`` comment marker),
``a--`` decrements (``--``, SQL's marker) and identifiers holding a debt word that is never a whole word
(``todoList``), so that the line is read (it holds "todo") and is no debt comment. "Before" is the regex that
defined a debt comment, searched on the decoded line as scans did (it retries every marker to the end of the
line: quadratic); "after" is :func:`scorecard.evidence.findings.is_debt_comment` on the line's bytes, and the
whole evaluation of the file (:meth:`scorecard.evidence.findings.Evaluator.evaluate`). Both must agree.
It is a benchmark, not a test: timings are printed, never asserted.
"""

from __future__ import annotations

import argparse
import re
import time
from collections.abc import Callable
from typing import TypeVar

from scorecard.evidence.findings import Evaluator, is_debt_comment
from scorecard.evidence.patterns import ScanSettings

OLD_DEBT_COMMENT = re.compile(r"(?:#|//|/\*|^\s*\*|--)\s*.*?\b(?:TODO|FIXME|XXX|HACK)\b", re.IGNORECASE | re.ASCII)
T = TypeVar("T")
FRAGMENT = (
    "function(e,t){var n=t.todoList||[];return e.map(function(r){return r.id===n.length?"
    '"http://cdn.example.com/assets/"+r.name+".png":r.title.trim().toLowerCase()}),i--}'
)


def bundle(kilobytes: int) -> bytes:
    """One line of about ``kilobytes`` KB, no newline at its end."""
    count = kilobytes * 1000 // len(FRAGMENT)
    return (FRAGMENT * count).encode()


def timed(function: Callable[..., T], *args: object) -> tuple[T, float]:
    start = time.perf_counter()
    result = function(*args)
    return result, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kb", type=int, default=500, help="size of the one-line file, in KB")
    kilobytes = parser.parse_args().kb
    line = bundle(kilobytes)
    markers = line.count(b"//") + line.count(b"--")
    print(f"one line of {len(line):,} bytes, {markers:,} comment markers")
    before, before_s = timed(lambda: OLD_DEBT_COMMENT.search(line.decode("utf-8", "replace")) is not None)
    after, after_s = timed(is_debt_comment, line)
    found, file_s = timed(Evaluator(ScanSettings()).evaluate, line, "bundle.min.js")
    assert before == after, "the two definitions disagree"
    print(f"before (regex on the line):      {before_s:9.3f} s  -> debt comment: {before}")
    print(f"after  (is_debt_comment):        {after_s:9.3f} s  -> debt comment: {after}")
    print(f"after  (Evaluator on the file):  {file_s:9.3f} s  -> findings: {found}")
    print(f"speed-up on the line: {before_s / max(after_s, 1e-9):,.0f} x")


if __name__ == "__main__":
    main()
