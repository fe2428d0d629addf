"""Systems: a team's surveys per system (a model, a pipeline, a service), how they roll up to the team in
``show --json``, the names' rules, and the migration of a database from before systems. Real database files,
the command line run in-process, answers files as users write them."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scorecard.store import Store
from scorecard.survey.bank_file import lint_bank_file, load_bank_file
from scorecard.survey.systems import SystemNameError, normalize_system_name, rollup, system_key, weakest
from tests.banks import MEAN_BANK, write_bank
from tests.runner import run_cli as run

FIXTURES = Path(__file__).parent / "fixtures"
MIN_BANK = MEAN_BANK.replace("id: tiny\n", "id: tiny-min\n").replace(
    "aggregation: mean\n", "aggregation: mean\nrollup: min\n"
)
# Two systems answered apart: the ranker well in alpha and badly in beta, the features pipeline the other way.
RANKER = "  a-1: all\n  a-2: all\n  b-1: none\n"
FEATURES = "  a-1: some\n  a-2: none\n  b-1: all\n"


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "systems.db"


def answers_file(folder: Path, bank: Path, name: str, answers: str, header: str = "") -> Path:
    path = folder / f"{name}.yaml"
    path.write_text(f"team: ranking\nquarter: 2026Q4\nbank: {bank}\n{header}answers:\n{answers}", encoding="utf-8")
    return path


def show(db: Path, *extra: str) -> dict:
    result = run("show", "--team", "ranking", "--json", *extra, db=db)
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def import_two_systems(tmp_path: Path, db: Path, bank: Path) -> None:
    ranker = answers_file(tmp_path, bank, "ranker", RANKER, "system: Ranker\n")
    features = answers_file(tmp_path, bank, "features", FEATURES)
    assert run("survey", "--answers", str(ranker), db=db).exit_code == 0
    result = run("survey", "--answers", str(features), "--system", "features pipeline", db=db)
    assert result.exit_code == 0, result.output
    assert "(system features pipeline)" in result.output


@pytest.mark.parametrize(("bank_text", "how"), [(MEAN_BANK, "mean"), (MIN_BANK, "min")], ids=["mean", "min"])
def test_two_systems_show_each_score_and_the_banks_rollup(tmp_path, db, bank_text, how):
    bank = write_bank(tmp_path, bank_text)
    import_two_systems(tmp_path, db, bank)

    ranker = show(db, "--bank", str(bank), "--system", "RANKER")  # matched by key, shown as first given
    features = show(db, "--bank", str(bank), "--system", "Features Pipeline")
    assert (ranker["system"], features["system"]) == ("Ranker", "features pipeline")
    assert ranker["areas"] == {"alpha": 100.0, "beta": 0.0}
    assert features["areas"] == {"alpha": 25.0, "beta": 100.0}

    team = show(db, "--bank", str(bank))
    assert "system" not in team
    assert team["rollup"] == how
    assert [s["name"] for s in team["systems"]] == ["features pipeline", "Ranker"]
    by_name = {s["name"]: s for s in team["systems"]}
    for name, alone in (("Ranker", ranker), ("features pipeline", features)):
        assert {k: by_name[name][k] for k in ("overall", "level", "areas")} == {
            k: alone[k] for k in ("overall", "level", "areas")
        }
    pick = min if how == "min" else (lambda a, b: round((a + b) / 2, 4))
    assert team["overall"] == pick(ranker["overall"], features["overall"])
    assert team["areas"] == {area: pick(ranker["areas"][area], features["areas"][area]) for area in ("alpha", "beta")}
    assert team["overall"] == (50.0 if how == "min" else 56.25)
    assert team["level"] == ("high" if how == "min" else "low")  # the bank's band of the rolled-up overall
    assert team["weakest_system"] == "Ranker"  # 50 against 62.5
    assert [s["weakest"] for s in team["systems"]] == [False, True]
    assert team["weakest_area"] == "beta"  # min: 25 against 0; mean: 62.5 against 50
    assert team["team_survey"] is None and team["answers"] == []


def test_a_team_level_survey_alone_behaves_as_before(tmp_path, db, tiny_bank_path):
    path = answers_file(tmp_path, tiny_bank_path, "team", RANKER)
    assert run("survey", "--answers", str(path), db=db).exit_code == 0
    shown = show(db, "--bank", str(tiny_bank_path))
    for key in ("systems", "weakest_system", "rollup", "team_survey", "system"):
        assert key not in shown
    assert shown["overall"] == 50.0 and shown["areas"] == {"alpha": 100.0, "beta": 0.0}
    exported = run("answers", "export", "--team", "ranking", "--bank", str(tiny_bank_path), db=db)
    assert exported.exit_code == 0 and "system:" not in exported.output


def test_a_team_level_survey_beside_systems_keeps_its_own_scores_apart(tmp_path, db, tiny_bank_path):
    import_two_systems(tmp_path, db, tiny_bank_path)
    team_file = answers_file(tmp_path, tiny_bank_path, "team", "  a-1: none\n  a-2: none\n  b-1: none\n")
    assert run("survey", "--answers", str(team_file), db=db).exit_code == 0
    shown = show(db, "--bank", str(tiny_bank_path))
    assert shown["overall"] == 56.25  # the systems' mean: the team-level survey is not a system
    assert shown["team_survey"]["overall"] == 0.0
    assert [answer["option"] for answer in shown["answers"]] == ["none", "none", "none"]  # the team survey's own
    text = run("show", "--team", "ranking", "--bank", str(tiny_bank_path), db=db).output
    assert "2 system(s), mean of their scores" in text and "Ranker: 50" in text and "weakest" in text


def test_export_of_a_system_writes_system_and_imports_back(tmp_path, db, tiny_bank_path):
    import_two_systems(tmp_path, db, tiny_bank_path)
    out = tmp_path / "export.yaml"
    bank = ("--bank", str(tiny_bank_path))
    result = run("answers", "export", "--team", "ranking", *bank, "--system", "ranker", "-o", str(out), db=db)
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert "system: Ranker\n" in text and "a-1: all" in text
    again = run("survey", "--answers", str(out), "--bank", str(tiny_bank_path), "--json", db=db)
    assert json.loads(again.output)["changed"] == 0
    missing = run("answers", "export", "--team", "ranking", *bank, "--system", "serving", db=db)
    assert missing.exit_code == 1 and "survey for system 'serving' yet" in missing.output


@pytest.mark.parametrize(
    ("header", "extra", "message"),
    [
        ("", ("--system", "   "), "--system: a system name cannot be empty"),
        ("", ("--system", "rank\u200ber"), "--system: a system name cannot contain the invisible"),
        ("system: '  '\n", (), "line 4: a system name cannot be empty"),
        ("system: 7\n", (), "system must be text (a system's name), not a number"),
        ("system: ranker\n", ("--system", "serving"), "is for system 'ranker', not 'serving' (--system)"),
    ],
)
def test_bad_system_names_are_one_line_errors_and_nothing_is_written(
    tmp_path, db, tiny_bank_path, header, extra, message
):
    path = answers_file(tmp_path, tiny_bank_path, "bad", RANKER, header)
    result = run("survey", "--answers", str(path), *extra, db=db)
    assert result.exit_code == 1, result.output
    assert message in result.output and result.output.count("\n") == 1
    assert not db.exists()
    if "--system:" in message:  # the other commands refuse the same name before opening anything
        for command in (("show", "--team", "ranking"), ("answers", "export", "--team", "ranking")):
            refused = run(*command, *extra, db=db)
            assert refused.exit_code == 1 and message in refused.output
    assert not db.exists()


def test_a_bank_declares_its_rollup_and_lint_checks_it(tmp_path):
    assert load_bank_file(write_bank(tmp_path, MEAN_BANK)).rollup == "mean"
    assert load_bank_file(write_bank(tmp_path, MIN_BANK, "min.yaml")).rollup == "min"
    minimum = MEAN_BANK.replace("aggregation: mean\n", "aggregation: min_section_sum\n")
    assert load_bank_file(write_bank(tmp_path, minimum, "minsum.yaml")).rollup == "min"  # a minimum rolls up by min
    bad = write_bank(
        tmp_path, MEAN_BANK.replace("aggregation: mean\n", "aggregation: mean\nrollup: median\n"), "b.yaml"
    )
    assert [p.message for p in lint_bank_file(bad)] == ["rollup must be one of mean, min, not 'median'"]


def test_shipped_banks_declare_their_rollups():
    from scorecard.survey.bank_file import load_bank

    assert (load_bank("sculley2015").rollup, load_bank("ml-test-score").rollup) == ("mean", "min")


def test_migration_of_a_database_from_before_systems(tmp_path, tiny_bank_path):
    path = tmp_path / "old.db"
    shutil.copy(FIXTURES / "v1-surveys.db", path)
    with Store.open(path) as store:
        teams = [team.name for team in store.list_teams()]
        surveys = [survey for team in teams for survey in store.surveys_for_team(team)]
        assert len(surveys) == 4 and all(survey.system == "" for survey in surveys)
        assert store.db.execute("select count(*) from surveys where system != ''").fetchone()[0] == 0
        assert all(store.system_surveys(team) == [] for team in teams)
        old = store.find_survey("ranking", "2026Q3", "sculley2015")
        assert old is not None and old.system == ""
        # The same team, quarter and bank now holds one survey per system beside the team-level one.
        beside = store.start_survey("ranking", "2026Q3", "sculley2015", old.bank_version, system="Ranker")
        assert beside.id != old.id and beside.system == "Ranker"
        assert store.find_survey("ranking", "2026Q3", "sculley2015") == old


def test_a_system_carries_over_from_its_own_earlier_survey_only(store):
    store.import_answers("ranking", "2026Q3", "tiny", 1, [_answer("a-1", "all", 1.0)], complete=False, system="Ranker")
    store.import_answers("ranking", "2026Q3", "tiny", 1, [_answer("a-1", "none", 0.0)], complete=False)
    ranker = store.start_survey("ranking", "2026Q4", "tiny", 1, carry_over=["a-1"], system="ranker")
    team = store.start_survey("ranking", "2026Q4", "tiny", 1, carry_over=["a-1"])
    assert ranker.system == "Ranker"
    assert store.answers_for(ranker.id)["a-1"].option_id == "all"
    assert store.answers_for(team.id)["a-1"].option_id == "none"
    assert store.systems_of("RANKING") == ["Ranker"]
    assert [s.system for s in store.surveys_for_team("ranking")] == ["", ""]
    assert [s.quarter for s in store.surveys_for_team("ranking", system="RANKER")] == ["2026Q4", "2026Q3"]


def _answer(question: str, option: str, points: float):
    from scorecard.survey.records import AnswerInput

    return AnswerInput(question, option, points)


def test_rollup_and_weakest_are_plain_rules():
    assert rollup("mean", [50.0, None, 62.5]) == 56.25
    assert rollup("min", [50.0, None, 62.5]) == 50.0
    assert rollup("mean", [None]) is None
    assert weakest([("a", 3.0), ("b", None), ("c", 3.0)]) == "a"
    assert weakest([("b", None)]) is None


@given(st.text(max_size=30))
def test_system_names_normalise_like_team_names_or_say_why(raw):
    try:
        name = normalize_system_name(raw)
    except SystemNameError as error:
        assert "system name" in str(error) and "\n" not in str(error)
        return
    assert normalize_system_name(name) == name
    assert system_key(name) == system_key(name.upper().lower()) or name.upper().lower() != name.lower()


def test_scan_with_system_ties_the_repository_and_a_rescan_without_keeps_the_tie(tmp_path, db):
    from tests.gitrepo import RepoBuilder

    repo = RepoBuilder(tmp_path / "repo")
    repo.commit({"train.py": "x = 1\n"}, when="2024-01-03")
    assert run("scan", str(repo.path), "--team", "ranking", "--system", "Ranker", db=db).exit_code == 0
    repo.commit({"train.py": "x = 2\n"}, when="2024-02-03")
    assert run("scan", str(repo.path), "--team", "ranking", db=db).exit_code == 0
    with Store.open(db) as store:
        assert list(store.repository_systems("ranking").values()) == ["Ranker"]
        assert store.systems_of("ranking") == ["Ranker"]
    assert run("scan", str(repo.path), "--team", "ranking", "--system", "ranker", db=db).exit_code == 0
    refused = run("scan", str(repo.path), "--team", "ranking", "--system", "", db=db)
    assert refused.exit_code == 1 and "--system: a system name cannot be empty" in refused.output
    with Store.open(db) as store:
        assert list(store.repository_systems("ranking").values()) == ["Ranker"]  # one system, first spelling
