"""``survey --answers`` with respondents and links, and what ``show --json`` says of them: the acceptance of
several people answering one team's survey, from the command line, on a real database file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.runner import run_cli as run


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def respondent_file(folder: Path, bank: Path, name: str, answers: str, header: str = "") -> Path:
    body = f"team: ranking\nquarter: 2026Q4\nbank: {bank}\n{header}answers:\n{answers}"
    return write(folder, f"{name or 'team'}.yaml", body.replace("RESPONDENT", name))


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "review.db"


def show(db: Path, bank: Path) -> dict:
    result = run("show", "--team", "ranking", "--json", "--bank", str(bank), db=db)
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_two_respondents_disagree_and_a_team_answer_settles_it(tmp_path, tiny_bank_path, db):
    ana = respondent_file(
        tmp_path,
        tiny_bank_path,
        "Ana",
        "  a-1: {option: all, note: checks run nightly}\n  b-1: half\n",
        "respondent: RESPONDENT\n",
    )
    bo = respondent_file(tmp_path, tiny_bank_path, "Bo", "  a-1: none\n  b-1: half\n", "respondent: RESPONDENT\n")
    assert run("survey", "--answers", str(ana), db=db).exit_code == 0
    assert run("survey", "--answers", str(bo), db=db).exit_code == 0

    shown = show(db, tiny_bank_path)
    assert shown["respondents"] == ["Ana", "Bo"]
    first = shown["answers"][0]
    assert first == {
        "question": "a-1",
        "option": "none",  # the lower median of two: the lower answer
        "points": 0.0,
        "note": None,
        "link": None,
        "source": "respondents",
        "by_respondent": {"Ana": "all", "Bo": "none"},
        "spread": 1.0,
        "disputed": True,
    }
    assert shown["answers"][1]["spread"] == 0.0 and not shown["answers"][1]["disputed"]
    assert shown["areas"] == {"alpha": 0.0, "beta": 50.0}
    assert shown["disagreement"] == {"overall": 0.5, "by_area": {"alpha": 1.0, "beta": 0.0}}

    team = respondent_file(tmp_path, tiny_bank_path, "", "  a-1: {option: all, link: JIRA-7}\n")
    assert run("survey", "--answers", str(team), db=db).exit_code == 0
    settled = show(db, tiny_bank_path)["answers"][0]
    assert (settled["source"], settled["option"], settled["link"], settled["disputed"]) == (
        "team",
        "all",
        "JIRA-7",
        True,
    )
    assert show(db, tiny_bank_path)["areas"]["alpha"] == 100.0


def test_respondent_option_names_whose_answers_a_file_without_respondent_holds(tmp_path, tiny_bank_path, db):
    path = respondent_file(tmp_path, tiny_bank_path, "plain", "  a-1: all\n")
    assert run("survey", "--answers", str(path), "--respondent", " ana ", db=db).exit_code == 0
    again = respondent_file(tmp_path, tiny_bank_path, "plain", "  a-1: none\n")
    assert run("survey", "--answers", str(again), "--respondent", "ANA", db=db).exit_code == 0
    shown = show(db, tiny_bank_path)
    assert shown["respondents"] == ["ana"]  # one person however the name is cased; the first spelling shown
    assert shown["answers"][0]["by_respondent"] == {"ana": "none"}


def test_a_team_file_imported_twice_with_a_link_changes_nothing_the_second_time(tmp_path, tiny_bank_path, db):
    path = respondent_file(tmp_path, tiny_bank_path, "", "  a-1: {option: all, link: 'https://ci.example/job/1'}\n")
    first = json.loads(run("survey", "--answers", str(path), "--json", db=db).output)
    second = json.loads(run("survey", "--answers", str(path), "--json", db=db).output)
    assert (first["changed"], second["changed"]) == (1, 0)
    assert second["answers"][0]["link"] == "https://ci.example/job/1" and second["respondents"] == []


@pytest.mark.parametrize(
    ("header", "answers", "extra", "message"),
    [
        ("respondent: ''\n", "  a-1: all\n", (), "respondent name cannot be empty"),
        ("respondent: [a, b]\n", "  a-1: all\n", (), "respondent must be text"),
        ('respondent: "a\\u200bb"\n', "  a-1: all\n", (), "invisible or control character U+200B"),
        ("respondent: Ana\n", "  a-1: all\n", ("--respondent", "Bo"), "holds the answers of 'Ana', not of 'Bo'"),
        ("", "  a-1: all\n", ("--respondent", "  "), "--respondent: a respondent name cannot be empty"),
        ("", "  a-1: {option: all, link: [x]}\n", (), "a-1: link must be text"),
        ("", '  a-1: {option: all, link: "a\\nb"}\n', (), "a link is one line"),
        ("", "  a-1: {option: all, link: " + "x" * 501 + "}\n", (), "link has 501 characters, at most 500"),
        ("", "  a-1: {option: all, url: x}\n", (), "unknown keys url (use option, note, link)"),
    ],
)
def test_bad_respondents_and_links_are_one_line_errors_and_nothing_is_written(
    tmp_path, tiny_bank_path, db, header, answers, extra, message
):
    path = respondent_file(tmp_path, tiny_bank_path, "bad", answers, header)
    result = run("survey", "--answers", str(path), *extra, db=db)
    assert result.exit_code == 1, result.output
    assert message in result.output and result.output.count("\n") == 1
    assert not db.exists()


def test_export_writes_a_file_per_respondent_and_they_import_back_exactly(tmp_path, tiny_bank_path, db):
    header = "respondent: RESPONDENT\n"
    for name, answers in (("Ana", "  a-1: {option: all, note: nightly, link: JIRA-7}\n"), ("Bo/Ø", "  a-1: none\n")):
        path = respondent_file(
            tmp_path, tiny_bank_path, name.replace("/", ""), answers, header.replace("RESPONDENT", name)
        )
        assert run("survey", "--answers", str(path), db=db).exit_code == 0
    team = respondent_file(tmp_path, tiny_bank_path, "", "  b-1: half\n")
    assert run("survey", "--answers", str(team), db=db).exit_code == 0

    out = tmp_path / "out" / "answers.yaml"
    out.parent.mkdir()
    exported = run("answers", "export", "--team", "ranking", "--bank", str(tiny_bank_path), "-o", str(out), db=db)
    assert exported.exit_code == 0, exported.output
    assert sorted(p.name for p in out.parent.iterdir()) == ["answers.ana.yaml", "answers.bo.yaml", "answers.yaml"]
    assert "respondent" not in out.read_text() and "b-1: half" in out.read_text()
    assert "respondent: Bo/Ø" in (out.parent / "answers.bo.yaml").read_text()

    fresh = tmp_path / "fresh.db"
    for path in sorted(out.parent.iterdir()):
        assert run("survey", "--answers", str(path), "--bank", str(tiny_bank_path), db=fresh).exit_code == 0
    assert show(fresh, tiny_bank_path)["answers"] == show(db, tiny_bank_path)["answers"]

    one = run("answers", "export", "--team", "ranking", "--bank", str(tiny_bank_path), "--respondent", "ANA", db=db)
    assert one.exit_code == 0 and "respondent: Ana" in one.stdout and "link: JIRA-7" in one.stdout
    stdout = run("answers", "export", "--team", "ranking", "--bank", str(tiny_bank_path), db=db)
    assert "respondent" not in stdout.stdout and "Left out 2 respondent(s)" in stdout.stderr


def test_export_of_someone_who_answered_nothing_is_a_one_line_error(tmp_path, tiny_bank_path, db):
    team = respondent_file(tmp_path, tiny_bank_path, "", "  b-1: half\n")
    assert run("survey", "--answers", str(team), db=db).exit_code == 0
    out = tmp_path / "x.yaml"
    result = run(
        "answers",
        "export",
        "--team",
        "ranking",
        "--bank",
        str(tiny_bank_path),
        "--respondent",
        "Cy",
        "-o",
        str(out),
        db=db,
    )
    assert (
        result.exit_code == 1
        and "'Cy' answered nothing in ranking's 2026Q4 survey (respondents: none)" in result.output
    )
    assert not out.exists()


def test_the_interactive_survey_checks_the_respondent_before_anything_else(db):
    result = run("survey", "--team", "ranking", "--respondent", "a\u202eb", db=db)
    assert result.exit_code == 1 and "a respondent name cannot contain" in result.output
    assert not db.exists()
