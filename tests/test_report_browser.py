"""The report in a real browser: headless Chromium (Debian's ``chromium``) opens it from a file URL, offline.

Checked: no request leaves the file, no console error, no dialog (the hostile strings stay text), every chart
has a size, and print gives every team its own page. Screenshots are saved beside the report for a person to
look at (``SCORECARD_SCREENSHOTS=DIR`` keeps them).
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from scorecard import report
from scorecard.report.actions import ACTION_COLUMNS
from scorecard.report.respondents import respondents_frame
from tests.history import SURVEYS, answers_of, history_bank
from tests.test_report import IMAGE, SCRIPT, demo_html, hand_made_git_frames

CHROMIUM = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed (.ci/run installs it)"),
]

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
CHART_SIZES = """() => Array.from(document.querySelectorAll('svg.chart-svg'), (svg) => {
    const box = svg.getBoundingClientRect();
    return [svg.closest('figure').dataset.kind, box.width, box.height];
})"""


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def hostile_report(tmp_path_factory) -> Path:
    """A report with hostile strings in a team name, a note, a file path and a flag name."""
    folder = tmp_path_factory.mktemp("browser")
    bank = history_bank(folder)
    hostile_team = f"team {SCRIPT} {IMAGE}"
    surveys = [(hostile_team if team == "search" else team, *rest) for team, *rest in SURVEYS]
    answers = answers_of(surveys, note=f"{SCRIPT} {IMAGE}")
    data = report.ReportInput(
        teams=sorted(answers["team"].unique()),
        answers=answers,
        quarters=["2026Q1", "2026Q2", "2026Q3"],
        git=hand_made_git_frames(hostile_team, path=f"src/{SCRIPT}{IMAGE}.py", flag=f"--{SCRIPT}{IMAGE}"),
        respondent_answers=hostile_respondents(answers, hostile_team),
        actions=pd.DataFrame(
            [(hostile_team, 1, "tiny", "a-1", "all", "2026Q3", SCRIPT, IMAGE, "2026Q1", "missed", None, None, SCRIPT)],
            columns=ACTION_COLUMNS,
        ),
    )
    out = folder / "hostile report.html"  # a space in the name: the file URL must still be the only request
    report.write_report(report.render_report(data, lambda bank_id: bank), out)
    return out


def hostile_respondents(answers: pd.DataFrame, team: str) -> pd.DataFrame:
    """Two respondents to ``team``'s latest survey who dispute a-1: one named like a script, with a hostile note
    and a ``javascript:`` link."""
    survey = answers[answers["team"] == team].sort_values("quarter").iloc[-1]
    head = (team, survey["quarter"], survey["bank_id"], survey["bank_version"], survey["status"], survey["survey_id"])
    rows = [
        (*head, SCRIPT, "a-1", "none", 0.0, f"{SCRIPT} {IMAGE}", "2026-09-01T10:00:00+00:00", "javascript:alert(1)"),
        (*head, "Ana", "a-1", "all", 1.0, None, "2026-09-01T10:00:00+00:00", "https://ci.example.com/x"),
    ]
    return respondents_frame(rows)


@pytest.fixture(scope="module")
def demo_report() -> Path:
    return demo_html()  # `scorecard report --demo`, shared with test_report.py


def open_offline(browser, path: Path, width: int = 1280):
    """Open ``path`` with the network off, recording requests, console errors and dialogs."""
    context = browser.new_context(offline=True, viewport={"width": width, "height": 900})
    page = context.new_page()
    seen: dict[str, list[str]] = {"requests": [], "errors": [], "dialogs": []}
    page.on("request", lambda request: seen["requests"].append(request.url))
    page.on("console", lambda message: message.type == "error" and seen["errors"].append(message.text))
    page.on("pageerror", lambda error: seen["errors"].append(str(error)))
    page.on("dialog", lambda dialog: (seen["dialogs"].append(dialog.message), dialog.dismiss()))
    page.goto(path.as_uri(), wait_until="load")
    return context, page, seen


def keep_screenshot(page, path: Path, name: str, full_page: bool = True) -> Path:
    shot = path.with_name(name)
    page.screenshot(path=str(shot), full_page=full_page)
    keep = os.environ.get("SCORECARD_SCREENSHOTS")
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        shutil.copy(shot, Path(keep) / name)
    return shot


@pytest.mark.parametrize("which", ["hostile_report", "demo_report"])
def test_report_in_chromium_is_self_contained_and_every_chart_has_a_size(browser, request, which):
    path: Path = request.getfixturevalue(which)
    context, page, seen = open_offline(browser, path)
    try:
        assert seen["requests"] == [path.as_uri()]
        assert seen["errors"] == []
        assert seen["dialogs"] == []
        sizes = page.evaluate(CHART_SIZES)
        assert sizes, "no chart in the page"
        assert [s for s in sizes if not (s[1] > 50 and s[2] > 25)] == []
        kinds = {kind for kind, _w, _h in sizes}
        assert {"area-trend", "org-trend", "evidence-ratios", "evidence-hotspots"} <= kinds
        shot = keep_screenshot(page, path, f"{path.stem.replace(' ', '-')}.png")
        assert shot.stat().st_size > 10_000
    finally:
        context.close()


def test_hostile_strings_are_text_in_the_live_page(browser, hostile_report):
    context, page, _seen = open_offline(browser, hostile_report)
    try:
        assert page.locator("script").count() == 0 and page.locator("img").count() == 0
        heading = page.locator("section.team h2").filter(has_text="<script>")
        assert heading.count() == 1 and SCRIPT in heading.inner_text()
        assert f"{SCRIPT} {IMAGE}" in page.locator("td.note").all_inner_texts()
        assert SCRIPT in page.locator("table.disputes .respondent").all_inner_texts()
        assert SCRIPT in page.locator("table.actions td.owner").all_inner_texts()
        assert page.locator("table.disputes .answer-link").all_inner_texts() == [
            "javascript:alert(1)",
            "https://ci.example.com/x",
        ]
        assert page.locator("a[href^='javascript']").count() == 0
        assert page.locator("a.answer-link").count() == 1
    finally:
        context.close()


REVIEW_PARTS = (
    "table.disputes",
    "table.disagreement",
    "table.top-answers",
    ".actions-section table.kept-share",
    ".actions-section table.actions",
    ".org-actions table.due-now",
    ".org-actions table.by-team",
)


def test_the_review_parts_render_in_the_demo(browser, demo_report):
    """Every part of a review (disputes, disagreement, top answers, actions) has a size on screen; the screenshot
    of one team's page is kept for a person to look at (``SCORECARD_SCREENSHOTS``)."""
    context, page, seen = open_offline(browser, demo_report)
    try:
        assert seen["errors"] == [] and seen["dialogs"] == []
        for selector in REVIEW_PARTS:
            boxes = [part.bounding_box() for part in page.locator(selector).all()]
            assert boxes, selector
            assert all(box and box["width"] > 300 and box["height"] > 40 for box in boxes), selector
        assert page.locator("a.answer-link[href^='https://']").count() > 0
        assert page.locator("span.answer-link").count() > 0  # a path: text, not a link
        cells = page.locator("table.disagreement td.spread-cell").evaluate_all(
            "cells => cells.map(c => getComputedStyle(c).backgroundColor)"
        )
        assert len(set(cells)) > 3  # shaded by spread
        team = page.locator("section.team").filter(has=page.locator("h2", has_text="recommendations"))
        shot = demo_report.with_name("demo-review.png")
        team.screenshot(path=str(shot))
        keep = os.environ.get("SCORECARD_SCREENSHOTS")
        if keep:
            Path(keep).mkdir(parents=True, exist_ok=True)
            shutil.copy(shot, Path(keep) / shot.name)
        assert shot.stat().st_size > 10_000
    finally:
        context.close()


def test_print_puts_each_team_on_its_own_page(browser, demo_report):
    context, page, _seen = open_offline(browser, demo_report)
    try:
        page.emulate_media(media="print")
        breaks = page.evaluate(
            "() => Array.from(document.querySelectorAll('section.team'), s => getComputedStyle(s).breakBefore)"
        )
        assert breaks and set(breaks) == {"page"}
        assert page.evaluate("() => getComputedStyle(document.querySelector('nav.toc')).display") == "none"
        pdf = page.pdf(format="A4", landscape=True, print_background=True)
        pages = len(re.findall(rb"/Type\s*/Page\b(?!s)", pdf))
        assert pages > len(breaks)  # the overview, then at least a page per team
    finally:
        context.close()


def test_narrow_screen_has_no_sideways_scroll(browser, demo_report):
    context, page, _seen = open_offline(browser, demo_report, width=760)
    try:
        overflow = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0
        keep_screenshot(page, demo_report, "demo-narrow.png", full_page=False)
    finally:
        context.close()
