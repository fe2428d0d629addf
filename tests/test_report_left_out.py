"""A survey taken with a custom bank file: `report --bank FILE` scores it; without the file the report still covers
every other team and survey, and names the one it left out (issue 9: one custom bank must not break the others)."""

from __future__ import annotations

from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from tests.banks import MEAN_BANK, write_bank
from tests.runner import run_cli

SEARCH = """\
team: search
quarter: 2026Q4
bank: sculley2015
answers:
  entanglement-1: aggregate
"""


@pytest.fixture
def org(tmp_path: Path) -> tuple[Path, Path]:
    """A database with a shipped-bank survey (search) and a custom-bank one (ranking), and the custom bank file."""
    db, bank = tmp_path / "org.db", write_bank(tmp_path, MEAN_BANK.replace("id: tiny\n", "id: mybank\n"), "mybank.yaml")
    (tmp_path / "search.yaml").write_text(SEARCH, encoding="utf-8")
    (tmp_path / "ranking.yaml").write_text(
        f"team: ranking\nquarter: 2026Q4\nbank: {bank}\nanswers:\n  a-1: all\n  a-2: all\n  b-1: half\n",
        encoding="utf-8",
    )
    for name in ("search", "ranking"):
        result = run_cli("survey", "--answers", str(tmp_path / f"{name}.yaml"), db=db)
        assert result.exit_code == 0, result.output
    return db, bank


def page(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def test_without_the_bank_file_the_report_covers_the_rest_and_names_what_it_left_out(tmp_path, org):
    db, _bank = org
    output = tmp_path / "report.html"
    result = run_cli("report", "--all", "-o", str(output), db=db)
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.stderr.splitlines() if line.startswith("Warning:")]
    assert warnings == ["Warning: left out team ranking 2026Q4 uses bank 'mybank': pass --bank FILE to include it"]
    html = page(output)
    notice = html.select_one("aside.left-out")
    assert notice is not None and "team ranking 2026Q4 uses bank 'mybank'" in notice.get_text()
    assert "--bank path/to/BANK.yaml" in notice.get_text()
    teams = {section.select_one("h2").get_text(): section for section in html.select("section.team")}
    assert set(teams) == {"search", "ranking"}
    assert teams["search"].select(".bank[data-bank=sculley2015]")  # the other team is reported as ever
    missing = " ".join(html.select_one(".missing").get_text().split())
    assert "ranking survey left out: custom bank file not given" in missing and "never surveyed" not in missing
    assert not teams["ranking"].select(".bank")
    assert "--bank path/to/mybank.yaml" in teams["ranking"].select_one(".left-out-survey").get_text()
    assert "No survey" not in teams["ranking"].get_text()  # it has one: left out, not missing


def test_with_the_bank_file_the_custom_survey_is_scored(tmp_path, org):
    db, bank = org
    output = tmp_path / "report.html"
    result = run_cli("report", "--all", "--bank", str(bank), "-o", str(output), db=db)
    assert result.exit_code == 0, result.output
    assert "Warning" not in result.stderr
    html = page(output)
    assert html.select_one("aside.left-out") is None
    ranking = next(s for s in html.select("section.team") if s.select_one("h2").get_text() == "ranking")
    assert ranking.select(".bank[data-bank=mybank]")
    assert html.select("section.team .bank[data-bank=sculley2015]")


def test_one_team_report_without_the_bank_file_names_the_survey(tmp_path, org):
    db, _bank = org
    output = tmp_path / "ranking.html"
    result = run_cli("report", "--team", "ranking", "-o", str(output), db=db)
    assert result.exit_code == 0, result.output
    assert "pass --bank FILE to include it" in result.stderr
    assert page(output).select_one(".left-out-survey") is not None


@pytest.mark.parametrize(
    ("bank_text", "expected"),
    [(None, "no question bank file at"), ("id: [unclosed\n", "mybank")],
    ids=["missing", "broken"],
)
def test_a_bad_bank_file_fails_before_anything_is_written(tmp_path, org, bank_text, expected):
    db, _bank = org
    path = tmp_path / "other.yaml"
    if bank_text is not None:
        path.write_text(bank_text, encoding="utf-8")
    output = tmp_path / "report.html"
    result = run_cli("report", "--all", "--bank", str(path), "-o", str(output), db=db)
    assert result.exit_code != 0
    assert not output.exists()
    assert len(result.output.strip().splitlines()) == 1


def test_show_and_export_without_the_bank_file_say_how_to_fix_it(org):
    db, bank = org
    for command in (("show", "--team", "ranking"), ("answers", "export", "--team", "ranking")):
        result = run_cli(*command, db=db)
        assert result.exit_code != 0
        assert "uses bank 'mybank'" in result.output and "pass --bank path/to/mybank.yaml" in result.output
        assert run_cli(*command, "--bank", str(bank), db=db).exit_code == 0
