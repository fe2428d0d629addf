"""The HTML report, parsed and asserted on elements: the heat map, the charts, the tables, the escaping.

Most tests render the two-team, three-quarter history of :mod:`tests.history` (numbers worked out by hand) with
the ``tiny`` bank; the command-line tests use the shipped bank and the demo organisation.
"""

from __future__ import annotations

import functools
import os
import re
import tempfile
from pathlib import Path

import pandas as pd
import pytest
from bs4 import BeautifulSoup
from click.testing import CliRunner

from scorecard import report
from scorecard.cli import main
from scorecard.report import trends
from scorecard.report.formatting import MINUS, NO_VALUE
from scorecard.services import demo
from scorecard.store import Store
from tests.history import NOTE, SURVEYS, answers_of, history_bank, resolver
from tests.runner import run_cli as run
from tests.test_cli import ANSWERS

SCRIPT = "<script>alert(1)</script>"
IMAGE = '"><img src=x onerror=alert(1)>'


@pytest.fixture(scope="module")
def bank_for(tmp_path_factory):
    return resolver(history_bank(tmp_path_factory.mktemp("bank")))


def hand_made_git_frames(team: str = "search", path: str = "src/model.py", flag: str = "--use-new-ranker"):
    """Hand-made git frames for one team: three quarters of snapshots, flags, churn and coupled files."""
    snapshots = {
        team: {
            "2026Q1": {"config_to_code_ratio": 0.4, "test_to_code_ratio": 0.2, "flags.alive": 6, "flags.stale": 1},
            "2026Q2": {"config_to_code_ratio": 0.5, "test_to_code_ratio": 0.25, "flags.alive": 9, "flags.stale": 3},
            "2026Q3": {"config_to_code_ratio": 0.6, "test_to_code_ratio": 0.3, "flags.alive": 7, "flags.stale": 4},
        }
    }
    for values, debt in zip(snapshots[team].values(), (12, 15, 11), strict=True):
        values["debt_comments.alive"] = debt
        values["debt_comments.added"] = 3
    flags = pd.DataFrame(
        [
            (team, "cli_option", flag, path, 400.0, True, 300.0),
            (team, "env_toggle", "USE_X", "serve.py", 20.0, False, 20.0),
        ],
        columns=["team", "kind", "name", "path", "age_days", "stale", "days_since_change"],
    )
    churn = pd.DataFrame(
        [
            (team, "2026Q1", path, 120),
            (team, "2026Q2", path, 300),
            (team, "2026Q2", "configs/model.yaml", 40),
            (team, "2026Q3", "tests/test_model.py", 60),
            (team, "2026Q3", "serve.py", 500),
        ],
        columns=["team", "quarter", "path", "churn"],
    )
    pairs = pd.DataFrame([(team, path, "serve.py", 0.8)], columns=["team", "file_a", "file_b", "degree"])
    return report.GitFrames(
        metrics=trends.metrics_frame(snapshots),
        latest={team: {"coupling.strong_pairs": 4.0, "flags.alive": 7.0}},
        scanned_at={team: "2026-09-20T10:00:00+00:00"},
        flags=flags,
        churn=churn,
        pairs=pairs,
    )


def render(answers: pd.DataFrame, bank_for, scope="org", git=None, teams=None) -> BeautifulSoup:
    data = report.ReportInput(
        teams=teams or sorted(answers["team"].unique()),
        answers=answers,
        quarters=["2026Q1", "2026Q2", "2026Q3"],
        scope=scope,
        git=git or report.GitFrames(),
        generated_at="2026-09-30 12:00 UTC",
    )
    return BeautifulSoup(report.render_report(data, bank_for), "html.parser")


@pytest.fixture(scope="module")
def page(bank_for) -> BeautifulSoup:
    return render(answers_of(SURVEYS, extra_teams=[("late", "2026Q2")]), bank_for, git=hand_made_git_frames())


def cells(row) -> dict[str, tuple[str, str]]:
    """area -> (number, change) of one heat map row."""
    found = {}
    for cell in row.select("td.heat"):
        delta = cell.select_one(".delta")
        found[cell["data-area"]] = (
            cell.select_one(".num").get_text(strip=True),
            delta.get_text(strip=True) if delta else "",
        )
    return found


