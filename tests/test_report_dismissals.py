"""Contradictions in the HTML report: each with its claim and examples, the dismissed ones marked with their
reason on the team page, and the org overview's table of every rule's fired / dismissed counts across teams."""

from __future__ import annotations

import json

import pytest
from bs4 import BeautifulSoup

from scorecard import report
from scorecard.survey.contradictions import Evidence
from scorecard.survey.dismissals import Dismissal, DismissedValue
from tests.banks import EVIDENCE_BANK, write_bank
from tests.gitrepo import RepoBuilder
from tests.history import SURVEYS, answers_of, history_bank, resolver
from tests.runner import run_cli as run
from tests.test_report import team_section

CLAIM = "Everything is claimed decoupled and co-changing files argue against it"
PAIRS = ["src/a.py <> src/b.py", "conf/x.yaml <> conf/y.yaml", *(f"m{n}.py <> t{n}.py" for n in range(3))]
REASON = "Generated <stubs> & their protos"


def held(team: str, pairs: float) -> Dismissal:
    values = (DismissedValue("coupling.strong_pairs", pairs, 3.0),)
    return Dismissal(team, "tiny", "a-1", CLAIM, "all", values, 0.2, REASON, "2026-09-01T10:00:00+00:00", "2026Q3", 1)


@pytest.fixture(scope="module")
def page(tmp_path_factory) -> BeautifulSoup:
    """ranking (a-1 "some": nothing fires), search (a-1 "all": fires) and late (a-1 "all": fires, dismissed)."""
    bank_for = resolver(history_bank(tmp_path_factory.mktemp("bank")))
    answers = answers_of(SURVEYS, extra_teams=[("late", "2026Q2")])
    teams = ["late", "ranking", "search"]
    evidence = {
        "search": Evidence({"coupling.strong_pairs": 4.0}, examples={"coupling.strong_pairs": PAIRS}),
        "late": Evidence({"coupling.strong_pairs": 11.0}),
        "ranking": Evidence({"coupling.strong_pairs": 40.0}),
    }
    git = report.GitFrames(
        latest={team: dict(found.latest) for team, found in evidence.items()},
        evidence=evidence,
        scanned_at=dict.fromkeys(teams, "2026-09-20T10:00:00+00:00"),
        dismissals={"late": [held("late", 10.0)], "search": [held("search", 40.0)]},  # search's has lapsed
    )
    data = report.ReportInput(teams=teams, answers=answers, quarters=["2026Q1", "2026Q2", "2026Q3"], git=git)
    return BeautifulSoup(report.render_report(data, bank_for), "html.parser")


def row(page: BeautifulSoup, team: str):
    [found] = team_section(page, team).select("table.contradictions tbody tr")
    return found


def test_a_contradiction_shows_its_claim_and_examples(page):
    search = row(page, "search")
    assert search["data-dismissed"] == "false" and "dismissed" not in search.get("class", [])
    assert search.select_one(".claim").get_text() == CLAIM
    assert [li.get_text() for li in search.select("ul.examples li")] == PAIRS  # the first 3, then 2 folded away
    assert [li.get_text() for li in search.select("details.more-examples li")] == PAIRS[3:]
    assert search.select_one("details.more-examples summary").get_text() == "2 more"
    assert "4 file pairs that change together" in search.find_all("td")[2].get_text()
    lapsed = search.select_one(".dismissal.lapsed")
    assert "has moved past its margin" in lapsed.get_text() and lapsed.select_one(".reason").get_text() == REASON


def test_a_dismissed_contradiction_is_marked_with_its_reason(page):
    late = row(page, "late")
    assert late["data-dismissed"] == "true" and "dismissed" in late["class"]
    assert late.select_one(".dismissal .reason").get_text() == REASON  # escaped text, not markup
    assert late.select_one("ul.examples") is None  # no examples measured
    assert team_section(page, "ranking").select("table.contradictions") == []


def test_the_overview_counts_each_rules_fires_and_dismissals_across_teams(page):
    table = page.select_one("table.rule-counts")
    assert [th.get_text() for th in table.select("thead th")] == ["Question", "Claim", "Fired", "Dismissed"]
    cells = [[td.get_text(" ", strip=True) for td in tr.find_all("td")] for tr in table.select("tbody tr")]
    assert cells == [["a-1", f"{CLAIM} coupling.strong_pairs >= 3", "2", "1"]]
    assert "of the 3 team(s) with a survey and a scan" in page.select_one(".rules").get_text()
    kpi = page.select(".kpi")[2]
    assert kpi.select_one(".kpi-value").get_text(strip=True) == "1"  # search's; late's was dismissed
    assert kpi.select_one(".kpi-note").get_text() == "and 1 dismissed by the teams"


def test_end_to_end_a_dismissal_made_on_the_command_line_reaches_the_report(tmp_path):
    bank = write_bank(tmp_path, EVIDENCE_BANK, "evidence-bank.yaml")
    repo = RepoBuilder(tmp_path / "repo")
    repo.commit({"model.py": "# TODO: a\n# TODO: b\n# TODO: c\n" + "".join(f"x{n} = 1\n" for n in range(17))})
    db = tmp_path / "r.db"
    for team in ("ranking", "search"):
        assert run("scan", str(repo.path), "--team", team, db=db).exit_code == 0
        answers = tmp_path / f"{team}.yaml"
        answers.write_text(f"team: {team}\nquarter: 2026Q4\nanswers: {{a-2: all}}\n", encoding="utf-8")
        assert run("survey", "--answers", str(answers), "--bank", str(bank), db=db).exit_code == 0
    assert run("evidence", "dismiss", "--team", "search", "--question", "a-2", "--reason", "Planned work.",
               "--bank", str(bank), db=db).exit_code == 0  # fmt: skip

    from scorecard.report.collect import collect_report
    from scorecard.store import Store
    from scorecard.survey.bank_file import load_bank_file

    with Store.open(db) as store:
        data = collect_report(store)
    html = BeautifulSoup(report.render_report(data, resolver(load_bank_file(bank))), "html.parser")
    assert row(html, "search")["data-dismissed"] == "true" and "Planned work." in row(html, "search").get_text()
    assert row(html, "ranking")["data-dismissed"] == "false"
    cells = [
        [td.get_text(" ", strip=True) for td in tr.find_all("td")] for tr in html.select("table.rule-counts tr")[1:]
    ]
    assert [(c[0], c[2], c[3]) for c in cells] == [("a-1", "0", "0"), ("a-2", "2", "1")]
    assert (
        json.loads(run("evidence", "list", "--team", "search", "--json", "--bank", str(bank), db=db).stdout)[0]["state"]
        == "holding"
    )
