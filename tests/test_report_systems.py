"""A team's systems in the report and beside their own evidence: each system's row under its team, the org heat
map one row per team (its systems rolled up), and ``show --system`` checked against the repositories tied to the
system only. Real database files, real git repositories, the command line run in-process."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from scorecard.report.formatting import score_text
from scorecard.store import Store
from scorecard.survey.bank_file import load_bank
from tests.banks import EVIDENCE_BANK, write_bank
from tests.gitrepo import RepoBuilder
from tests.runner import run_cli as run

# ranking answers for two systems over two quarters (no team-level survey); search answers at the team level.
RANKER = {"2026Q3": "manual-slices", "2026Q4": "automated-checks"}
FEATURES = {"2026Q3": "none", "2026Q4": "manual-slices"}


def answers(folder: Path, team: str, quarter: str, body: str, system: str = "") -> Path:
    path = folder / f"{team}-{system or 'team'}-{quarter}.yaml"
    header = f"system: {system}\n" if system else ""
    path.write_text(f"team: {team}\nquarter: {quarter}\nbank: sculley2015\n{header}answers:\n{body}", encoding="utf-8")
    return path


def imported(path: Path, db: Path) -> None:
    result = run("survey", "--answers", str(path), db=db)
    assert result.exit_code == 0, result.output


def show(db: Path, *extra: str) -> dict:
    result = run("show", "--json", *extra, db=db)
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


@pytest.fixture
def reported(tmp_path: Path) -> tuple[BeautifulSoup, Path]:
    db = tmp_path / "org.db"
    for quarter in ("2026Q3", "2026Q4"):
        for system, chosen, glue in (("Ranker", RANKER, "wrapped-and-checked"), ("Features", FEATURES, "scattered")):
            body = f"  entanglement-1: {chosen[quarter]}\n  glue-code-1: {glue}\n"
            imported(answers(tmp_path, "ranking", quarter, body, system), db)
        imported(answers(tmp_path, "search", quarter, "  entanglement-1: automated-checks\n"), db)
    out = tmp_path / "review.html"
    result = run("report", "--all", "-o", str(out), db=db)
    assert result.exit_code == 0, result.output
    return BeautifulSoup(out.read_text(encoding="utf-8"), "html.parser"), db


def team_section(soup: BeautifulSoup, team: str):
    return next(s for s in soup.select("section.team") if s.select_one("h2").get_text(strip=True) == team)


def test_heat_map_has_one_row_per_team_and_a_team_of_systems_shows_its_rollup(reported):
    soup, db = reported
    rows = soup.select("table.heatmap tbody tr")
    assert sorted(row["data-team"] for row in rows) == ["ranking", "search"]
    rolled = show(db, "--team", "ranking")
    bank = load_bank("sculley2015")
    ranking = next(row for row in rows if row["data-team"] == "ranking")
    assert ranking.select_one("td[data-area=overall]")["data-score"] == score_text(rolled["overall"], bank)
    for area, score in rolled["areas"].items():
        assert ranking.select_one(f"td[data-area={area}]")["data-score"] == score_text(score, bank)
    note = ranking.select_one(".systems-note").get_text(" ", strip=True)
    assert note == f"2 systems, mean · weakest: {rolled['weakest_system']}"
    search = next(row for row in rows if row["data-team"] == "search")
    assert search.select_one(".systems-note") is None
    # The team of systems is surveyed this quarter: not in the list of teams without a survey, its page not empty.
    assert "ranking" not in " ".join(li.get_text() for li in soup.select(".missing li"))
    assert team_section(soup, "ranking").select_one("p.no-survey, p.empty:not(.no-scan)") is None


def test_each_systems_row_sits_under_its_team_with_its_numbers(reported):
    soup, db = reported
    bank = load_bank("sculley2015")
    table = team_section(soup, "ranking").select_one("table.systems-table")
    assert table is not None and team_section(soup, "search").select_one("table.systems-table") is None
    assert "rollup: mean" in table.select_one("caption").get_text()
    names = [row["data-system"] for row in table.select("tbody tr")]
    assert names == ["ranking (roll-up)", "Features", "Ranker"]
    for name in ("Ranker", "Features"):
        alone = show(db, "--team", "ranking", "--system", name)
        row = table.select_one(f'tbody tr[data-system="{name}"]')
        assert row.select_one("td[data-area=overall]")["data-score"] == score_text(alone["overall"], bank)
        for area, score in alone["areas"].items():
            assert row.select_one(f"td[data-area={area}]")["data-score"] == score_text(score, bank)
        earlier = show(db, "--team", "ranking", "--system", name, "--quarter", "2026Q3")
        trend = row.select_one(".trend").get_text()
        assert trend == (f"2026Q3 {score_text(earlier['overall'], bank)} → 2026Q4 {score_text(alone['overall'], bank)}")
    rolled = show(db, "--team", "ranking")
    weakest = table.select("tbody tr[data-weakest]")
    assert [row["data-system"] for row in weakest] == [rolled["weakest_system"]] == ["Features"]
    top = table.select_one("tbody tr.rollup")
    assert top.select_one("td[data-area=overall]")["data-score"] == score_text(rolled["overall"], bank)


def test_a_team_with_systems_in_one_team_report(reported, tmp_path):
    _soup, db = reported
    out = tmp_path / "ranking.html"
    result = run("report", "--team", "ranking", "-o", str(out), db=db)
    assert result.exit_code == 0, result.output
    soup = BeautifulSoup(out.read_text(encoding="utf-8"), "html.parser")
    assert len(soup.select("table.systems-table tbody tr")) == 3
    assert soup.select_one("header.team-head .quarter").get_text() == "2026Q4"


# -- evidence per system ---------------------------------------------------------------------------------------


@pytest.fixture
def two_repos(tmp_path: Path) -> tuple[Path, Path]:
    """A ranker repository of 20 code lines holding 3 TODO comments, a clean features one, each tied to its system;
    both systems (and a third, Serving, with no repository) answer a-2 "all" (nothing to clean up)."""
    db = tmp_path / "evidence.db"
    noisy = RepoBuilder(tmp_path / "ranker")
    lines = [f"x{i} = {i}" for i in range(17)] + ["# TODO one", "# TODO two", "# TODO three"]
    noisy.commit({"train.py": "\n".join(lines) + "\n"}, when="2024-01-03")
    clean = RepoBuilder(tmp_path / "features")
    clean.commit({"features.py": "\n".join(f"y{i} = {i}" for i in range(20)) + "\n"}, when="2024-01-03")
    for repo, system in ((noisy, "Ranker"), (clean, "Features")):
        result = run("scan", str(repo.path), "--team", "ranking", "--system", system, db=db)
        assert result.exit_code == 0, result.output
    bank = write_bank(tmp_path, EVIDENCE_BANK)
    for system in ("Ranker", "Features", "Serving"):
        path = tmp_path / f"{system}.yaml"
        path.write_text(
            f"team: ranking\nquarter: 2026Q4\nbank: {bank}\nsystem: {system}\nanswers:\n  a-1: some\n  a-2: all\n",
            encoding="utf-8",
        )
        imported(path, db)
    return db, bank


def test_store_reads_the_evidence_of_one_systems_repositories(two_repos):
    db, _bank = two_repos
    with Store.open(db) as store:
        assert [repo.repo for repo in store.latest_repo_metrics("ranking")] == ["features", "ranker"]
        assert [repo.repo for repo in store.latest_repo_metrics("ranking", "RANKER")] == ["ranker"]  # by key
        assert [repo.repo for repo in store.latest_repo_metrics("ranking", "Features")] == ["features"]
        assert store.latest_repo_metrics("ranking", "Serving") == []
        assert {quarter for _repo, quarter, *_ in store.quarter_metric_rows("ranking", "Ranker")}
        assert {repo for repo, *_ in store.quarter_metric_rows("ranking", "Ranker")} == {"ranker"}
        assert store.code_lines_by_suffix("ranking", "Ranker") == {".py": 20}
        assert store.code_lines_by_suffix("ranking") == {".py": 40}


def test_show_system_is_checked_against_its_own_repositories_only(two_repos):
    db, bank = two_repos
    ranker = show(db, "--team", "ranking", "--bank", str(bank), "--system", "Ranker")
    features = show(db, "--team", "ranking", "--bank", str(bank), "--system", "Features")
    assert ranker["metrics"]["debt_comments.alive"] == 3
    assert features["metrics"]["debt_comments.alive"] == 0
    assert ranker["metrics"]["lines.code"] == features["metrics"]["lines.code"] == 20
    assert [c["question"] for c in ranker["contradictions"]] == ["a-2"]
    assert features["contradictions"] == []
    serving = show(db, "--team", "ranking", "--bank", str(bank), "--system", "Serving")
    assert serving["metrics"] == {} and serving["contradictions"] == []
    # The roll-up: the team's metrics are over all its repositories, each system's count its own contradictions.
    team = show(db, "--team", "ranking", "--bank", str(bank))
    assert team["metrics"]["lines.code"] == 40 and team["metrics"]["debt_comments.alive"] == 3
    counts = {system["name"]: system["contradiction_count"] for system in team["systems"]}
    assert counts == {"Features": 0, "Ranker": 1, "Serving": 0}
    assert team["systems"][2]["metrics"] == {}


def test_a_system_without_a_repository_says_it_has_no_evidence(two_repos):
    db, bank = two_repos
    result = run("show", "--team", "ranking", "--bank", str(bank), "--system", "serving", db=db)
    assert result.exit_code == 0, result.output
    assert "No git evidence for system Serving: no repository is tied to it" in result.output
    result = run("show", "--team", "ranking", "--bank", str(bank), "--system", "Ranker", db=db)
    assert "Evidence: the repositories tied to system Ranker" in result.output


@pytest.fixture
def version_change(tmp_path: Path) -> BeautifulSoup:
    """ranking's two systems surveyed on sculley2015 v1 in 2026Q2 and v2 in 2026Q3 (no team-level survey), an
    action per system and one at the team level; ranking's page as written by `report --team`."""
    from scorecard.survey.records import AnswerInput

    db = tmp_path / "org.db"
    with Store.open(db) as store:
        for system in ("Ranker", "Features"):
            store.import_answers(
                "ranking",
                "2026Q2",
                "sculley2015",
                1,
                [AnswerInput("entanglement-1", "aggregate", 0.33)],
                True,
                system=system,
            )
    for system in ("Ranker", "Features"):
        imported(answers(tmp_path, "ranking", "2026Q3", "  entanglement-1: manual-slices\n", system), db)
    for system in ("Ranker", "Features", None):
        extra = ("--system", system) if system else ("--bank", "sculley2015")
        added = run(
            "actions",
            "add",
            "--team",
            "ranking",
            *extra,
            "--question",
            "entanglement-1",
            "--target",
            "automated-checks",
            "--due",
            "2026Q4",
            db=db,
        )
        assert added.exit_code == 0, added.output
    out = tmp_path / "ranking.html"
    result = run("report", "--team", "ranking", "-o", str(out), db=db)
    assert result.exit_code == 0, result.output
    return BeautifulSoup(out.read_text(encoding="utf-8"), "html.parser")


