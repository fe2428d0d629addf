"""Bank versions: the archive, scoring each survey with its own version, ``previous:`` and the carry-over it
declares, and the report across a version change (scorecard.survey.bank_versions, bank_paths, bank_file)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scorecard.report import changes, trends
from scorecard.report.render import make_environment
from scorecard.services.sessions import open_session
from scorecard.store import Store
from scorecard.survey.bank_file import BankError, lint_bank_file, lint_bank_paths, load_bank, load_bank_file
from scorecard.survey.bank_paths import archive_files
from scorecard.survey.bank_versions import parse_previous
from scorecard.survey.records import AnswerInput
from tests.banks import MEAN_BANK, write_bank
from tests.history import BANK_V2, answers_of, resolver
from tests.runner import run_cli

FIXTURES = Path(__file__).parent / "fixtures"

# ---------------------------------------------------------------------------------------------------------
# A v1 database opened by this release scores exactly as it did


@pytest.mark.parametrize("key", sorted(json.loads((FIXTURES / "v1-scores.json").read_text(encoding="utf-8"))))
def test_every_v1_survey_scores_exactly_as_before(tmp_path, key):
    expected = json.loads((FIXTURES / "v1-scores.json").read_text(encoding="utf-8"))[key]
    db = tmp_path / "v1.db"
    shutil.copyfile(FIXTURES / "v1-surveys.db", db)  # opening migrates: never the fixture itself
    team, quarter, bank = key.split(" ")
    result = run_cli("show", "--team", team, "--quarter", quarter, "--bank", bank, "--json", db=db)
    assert result.exit_code == 0, result.output
    shown = json.loads(result.output)
    assert {name: shown[name] for name in expected} == expected


def test_the_shipped_archive_loads_each_old_version_and_lints_clean():
    archived = archive_files()
    assert {path.name for path in archived} >= {"sculley2015.v1.yaml", "ml-test-score.v1.yaml"}
    old = load_bank("sculley2015", 1)
    assert old.version == 1 and old.path is not None and old.path.parent.name == "archive"
    assert load_bank("sculley2015", load_bank("sculley2015").version).path == load_bank("sculley2015").path
    files, problems = lint_bank_paths([])
    assert set(archived) <= set(files) and problems == []


def test_an_unknown_version_is_a_one_line_error():
    with pytest.raises(BankError) as raised:
        load_bank("sculley2015", 7)
    message = str(raised.value)
    assert "\n" not in message and message.startswith("sculley2015 has no version 7 (versions: 1")


def test_a_survey_of_a_version_with_no_file_still_shows(tmp_path):
    db = tmp_path / "v.db"
    with Store.open(db) as store:
        store.import_answers("t", "2026Q1", "sculley2015", 7, [AnswerInput("entanglement-1", "unknown", 0.0)], True)
    result = run_cli("show", "--team", "t", "--json", db=db)
    # A version with no file scores with the bank as it is (unknown answers left out), never a traceback.
    assert result.exit_code == 0 and json.loads(result.output)["bank_version"] == 7


def test_a_copy_of_an_archive_file_elsewhere_still_may_not_take_a_shipped_id(tmp_path):
    old = (load_bank("sculley2015", 1).path or Path()).read_text(encoding="utf-8")
    edited = tmp_path / "mine.yaml"
    edited.write_text(old.replace("title:", "title: Mine", 1), encoding="utf-8")
    assert any("belongs to a shipped bank" in p.message for p in lint_bank_file(edited))


# ---------------------------------------------------------------------------------------------------------
# A tiny bank in two versions: tiny.yaml (v2) and archive/tiny.v1.yaml

V1 = MEAN_BANK.replace("Second question?", "Second question, as first worded?") + (
    """\
  - id: b-old
    area: beta
    topics: [reproducibility]
    text: Old question?
    help: {why: Because., source: Paper 5., good: Good.}
    options:
      - {id: x, label: X., points: 0.5}
      - {id: y, label: Y., points: 1}
"""
)

PREVIOUS = """\
previous:
  version: 1
  carry_over:
    a-1: {from: a-1}
    b-1: {from: b-1, options: {none: none, all: all}}
    b-2: {from: b-old, options: {y: all}}
