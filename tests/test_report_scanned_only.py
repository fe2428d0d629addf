"""Teams scanned but never surveyed: their page shows the git evidence, and says how to take a survey.

Real SQLite files, real repositories written by git (tests/gitrepo.py), scanned as ``scorecard scan`` scans them.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from scorecard import report
from scorecard.store import Store
from tests.gitrepo import RepoBuilder, scan_summary
from tests.runner import run_cli
from tests.test_cli import ANSWERS

SCAN_DAY = "2026-11-26"
HOSTILE = '<script>alert(1)</script>"><img src=x onerror=alert(1)>'
EVIDENCE_KINDS = [
    "evidence-ratios",
    "evidence-flags",
    "evidence-debt",
    "evidence-churn",
    "evidence-flag-ages",
    "evidence-hotspots",
]


def scanned_repo(path: Path) -> RepoBuilder:
    """A flag and a debt comment from 2026Q1 (stale by the scan), then a week of coupled changes in 2026Q3."""
    repo = RepoBuilder(path)
    flag = 'parser.add_argument("--use-fast-path", action="store_true")\n'
    repo.commit(
        {"train.py": "import argparse\n" + flag + "# TODO: drop\n", "configs/a.yaml": "x: 1\n"}, when="2026-01-10"
    )
    for day in range(10, 17):
        repo.commit(
            {"model.py": f"w = {day}\n" * day, "features.py": f"f = {day}\n", "tests/test_m.py": "assert 1\n" * day},
            when=f"2026-07-{day}",
        )
    return repo


def scan(db: Path, tmp_path: Path, *teams: str) -> None:
    """Build a repository per team and scan it into ``db`` for that team."""
    with Store.open(db) as store:
        for index, team in enumerate(teams):
            scan_summary(scanned_repo(tmp_path / f"repo-{index}").path, now=SCAN_DAY, team=team, store=store)


def survey(db: Path, tmp_path: Path) -> None:
    """Team ranking's survey of 2026Q3 and of 2026Q4 (the shipped bank), imported as a user imports it."""
    for quarter in ("2026Q3", "2026Q4"):
        answers = tmp_path / f"{quarter}.yaml"
        answers.write_text(ANSWERS.replace("2026Q4", quarter), encoding="utf-8")
        assert run_cli("survey", "--answers", str(answers), db=db).exit_code == 0


def write_report(db: Path, out: Path, *args: str) -> BeautifulSoup:
    result = run_cli("report", *args, "-o", str(out), db=db)
    assert result.exit_code == 0, result.output
    return BeautifulSoup(out.read_text(encoding="utf-8"), "html.parser")


def pages(soup: BeautifulSoup) -> dict[str, object]:
    return {section.select_one(".team-head h2").get_text(): section for section in soup.select("section.team")}


def assert_evidence_without_survey(section, team: str) -> None:
    """The git section whole (charts, facts, hotspots, stale flags); of the survey, one line saying how to take one."""
    assert [figure["data-kind"] for figure in section.select(".evidence figure.chart")] == EVIDENCE_KINDS
    facts = section.select_one(".evidence p.muted").get_text()
    assert "Latest scan 2026-11-26" in facts and "flags untouched for 180+ days" in facts
    assert [tr.find("td", class_="path").get_text() for tr in section.select("table.hotspots tbody tr")] == [
        "model.py",
        "tests/test_m.py",
        "features.py",
    ]
    assert [tr.find("code").get_text() for tr in section.select("table.flags tbody tr")] == ["--use-fast-path"]
    assert section.select(".no-scan") == []
    assert section.select("figure[data-kind=area-trend]") == [] and section.select(".headline") == []
    [line] = section.select(".no-survey")
    assert "No survey yet" in line.get_text() and line.code.get_text() == f"scorecard survey --team {team}"


def test_a_scanned_team_without_a_survey_gets_its_evidence_over_the_quarters_of_its_scan(tmp_path):
    db = tmp_path / "s.db"
    scan(db, tmp_path, "vision")
    with Store.open(db) as store:
        data = report.collect_report(store, "vision")
        assert data.quarters == ["2026Q1", "2026Q2", "2026Q3", "2026Q4"]  # first commit to the scan
        assert report.collect_report(store, "vision", quarters=2).quarters == ["2026Q3", "2026Q4"]
    soup = BeautifulSoup(report.render_report(data), "html.parser")
    assert soup.title.get_text() == "Technical debt: vision · 2026Q4"
    assert soup.select("table.heatmap") == [] and list(pages(soup)) == ["vision"]
    assert_evidence_without_survey(pages(soup)["vision"], "vision")