def test_a_team_of_systems_shows_the_bank_version_change_of_its_systems(version_change):
    v1, v2 = load_bank("sculley2015", 1), load_bank("sculley2015")
    added = sorted({q.id for q in v2.questions} - {q.id for q in v1.questions})
    systems = version_change.select_one("div.systems[data-bank=sculley2015]")
    changes = [" ".join(p.get_text().split()) for p in systems.select(".bank-change")]
    assert len(changes) == 1
    assert changes[0].startswith(
        "Question bank sculley2015 changed from v1 (2026Q2) to v2 (2026Q3) in the surveys of Features and Ranker: "
        f"{len(added)} questions added ({', '.join(added)})"
    )


def test_a_team_pages_actions_name_their_system(version_change):
    rows = version_change.select("table.actions tbody tr")
    labels = sorted(
        (row.select_one(".chip.system").get_text() if row.select_one(".chip.system") else "") for row in rows
    )
    assert labels == ["", "Features", "Ranker"]


def test_a_long_list_of_changed_questions_folds_away_and_a_short_one_reads_inline(version_change):
    v1, v2 = load_bank("sculley2015", 1), load_bank("sculley2015")
    added = sorted({q.id for q in v2.questions} - {q.id for q in v1.questions})
    removed = {q.id for q in v1.questions} - {q.id for q in v2.questions}
    change = version_change.select_one("div.systems[data-bank=sculley2015] .bank-change")
    sentence = " ".join(change.select_one("p").get_text().split())
    folded = " ".join(change.select_one("details.ids").get_text(" ").split())
    assert len(added) <= 8 and len(removed) > 8  # the shipped v1 -> v2 change: both cases in one panel
    assert f"{len(added)} questions added ({', '.join(added)})" in sentence
    assert f"{len(removed)} removed," in sentence and sorted(removed)[0] not in sentence
    assert folded.startswith("Which questions Removed: " + ", ".join(sorted(removed)[:2]))
    assert not any(question in folded for question in added)