def team_section(page: BeautifulSoup, team: str):
    return next(s for s in page.select("section.team") if s.select_one(".team-head h2").get_text() == team)


# -- the org overview -----------------------------------------------------------------------------------------


def test_heat_map_rows_are_teams_weakest_first_with_numbers_and_changes(page):
    rows = page.select("table.heatmap tbody tr")
    assert [row["data-team"] for row in rows] == ["ranking", "search"]  # ranking's weakest area is 0
    assert cells(rows[0]) == {"overall": ("38", "▲ +13"), "alpha": ("75", "▲ +25"), "beta": ("0", "= 0")}
    # 37.5 shows as 38 and +12.5 as +13 (halves round up); search's previous survey was 2026Q1 (it skipped 2026Q2).
    assert cells(rows[1]) == {"overall": ("100", "▲ +25"), "alpha": ("100", "▲ +50"), "beta": ("100", "= 0")}
    assert [th.get_text(strip=True) for th in page.select("table.heatmap thead th")] == [
        "Team",
        "Overall",
        "Level",
        "Alpha",
        "Beta",
    ]
    assert [chip.get_text() for chip in page.select("table.heatmap .chip")] == ["High debt", "Low debt"]


def test_heat_map_cells_are_coloured_from_debt_to_health(page):
    ranking = page.select("table.heatmap tbody tr")[0]
    colours = {cell["data-area"]: cell["style"] for cell in ranking.select("td.heat")}
    assert colours["alpha"] != colours["beta"]
    assert all(re.search(r"background: #[0-9a-f]{6}; color: #[0-9a-f]{6}", style) for style in colours.values())


def test_teams_without_a_survey_this_quarter_are_listed(page):
    missing = page.select_one(".missing")
    assert "No survey in 2026Q3" in missing.get_text()
    assert [li.a.get_text() for li in missing.select("li")] == ["late"]
    assert "last survey 2026Q2" in missing.get_text()


def test_org_trend_chart_and_key_figures(page):
    trend = page.select_one(".org-trend figure.chart[data-kind=org-trend]")
    assert trend.select_one("svg.chart-svg") is not None
    kpis = [k.select_one(".kpi-value").get_text(strip=True) for k in page.select(".kpi")]
    # Median of 37.5 and 100 (the late team's survey is not this quarter's); two teams of three surveyed.
    assert kpis[:2] == ["69", "2/ 3"]
    assert kpis[2:] == ["1", "1"]  # search's contradiction, ranking's unknown


# -- team pages -----------------------------------------------------------------------------------------------


def test_one_chart_per_area_trend_in_every_team_page(page):
    for team in ("ranking", "search"):
        charts = team_section(page, team).select("figure.chart[data-kind=area-trend]")
        assert [c["data-area"] for c in charts] == ["alpha", "beta"]
        assert all(c.select_one("svg.chart-svg[role=img]") for c in charts)
        assert [c.select_one(".chart-title").get_text() for c in charts] == ["Alpha", "Beta"]
    ranking = team_section(page, "ranking")
    readings = [c.select_one(".reading").get_text() for c in ranking.select("figure[data-kind=area-trend]")]
    assert readings == ["75", "0"]


def test_headline_names_level_weakest_area_and_way_up(page):
    headline = team_section(page, "ranking").select_one(".headline")
    assert headline.select_one(".big").get_text() == "38"
    assert headline.select_one(".chip").get_text() == "High debt"
    text = " ".join(headline.get_text(" ").split())
    assert "Weakest area Beta" in text
    assert "Low debt above 50: 12.5 points to go" in text
    first_lift = headline.select_one(".lifts li")
    assert first_lift.select_one(".gain").get_text() == "+50.0" and "Third question?" in first_lift.get_text()


def test_bank_version_change_is_marked_on_the_charts_and_explained(page):
    ranking = team_section(page, "ranking")
    note = " ".join(ranking.select_one(".bank-change").get_text().split())
    assert "from v1 (2026Q2) to v2 (2026Q3)" in note
    assert "1 question added (b-2)" in note and "1 removed (b-old)" in note
    for chart in ranking.select("figure[data-kind=area-trend] svg"):
        assert "v2" in [t.get_text() for t in chart.find_all("text")]


