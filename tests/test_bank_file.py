from __future__ import annotations

import re
from pathlib import Path

import pytest

from scorecard.metric_contract import CITABLE_METRICS as METRIC_NAMES
from scorecard.survey.bank import NA, UNKNOWN
from scorecard.survey.bank_file import (
    BankError,
    bank_files,
    lint_bank_file,
    lint_bank_paths,
    load_bank,
    load_bank_file,
    topic_catalogue,
)
from tests.banks import MEAN_BANK, write_bank
from tests.runner import run_cli

REFERENCE = Path(__file__).resolve().parents[2] / "shared" / "reference"


def problems_of(tmp_path: Path, text: str) -> list[str]:
    return [str(p) for p in lint_bank_file(write_bank(tmp_path, text))]


def test_valid_bank_loads_with_universal_options(tmp_path):
    bank = load_bank_file(write_bank(tmp_path))
    assert bank.id == "tiny" and bank.version == 1 and bank.aggregation == "mean"
    question = bank.question("a-1")
    assert [o.id for o in question.all_options] == ["none", "some", "all", NA, UNKNOWN]
    assert question.option(NA).points is None and question.option(UNKNOWN).points == 0.0
    assert question.evidence[0].metric == "coupling.strong_pairs"
    assert question.evidence[0].contradicts == ("all",)
    assert bank.level_for(50).id == "high" and bank.level_for(50.1).id == "low"


def test_duplicate_question_id(tmp_path):
    text = MEAN_BANK.replace("id: a-2", "id: a-1")
    [problem] = problems_of(tmp_path, text)
    assert re.search(r"tiny\.yaml:\d+: question a-1: duplicate question id", problem)


def test_unknown_area_and_topic_are_both_reported(tmp_path):
    text = MEAN_BANK.replace("area: beta", "area: gamma").replace("[reproducibility]", "[nonsense_topic]")
    found = problems_of(tmp_path, text)
    assert any("question b-1: unknown area 'gamma'" in p for p in found)
    assert any("question b-1: unknown topic 'nonsense_topic'" in p for p in found)


def test_missing_and_out_of_range_points(tmp_path):
    text = MEAN_BANK.replace("{id: some, label: Some., points: 0.5}", "{id: some, label: Some.}").replace(
        "{id: half, label: Half., points: 0.5}", "{id: half, label: Half., points: 1.5}"
    )
    found = problems_of(tmp_path, text)
    assert any("question a-1: option 'some' has no points" in p for p in found)
    assert any("question b-1: option 'half' has points 1.5, outside [0, 1]" in p for p in found)


@pytest.mark.parametrize("reserved", [NA, UNKNOWN])
def test_option_id_reused_as_universal_option(tmp_path, reserved):
    text = MEAN_BANK.replace("{id: half, label: Half.", f"{{id: {reserved}, label: Half.")
    [problem] = problems_of(tmp_path, text)
    assert f"question b-1: option id '{reserved}' is reserved" in problem


def test_unknown_metric_in_evidence_rule(tmp_path):
    text = MEAN_BANK.replace("metric: coupling.strong_pairs", "metric: coupling.made_up")
    [problem] = problems_of(tmp_path, text)
    assert "question a-1: evidence rule 1: unknown metric 'coupling.made_up'" in problem


def test_evidence_rule_contradicting_an_unknown_option(tmp_path):
    text = MEAN_BANK.replace("contradicts: [all]", "contradicts: [everything]")
    [problem] = problems_of(tmp_path, text)
    assert "question a-1: evidence rule 1: contradicts unknown option 'everything'" in problem


def test_yaml_syntax_error_has_a_line_number(tmp_path):
    text = MEAN_BANK.replace("text: Second question?", "text: [Second question?")
    [problem] = problems_of(tmp_path, text)
    assert re.match(r".*tiny\.yaml:\d+: YAML syntax error", problem)
    line = int(problem.split(":")[1])
    assert 20 <= line <= 40  # near the broken question, not line 1


def test_duplicate_yaml_key_is_a_problem(tmp_path):
    text = MEAN_BANK.replace("    text: Third question?\n", "    text: Third question?\n    text: Again?\n")
    [problem] = problems_of(tmp_path, text)
    assert "tiny.yaml:35: question b-1: key 'text' given twice" in problem


def test_every_problem_is_listed_not_just_the_first(tmp_path):
    text = MEAN_BANK.replace("area: beta", "area: gamma").replace("id: a-2", "id: a-1")
    text = text.replace("aggregation: mean", "aggregation: median")
    found = problems_of(tmp_path, text)
    assert len(found) >= 3
    with pytest.raises(BankError, match=r"and \d+ more problems") as raised:
        load_bank_file(tmp_path / "tiny.yaml")
    assert len(raised.value.problems) == len(found)