def test_a_system_scanned_but_never_surveyed_shows_its_evidence_alone(tmp_path):
    db = tmp_path / "scanned.db"
    repo = RepoBuilder(tmp_path / "ranker")
    repo.commit({"train.py": "x = 1\n# TODO later\n"}, when="2024-01-03")
    assert run("scan", str(repo.path), "--team", "ranking", "--system", "Ranker", db=db).exit_code == 0
    shown = show(db, "--team", "ranking", "--system", "Ranker")
    assert shown["system"] == "Ranker" and shown["overall"] is None and shown["repos"] == ["ranker"]
    assert shown["metrics"]["debt_comments.alive"] == 1
    text = run("show", "--team", "ranking", "--system", "Ranker", db=db)
    assert text.exit_code == 0 and "ranking · system Ranker · no survey yet" in text.output
    assert "scorecard survey --team ranking --system 'Ranker'" in text.output
    # A system with neither a survey nor a repository is still an error, and so is asking for a quarter.
    missing = run("show", "--team", "ranking", "--system", "Serving", db=db)
    assert missing.exit_code == 1 and "has no survey for system 'Serving' yet" in missing.output
    quarter = run("show", "--team", "ranking", "--system", "Ranker", "--quarter", "2026Q4", db=db)
    assert quarter.exit_code == 1