def test_answers_changed_since_last_quarter_with_notes(page):
    ranking = team_section(page, "ranking")
    assert ranking.find("h3", string=re.compile("Answers changed since 2026Q2")) is not None
    rows = {
        tr["data-question"]: [td.get_text(" ", strip=True) for td in tr.find_all("td")]
        for tr in ranking.select("table.changes tbody tr")
    }
    assert set(rows) == {"a-1", "a-2", "b-2"}
    assert rows["a-2"] == ["a-2 Second question?", "Alpha", "Nothing.", "All.", "▲ +1.0", NOTE]
    assert rows["a-1"][4] == f"▼ {MINUS}0.5"
    assert rows["b-2"][2:5] == ["no answer", "Not applicable to our system", NO_VALUE]


def test_questions_still_unknown(page):
    rows = team_section(page, "ranking").select("table.unknowns tbody tr")
    assert [[td.get_text(" ", strip=True) for td in tr.find_all("td")] for tr in rows] == [
        ["b-1 Third question?", "Beta", "2 surveys (since 2026Q2)"]
    ]
    assert team_section(page, "search").select("table.unknowns") == []


def test_contradictions_table(page):
    table = team_section(page, "search").select_one("table.contradictions")
    assert [th.get_text() for th in table.select("thead th")] == [
        "Question",
        "Answer",
        "Evidence",
        "Rule",
        "Why it matters",
    ]
    rows = [[td.get_text(" ", strip=True) for td in tr.find_all("td")] for tr in table.select("tbody tr")]
    assert rows == [
        [
            "a-1 First question?",
            "All.",
            "4 file pairs that change together (degree >= 0.5)",
            "coupling.strong_pairs >= 3 Everything is claimed decoupled and co-changing files argue against it",
            "Coupled files.",
        ]
    ]
    assert table.select_one("tbody tr")["data-dismissed"] == "false"
    assert (
        table.select_one(".claim").get_text()
        == "Everything is claimed decoupled and co-changing files argue against it"
    )
    assert team_section(page, "ranking").select("table.contradictions") == []


def test_git_evidence_charts_and_tables(page):
    search = team_section(page, "search")
    kinds = [f["data-kind"] for f in search.select(".evidence figure.chart")]
    assert kinds == [
        "evidence-ratios",
        "evidence-flags",
        "evidence-debt",
        "evidence-churn",
        "evidence-flag-ages",
        "evidence-hotspots",
    ]
    churn = search.select_one("figure[data-kind=evidence-churn]")
    assert [li.get_text() for li in churn.select(".legend li")] == ["code", "config", "test"]
    hotspots = [[td.get_text() for td in tr.find_all("td")] for tr in search.select("table.hotspots tbody tr")]
    assert hotspots == [
        ["1", "serve.py", "500", "0.80", "src/model.py"],
        ["2", "src/model.py", "420", "0.80", "serve.py"],
    ]
    flags = [[td.get_text() for td in tr.find_all("td")] for tr in search.select("table.flags tbody tr")]
    assert flags == [["--use-new-ranker", "src/model.py", "cli_option", "300 days", "400 days"]]
    assert search.select_one("figure[data-kind=evidence-flags] .reading").get_text() == "7"


def test_teams_without_a_scan_say_so(page):
    note = team_section(page, "ranking").select_one(".no-scan")
    assert "No scan yet" in note.get_text() and "scorecard scan PATH --team ranking" in note.get_text()


def test_a_team_report_has_no_org_overview(bank_for):
    answers = answers_of(SURVEYS)
    soup = render(answers[answers["team"] == "ranking"], bank_for, scope="team", teams=["ranking"])
    assert soup.select("table.heatmap") == [] and soup.select("nav.toc") == []
    assert [s.select_one("h2").get_text() for s in soup.select("section.team")] == ["ranking"]
    # No org median to compare with: the area charts have the team's line only.
    assert len(soup.select("figure[data-kind=area-trend]")) == 2


# -- safety and self-containment ------------------------------------------------------------------------------


