"""The survey use cases both shells call: import a file, show a team, export its answers, the home overview."""

from __future__ import annotations

import pytest

from scorecard.services.answer_export import export_answer_files
from scorecard.services.show import show_team
from scorecard.services.surveys import (
    SurveyNotFound,
    import_answers_file,
    team_overviews,
)
from scorecard.store import Store
from scorecard.survey.answers_file import AnswersError

ANSWERS = """\
team: ranking
quarter: 2026Q4
bank: {bank}
answers:
  a-1: all
  b-1: {{option: half, note: "half the jobs"}}
"""


@pytest.fixture
def answers_path(tmp_path, tiny_bank_path):
    path = tmp_path / "answers.yaml"
    path.write_text(ANSWERS.format(bank=tiny_bank_path), encoding="utf-8")
    return path


def test_import_scores_with_the_files_bank_and_stores_it(tmp_path, answers_path, tiny_bank_path):
    result, scored = import_answers_file(answers_path, lambda: Store.open(tmp_path / "a.db"))
    assert (result.changed, result.survey.team, result.survey.bank_id) == (2, "ranking", "tiny")
    assert scored.bank.path == tiny_bank_path and scored.card.area_scores() == {"alpha": 100.0, "beta": 50.0}


def test_a_bad_file_never_opens_the_store(tmp_path, tiny_bank_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(f"team: ranking\nbank: {tiny_bank_path}\nanswers:\n  a-1: sometimes\n", encoding="utf-8")
    opened = []
    with pytest.raises(AnswersError, match="a-1: sometimes"):
        import_answers_file(bad, lambda: opened.append(1))  # type: ignore[arg-type,func-returns-value]
    assert opened == []


def test_show_team_finds_the_latest_survey_and_says_when_there_is_none(store, answers_path, tiny_bank_path):
    import_answers_file(answers_path, lambda: store_view(store))
    shown = show_team(store, "ranking", bank_name=str(tiny_bank_path))
    assert shown.survey.quarter == "2026Q4" and shown.card.overall == 75.0
    with pytest.raises(SurveyNotFound, match="unknown team 'search'"):
        show_team(store, "search")
    with pytest.raises(SurveyNotFound, match="no 2026Q1 tiny survey"):
        show_team(store, "ranking", "2026Q1", bank_name=str(tiny_bank_path))


def test_export_writes_back_what_was_imported(store, answers_path, tiny_bank_path):
    import_answers_file(answers_path, lambda: store_view(store))
    [exported] = export_answer_files(store, "ranking", bank_name=str(tiny_bank_path))
    text = exported.text
    assert exported.respondent is None and "a-1: all" in text and "note: half the jobs" in text


def test_the_home_overview_scores_each_teams_latest_survey(store, answers_path, tiny_bank):
    import_answers_file(answers_path, lambda: store_view(store))
    store.ensure_team("search")
    rows = {row.team: row for row in team_overviews(store, tiny_bank)}
    assert rows["search"].status == "none" and rows["search"].overall is None
    assert rows["ranking"].overall == 75.0 and rows["ranking"].status == "draft 67%"


class store_view:
    def __init__(self, store: Store) -> None:
        self.store = store

    def __enter__(self) -> Store:
        return self.store

    def __exit__(self, *exc_info: object) -> None:
        pass