def test_not_a_mapping(tmp_path):
    [problem] = problems_of(tmp_path, "- just\n- a list\n")
    assert "must be a YAML mapping" in problem


def test_unknown_bank_names_the_known_ones():
    with pytest.raises(BankError, match=r"unknown question bank 'nope' \(known banks: .*ml-test-score"):
        load_bank("nope")


def test_shipped_banks_are_clean():
    files = bank_files()
    assert {p.stem for p in files} >= {"sculley2015", "ml-test-score"}
    for path in files:
        assert lint_bank_file(path) == [], path


def test_topic_catalogue_equals_the_reference_topic_ids():
    # The reference lives in the project's shared/ folder beside the checkout (as in CI), not in the package.
    if not (REFERENCE / "TOPICS.md").exists():
        pytest.skip(f"no reference at {REFERENCE}")
    text = (REFERENCE / "TOPICS.md").read_text()
    table = text.split("## Topic ids")[1].split("## Evidence")[0]
    assert set(topic_catalogue()) == set(re.findall(r"`([a-z_]+)`", table))


def test_sculley2015_covers_every_topic_and_carries_evidence():
    bank = load_bank("sculley2015")
    covered = {topic for q in bank.questions for topic in q.topics}
    assert set(topic_catalogue()) <= covered
    assert len(bank.questions) >= 40
    assert bank.aggregation == "mean"
    assert sum(1 for q in bank.questions if q.evidence) >= 8
    assert all(rule.metric in METRIC_NAMES for q in bank.questions for rule in q.evidence)
    # Anchored options, never a bare scale: every label is a sentence, not a number.
    assert all(len(o.label.split()) >= 3 for q in bank.questions for o in q.options)
    # The README's example answers file must keep working.
    assert bank.question("entanglement-1").option("automated-checks") is not None
    assert bank.question("glue-code-1").option("partly-wrapped") is not None
    assert bank.question("feedback-1") is not None


def test_ml_test_score_is_the_rubric_exactly():
    bank = load_bank("ml-test-score")
    assert bank.aggregation == "min_section_sum"
    assert [a.id for a in bank.areas] == ["data", "model", "infra", "monitor"]
    expected = [f"{area}-{n}" for area in ("data", "model", "infra", "monitor") for n in range(1, 8)]
    assert [q.id for q in bank.questions] == expected
    for question in bank.questions:
        if question.id == "data-6":  # the paper's own measure: calendar time from idea to serving (version 2)
            assert [(o.id, o.points) for o in question.options] == [
                ("over-6-months", 0),
                ("2-to-6-months", 0.5),
                ("within-2-months", 1),
            ]
        else:
            assert [(o.id, o.points) for o in question.options] == [("none", 0), ("manual", 0.5), ("automated", 1)]
    assert [level.max for level in bank.levels] == [0, 1, 2, 3, 5, None]
    assert [bank.level_for(s).id for s in (0, 0.5, 1, 1.5, 3, 4, 5, 5.5)] == [
        bank.levels[i].id for i in (0, 1, 1, 2, 3, 4, 4, 5)
    ]


# -- any file gives problems, never an exception --------------------------------------------------------------


def test_nested_lists_where_text_is_expected_are_problems(tmp_path):
    text = (
        MEAN_BANK.replace("area: beta", "area: [[beta]]")
        .replace("[reproducibility]", "[[[x]], {a: 1}]")
        .replace("contradicts: [all]", "contradicts: [[all]]")
        .replace('op: ">="', "op: [x]")
    )
    found = problems_of(tmp_path, text)
    assert any("question b-1: unknown area [['beta']]" in p for p in found)
    assert any("question b-1: unknown topic [['x']]" in p for p in found)
    assert any("question a-1: evidence rule 1: unknown comparison ['x']" in p for p in found)
    assert any("question a-1: evidence rule 1: contradicts unknown option ['all']" in p for p in found)


def test_huge_numbers_are_problems(tmp_path):
    text = (
        MEAN_BANK.replace("{id: some, label: Some., points: 0.5}", "{id: some, label: Some., points: 1.0e+999}")
        .replace("{id: half, label: Half., points: 0.5}", "{id: half, label: Half., points: " + "9" * 401 + "}")
        .replace("max: 50", "max: 1" + "0" * 400)
        .replace("threshold: 3", "threshold: 0x" + "f" * 5_000)
        .replace("version: 1", "version: 10000000")
    )
    found = problems_of(tmp_path, text)
    assert any("question a-1: option 'some' has points inf, outside [0, 1]" in p for p in found)
    assert any("question b-1: option 'half' has points <an integer of about 402 digits>" in p for p in found)
    assert any("level 'high': max must be a number" in p for p in found)
    assert any("evidence rule 1: threshold <an integer of about 6021 digits> is not a number" in p for p in found)
    assert any("version must be a whole number from 1 to 1,000,000" in p for p in found)


