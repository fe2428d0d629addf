"""The report's review parts: scores from the combined answers (as ``show --json``), the respondents' disputes and
disagreement, top answers claimed or linked, the actions and the share kept; every user string escaped."""

from __future__ import annotations

import json
import math
from datetime import timedelta

import pytest
from bs4 import BeautifulSoup

from scorecard import report
from scorecard.quarters import quarter_end
from scorecard.report.formatting import NO_VALUE, web_link
from scorecard.report.prepared import prepare_frames
from scorecard.services.actions import add_action, drop_action
from scorecard.services.surveys import PreparedImport, apply_import
from scorecard.survey.bank_file import load_bank
from scorecard.survey.records import AnswerInput
from tests.runner import run_cli
from tests.test_report import IMAGE, SCRIPT, demo_html

BANK = load_bank("sculley2015")
HOSTILE_NAME = SCRIPT
HOSTILE_NOTE = f"{SCRIPT} {IMAGE}"
HOSTILE_LINK = "javascript:alert(1)"


def answer(question_id: str, option_id: str, note: str | None = None, link: str | None = None) -> AnswerInput:
    question = BANK.question(question_id)
    assert question is not None
    option = question.option(option_id)
    assert option is not None
    return AnswerInput(question_id, option_id, option.points, note, link=link)


def give(store, clock, team: str, quarter: str, answers: list[AnswerInput], respondent: str | None = None) -> None:
    clock.now = quarter_end(quarter) - timedelta(days=10)
    apply_import(store, PreparedImport(team, quarter, BANK, tuple(answers), respondent))


def soup_of(store, team: str | None = None) -> BeautifulSoup:
    return BeautifulSoup(report.render_report(report.collect_report(store, team), load_bank), "html.parser")


# -- scores ----------------------------------------------------------------------------------------------------


def test_the_report_scores_a_respondents_only_survey_as_show_json_does(store, clock, tmp_path):
    give(
        store,
        clock,
        "ranking",
        "2026Q3",
        [
            answer("entanglement-1", "automated-checks"),
            answer("config-1", "enforced"),
            answer("glue-code-1", "partly-wrapped"),
        ],
        "Ana",
    )
    give(
        store,
        clock,
        "ranking",
        "2026Q3",
        [
            answer("entanglement-1", "none"),
            answer("config-1", "versioned"),
            answer("glue-code-1", "wrapped-and-checked"),
        ],
        "Bo",
    )
    shown = json.loads(run_cli("show", "--team", "ranking", "--json", db=tmp_path / "store.db").output)
    assert shown["overall"] is not None and all(a["source"] == "respondents" for a in shown["answers"])

    frames = prepare_frames(report.collect_report(store, "ranking"), load_bank)

    assert frames.overall["overall"].tolist() == [pytest.approx(shown["overall"], abs=1e-4)]
    areas = {row.area: row.score for row in frames.areas.itertuples(index=False)}
    for area, score in shown["areas"].items():
        assert math.isnan(areas[area]) if score is None else areas[area] == pytest.approx(score, abs=1e-4), area
    page = soup_of(store, "ranking")
    assert page.select_one(".score-card .big").get_text() == BANK.format_score(shown["overall"])
    disputed = {tr["data-question"] for tr in page.select("table.disputes tbody tr")}
    assert disputed == {a["question"] for a in shown["answers"] if a["disputed"]}


# -- the review parts of an organisation -------------------------------------------------------------------------


@pytest.fixture
def reviewed(store, clock):
    """ranking: two quarters with respondents (one named like a script) and actions of every status; search:
    team answers only, no action."""
    config_1 = {
        "2026Q2": answer("config-1", "reviewed"),
        "2026Q3": answer("config-1", "enforced", link="https://ci.example.com/job/1?a=1&b=2"),
    }
    for quarter, spread_option in (("2026Q2", "aggregate"), ("2026Q3", "none")):
        give(
            store,
            clock,
            "ranking",
            quarter,
            [
                config_1[quarter],
                answer("config-2", "minimal-delta"),
                answer("config-3", "metadata-checked", link=HOSTILE_LINK),
                answer("glue-code-1", "partly-wrapped"),
            ],
        )
        give(
            store,
            clock,
            "ranking",
            quarter,
            [answer("entanglement-1", "automated-checks", note="CI job blocks it")],
            "Ana",
        )
        give(
            store, clock, "ranking", quarter, [answer("entanglement-1", spread_option, note=HOSTILE_NOTE)], HOSTILE_NAME
        )
    give(store, clock, "search", "2026Q3", [answer("config-1", "versioned")])
    clock.now = quarter_end("2026Q2") - timedelta(days=5)
    add_action(store, "ranking", "config-1", "enforced", "2026Q3", owner="Ana")  # kept by the 2026Q3 survey
    add_action(
        store, "ranking", "glue-code-1", "wrapped-and-checked", "2026Q3", owner=HOSTILE_NAME, note=HOSTILE_NOTE
    )  # missed
    later = add_action(store, "ranking", "config-4", "attached", "2027Q1")  # open
    dropped = add_action(store, "ranking", "config-5", "launch-gate", "2026Q3")
    drop_action(store, dropped.action.id, f"not worth it {SCRIPT}")
    clock.now = quarter_end("2026Q4") - timedelta(days=30)  # 2026Q3 is over: what was not kept is missed
    assert later.status == "open"
    return store