def test_user_strings_reach_the_page_only_as_text(bank_for):
    hostile_team = f"team {SCRIPT} {IMAGE}"
    surveys = [(hostile_team if team == "search" else team, *rest) for team, *rest in SURVEYS]
    answers = answers_of(surveys, note=f"{SCRIPT} {IMAGE}")
    git = hand_made_git_frames(hostile_team, path=f"src/{SCRIPT}{IMAGE}.py", flag=f"--{SCRIPT}{IMAGE}")
    html = report.render_report(
        report.ReportInput(
            teams=sorted(answers["team"].unique()),
            answers=answers,
            quarters=["2026Q1", "2026Q2", "2026Q3"],
            git=git,
        ),
        bank_for,
    )
    soup = BeautifulSoup(html, "html.parser")
    assert soup.find_all("script") == [] and soup.find_all("img") == []
    assert not any(attribute.startswith("on") for tag in soup.find_all(True) for attribute in tag.attrs)
    text = soup.get_text()
    assert text.count(hostile_team) >= 3  # heat map row, table of contents, team heading
    assert f"{SCRIPT} {IMAGE}" in [td.get_text() for td in soup.select("td.note")]
    assert f"src/{SCRIPT}{IMAGE}.py" in [td.get_text() for td in soup.select("td.path")]
    assert f"--{SCRIPT}{IMAGE}" in [code.get_text() for code in soup.select("table.flags code")]
    assert "&lt;script&gt;" in html and "<script>" not in html


def test_the_page_fetches_nothing(page):
    assert page.find_all(["script", "link", "img", "iframe", "object", "embed", "video", "audio", "source"]) == []
    for tag in page.find_all(True):
        for name in ("src", "href", "xlink:href", "srcset", "action"):
            value = tag.get(name)
            assert value is None or value.startswith("#"), f"{tag.name} {name}={value}"
    styles = " ".join(s.get_text() for s in page.find_all("style")) + " ".join(
        t.get("style", "") for t in page.find_all(True)
    )
    assert "url(" not in styles and "@import" not in styles


def test_print_css_breaks_a_page_per_team(page):
    css = page.find("style").get_text()
    print_rules = css[css.index("@media print") :]
    assert re.search(r"\.team \{[^}]*break-before: page", print_rules)
    assert "@page" in css


def test_chart_ids_are_unique_in_the_page(page):
    ids = [tag["id"] for tag in page.find_all(id=True)]
    assert len(ids) == len(set(ids))


# -- the command line -----------------------------------------------------------------------------------------


@pytest.fixture
def seeded(tmp_path) -> Path:
    db = tmp_path / "seeded.db"
    for quarter, option in (("2026Q3", "manual-slices"), ("2026Q4", "automated-checks")):
        answers = tmp_path / f"{quarter}.yaml"
        answers.write_text(ANSWERS.replace("2026Q4", quarter).replace("automated-checks", option), encoding="utf-8")
        assert run("survey", "--answers", str(answers), "--db", str(db)).exit_code == 0
    return db


def test_report_for_one_team(seeded, tmp_path):
    out = tmp_path / "team.html"
    result = run("report", "--team", "ranking", "-o", str(out), "--db", str(seeded))
    assert result.exit_code == 0, result.output
    assert f"Wrote {out}: 1 team(s), 2026Q3 to 2026Q4" in result.output
    soup = BeautifulSoup(out.read_text(encoding="utf-8"), "html.parser")
    assert soup.title.get_text() == "Technical debt: ranking · 2026Q4"
    assert len(soup.select("section.team figure[data-kind=area-trend]")) == 8  # the default bank's areas
    assert soup.select("table.heatmap") == []


def test_report_for_all_teams(seeded, tmp_path):
    out = tmp_path / "review.html"
    assert run("report", "--all", "-o", str(out), "--db", str(seeded), "--quarters", "1").exit_code == 0
    soup = BeautifulSoup(out.read_text(encoding="utf-8"), "html.parser")
    assert [tr["data-team"] for tr in soup.select("table.heatmap tbody tr")] == ["ranking"]
    # One quarter: the changes since 2026Q3 are outside the window, so nothing to compare.
    assert soup.select_one("figure[data-kind=area-trend] svg") is not None


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((), "choose one of --team T, --all or --demo"),
        (("--team", "ranking", "--all"), "choose one of --team T, --all or --demo, not --team and --all"),
        (("--all", "--demo"), "choose one of --team T, --all or --demo, not --all and --demo"),
        (("--team", "nobody"), "unknown team 'nobody' (teams: ranking)"),
    ],
)
def test_report_errors_are_one_line(seeded, tmp_path, args, message):
    out = tmp_path / "r.html"
    result = run("report", *args, "-o", str(out), "--db", str(seeded))
    assert result.exit_code == 1
    assert result.output.strip() == f"Error: {message}"
    assert not out.exists()


