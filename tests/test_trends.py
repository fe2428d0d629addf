"""trends.py against numbers worked out by hand (the history of :mod:`tests.history`): scores, deltas, headlines,
contradictions, and the git trends of hand-made frames."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from scorecard.quarters import quarter_window
from scorecard.report import trends
from scorecard.store import Store
from scorecard.survey.bank_file import load_bank_file
from scorecard.survey.records import AnswerInput
from scorecard.survey.scoring import score_answers
from tests.banks import MEAN_BANK, write_bank
from tests.history import SURVEYS, answers_of, history_bank, resolver


@pytest.fixture(scope="module")
def bank(tmp_path_factory):
    return history_bank(tmp_path_factory.mktemp("bank"))


@pytest.fixture(scope="module")
def answers() -> pd.DataFrame:
    return answers_of()


@pytest.fixture(scope="module")
def bank_for(bank):
    return resolver(bank)


def _by(frame: pd.DataFrame, *keys: str, value: str) -> dict:
    return {tuple(row[:-1]) if len(keys) > 1 else row[0]: row[-1] for row in frame[[*keys, value]].to_numpy().tolist()}


def test_store_rows_have_the_columns_trends_expects():
    assert tuple(trends.ANSWER_COLUMNS) == Store.SURVEY_ANSWER_COLUMNS  # one tuple, in survey/records.py


def test_store_reads_a_subset_of_teams_and_quarters_and_keeps_empty_surveys():
    with Store.memory() as store:
        store.import_answers("a", "2026Q1", "tiny", 1, [AnswerInput("a-1", "all", 1.0)], complete=False)
        store.start_survey("a", "2026Q2", "tiny", 1)  # no answers yet
        store.import_answers("b", "2026Q2", "tiny", 1, [AnswerInput("a-1", "none", 0.0)], complete=False)
        rows = store.survey_answer_rows(["a"], first_quarter="2026Q2")
        assert store.survey_answer_rows([]) == []
    assert [(r[0], r[1], r[6]) for r in rows] == [("a", "2026Q2", None)]


def test_area_scores_by_team_and_quarter(answers, bank_for):
    areas = trends.score_frames(answers, bank_for).areas
    assert _by(areas, "team", "quarter", "area", value="score") == {
        ("ranking", "2026Q1", "alpha"): 25.0,
        ("ranking", "2026Q1", "beta"): 50.0,
        ("ranking", "2026Q2", "alpha"): 50.0,
        ("ranking", "2026Q2", "beta"): 0.0,
        ("ranking", "2026Q3", "alpha"): 75.0,
        ("ranking", "2026Q3", "beta"): 0.0,
        ("search", "2026Q1", "alpha"): 50.0,
        ("search", "2026Q1", "beta"): 100.0,
        ("search", "2026Q3", "alpha"): 100.0,
        ("search", "2026Q3", "beta"): 100.0,
    }
    assert set(areas["scale_max"]) == {100.0}
    assert _by(areas[areas["area"] == "alpha"], "team", "quarter", value="bank_version") == {
        ("ranking", "2026Q1"): 1,
        ("ranking", "2026Q2"): 1,
        ("ranking", "2026Q3"): 2,
        ("search", "2026Q1"): 1,
        ("search", "2026Q3"): 2,
    }


def test_overall_scores_and_levels(answers, bank_for):
    overall = trends.score_frames(answers, bank_for).overall
    assert _by(overall, "team", "quarter", value="overall") == {
        ("ranking", "2026Q1"): 37.5,
        ("ranking", "2026Q2"): 25.0,
        ("ranking", "2026Q3"): 37.5,
        ("search", "2026Q1"): 75.0,
        ("search", "2026Q3"): 100.0,
    }
    assert _by(overall, "team", "quarter", value="level") == {
        ("ranking", "2026Q1"): "high",
        ("ranking", "2026Q2"): "high",
        ("ranking", "2026Q3"): "high",
        ("search", "2026Q1"): "low",
        ("search", "2026Q3"): "low",
    }


def test_trend_scores_equal_what_show_computes(answers, bank, bank_for):
    areas = trends.score_frames(answers, bank_for).areas
    for team, quarter, _version, chosen in SURVEYS:
        in_bank = {q: o for q, o in chosen.items() if bank.question(q) is not None}
        card = score_answers(bank, in_bank)
        mine = areas[(areas["team"] == team) & (areas["quarter"] == quarter)]
        assert dict(zip(mine["area"], mine["score"], strict=True)) == card.area_scores()


def test_deltas_compare_with_the_previous_survey_even_across_a_skipped_quarter(answers, bank_for):
    deltas = trends.with_deltas(trends.score_frames(answers, bank_for).areas, ["team", "bank_id", "area"], "score")
    latest = deltas[deltas["quarter"] == "2026Q3"]
    assert _by(latest, "team", "area", value="delta") == {
        ("ranking", "alpha"): 25.0,
        ("ranking", "beta"): 0.0,
        ("search", "alpha"): 50.0,
        ("search", "beta"): 0.0,
    }
    assert _by(latest, "team", "area", value="previous_quarter") == {
        ("ranking", "alpha"): "2026Q2",
        ("ranking", "beta"): "2026Q2",
        ("search", "alpha"): "2026Q1",
        ("search", "beta"): "2026Q1",
    }
    first = deltas[deltas["quarter"] == "2026Q1"]
    assert first["delta"].isna().all()
    ranking_q2 = deltas[(deltas["team"] == "ranking") & (deltas["quarter"] == "2026Q2")]
    assert _by(ranking_q2, "area", value="delta") == {"alpha": 25.0, "beta": -50.0}


def test_headline_names_the_level_the_gap_to_the_next_and_the_best_lift(answers, bank_for):
    lines = {h.team: h for h in trends.headlines(answers, bank_for)}
    ranking = lines["ranking"]
    assert (ranking.quarter, ranking.overall, ranking.level_label) == ("2026Q3", 37.5, "High debt")
    assert (ranking.next_level_label, ranking.next_level_above, ranking.points_to_next) == ("Low debt", 50.0, 12.5)
    assert (ranking.weakest_area, ranking.weakest_title) == ("beta", "Beta")
    # Raising b-1 from unknown to all makes beta 100 and the overall (75 + 100) / 2 = 87.5: +50.
    best = ranking.improvements[0]
    assert (best.question_id, best.from_option, best.to_option, best.gain) == ("b-1", "unknown", "all", 50.0)
    search = lines["search"]
    assert (search.overall, search.level_label, search.next_level_label, search.points_to_next) == (
        100.0,
        "Low debt",
        None,
        None,
    )


def test_contradictions_use_each_teams_latest_evidence(answers, bank_for):
    # a-1 "all" is contradicted when coupling.strong_pairs >= 3: search says all, ranking says some.
    found = trends.contradictions(
        answers, {"search": {"coupling.strong_pairs": 4.0}, "ranking": {"coupling.strong_pairs": 9.0}}, bank_for
    )
    assert found[["team", "quarter", "question_id", "option_id", "metric", "value", "rule"]].to_numpy().tolist() == [
        ["search", "2026Q3", "a-1", "all", "coupling.strong_pairs", 4.0, "coupling.strong_pairs >= 3"]
    ]
    assert found.iloc[0].message == "Coupled files." and found.iloc[0].option_label == "All."
    assert trends.contradictions(answers, {}, bank_for).empty


def test_teams_without_a_survey_this_quarter(answers):
    surveys = trends.surveys_frame(answers)
    assert trends.teams_without_survey(["ranking", "search", "new"], surveys, "2026Q3") == [("new", None)]
    # Both teams have surveyed since 2026Q2, but neither in it.
    assert trends.teams_without_survey(["ranking", "search"], surveys, "2026Q2") == [
        ("ranking", "2026Q3"),
        ("search", "2026Q3"),
    ]


def test_quarter_window_counts_back_across_years():
    assert quarter_window("2026Q2", 4) == ["2025Q3", "2025Q4", "2026Q1", "2026Q2"]
    assert quarter_window("2026q1", 1) == ["2026Q1"]


# -- git evidence, from hand-made frames -----------------------------------------------------------------------


def test_metric_trends_from_quarter_snapshots():
    metrics = trends.metrics_frame(
        {
            "ranking": {
                "2026Q1": {"flags.alive": 10.0, "config_to_code_ratio": 0.5},
                "2026Q2": {"flags.alive": 14.0, "config_to_code_ratio": None},
                "2026Q3": {"flags.alive": 9.0, "config_to_code_ratio": 0.25},
            },
            "search": {"2026Q3": {"flags.alive": 3.0}},
        }
    )
    assert len(metrics) == 6  # seven values given, and a None is not a value
    trend = trends.metric_trends(metrics, ["2026Q2", "2026Q3"])
    assert _by(trend, "team", "quarter", "metric", value="value") == {
        ("ranking", "2026Q2", "flags.alive"): 14.0,
        ("ranking", "2026Q3", "flags.alive"): 9.0,
        ("ranking", "2026Q3", "config_to_code_ratio"): 0.25,
        ("search", "2026Q3", "flags.alive"): 3.0,
    }
    deltas = _by(trend, "team", "quarter", "metric", value="delta")
    assert deltas[("ranking", "2026Q3", "flags.alive")] == -5.0
    assert math.isnan(deltas[("ranking", "2026Q2", "flags.alive")])  # Q1 is outside the window


def test_churn_by_kind_classifies_each_path():
    rows = pd.DataFrame(
        [
            ("ranking", "2026Q1", "train.py", 100),
            ("ranking", "2026Q1", "configs/model.yaml", 30),
            ("ranking", "2026Q1", "tests/test_train.py", 20),
            ("ranking", "2026Q2", "train.py", 5),
            ("ranking", "2026Q2", "serve.py", 7),
        ],
        columns=["team", "quarter", "path", "churn"],
    )
    assert trends.churn_by_kind(rows).to_numpy().tolist() == [
        ["ranking", "2026Q1", "code", 100],
        ["ranking", "2026Q1", "config", 30],
        ["ranking", "2026Q1", "test", 20],
        ["ranking", "2026Q2", "code", 12],
    ]


def test_hotspots_rank_churn_times_the_strongest_coupling():
    churn = pd.DataFrame(
        [("t", "a.py", 100), ("t", "b.py", 400), ("t", "c.py", 50), ("t", "lonely.py", 9000)],
        columns=["team", "path", "churn"],
    )
    pairs = pd.DataFrame(
        [("t", "a.py", "b.py", 0.5), ("t", "a.py", "c.py", 0.9)], columns=["team", "file_a", "file_b", "degree"]
    )
    spots = trends.hotspots(churn, pairs)
    assert spots[["path", "churn", "coupling", "partner", "hotspot"]].to_numpy().tolist() == [
        ["b.py", 400, 0.5, "a.py", 200.0],
        ["a.py", 100, 0.9, "c.py", 90.0],
        ["c.py", 50, 0.9, "a.py", 45.0],
    ]
    assert trends.hotspots(churn, pairs.iloc[0:0]).empty


def test_scale_max_column_under_min_section_sum_is_the_question_count(tmp_path):
    text = MEAN_BANK.replace("aggregation: mean", "aggregation: min_section_sum")
    sums = load_bank_file(write_bank(tmp_path, text, "sums.yaml"))
    with Store.memory() as store:
        store.import_answers("t", "2026Q1", "tiny", 1, [AnswerInput("a-1", "all", 1.0)], complete=True)
        frame = trends.answers_frame(store.survey_answer_rows())
    scores = trends.score_frames(frame, resolver(sums))
    assert _by(scores.areas, "area", value="scale_max") == {"alpha": 2.0, "beta": 1.0}
    assert scores.overall["scale_max"].tolist() == [sums.scale_max()] == [1.0]


def test_a_survey_without_answers_scores_nothing(bank_for):
    with Store.memory() as store:
        store.start_survey("empty", "2026Q1", "tiny", 2)
        frame = trends.answers_frame(store.survey_answer_rows())
    scores = trends.score_frames(frame, bank_for)
    assert scores.areas["score"].isna().all() and scores.overall["overall"].isna().all()


def test_answers_frame_of_nothing_is_empty(bank_for):
    frame = trends.answers_frame([])
    assert frame.empty and list(frame.columns) == list(trends.ANSWER_COLUMNS)


def test_old_options_the_bank_no_longer_offers_are_left_out(bank_for):
    with Store.memory() as store:
        store.import_answers(
            "t", "2026Q1", "tiny", 1, [AnswerInput("a-1", "retired", 0.7), AnswerInput("a-2", "all", 1.0)], True
        )
        frame = trends.answers_frame(store.survey_answer_rows())
    areas = trends.score_frames(frame, bank_for).areas
    assert _by(areas, "area", value="score") == {"alpha": 100.0, "beta": pytest.approx(float("nan"), nan_ok=True)}