def test_the_command_line_writes_a_scanned_teams_report(tmp_path):
    db = tmp_path / "s.db"
    scan(db, tmp_path, "vision")
    out = tmp_path / "vision.html"
    result = run_cli("report", "--team", "vision", "-o", str(out), db=db)
    assert result.exit_code == 0, result.output
    assert f"Wrote {out}: 1 team(s), 2026Q1 to 2026Q4" in result.output
    assert_evidence_without_survey(
        pages(BeautifulSoup(out.read_text(encoding="utf-8"), "html.parser"))["vision"], "vision"
    )


def test_all_teams_lists_a_scanned_only_team_as_unsurveyed_and_gives_it_a_page(tmp_path):
    db = tmp_path / "s.db"
    survey(db, tmp_path)
    scan(db, tmp_path, "vision")
    soup = write_report(db, tmp_path / "all.html", "--all")
    assert [tr["data-team"] for tr in soup.select("table.heatmap tbody tr")] == ["ranking"]
    [missing] = soup.select(".missing li")
    assert missing.a.get_text() == "vision" and "never surveyed" in missing.get_text()
    assert missing.a["href"] == "#" + pages(soup)["vision"]["id"]
    assert [a.get_text() for a in soup.select("nav.toc a")] == ["ranking", "vision"]
    assert_evidence_without_survey(pages(soup)["vision"], "vision")
    ranking = pages(soup)["ranking"]
    assert ranking.select(".no-survey") == [] and ranking.select(".no-scan")
    assert len(ranking.select("figure[data-kind=area-trend]")) == 8


def test_scans_without_any_survey_make_a_report_of_team_pages_without_an_overview(tmp_path):
    db = tmp_path / "s.db"
    scan(db, tmp_path, "vision", "speech")
    with Store.open(db) as store:
        store.ensure_team("quiet")  # neither surveyed nor scanned: a page saying both are missing
    soup = write_report(db, tmp_path / "all.html", "--all")
    assert soup.select("section.overview") == [] and soup.select("table.heatmap") == []
    assert soup.select_one("h1 .quarter").get_text() == "2026Q4"
    assert [a.get_text() for a in soup.select("nav.toc a")] == ["quiet", "speech", "vision"]
    for team in ("speech", "vision"):
        assert_evidence_without_survey(pages(soup)[team], team)
    quiet = pages(soup)["quiet"]
    assert quiet.select(".no-survey") and quiet.select(".no-scan") and quiet.select("figure") == []


def test_a_scanned_only_teams_name_reaches_the_page_only_as_text(tmp_path):
    db = tmp_path / "s.db"
    team = f"team {HOSTILE}"
    scan(db, tmp_path, team)
    with Store.open(db) as store:
        [stored] = [found.name for found in store.list_teams()]
        html = report.render_report(report.collect_report(store, stored))
    soup = BeautifulSoup(html, "html.parser")
    assert soup.find_all("script") == [] and soup.find_all("img") == []
    assert not any(attribute.startswith("on") for tag in soup.find_all(True) for attribute in tag.attrs)
    assert soup.select_one(".no-survey code").get_text() == f"scorecard survey --team {stored}"
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_a_database_with_neither_survey_nor_scan_is_an_error(tmp_path):
    db = tmp_path / "empty.db"
    with Store.open(db) as store:
        store.ensure_team("quiet")
    out = tmp_path / "r.html"
    for args, message in (
        (("--team", "quiet"), "Error: team 'quiet' has no survey yet"),
        (("--all",), "Error: nothing to report yet: no survey and no scan"),
    ):
        result = run_cli("report", *args, "-o", str(out), db=db)
        assert result.exit_code == 1 and result.output.startswith(message)
        assert not out.exists()


def test_only_the_team_with_neither_survey_nor_scan_is_an_error_when_another_was_scanned(tmp_path):
    db = tmp_path / "s.db"
    scan(db, tmp_path, "vision")
    with Store.open(db) as store:
        store.ensure_team("quiet")
        with pytest.raises(report.ReportError, match="team 'quiet' has no survey yet"):
            report.collect_report(store, "quiet")
        assert report.collect_report(store, None).unsurveyed == ("quiet", "vision")