@pytest.mark.parametrize("where", ["missing-folder", "directory", "read-only"])
def test_report_to_an_unwritable_output(seeded, tmp_path, where):
    if where == "missing-folder":
        out = tmp_path / "nope" / "r.html"
    elif where == "directory":
        out = tmp_path
    else:
        folder = tmp_path / "ro"
        folder.mkdir()
        folder.chmod(0o500)
        out = folder / "r.html"
    try:
        result = run("report", "--all", "-o", str(out), "--db", str(seeded))
    finally:
        if where == "read-only":
            out.parent.chmod(0o700)
    if where == "read-only" and result.exit_code == 0:
        pytest.skip("running as a user who may write anywhere (root)")
    assert result.exit_code == 1
    assert result.output.startswith(f"Error: cannot write {out}") and len(result.output.strip().splitlines()) == 1


def test_report_replaces_an_existing_file_whole(seeded, tmp_path):
    out = tmp_path / "r.html"
    out.write_text("old", encoding="utf-8")
    out.chmod(0o640)
    assert run("report", "--all", "-o", str(out), "--db", str(seeded)).exit_code == 0
    assert out.read_text(encoding="utf-8").startswith("<!doctype html>")
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".r.html")] == []
    assert out.stat().st_mode & 0o777 == 0o640  # the file keeps its mode


def test_a_new_report_is_readable_like_any_new_file(seeded, tmp_path):
    out = tmp_path / "new.html"
    previous = os.umask(0o022)
    try:
        assert run("report", "--all", "-o", str(out), "--db", str(seeded)).exit_code == 0
    finally:
        os.umask(previous)
    assert out.stat().st_mode & 0o777 == 0o644


def test_report_help_names_every_option():
    result = run("report", "--help")
    for option in ("--team", "--all", "--demo", "--output", "--quarters", "--db"):
        assert option in result.output


# -- the demo organisation ------------------------------------------------------------------------------------


@functools.cache
def demo_html() -> Path:
    """``scorecard report --demo`` run once per test session (it builds and scans six repositories)."""
    out = Path(tempfile.mkdtemp(prefix="scorecard-demo-test-")) / "demo.html"
    result = CliRunner().invoke(main, ["report", "--demo", "-o", str(out)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return out


@pytest.mark.slow
def test_demo_is_a_whole_organisation():
    soup = BeautifulSoup(demo_html().read_text(encoding="utf-8"), "html.parser")
    assert "demo organisation" in soup.title.get_text()
    teams = [s.select_one(".team-head h2").get_text() for s in soup.select("section.team")]
    assert sorted(teams) == sorted(profile.name for profile in demo.TEAMS)
    heat_rows = [tr["data-team"] for tr in soup.select("table.heatmap tbody tr")]
    assert sorted(heat_rows) == sorted(set(teams) - {"demand-forecasting"})  # it missed the latest quarter
    assert [li.a.get_text() for li in soup.select(".missing li")] == ["demand-forecasting"]
    for section in soup.select("section.team"):
        assert len(section.select("figure[data-kind=area-trend]")) == 8
        scanned = not section.select(".no-scan")
        assert scanned == (section.select_one("h2").get_text() != "ads-ctr")  # the team that joined late
        if scanned:
            kinds = {f["data-kind"] for f in section.select(".evidence figure")}
            assert {"evidence-ratios", "evidence-flags", "evidence-churn", "evidence-flag-ages"} <= kinds
    # Answers drift: some changed since last quarter, some with a note; some are still "don't know".
    assert soup.select("table.changes tbody tr") and soup.select("table.changes td.note")
    assert soup.select("table.unknowns tbody tr")


@pytest.mark.slow
def test_demo_is_the_same_organisation_every_time(tmp_path):
    with Store.open(tmp_path / "a.db") as first, Store.open(tmp_path / "b.db") as second:
        demo.populate(first, "2026Q2")
        demo.populate(second, "2026Q2")
        rows = [store.survey_answer_rows() for store in (first, second)]
    strip_times = [[row[:10] for row in found] for found in rows]
    assert strip_times[0] == strip_times[1] and len(strip_times[0]) > 1000