def test_deep_nesting_is_a_problem_with_a_line(tmp_path):
    [problem] = problems_of(tmp_path, MEAN_BANK.replace("text: Second question?", "text: " + "[" * 5_000))
    assert re.search(r"tiny\.yaml:26: YAML syntax error: nested deeper than 32 levels$", problem)


def test_aliases_are_refused(tmp_path):
    text = MEAN_BANK.replace("topics: [entanglement]", "topics: &t [entanglement]").replace("[glue_code]", "*t")
    [problem] = problems_of(tmp_path, text)
    assert "tiny.yaml:25: YAML syntax error: aliases (*name) are not allowed" in problem


def test_a_key_given_twice_is_reported_on_the_line_that_repeats_it(tmp_path):
    text = MEAN_BANK.replace("title: Tiny bank\n", "title: Tiny bank\ntitle: Again\n")
    assert problems_of(tmp_path, text) == [f"{tmp_path / 'tiny.yaml'}:4: key 'title' given twice"]


def test_ids_longer_than_64_characters_are_refused(tmp_path):
    [problem] = problems_of(tmp_path, MEAN_BANK.replace("id: a-2", "id: " + "a" * 65))
    assert "question 2 needs an id of lower-case letters, digits and dashes" in problem


def test_a_bank_file_over_2_mb_is_refused(tmp_path):
    text = MEAN_BANK + "".join(f"# {'padding ' * 12}{n}\n" for n in range(25_000))
    assert len(text) > 2_000_000
    [problem] = problems_of(tmp_path, text)
    assert problem.endswith("tiny.yaml: the file is larger than 2 MB (2,000,000 bytes), the limit")


@pytest.mark.parametrize("name", ["a\0b", "x" * 5_000, "x" * 5_000 + ".yaml"])
def test_bank_names_no_file_system_accepts_are_bank_errors(name):
    with pytest.raises(BankError, match=r"^(unknown question bank|no question bank file at) .{0,260}$"):
        load_bank(name)


# -- a shipped bank's id is the shipped bank's --------------------------------------------------------------------


def test_a_custom_bank_cannot_take_a_shipped_bank_id(tmp_path):
    text = MEAN_BANK.replace("id: tiny", "id: sculley2015").replace("version: 1", "version: 99")
    [problem] = problems_of(tmp_path, text)
    assert problem.endswith("tiny.yaml:1: bank id sculley2015 belongs to a shipped bank: give your bank its own id")
    with pytest.raises(BankError, match="belongs to a shipped bank"):
        load_bank(str(tmp_path / "tiny.yaml"))


def test_the_shipped_file_and_an_exact_copy_keep_their_id(tmp_path):
    [shipped] = [p for p in bank_files() if p.stem == "sculley2015"]
    copy = tmp_path / "mine.yaml"
    copy.write_bytes(shipped.read_bytes())
    # `previous: {version: 1}` names the frozen version 1, which lives in archive/ beside the bank file.
    (tmp_path / "archive").mkdir()
    archived = shipped.parent / "archive" / "sculley2015.v1.yaml"
    (tmp_path / "archive" / archived.name).write_bytes(archived.read_bytes())
    assert lint_bank_file(shipped) == [] and lint_bank_file(copy) == []


# -- lint of folders ---------------------------------------------------------------------------------------------


def test_lint_of_a_folder_without_bank_files_fails(tmp_path):
    empty = tmp_path / "banks"
    empty.mkdir()
    (empty / "notes.txt").write_text("not a bank")
    result = run_cli("questions", "lint", str(empty))
    assert result.exit_code == 1
    assert result.stderr.strip() == f"Error: no bank files in {empty}"
    with pytest.raises(BankError, match="no bank files in"):
        lint_bank_paths([empty])


def test_ml_test_score_version_2_does_not_offer_na():
    bank = load_bank("ml-test-score")
    assert bank.version == 2 and not bank.offers_na
    question = bank.question("data-1")
    assert [o.id for o in bank.offered_options(question)] == ["none", "manual", "automated", "unknown"]
    assert question.option("na") is not None  # a stored na still resolves (and scores 0)
    assert load_bank("sculley2015").offers_na
    assert lint_bank_file(bank.path) == []


@pytest.mark.parametrize(("value", "shown"), [("sometimes", "'sometimes'"), ("0", "0"), ("[]", "[]")])
def test_offers_na_must_be_true_or_false(tmp_path, value, shown):
    text = MEAN_BANK.replace("aggregation: mean\n", f"aggregation: mean\noffers_na: {value}\n")
    problems = lint_bank_file(write_bank(tmp_path, text))
    assert [p.message for p in problems] == [f"offers_na must be true or false, not {shown}"]
    with pytest.raises(BankError, match="offers_na must be true or false"):
        load_bank_file(write_bank(tmp_path, text))