"""


def two_versions(folder: Path, previous: str = PREVIOUS) -> Path:
    (folder / "archive").mkdir()
    write_bank(folder / "archive", V1, "tiny.v1.yaml")
    return write_bank(folder, BANK_V2.replace("aggregation: mean\n", f"aggregation: mean\n{previous}"))


def test_previous_is_parsed_into_the_bank(tmp_path):
    bank = load_bank_file(two_versions(tmp_path))
    assert bank.previous is not None and bank.previous.version == 1
    assert [(rule.question, rule.source, rule.options) for rule in bank.previous.carry_over] == [
        ("a-1", "a-1", None),
        ("b-1", "b-1", (("none", "none"), ("all", "all"))),
        ("b-2", "b-old", (("y", "all"),)),
    ]
    assert load_bank(str(tmp_path / "tiny.yaml"), 1).question("b-old") is not None


@pytest.mark.parametrize(
    ("previous", "message"),
    [
        ("previous: {version: 2}\n", "previous version must be a whole number below the bank's own (2)"),
        ("previous: {version: 1, carry_over: {a-9: {from: a-1}}}\n", "no question 'a-9' in this version"),
        ("previous: {version: 1, carry_over: {a-1: {from: b-2}}}\n", "version 1 has no question 'b-2'"),
        ("previous: {version: 1, carry_over: {b-2: {from: b-old}}}\n", "no option 'x' here (map it under options)"),
        ("previous: {version: 1, carry_over: {b-2: {from: b-old, options: {z: all}}}}\n", "has no option 'z'"),
        ("previous: {version: 1, carry_over: {a-1: {from: a-1, options: {all: most}}}}\n", "no option 'most' here"),
        ("previous: {version: 1, carry_over: {a-1: oops}}\n", "carry_over of 'a-1' needs from: an old question id"),
    ],
)
def test_previous_is_linted_against_both_versions(tmp_path, previous, message):
    problems = lint_bank_file(two_versions(tmp_path, previous))
    assert any(message in str(problem) for problem in problems), problems


IDS = st.sampled_from(["a-1", "b-old", "none", "all", " ", ""]) | st.integers() | st.none() | st.booleans()
NODES = st.recursive(
    IDS, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(IDS, inner, max_size=4), max_leaves=10
)


@given(node=st.dictionaries(st.sampled_from(["version", "carry_over"]), NODES, max_size=2) | NODES)
def test_any_previous_section_parses_or_is_a_problem_never_a_crash(node):
    problems: list[str] = []
    parsed = parse_previous(node, 2, lambda message, _at: problems.append(message))
    assert parsed is not None or problems or node is None
    assert all("\n" not in message for message in problems)


def test_previous_names_a_version_the_archive_must_hold(tmp_path):
    path = write_bank(tmp_path, BANK_V2.replace("aggregation: mean\n", f"aggregation: mean\n{PREVIOUS}"))
    problems = lint_bank_file(path)
    assert len(problems) == 1 and "previous version 1:" in str(problems[0]) and "tiny.v1.yaml" in str(problems[0])


def test_a_new_quarter_carries_v1_answers_over_as_the_mapping_says(tmp_path):
    bank = load_bank_file(two_versions(tmp_path))
    with Store.open(tmp_path / "s.db") as store:
        old = {"a-1": "some", "a-2": "all", "b-1": "half", "b-old": "y"}
        store.import_answers("t", "2026Q1", "tiny", 1, [AnswerInput(q, o, 0.5, "why") for q, o in old.items()], True)
        store.import_answers(
            "u", "2026Q1", "tiny", 1, [AnswerInput("a-1", "na", None), AnswerInput("b-1", "all", 1)], 1
        )
        session = open_session(store, bank, "t", "2026Q2")
        carried = store.answers_for(session.survey.id)
        # a-1 kept its meaning; a-2 is not mapped (asked afresh); b-1's "half" is not in its options map;
        # b-old's "y" becomes b-2's "all" with b-2's points.
        assert {q: (a.option_id, a.points, a.carried_over, a.note) for q, a in carried.items()} == {
            "a-1": ("some", 0.5, True, "why"),
            "b-2": ("all", 1.0, True, "why"),
        }
        other = store.answers_for(open_session(store, bank, "u", "2026Q2").survey.id)
        assert {q: a.option_id for q, a in other.items()} == {"a-1": "na", "b-1": "all"}


def test_na_is_not_carried_into_a_version_that_does_not_offer_it(tmp_path):
    bank = load_bank("ml-test-score")  # v2: offers_na false; its previous: maps data-1 and data-2 from v1
    assert not bank.offers_na and bank.previous is not None and bank.previous.version == 1
    with Store.open(tmp_path / "s.db") as store:
        v1 = [AnswerInput("data-1", "na", None), AnswerInput("data-2", "manual", 0.5)]
        store.import_answers("t", "2026Q3", "ml-test-score", 1, v1, complete=False)
        carried = store.answers_for(open_session(store, bank, "t", "2026Q4").survey.id)
        assert {q: a.option_id for q, a in carried.items()} == {"data-2": "manual"}  # data-1 is asked afresh


def test_the_same_version_carries_everything_and_another_version_nothing(tmp_path):
    bank = load_bank_file(two_versions(tmp_path))
    with Store.open(tmp_path / "s.db") as store:
        store.import_answers("t", "2026Q1", "tiny", 2, [AnswerInput("a-2", "all", 1.0)], True)
        assert set(store.answers_for(open_session(store, bank, "t", "2026Q2").survey.id)) == {"a-2"}
        store.import_answers("u", "2026Q1", "tiny", 3, [AnswerInput("a-2", "all", 1.0)], True)
        assert store.answers_for(open_session(store, bank, "u", "2026Q2").survey.id) == {}


# ---------------------------------------------------------------------------------------------------------
# The report across the version change


def test_the_report_scores_each_quarter_with_its_version_and_lists_what_changed(tmp_path):
    bank_for = resolver(load_bank_file(two_versions(tmp_path)))
    answers = answers_of()
    found = changes.bank_changes(answers, bank_for)
    assert found.to_numpy().tolist() == [
        ["ranking", "tiny", "2026Q3", "2026Q2", 1, 2, ("b-2",), ("b-old",), ("a-2",)],
        ["search", "tiny", "2026Q3", "2026Q1", 1, 2, ("b-2",), ("b-old",), ("a-2",)],
    ]
    areas = trends.score_frames(answers, bank_for).areas
    beta = areas[(areas["team"] == "ranking") & (areas["area"] == "beta")].set_index("quarter")["score"]
    assert beta.to_dict() == {"2026Q1": 50.0, "2026Q2": 25.0, "2026Q3": 0.0}  # v1 counts b-old: x is 0.5
    section = {"bank": load_bank_file(tmp_path / "tiny.yaml"), "bank_changes": found.to_dict("records")}
    html = make_environment().get_template("_bank_changes.html").render(section=section)
    assert "1 reworded (a-2)" in " ".join(html.split())


def test_the_shipped_sculley2015_v2_carries_v1_answers_only_where_their_meaning_is_kept():
    """Merged questions carry from the v1 question whose meaning they keep; a v1 best option that claimed less
    than the new cumulative best option is asked afresh (questions/CHANGELOG.md)."""
    from scorecard.survey.bank_versions import carry_map

    new, old = load_bank("sculley2015"), load_bank("sculley2015", 1)
    mapped = carry_map(new, old)
    assert set(mapped) == {q.id for q in new.questions} - {"monitoring-4", "process-3"}
    assert mapped["pipeline-1"][1]["designed"] == ("designed", 1.0)
    assert mapped["onboarding-1"][1]["days"] == ("two-maintainers", 1.0)
    assert "weeks-with-help" not in mapped["onboarding-1"][1]
    assert "access-controlled" not in mapped["consumers-1"][1] and mapped["consumers-1"][1]["registry"][0] == "registry"
    assert mapped["reproducibility-2"][1]["automatic"] == ("automatic", 0.75)
    assert "manual-trace" not in mapped["measuring-2"][1]