def test_each_respondent_answer_to_a_disputed_question_is_shown(reviewed):
    page = soup_of(reviewed)
    team = page.select_one("section.team:has(h2:-soup-contains('ranking'))")
    [row] = team.select("table.disputes tbody tr")
    assert row["data-question"] == "entanglement-1"
    answers = {li["data-respondent"]: li for li in row.select("li")}
    assert sorted(answers) == sorted(["Ana", HOSTILE_NAME])
    assert answers[HOSTILE_NAME].select_one(".note").get_text() == HOSTILE_NOTE
    assert (
        answers["Ana"].select_one(".option").get_text()
        == BANK.question("entanglement-1").option("automated-checks").label
    )
    assert "lower median" in row.get_text()  # no team answer: the lower of the two counts
    assert row.select_one(".spread").get_text() == "1.00"


def test_disagreement_per_area_across_quarters(reviewed):
    table = soup_of(reviewed).select_one("section.team table.disagreement")
    assert [th.get_text() for th in table.select("thead th")][1:] == ["2026Q2", "2026Q3"]
    rows = {tr.th.get_text(): [td.get_text() for td in tr.select("td")] for tr in table.select("tbody tr")}
    boundary = BANK.area("boundary-erosion").title
    assert rows[boundary] == ["0.67", "1.00"]  # automated-checks vs aggregate (1 - 0.33), then vs none
    assert rows["Overall"] == ["0.67", "1.00"]
    assert rows[BANK.area("configuration").title] == [NO_VALUE, NO_VALUE]  # nobody answered it as a respondent


def test_top_answers_are_claimed_or_linked_and_only_web_links_are_links(reviewed):
    page = soup_of(reviewed)
    rows = {tr["data-question"]: tr for tr in page.select("section.team table.top-answers tbody tr")}
    assert {q: tr["data-status"] for q, tr in rows.items() if q.startswith("config")} == {
        "config-1": "linked",
        "config-2": "claimed",
        "config-3": "linked",
    }
    assert rows["config-1"].a["href"] == "https://ci.example.com/job/1?a=1&b=2"
    assert rows["config-3"].a is None and HOSTILE_LINK in rows["config-3"].get_text()
    assert rows["config-2"].select(".answer-link") == []
    assert page.select("a[href^=javascript]") == [] and page.select("a[href*=alert]") == []


def test_the_teams_actions_and_the_share_of_due_actions_kept(reviewed):
    team = soup_of(reviewed).select_one("section.team .actions-section")
    statuses = {tr.select_one(".qid").get_text(): tr["data-status"] for tr in team.select("table.actions tbody tr")}
    assert statuses == {"config-1": "kept", "glue-code-1": "missed", "config-4": "open", "config-5": "dropped"}
    kept = team.select_one("tr[data-status=kept]")
    assert "in 2026Q3" in kept.get_text() and kept.select_one(".owner").get_text() == "Ana"
    missed = team.select_one("tr[data-status=missed]")
    assert (
        missed.select_one(".owner").get_text() == HOSTILE_NAME and HOSTILE_NOTE in missed.select_one(".note").get_text()
    )
    assert f"not worth it {SCRIPT}" in team.select_one("tr[data-status=dropped] .reason").get_text()
    shares = {tr["data-quarter"]: tr.get_text(" ", strip=True) for tr in team.select("table.kept-share tbody tr")}
    assert shares == {"2026Q3": "2026Q3 1 1 0 1 of 2 kept (50%)", "2027Q1": f"2027Q1 0 0 1 {NO_VALUE}"}


def test_the_overview_lists_the_actions_due_this_quarter_and_each_teams_kept_share(reviewed):
    block = soup_of(reviewed).select_one("section.overview .org-actions")
    assert "Actions due in 2026Q3" in block.get_text()
    due = [(tr["data-team"], tr["data-status"]) for tr in block.select("table.due-now tbody tr")]
    assert due == [("ranking", "missed"), ("ranking", "kept")]  # the dropped one is not due any more
    assert [tr.get_text(" ", strip=True) for tr in block.select("table.by-team tbody tr")] == [
        "ranking 1 1 1 1 of 2 kept (50%)"
    ]
    assert block.select_one("table.by-team a")["href"].startswith("#team-")


def test_hostile_names_notes_and_links_stay_text(reviewed):
    html = report.render_report(report.collect_report(reviewed, None), load_bank)
    page = BeautifulSoup(html, "html.parser")
    assert page.find_all("script") == [] and page.find_all("img") == []
    assert SCRIPT not in html and "&lt;script&gt;" in html


def test_a_report_without_respondents_or_actions_has_none_of_their_parts(store, clock):
    give(store, clock, "search", "2026Q3", [answer("config-1", "enforced")])
    page = soup_of(store)
    assert page.select("table.disputes, table.disagreement, .actions-section, .org-actions") == []
    assert [tr["data-status"] for tr in page.select("table.top-answers tbody tr")] == ["claimed"]


@pytest.mark.parametrize(
    ("link", "followed"),
    [
        ("https://ci.example.com/x", "https://ci.example.com/x"),
        (" HTTP://host/path ", "HTTP://host/path"),
        ("javascript:alert(1)", None),
        ("JaVaScRiPt:alert(1)", None),
        ("java\tscript:alert(1)", None),
        ("data:text/html,<script>alert(1)</script>", None),
        ("https:no-host", None),
        ("//evil.example.com/x", None),
        ("docs/runbooks/x.md", None),
        ("http://[::1", None),
        ("", None),
        (None, None),
    ],
)
def test_only_http_and_https_addresses_become_links(link, followed):
    assert web_link(link) == followed


# -- the demo organisation ----------------------------------------------------------------------------------------


@pytest.mark.slow
def test_the_demo_shows_every_review_part():
    page = BeautifulSoup(demo_html().read_text(encoding="utf-8"), "html.parser")
    for section in page.select("section.team"):
        name = section.select_one("h2").get_text()
        assert section.select("table.disputes tbody tr li .note"), name  # disputed, with the respondents' notes
        assert section.select("table.disagreement tbody tr"), name
        assert {tr["data-status"] for tr in section.select("table.actions tbody tr")} >= {"open", "kept", "missed"}
    statuses = {tr["data-status"] for tr in page.select("table.actions tbody tr")}
    assert statuses == {"open", "kept", "missed", "dropped"}
    assert "lower median, not settled yet" in page.get_text()  # one team's review is still to come
    tops = page.select("table.top-answers tbody tr")
    assert {tr["data-status"] for tr in tops} == {"claimed", "linked"}
    assert any(tr.a for tr in tops) and any(tr["data-status"] == "linked" and tr.a is None for tr in tops)
    assert (
        page.select(".org-actions table.due-now tbody tr")
        and len(page.select(".org-actions table.by-team tbody tr")) == 6
    )


def test_the_report_reads_a_scanned_teams_evidence_once_for_its_actions_too(reviewed, tmp_path, monkeypatch):
    # The report has each team's evidence from its git frames; reading it again for the actions' status doubled
    # the report's time on scanned organisations. The status must be the same as `actions list` computes it.
    from tests.gitrepo import RepoBuilder

    repo = RepoBuilder(tmp_path / "repo")
    repo.commit({"train.py": "import torch\n"}, when="2026-05-02")
    assert run_cli("scan", str(repo.path), "--team", "ranking", db=reviewed.path).exit_code == 0
    listed = json.loads(run_cli("actions", "list", "--team", "ranking", "--json", db=reviewed.path).stdout)

    def read_again(*args: object, **kwargs: object) -> None:
        raise AssertionError("the team's evidence was read a second time")

    monkeypatch.setattr("scorecard.services.actions.team_evidence", read_again)
    data = report.collect_report(reviewed, None, 4)
    assert sorted(zip(data.actions["id"], data.actions["status"], strict=True)) == sorted(
        (action["id"], action["status"]) for action in listed
    )
